import { describe, expect, it } from 'vitest';
import { matern52, matern52Grad, kernelVectorGrad } from '../../src-worker/optimize/kernel.ts';
import {
  addFantasy,
  batchScratch,
  buildGp,
  clearFactorMemo,
  clearFantasies,
  fitGp,
  kernelFactor,
  makePrediction,
  negLogMarginal,
  posterior,
  predict,
  predictBatch,
  predictScratch,
  type GpHyper,
} from '../../src-worker/optimize/gp.ts';
import { createRng, normal, uniform } from '../../src-worker/rng.ts';

describe('Matérn 5/2 kernel', () => {
  it('has the textbook values and gradients', () => {
    expect(matern52(0)).toBe(1);
    expect(matern52(1)).toBeCloseTo((1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)), 15);
    for (const r of [0.1, 0.7, 2.3]) {
      const h = 1e-6;
      const fd = -(matern52(r + h) - matern52(r - h)) / (2 * h) / r; // (−1/r)·dk/dr
      expect(matern52Grad(r)).toBeCloseTo(fd, 7);
    }
  });

  it('gradient in the query point matches finite differences', () => {
    const d = 3;
    const X = Float64Array.from([0.1, 0.2, 0.3, 0.8, 0.5, 0.4]);
    const w = Float64Array.from([4, 9, 1]);
    const q = Float64Array.from([0.35, 0.45, 0.6]);
    const k = new Float64Array(2);
    const dk = new Float64Array(2 * d);
    kernelVectorGrad(X, 2, d, q, 0, w, 1.7, k, dk);
    for (let t = 0; t < d; t++) {
      const h = 1e-6;
      const kp = new Float64Array(2);
      const km = new Float64Array(2);
      const qp = Float64Array.from(q);
      const qm = Float64Array.from(q);
      qp[t] += h;
      qm[t] -= h;
      kernelVectorGrad(X, 2, d, qp, 0, w, 1.7, kp, new Float64Array(2 * d));
      kernelVectorGrad(X, 2, d, qm, 0, w, 1.7, km, new Float64Array(2 * d));
      for (let j = 0; j < 2; j++) expect(dk[j * d + t]).toBeCloseTo((kp[j] - km[j]) / (2 * h), 7);
    }
  });
});

