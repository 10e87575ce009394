import { describe, expect, it } from 'vitest';
import {
  erfc,
  erfcx,
  expectedImprovement,
  logEiH,
  logEiWithGrad,
  logExpectedImprovement,
  logNormCdf,
  logProbitWithGrad,
  normCdf,
} from '../../src-worker/optimize/acquisition.ts';

describe('normal-distribution helpers', () => {
  it('erfc and erfcx agree with SciPy to ~1e-13 relative', () => {
    const ref: [number, number][] = [
      [0, 1],
      [0.3, 0.6713732405408726],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028516],
      [1.9, 0.007209570764742531],
      [2, 0.004677734981047266],
      [2.5, 0.00040695201744495886],
      [3, 2.2090496998585445e-5],
      [5, 1.5374597944280347e-12],
      [10, 2.0884875837625446e-45],
      [26, 5.663192408856145e-296],
      [-1, 1.8427007929497148],
      [-3, 1.9999779095030015],
    ];
    for (const [x, v] of ref) expect(Math.abs(erfc(x) - v) / v, `erfc(${x})`).toBeLessThan(1e-13);
    const refx: [number, number][] = [
      [0.5, 0.6156903441929258],
      [2, 0.2553956763105058],
      [10, 0.05614099274382259],
      [100, 0.005641613782989433],
      [-2, 108.94090438997797],
    ];
    for (const [x, v] of refx) expect(Math.abs(erfcx(x) - v) / v, `erfcx(${x})`).toBeLessThan(2e-14);
  });

  it('log Φ stays finite and accurate where Φ underflows', () => {
    expect(logNormCdf(0)).toBeCloseTo(Math.log(0.5), 15);
    expect(logNormCdf(-5)).toBeCloseTo(Math.log(normCdf(-5)), 12);
    // Mills-ratio asymptote: log Φ(z) ≈ −z²/2 − log(−z√(2π)) for z → −∞.
    const z = -1000;
    expect(logNormCdf(z)).toBeCloseTo(-0.5 * z * z - Math.log(-z * Math.sqrt(2 * Math.PI)), 5);
  });
});

describe('expected improvement (paper Eq. 5, minimisation)', () => {
  /** E[max(best − Y, 0)], Y ~ N(μ, σ²), by Simpson's rule from μ − 12σ up to the kink at best: independent of the closed form. */
  function eiByQuadrature(mu: number, sd: number, best: number): number {
    const n = 20000;
    const a = mu - 12 * sd;
    const b = best;
    if (b <= a) return 0;
    const h = (b - a) / n;
    let s = 0;
    for (let i = 0; i <= n; i++) {
      const y = a + i * h;
      const f = Math.max(best - y, 0) * Math.exp(-0.5 * ((y - mu) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
      s += f * (i === 0 || i === n ? 1 : i % 2 ? 4 : 2);
    }
    return (s * h) / 3;
  }

  it('equals the expectation it stands for', () => {
    for (const [mu, sd, best] of [
      [0.1, 0.02, 0.09],
      [0.1, 0.02, 0.11],
      [0.1, 0.02, 0.1],
      [1, 0.5, -0.5],
      [-2, 3, 0],
    ]) {
      const ei = expectedImprovement(mu, sd, best);
      expect(Math.abs(ei - eiByQuadrature(mu, sd, best))).toBeLessThan(1e-9 * Math.max(1, sd));
      const z = (best - mu) / sd;
      expect(ei).toBeCloseTo((best - mu) * normCdf(z) + sd * (Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI)), 14);
    }
  });

  it('is zero for σ = 0 and grows with σ and with the margin below the incumbent', () => {
    expect(expectedImprovement(0.05, 0, 0.1)).toBe(0);
    expect(expectedImprovement(0.1, 0.02, 0.1)).toBeLessThan(expectedImprovement(0.1, 0.04, 0.1));
    expect(expectedImprovement(0.12, 0.02, 0.1)).toBeLessThan(expectedImprovement(0.11, 0.02, 0.1));
  });

  it('log-EI equals log(EI) where representable and stays finite and monotone in the far tail', () => {
    for (const [mu, sd, best] of [
      [0.1, 0.02, 0.09],
      [0.3, 0.02, 0.1],
      [0.1, 0.5, 0.2],
    ]) {
      expect(logExpectedImprovement(mu, sd, best)).toBeCloseTo(Math.log(expectedImprovement(mu, sd, best)), 10);
    }
    expect(expectedImprovement(100, 1, 0)).toBe(0); // underflows…
    const far = logExpectedImprovement(100, 1, 0); // …its logarithm does not
    expect(Number.isFinite(far)).toBe(true);
    expect(far).toBeLessThan(logExpectedImprovement(90, 1, 0));
    // Asymptote of log h(z) = log(φ(z) + zΦ(z)): −z²/2 − log√(2π) − 2 log|z| for z → −∞.
    const z = -1e4;
    expect(logEiH(z)).toBeCloseTo(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z), 3);
    let prev = -Infinity;
    for (let zz = -60; zz <= 5; zz += 0.25) {
      const v = logEiH(zz);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });

  it('log-EI and log-probit derivatives match finite differences', () => {
    const out = { value: 0, dMean: 0, dVar: 0 };
    const val = (m: number, v: number): number => {
      const o = { value: 0, dMean: 0, dVar: 0 };
      logEiWithGrad(m, v, 0.1, o);
      return o.value;
    };
    for (const [m, v] of [
      [0.12, 4e-4],
      [0.3, 1e-4],
      [0.05, 1e-2],
    ]) {
      logEiWithGrad(m, v, 0.1, out);
      const h = 1e-7;
      expect(out.dMean).toBeCloseTo((val(m + h, v) - val(m - h, v)) / (2 * h), 3);
      expect(out.dVar / (val(m, v * (1 + 1e-6)) - val(m, v * (1 - 1e-6))) * (2e-6 * v)).toBeCloseTo(1, 4);
    }
    const pv = (m: number, s2: number): number => {
      const o = { value: 0, dMean: 0, dVar: 0 };
      logProbitWithGrad(m, s2, o);
      return o.value;
    };
    for (const [m, s2] of [
      [-1.5, 0.3],
      [2, 4],
      [-30, 1],
    ]) {
      logProbitWithGrad(m, s2, out);
      const h = 1e-6;
      expect(out.dMean).toBeCloseTo((pv(m + h, s2) - pv(m - h, s2)) / (2 * h), 4);
      expect(out.dVar).toBeCloseTo((pv(m, s2 + h) - pv(m, s2 - h)) / (2 * h), 4);
    }
  });
});
