/**
 * Maximise an acquisition function over the unit cube [0,1]^d: screen many candidates (scrambled Sobol points
 * plus Gaussian perturbations of promising points), then refine the best few by projected L-BFGS with the
 * analytic gradient (BoTorch's raw_samples + num_restarts scheme). Knows nothing about GPs: only "a function
 * on [0,1]^d with a gradient". Deterministic given the rng.
 */
import { normal, nextUint32, type Rng } from '../rng.ts';
import { sobolEngine, sobolPoint } from './design.ts';
import { minimizeBox, minimizeBoxBatch, type MinimizeResult } from './minimize.ts';

export interface Acquisition {
  readonly d: number;
  /** Value at x (higher is better; −∞ allowed). */
  value(x: Float64Array): number;
  /** Value at x and its gradient into g. */
  valueGrad(x: Float64Array, g: Float64Array): number;
  /** Optional cheap upper bound on value(x): candidates are then screened by it and evaluated exactly only while they can still beat the best found. */
  bound?(x: Float64Array): number;
  /** Optional batched valueGrad (same results): the refinement restarts then run in lock-step. */
  valueGradBatch?(xs: readonly Float64Array[], gs: readonly Float64Array[], out: Float64Array): void;
}

export interface MaximizeOptions {
  readonly rawSamples: number;
  /** Centres of local candidate clouds (e.g. the best observed points) and how many candidates around each. */
  readonly centers?: readonly ArrayLike<number>[];
  readonly perCenter?: number;
  readonly centerSd?: number; // default 0.05
  readonly restarts: number;
  readonly maxIter: number;
  /** The box searched (default the unit cube): a trust region's. Candidates and refinement stay inside it. */
  readonly lower?: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
  /** Points that may be proposed at all (the physics screen); others are never returned. */
  readonly feasible?: (x: Float64Array) => boolean;
}

export interface MaximizeResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
}