describe('GP posterior', () => {
  it('matches a hand-computed 3-point case', () => {
    // x = 0, 0.5, 1; y = 1, −1, 0.5; ℓ = 0.4, s² = 2, noise 0.01; prior mean = mean(y).
    const X = Float64Array.from([0, 0.5, 1]);
    const y = Float64Array.from([1, -1, 0.5]);
    const hyper: GpHyper = { logLengthScales: [Math.log(0.4)], logOutputScale: Math.log(2), logNoise: Math.log(0.01) };
    const m = buildGp(X, y, 3, 1, Float64Array.from([0.01, 0.01, 0.01]), hyper);
    const mean = new Float64Array(1);
    const v = new Float64Array(1);
    posterior(m, Float64Array.from([0.25]), 1, mean, v);
    // Independently: explicit 3×3 inverse by cofactors.
    const k = (a: number, b: number): number => 2 * matern52(Math.abs(a - b) / 0.4);
    const xs = [0, 0.5, 1];
    const K = xs.map((a, i) => xs.map((b, j) => k(a, b) + (i === j ? 0.01 : 0)));
    const det = K[0][0] * (K[1][1] * K[2][2] - K[1][2] * K[2][1]) - K[0][1] * (K[1][0] * K[2][2] - K[1][2] * K[2][0]) + K[0][2] * (K[1][0] * K[2][1] - K[1][1] * K[2][0]);
    const cof = (i: number, j: number): number => {
      const r = [0, 1, 2].filter((t) => t !== i);
      const c = [0, 1, 2].filter((t) => t !== j);
      return (((i + j) % 2 ? -1 : 1) * (K[r[0]][c[0]] * K[r[1]][c[1]] - K[r[0]][c[1]] * K[r[1]][c[0]]));
    };
    const Kinv = [0, 1, 2].map((i) => [0, 1, 2].map((j) => cof(j, i) / det));
    const ks = xs.map((a) => k(a, 0.25));
    const ybar = (1 - 1 + 0.5) / 3;
    const r = [1 - ybar, -1 - ybar, 0.5 - ybar];
    let mu = ybar;
    let q = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      mu += ks[i] * Kinv[i][j] * r[j];
      q += ks[i] * Kinv[i][j] * ks[j];
    }
    expect(mean[0]).toBeCloseTo(mu, 12);
    expect(v[0]).toBeCloseTo(2 - q, 12);
    // and the same numbers from NumPy (np.linalg.solve): an outside check of the formula itself
    expect(mean[0]).toBeCloseTo(-0.09890526331224644, 12);
    expect(v[0]).toBeCloseTo(0.3581335359205913, 12);
  });

  it('prediction gradients match finite differences, with and without fantasies', () => {
    const r = createRng(3);
    const n = 25;
    const d = 3;
    const X = Float64Array.from({ length: n * d }, () => uniform(r));
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(5 * X[i * d]) + X[i * d + 1] ** 2);
    const hyper: GpHyper = { logLengthScales: [Math.log(0.3), Math.log(0.5), Math.log(0.8)], logOutputScale: 0, logNoise: Math.log(1e-4) };
    const m = buildGp(X, y, n, d, new Float64Array(n).fill(1e-4), hyper, 2);
    const sc = predictScratch(m);
    const check = (): void => {
      const x = Float64Array.from([0.3, 0.6, 0.2]);
      const p = predict(m, x, makePrediction(d), sc, true);
      const dm = Float64Array.from(p.dMean);
      const dv = Float64Array.from(p.dVar);
      for (let t = 0; t < d; t++) {
        const h = 1e-6;
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[t] += h;
        xm[t] -= h;
        const a = predict(m, xp, makePrediction(d), sc, false);
        const pa = { mean: a.mean, variance: a.variance };
        const b = predict(m, xm, makePrediction(d), sc, false);
        expect(dm[t]).toBeCloseTo((pa.mean - b.mean) / (2 * h), 6);
        expect(dv[t]).toBeCloseTo((pa.variance - b.variance) / (2 * h), 6);
      }
    };
    check();
    const before = predict(m, [0.31, 0.62, 0.2], makePrediction(d), sc, false);
    const b0 = { mean: before.mean, variance: before.variance };
    expect(addFantasy(m, [0.3, 0.6, 0.2], sc)).toBe(true);
    const after = predict(m, [0.31, 0.62, 0.2], makePrediction(d), sc, false);
    expect(after.mean).toBe(b0.mean); // Kriging believer: the mean is unchanged…
    expect(after.variance).toBeLessThan(0.2 * b0.variance); // …the variance next to the fantasy collapses
    check();
    // The batched prediction (one pass over the factor for several points) is bitwise the single one.
    const xs = [Float64Array.from([0.1, 0.2, 0.3]), Float64Array.from([0.9, 0.5, 0.4]), Float64Array.from([0.3, 0.6, 0.21])];
    const outs = xs.map(() => makePrediction(d));
    predictBatch(m, xs, outs, batchScratch(m, 4));
    xs.forEach((x, b) => {
      const one = predict(m, x, makePrediction(d), sc, true);
      expect(outs[b].mean).toBe(one.mean);
      expect(outs[b].variance).toBe(one.variance);
      expect(Array.from(outs[b].dMean)).toEqual(Array.from(one.dMean));
      expect(Array.from(outs[b].dVar)).toEqual(Array.from(one.dVar));
    });
    clearFantasies(m);
    expect(predict(m, [0.31, 0.62, 0.2], makePrediction(d), sc, false).variance).toBe(b0.variance);
  });
});

