import { describe, expect, it } from 'vitest';
import { classifierModel, classifierObjective, fitClassifierHyper, type ClassifierData } from '../../src-worker/optimize/classifier.ts';
import { logProbitWithGrad } from '../../src-worker/optimize/acquisition.ts';
import { makePrediction, predict, predictScratch } from '../../src-worker/optimize/gp.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';

/** n random points of the unit square labelled by a failure region: x + y < t fails (−1). */
function labelled(n: number, t: number, seed: number): ClassifierData {
  const r = createRng(seed);
  const X = new Float64Array(2 * n);
  const label = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = uniform(r);
    X[2 * i + 1] = uniform(r);
    label[i] = X[2 * i] + X[2 * i + 1] < t ? -1 : 1;
  }
  return { X, label, n, d: 2 };
}

const pOk = (m: ReturnType<typeof classifierModel>, x: number[]): number => {
  const p = predict(m, x, makePrediction(2), predictScratch(m), false);
  const out = { value: 0, dMean: 0, dVar: 0 };
  logProbitWithGrad(p.mean, p.variance, out);
  return Math.exp(out.value);
};

describe('feasibility classifier (probit GP, EP)', () => {
  it('has the analytic gradient of its log posterior', () => {
    const data = labelled(25, 0.9, 1);
    const h = { logLengthScales: [Math.log(0.3), Math.log(0.5)], logOutputScale: Math.log(3), mean: 0.4 };
    const g = new Float64Array(4);
    classifierObjective(data, h, g);
    const theta = [...h.logLengthScales, h.logOutputScale, h.mean];
    for (let j = 0; j < 4; j++) {
      const f = (e: number): number => {
        const t = [...theta];
        t[j] += e;
        return classifierObjective(data, { logLengthScales: t.slice(0, 2), logOutputScale: t[2], mean: t[3] }, null);
      };
      const fd = (f(1e-5) - f(-1e-5)) / 2e-5;
      expect(Math.abs(g[j] - fd), `θ_${j}`).toBeLessThan(1e-4 * (1 + Math.abs(fd)));
    }
  });

  it('learns the boundary, and far from data believes the box fails as often as it did', () => {
    // Two thirds of the square fail (x + y < 1.15): inside the failures p is small, above the boundary large.
    const data = labelled(60, 1.15, 2);
    const h = fitClassifierHyper(data, createRng(3));
    const m = classifierModel(data, h);
    expect(pOk(m, [0.1, 0.1])).toBeLessThan(0.1);
    expect(pOk(m, [0.95, 0.95])).toBeGreaterThan(0.9);
    expect(h.mean).toBeLessThan(0); // the latent prior mean says "fails" where nothing is known
    // A box that mostly succeeds gets the opposite prior.
    const easy = fitClassifierHyper(labelled(60, 0.25, 2), createRng(3));
    expect(easy.mean).toBeGreaterThan(h.mean);
  });
});