/** The best point found; ties and −∞ everywhere resolve to the first candidate (deterministic). */
export function maximizeAcquisition(acq: Acquisition, rng: Rng, o: MaximizeOptions): MaximizeResult {
  const d = acq.d;
  const perCenter = o.perCenter ?? 0;
  const centers = o.centers ?? [];
  const nCand = o.rawSamples + centers.length * perCenter;
  const cand = new Float64Array(nCand * d);
  const eng = sobolEngine(d, rng);
  // A random starting index decorrelates successive calls that share a scrambling by chance.
  const offset = nextUint32(rng) & 0xffff;
  const lo = new Float64Array(d);
  const hi = new Float64Array(d).fill(1);
  for (let k = 0; k < d; k++) {
    if (o.lower) lo[k] = Math.max(0, o.lower[k]);
    if (o.upper) hi[k] = Math.min(1, o.upper[k]);
  }
  for (let i = 0; i < o.rawSamples; i++) {
    sobolPoint(eng, offset + i, cand, i * d);
    for (let k = 0; k < d; k++) cand[i * d + k] = lo[k] + (hi[k] - lo[k]) * cand[i * d + k];
  }
  // Local clouds scale with the box (a trust region's is small), never wider than the default spread.
  let width = 0;
  for (let k = 0; k < d; k++) width = Math.max(width, hi[k] - lo[k]);
  const sd = (o.centerSd ?? 0.05) * Math.min(1, width);
  let row = o.rawSamples;
  for (const c of centers) {
    for (let j = 0; j < perCenter; j++, row++) {
      for (let k = 0; k < d; k++) {
        const v = c[k] + sd * normal(rng);
        cand[row * d + k] = v < lo[k] ? lo[k] : v > hi[k] ? hi[k] : v;
      }
    }
  }
  // Infeasible candidates are never evaluated (value −∞); with a bound they are skipped too.
  const ok = new Uint8Array(nCand).fill(1);
  if (o.feasible) {
    const z = new Float64Array(d);
    for (let i = 0; i < nCand; i++) {
      for (let k = 0; k < d; k++) z[k] = cand[i * d + k];
      ok[i] = o.feasible(z) ? 1 : 0;
    }
  }
  // Exact values of the candidates. With a bound, candidates are visited in decreasing bound order and the
  // visit stops once the next bound is below the restarts-th best exact value: the same top candidates as
  // evaluating all of them, at a fraction of the cost when exact values are expensive.
  const vals = new Float64Array(nCand).fill(-Infinity);
  const x = new Float64Array(d);
  let evals = 0;
  const exactAt = (i: number): void => {
    if (!ok[i]) return;
    for (let k = 0; k < d; k++) x[k] = cand[i * d + k];
    const v = acq.value(x);
    vals[i] = Number.isNaN(v) ? -Infinity : v;
    evals++;
  };
  if (acq.bound) {
    const ub = new Float64Array(nCand);
    for (let i = 0; i < nCand; i++) {
      for (let k = 0; k < d; k++) x[k] = cand[i * d + k];
      const b = ok[i] ? acq.bound(x) : -Infinity;
      ub[i] = Number.isNaN(b) ? Infinity : b;
    }
    const byBound = Array.from({ length: nCand }, (_, i) => i).sort((a, b) => ub[b] - ub[a] || a - b);
    const top: number[] = []; // best exact values so far, descending, at most `restarts`
    for (const i of byBound) {
      if (top.length >= o.restarts && ub[i] < top[top.length - 1]) break;
      exactAt(i);
      const v = vals[i];
      if (top.length < o.restarts || v > top[top.length - 1]) {
        top.push(v);
        top.sort((a, b) => b - a);
        if (top.length > o.restarts) top.pop();
      }
    }
  } else for (let i = 0; i < nCand; i++) exactAt(i);
  const order = Array.from({ length: nCand }, (_, i) => i).sort((a, b) => vals[b] - vals[a] || a - b);
  // Starts: the best candidates, skipping near-duplicates so the restarts explore different peaks.
  const starts: number[] = [];
  for (const i of order) {
    if (starts.length >= o.restarts) break;
    let dup = false;
    for (const j of starts) {
      let dist = 0;
      for (let k = 0; k < d; k++) dist = Math.max(dist, Math.abs(cand[i * d + k] - cand[j * d + k]));
      if (dist < 1e-3) {
        dup = true;
        break;
      }
    }
    if (!dup) starts.push(i);
  }
  let best: Float64Array = cand.slice(order[0] * d, order[0] * d + d);
  let bestV = vals[order[0]];
  const neg = (z: Float64Array, g: Float64Array): number => {
    evals++;
    const v = acq.valueGrad(z, g);
    for (let k = 0; k < d; k++) g[k] = -g[k];
    return -v;
  };
  const live = starts.filter((i) => vals[i] > -Infinity);
  const opts = { maxIter: o.maxIter, gtol: 1e-7, ftol: 1e-9, initialStep: 0.02 };
  let refined: MinimizeResult[];
  if (acq.valueGradBatch && live.length > 1) {
    const batch = acq.valueGradBatch.bind(acq);
    const negBatch = (xs: readonly Float64Array[], gs: readonly Float64Array[], out: Float64Array): void => {
      evals += xs.length;
      batch(xs, gs, out);
      for (let b = 0; b < xs.length; b++) {
        out[b] = -out[b];
        for (let k = 0; k < d; k++) gs[b][k] = -gs[b][k];
      }
    };
    refined = minimizeBoxBatch(negBatch, live.map((i) => cand.subarray(i * d, i * d + d)), lo, hi, opts);
  } else refined = live.map((i) => minimizeBox(neg, cand.subarray(i * d, i * d + d), lo, hi, opts));
  for (const r of refined) {
    if (-r.f > bestV && (!o.feasible || o.feasible(r.x))) {
      bestV = -r.f;
      best = r.x;
    }
  }
  return { x: best, value: bestV, evaluations: evals };
}
