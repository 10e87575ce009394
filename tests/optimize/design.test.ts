import { describe, expect, it } from 'vitest';
import { centeredL2Discrepancy, latinHypercube, SOBOL_MAX_DIM, sobolEngine, sobolPoint, sobolPoints } from '../../src-worker/optimize/design.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';

describe('Sobol sequence', () => {
  it('reproduces SciPy’s unscrambled Joe–Kuo sequence in all 64 dimensions', () => {
    // scipy.stats.qmc.Sobol(64, scramble=False).random(1030): rows 5 and 1029 (fixture numbers, not our output).
    const row5 = Array.from(sobolPoints(64, 6, null).subarray(5 * 64, 5 * 64 + 8));
    expect(row5).toEqual([0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375]);
    const row1029 = Array.from(sobolPoints(64, 1, null, 1029));
    expect(row1029).toEqual([0.87646484375, 0.50146484375, 0.32275390625, 0.11181640625, 0.43212890625, 0.46923828125, 0.86669921875, 0.96240234375, 0.82177734375, 0.54638671875, 0.69677734375, 0.04638671875, 0.33154296875, 0.46337890625, 0.75732421875, 0.73193359375, 0.22998046875, 0.32275390625, 0.91357421875, 0.97119140625, 0.14990234375, 0.74755859375, 0.20068359375, 0.87841796875, 0.68115234375, 0.31884765625, 0.13525390625, 0.96435546875, 0.93994140625, 0.66845703125, 0.11962890625, 0.34130859375, 0.00341796875, 0.66845703125, 0.07177734375, 0.54541015625, 0.97314453125, 0.07373046875, 0.85693359375, 0.49951171875, 0.04443359375, 0.20751953125, 0.42431640625, 0.51708984375, 0.03271484375, 0.72900390625, 0.03271484375, 0.64404296875, 0.36474609375, 0.95166015625, 0.13037109375, 0.63525390625, 0.55029296875, 0.04736328125, 0.45361328125, 0.57177734375, 0.78955078125, 0.39990234375, 0.25537109375, 0.00537109375, 0.67626953125, 0.23193359375, 0.81787109375, 0.34130859375]);
    expect(SOBOL_MAX_DIM).toBeGreaterThanOrEqual(21);
    expect(() => sobolEngine(SOBOL_MAX_DIM + 1, null)).toThrow(/at most/);
  });

  it('scrambled: the first 2^m points stay perfectly stratified (a (t, m, s)-net)', () => {
    const m = 7;
    const n = 1 << m;
    const d = 21;
    const X = sobolPoints(d, n, 42);
    // Every 1-D projection: one point in each interval [k/n, (k+1)/n).
    for (let k = 0; k < d; k++) {
      const cells = new Set<number>();
      for (let i = 0; i < n; i++) cells.add(Math.floor(X[i * d + k] * n));
      expect(cells.size, `dimension ${k}`).toBe(n);
    }
    // Dimensions 1 and 2 form a (0, m, 2)-net: every 2^a × 2^(m−a) elementary box holds exactly one point.
    for (let a = 0; a <= m; a++) {
      const cells = new Set<number>();
      for (let i = 0; i < n; i++) cells.add(Math.floor(X[i * d] * 2 ** a) * 2 ** (m - a) + Math.floor(X[i * d + 1] * 2 ** (m - a)));
      expect(cells.size, `boxes 2^${a} × 2^${m - a}`).toBe(n);
    }
  });

  it('is seeded: same seed, same points; another seed, other points; point i is a pure function of i', () => {
    expect(Array.from(sobolPoints(5, 10, 3))).toEqual(Array.from(sobolPoints(5, 10, 3)));
    expect(Array.from(sobolPoints(5, 10, 3))).not.toEqual(Array.from(sobolPoints(5, 10, 4)));
    const e = sobolEngine(5, createRng(9));
    const p = new Float64Array(5);
    sobolPoint(e, 37, p);
    const all = new Float64Array(40 * 5);
    for (let i = 0; i < 40; i++) sobolPoint(e, i, all, i * 5);
    expect(Array.from(p)).toEqual(Array.from(all.subarray(37 * 5, 38 * 5)));
    for (const v of sobolPoints(5, 100, 3)) expect(v >= 0 && v < 1).toBe(true);
  });
});

describe('Latin hypercube', () => {
  it('puts exactly one point in every stratum of every dimension', () => {
    const n = 50;
    const d = 7;
    const X = latinHypercube(d, n, createRng(1));
    for (let k = 0; k < d; k++) {
      const cells = new Set<number>();
      for (let i = 0; i < n; i++) cells.add(Math.floor(X[i * d + k] * n));
      expect(cells.size).toBe(n);
    }
  });
});

describe('coverage', () => {
  it('centred L2 discrepancy: scrambled Sobol < Latin hypercube < plain random (7-D, 128 points, 5 seeds)', () => {
    const n = 128;
    const d = 7;
    let sob = 0;
    let lhs = 0;
    let rnd = 0;
    for (let seed = 1; seed <= 5; seed++) {
      sob += centeredL2Discrepancy(sobolPoints(d, n, seed), n, d);
      lhs += centeredL2Discrepancy(latinHypercube(d, n, createRng(seed)), n, d);
      const r = createRng(100 + seed);
      rnd += centeredL2Discrepancy(Float64Array.from({ length: n * d }, () => uniform(r)), n, d);
    }
    expect(sob).toBeLessThan(0.6 * lhs);
    expect(lhs).toBeLessThan(rnd);
  });
});