describe('GP fit', () => {
  it('log marginal likelihood gradient matches finite differences', () => {
    const r = createRng(11);
    const n = 20;
    const d = 2;
    const X = Float64Array.from({ length: n * d }, () => uniform(r));
    const y = Float64Array.from({ length: n }, (_, i) => Math.cos(4 * X[i * d]) - X[i * d + 1] + 0.05 * normal(r));
    const noise = { scale: new Float64Array(n).fill(1), fixed: new Float64Array(n).fill(1e-4) };
    for (const prior of [false, true]) {
      const theta = Float64Array.from([Math.log(0.3), Math.log(0.7), Math.log(1.3), Math.log(0.01)]);
      const g = new Float64Array(4);
      negLogMarginal(X, y, n, d, noise, theta, true, g, prior);
      for (let t = 0; t < 4; t++) {
        const h = 1e-6;
        const tp = Float64Array.from(theta);
        const tm = Float64Array.from(theta);
        tp[t] += h;
        tm[t] -= h;
        const fd = (negLogMarginal(X, y, n, d, noise, tp, true, null, prior) - negLogMarginal(X, y, n, d, noise, tm, true, null, prior)) / (2 * h);
        expect(g[t]).toBeCloseTo(fd, 5);
      }
    }
  });

  it('learns a noise level and length-scales of the right size', () => {
    const r = createRng(5);
    const n = 80;
    const X = Float64Array.from({ length: n }, () => uniform(r));
    const sdNoise = 0.05;
    const y = Float64Array.from(X, (x) => Math.sin(6 * x) + sdNoise * normal(r));
    const m = fitGp(X, y, null, 1);
    const learnedSd = Math.sqrt(m.noiseVar);
    expect(learnedSd).toBeGreaterThan(sdNoise / 2);
    expect(learnedSd).toBeLessThan(sdNoise * 2);
    const ls = Math.exp(m.hyper.logLengthScales[0]);
    expect(ls).toBeGreaterThan(0.05);
    expect(ls).toBeLessThan(1);
    const mean = new Float64Array(1);
    const v = new Float64Array(1);
    posterior(m, Float64Array.from([0.4]), 1, mean, v);
    expect(Math.abs(mean[0] - Math.sin(2.4))).toBeLessThan(3 * Math.sqrt(v[0]) + 0.02);
  });

  it('uses known per-point variances as they are', () => {
    const X = Float64Array.from([0.1, 0.5, 0.9]);
    const y = Float64Array.from([1, 2, 1.5]);
    const yVar = Float64Array.from([0.01, 0.04, 0.09]);
    const m = fitGp(X, y, yVar, 2);
    expect(Array.from(m.noise)).toEqual([0.01, 0.04, 0.09]);
  });

  it('is numerically stable at 2000 points, and an extended factor equals a fresh one bitwise', () => {
    const r = createRng(9);
    const n = 2000;
    const d = 7;
    const X = Float64Array.from({ length: (n + 3) * d }, () => uniform(r));
    const y = Float64Array.from({ length: n + 3 }, (_, i) => X[i * d] + Math.sin(3 * X[i * d + 1]));
    // Long length-scales and a noise floor of 1e-6·s²: a badly conditioned kernel matrix.
    const hyper: GpHyper = { logLengthScales: new Array(d).fill(Math.log(1.5)), logOutputScale: 0, logNoise: Math.log(1e-6) };
    const noise = new Float64Array(n + 3).fill(1e-6);
    clearFactorMemo();
    const m = buildGp(X, y, n, d, noise, hyper);
    expect(m.chol.jitter).toBeLessThan(1e-8);
    const mean = new Float64Array(n);
    const v = new Float64Array(n);
    posterior(m, X, 50, mean, v);
    for (let i = 0; i < 50; i++) {
      expect(v[i]).toBeGreaterThanOrEqual(0);
      expect(v[i]).toBeLessThan(1e-5);
      expect(Math.abs(mean[i] - y[i])).toBeLessThan(1e-3);
    }
    // The memo extends the 2000-row factor by three rows; a cold factorisation must agree bit for bit.
    const w = Float64Array.from(m.w);
    const warm = kernelFactor(X, n + 3, d, w, 1, noise, 0);
    clearFactorMemo();
    const cold = kernelFactor(X, n + 3, d, w, 1, noise, 0);
    for (let i = n - 2; i < n + 3; i++) for (let j = 0; j <= i; j++) expect(warm.L[i * warm.stride + j]).toBe(cold.L[i * cold.stride + j]);
  });
});
