/**
 * Parameter importance, as Optuna Dashboard shows it, from the campaign's Gaussian-process surrogate: the
 * variance-based (Sobol) sensitivity indices of the GP's posterior mean over the search box — functional ANOVA
 * of the fitted landscape, as Optuna's fANOVA evaluator does with a random forest. For each free parameter:
 * - first-order index S_i: the share of the landscape's variance explained by that parameter alone;
 * - total index T_i: its share including every interaction with the others (T_i ≥ S_i; T_i − S_i is how much
 *   it matters only in combination).
 * Estimated with the Saltelli (2010) estimator for S_i and Jansen's for T_i on scrambled Sobol points (two
 * independent d-dimensional blocks A and B and the d hybrids A_B^(i)): N·(d + 2) evaluations of the function.
 * The mean is taken on the GP's own output scale (log R_χ when the model is logarithmic), where the landscape
 * is fitted.
 */
import { sobolEngine, sobolPoint } from '../optimize/design.ts';
import { createRng } from '../rng.ts';
import { makePrediction, predict, predictScratch } from '../optimize/gp.ts';
import type { Surrogate } from '../optimize/bo.ts';

export interface Importance {
  /** First-order Sobol index per dimension, clamped to [0, 1]. */
  readonly first: Float64Array;
  /** Total Sobol index per dimension, clamped to [0, 1]. */
  readonly total: Float64Array;
  /** Variance of the function over the box (its output units). */
  readonly variance: number;
  /** Base points N (the function was evaluated N·(d + 2) times). */
  readonly n: number;
}

/** Sobol indices of f over the unit cube [0, 1]^d. */
export function sobolIndices(f: (x: Float64Array) => number, d: number, n = 1024, seed = 1): Importance {
  if (!Number.isInteger(d) || d < 1) throw new Error(`importance needs at least one dimension, got ${d}`);
  const e = sobolEngine(2 * d, createRng(seed, 0x1a9a));
  const ab = new Float64Array(2 * d);
  const x = new Float64Array(d);
  const fA = new Float64Array(n);
  const fB = new Float64Array(n);
  const fAB = new Float64Array(n * d); // [i·d + k]: A with column k from B
  for (let i = 0; i < n; i++) {
    sobolPoint(e, i + 1, ab); // index 0 is the corner point 0…0: skip it
    for (let k = 0; k < d; k++) x[k] = ab[k];
    fA[i] = f(x);
    for (let k = 0; k < d; k++) x[k] = ab[d + k];
    fB[i] = f(x);
    for (let k = 0; k < d; k++) {
      for (let j = 0; j < d; j++) x[j] = ab[j];
      x[k] = ab[d + k];
      fAB[i * d + k] = f(x);
    }
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += fA[i] + fB[i];
  mean /= 2 * n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (fA[i] - mean) ** 2 + (fB[i] - mean) ** 2;
  variance /= 2 * n - 1;
  const first = new Float64Array(d);
  const total = new Float64Array(d);
  if (variance > 0)
    for (let k = 0; k < d; k++) {
      let s = 0;
      let t = 0;
      for (let i = 0; i < n; i++) {
        const fab = fAB[i * d + k];
        s += fB[i] * (fab - fA[i]);
        t += (fA[i] - fab) ** 2;
      }
      first[k] = Math.min(1, Math.max(0, s / n / variance));
      total[k] = Math.min(1, Math.max(0, t / (2 * n) / variance));
    }
  return { first, total, variance, n };
}

/** Sobol indices of a fitted surrogate's posterior mean over the unit cube (GP output units). */
export function surrogateImportance(sur: Surrogate, n = 512, seed = 1): Importance {
  const gp = sur.gp;
  const sc = predictScratch(gp);
  const p = makePrediction(gp.d);
  return sobolIndices((x) => predict(gp, x, p, sc, false).mean, gp.d, n, seed);
}
