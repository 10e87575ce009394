/**
 * Strategy 'bo' — the paper's Bayesian optimisation (Sec. 2.4): a space-filling initial design, then a GP
 * surrogate and expected improvement (Eq. 5) maximised over the unit cube, q points at a time, until the best
 * value has not improved for `plateau` iterations or the budget ends (optimizer.ts then hands over to CG).
 *
 * Choices, each a pure function of (history, pending, settings, seed):
 * - Batches: Kriging believer. Pending proposals and the points already chosen for this batch join the GP as
 *   fantasies observed at their posterior mean: the mean is unchanged, the variance around them collapses, so
 *   EI moves elsewhere and q idle workers get q distinct points. One O(n²) factor row per fantasy. Asking for
 *   q points at once gives the same points as asking q times with the earlier ones pending.
 * - Failed evaluations (y = null, an MD blow-up) are modelled twice, never with a penalty value:
 *   1. a latent GP classifier (classifier.ts: probit, EP, its own length-scales, output scale and prior mean,
 *      so an unexplored region of a mostly failing box is believed to fail as often as the box does) gives
 *      p(feasible), and the acquisition is log EI + log p (Gelbart, Snoek & Adams 2014);
 *   2. each failure also enters the regression GP as an observation of max(μ(x), worst): the feasible points'
 *      posterior mean there, raised to the highest value observed so far — bounded, so no spike distorts the
 *      surrogate — believed with a small noise (1 % of s²). Without it the regression GP knows nothing where
 *      runs failed: its variance stays high and its mean extrapolates the good values just above a collapse
 *      boundary into the collapse, and log p (a probit saturates near 0.01) cannot outweigh that EI. Measured on
 *      collapse-2d (64 % of the box fails, the valley hugs the boundary), 6 seeds, 60 evaluations: the
 *      classifier alone proposed 51–56 failures and never reached R_χ 0.07; with imputation 6–32 failures,
 *      median 19 evaluations to 0.07 (random search: never, 34–39 failures).
 *   Hyper-parameters are fitted on the feasible points only; failures enter at fixed hyper-parameters.
 * - Noise: known yVar per point, replica-pooled variance, or learned (GpSettings.noise), floored.
 * - Incumbent of EI: the paper's lowest observation by default, or the lowest posterior mean over evaluated
 *   points (AcquisitionSettings.incumbent, which says why). The answer BO reports and hands to CG is always the
 *   evaluated point with the lowest posterior mean: a lucky noisy draw is not an answer.
 * - Hyper-parameters are refitted on every new point up to `refitAlways` points, then when the data grew by
 *   `refitGrowth`; each fit uses a prefix of the data, so it is reproducible from the history, and a
 *   content-keyed memo makes repeated calls cheap without changing any result.
 */
import { createRng, deriveSeed, type Rng } from '../rng.ts';
import { logEiWithGrad, logProbitWithGrad } from './acquisition.ts';
import { latinHypercube, sobolEngine, sobolPoint, type SobolEngine } from './design.ts';
import {
  addFantasy,
  batchScratch,
  buildGp,
  clearFactorMemo,
  fitHyper,
  makePrediction,
  predict,
  predictBatch,
  predictScratch,
  standardize,
  type PredictScratch,
  type Prediction,
  unstandardizeHyper,
  type GpHyper,
  type GpModel,
  type GpNoise,
} from './gp.ts';
import { classifierModel, fitClassifierHyper, type ClassifierData, type ClassifierHyper } from './classifier.ts';
import { matern52 } from './kernel.ts';
import { maximizeAcquisition, type Acquisition } from './maximize.ts';
import {
  checkPoints,
  budgetUsed,
  remainingBudget,
  budgetStop,
  isBaseline,
  statusOf,
  type BoOptimizerSettings,
  type Feasible,
  type Observation,
  type Proposal,
  type StopReason,
  type Strategy,
} from './strategy.ts';

/** Initial design size: the user's, or clamp(10 % of the budget, 2d + 2, 10d), never above the budget. */
export function initialDesignSize(s: BoOptimizerSettings): number {
  const n = s.bo.initial.size ?? Math.min(10 * s.dim, Math.max(2 * s.dim + 2, Math.round(0.1 * s.budget)));
  return Math.min(n, s.budget);
}

/** The j-th point of the initial design (user-included points first), a pure function of (settings, seed, j). */
export function designPoint(s: BoOptimizerSettings, seed: number, j: number, engine?: SobolEngine): number[] {
  const inc = s.bo.initial.include;
  if (j < inc.length) return [...inc[j]];
  const k = j - inc.length;
  const d = s.dim;
  const n0 = initialDesignSize(s);
  if (s.bo.initial.design === 'lhs' && k < n0 - inc.length) {
    const X = latinHypercube(d, n0 - inc.length, createRng(deriveSeed(seed, 1)));
    return Array.from(X.subarray(k * d, k * d + d));
  }
  // Beyond an LHS design (all points failed, say) the design continues with Sobol points.
  const e = engine ?? sobolEngine(d, createRng(deriveSeed(seed, 1)));
  const out = new Array<number>(d);
  sobolPoint(e, k, out);
  return out;
}

/** Observations reduced to what the GP needs: unique points (replicas merged), transformed values, noise. */
export interface BoData {
  readonly d: number;
  readonly n: number; // unique feasible points
  readonly X: Float64Array; // [n·d]
  readonly y: Float64Array; // [n] transformed mean of the point's values
  readonly count: Float64Array; // [n] values merged into each point
  /** [n] 1 where the point has a full-length run ('done'), 0 where it has only partial ones (stopped early). */
  readonly full: Uint8Array;
  readonly knownVar: Float64Array; // [n] known variance of the mean (transformed units), from yVar
  readonly unknownScale: Float64Array; // [n] multiplier of the learned noise variance for the mean (#without yVar / k²)
  readonly pooledVar: number; // replica-pooled variance of one value (transformed), NaN without replicas
  readonly pooledDf: number;
  readonly failed: Float64Array; // [nf·d]
  readonly nFailed: number;
  readonly bestRaw: number; // lowest observed y (untransformed), +∞ if none
  /** The classifier's data in history order: each failure, and each feasible point at its first occurrence. */
  readonly labelled: ClassifierData;
}

export function transformY(s: BoOptimizerSettings, y: number, index: number): number {
  if (s.bo.gp.outputTransform === 'log') {
    if (!(y > 0)) throw new Error(`observation ${index} has y = ${y}; the 'log' output transform needs y > 0 (set bo.gp.outputTransform to 'none')`);
    return Math.log(y);
  }
  return y;
}

export function untransformY(s: BoOptimizerSettings, t: number): number {
  return s.bo.gp.outputTransform === 'log' ? Math.exp(t) : t;
}

/**
 * Relative sd given to the partial R_χ of a run stopped early (when it has no yVar of its own): a shorter,
 * earlier window of the liquid, so noisier and biased high — a low-fidelity observation. It only needs to say
 * "much worse than the incumbent here", which a 30 % error still says (runs are stopped only far above it).
 */
const STOPPED_REL_SD = 0.3;

/** Reduce the history for the surrogate. Exact duplicates of u (replicas) merge into one point; screened points are left out. */
export function boData(history: readonly Observation[], s: BoOptimizerSettings): BoData {
  const d = s.dim;
  const groups = new Map<string, { u: readonly number[] | Float64Array; vals: number[]; vars: (number | undefined)[]; full: boolean }>();
  const failed: number[] = [];
  const lX: number[] = [];
  const lY: number[] = [];
  let bestRaw = Infinity;
  history.forEach((o, i) => {
    const st = statusOf(o);
    // A screened point ran no MD: the screen itself (the `feasible` constraint) keeps proposals out of its region.
    if (st === 'screened') return;
    if (o.y === null) {
      for (let k = 0; k < d; k++) {
        failed.push(o.u[k]);
        lX.push(o.u[k]);
      }
      lY.push(-1);
      return;
    }
    if (!Number.isFinite(o.y)) throw new Error(`observation ${i} has non-finite y = ${o.y}; report a failed run as y = null`);
    bestRaw = Math.min(bestRaw, o.y);
    const t = transformY(s, o.y, i);
    const yVar = o.yVar ?? (st === 'stopped' ? (STOPPED_REL_SD * o.y) ** 2 : undefined);
    const v = yVar === undefined ? undefined : s.bo.gp.outputTransform === 'log' ? yVar / (o.y * o.y) : yVar;
    const key = Array.prototype.join.call(o.u, ',');
    const g = groups.get(key);
    if (g) {
      g.vals.push(t);
      g.vars.push(v);
      if (st !== 'stopped') g.full = true;
    } else {
      groups.set(key, { u: o.u, vals: [t], vars: [v], full: st !== 'stopped' });
      for (let k = 0; k < d; k++) lX.push(o.u[k]);
      lY.push(1);
    }
  });
  const n = groups.size;
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  const count = new Float64Array(n);
  const full = new Uint8Array(n);
  const knownVar = new Float64Array(n);
  const unknownScale = new Float64Array(n);
  let ss = 0;
  let df = 0;
  let i = 0;
  for (const g of groups.values()) {
    for (let k = 0; k < d; k++) X[i * d + k] = g.u[k];
    const k = g.vals.length;
    let m = 0;
    for (const v of g.vals) m += v;
    m /= k;
    y[i] = m;
    count[i] = k;
    full[i] = g.full ? 1 : 0;
    let kv = 0;
    let unk = 0;
    for (const v of g.vars) {
      if (v === undefined) unk++;
      else kv += v;
    }
    knownVar[i] = kv / (k * k);
    unknownScale[i] = unk / (k * k);
    if (k > 1) {
      for (const v of g.vals) ss += (v - m) * (v - m);
      df += k - 1;
    }
    i++;
  }
  return { d, n, X, y, count, full, knownVar, unknownScale, pooledVar: df > 0 ? ss / df : NaN, pooledDf: df, failed: Float64Array.from(failed), nFailed: failed.length / d, bestRaw, labelled: { X: Float64Array.from(lX), label: Float64Array.from(lY), n: lY.length, d } };
}

/** Data size at which hyper-parameters were last refitted: every size up to refitAlways, then geometric steps. */
export function refitSize(n: number, s: BoOptimizerSettings): number {
  const a = s.bo.gp.refitAlways;
  if (n <= a || s.bo.gp.refitGrowth === 0) return n;
  let k = a;
  for (;;) {
    const next = k + Math.max(1, Math.round(k * s.bo.gp.refitGrowth));
    if (next > n) return k;
    k = next;
  }
}

/** Indices of the points a hyper-parameter fit uses: all up to m, else the best quarter and an even spread. */
export function fitSubset(y: Float64Array, n: number, m: number): number[] {
  if (n <= m) return Array.from({ length: n }, (_, i) => i);
  const byY = Array.from({ length: n }, (_, i) => i).sort((a, b) => y[a] - y[b] || a - b);
  const chosen = new Set(byY.slice(0, Math.ceil(m / 4)));
  const rest = Array.from({ length: n }, (_, i) => i).filter((i) => !chosen.has(i));
  const need = m - chosen.size;
  for (let j = 0; j < need; j++) chosen.add(rest[Math.floor((j * rest.length) / need)]);
  return Array.from(chosen).sort((a, b) => a - b);
}

/** FNV-1a over the bytes of some typed arrays and numbers: the key of the hyper-parameter memo. */
function hashKey(parts: readonly (Float64Array | number | string)[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const mix = (w: number): void => {
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ w, 0x5bd1e995) ^ (h2 >>> 15);
  };
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  for (const p of parts) {
    if (typeof p === 'string') {
      for (let i = 0; i < p.length; i++) mix(p.charCodeAt(i));
    } else if (typeof p === 'number') {
      f[0] = p;
      mix(u[0]);
      mix(u[1]);
    } else {
      const w = new Uint32Array(p.buffer, p.byteOffset, p.length * 2);
      for (let i = 0; i < w.length; i++) mix(w[i]);
      mix(p.length);
    }
  }
  return `${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}

/** Memo of hyper-parameter fits. Keyed by the complete fit input, so a hit returns exactly what a fit would. */
const hyperMemo = new Map<string, GpHyper>();
const HYPER_MEMO_SIZE = 32;

/** Forget memoised hyper-parameter fits and kernel factors (frees memory; results never depend on the memos). */
export function clearBoMemos(): void {
  hyperMemo.clear();
  classMemo.clear();
  clearFactorMemo();
}

/**
 * Hyper-parameters (output units) from the data prefix at the last refit size, on a subset of at most
 * fitSubset points, standardised for the fit (the priors assume unit scale). fixedNoise: the noise variance of
 * one observation when it is not learned (replicas), output units. Memoised by the complete fit input.
 */
function fitHyperFor(data: BoData, s: BoOptimizerSettings, seed: number, fixedNoise: number | null, floor: number): GpHyper {
  const nFit = refitSize(data.n, s);
  const idx = fitSubset(data.y.subarray(0, nFit), nFit, s.bo.gp.fitSubset);
  const m = idx.length;
  const d = data.d;
  const X = new Float64Array(m * d);
  const yRaw = new Float64Array(m);
  idx.forEach((i, j) => {
    X.set(data.X.subarray(i * d, i * d + d), j * d);
    yRaw[j] = data.y[i];
  });
  const { mean, std } = standardize(yRaw);
  const y = new Float64Array(m);
  for (let j = 0; j < m; j++) y[j] = (yRaw[j] - mean) / std;
  const learn = fixedNoise === null;
  const scale = new Float64Array(m);
  const fixed = new Float64Array(m);
  idx.forEach((i, j) => {
    fixed[j] = (data.knownVar[i] + (learn ? 0 : data.unknownScale[i] * (fixedNoise as number))) / (std * std);
    scale[j] = learn ? data.unknownScale[i] : 0;
  });
  const noise: GpNoise = { scale, fixed };
  const floorStd = Math.max(1e-10, floor / (std * std));
  const fitSeed = deriveSeed(seed, 2, nFit);
  const restarts = m > 150 ? Math.min(2, s.bo.gp.restarts) : s.bo.gp.restarts;
  const key = hashKey([X, y, scale, fixed, floorStd, restarts, fitSeed, learn ? 1 : 0]);
  let h = hyperMemo.get(key);
  if (!h) {
    h = fitHyper(X, y, m, d, noise, createRng(fitSeed), { restarts, noiseFloor: floorStd, learnNoise: learn });
    if (hyperMemo.size >= HYPER_MEMO_SIZE) hyperMemo.delete(hyperMemo.keys().next().value as string);
    hyperMemo.set(key, h);
  }
  const out = unstandardizeHyper(h, std);
  return learn ? out : { ...out, logNoise: Math.log(Math.max(fixedNoise as number, floor)) };
}

/** The fitted surrogate: regression GP (output units), optional feasibility classifier, incumbent. */
export interface Surrogate {
  readonly settings: BoOptimizerSettings;
  readonly data: BoData;
  readonly gp: GpModel;
  readonly classifier: GpModel | null;
  /** Incumbent R_χ(Ξ̂) of Eq. 5, output (transformed) units; lowered by fantasies (see `addBelievedPoint`). */
  best: number;
  /** Index (into data) of the incumbent point. */
  readonly bestIndex: number;
  /** Index (into data) of the point with the lowest posterior mean: BO's answer. */
  readonly answerIndex: number;
  /** Posterior mean at every data point (output units). */
  readonly meanAtData: Float64Array;
}

/**
 * Points of the feasibility classifier: its hyper-parameters are fitted on at most CLASS_FIT_POINTS (O(n³) per
 * likelihood evaluation), the model uses at most CLASS_MAX_POINTS (one Laplace solve, O(n³) per Newton step).
 */
const CLASS_FIT_POINTS = 100;
const CLASS_MAX_POINTS = 300;

/**
 * At most `cap` of the first n labelled points, in index order: all when they fit; else half of them those
 * nearest to a point of the other class (the boundary, where p(feasible) decides between candidates) and
 * the other half an even spread of the rest (so that p stays low deep inside a failed region and m is not
 * fitted on the boundary alone).
 */
function classifierSubset(l: ClassifierData, n: number, cap: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= cap) return all;
  const d = l.d;
  const score = new Float64Array(n).fill(Infinity);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      if (l.label[i] === l.label[j]) continue;
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const t = l.X[i * d + k] - l.X[j * d + k];
        r2 += t * t;
      }
      if (r2 < score[i]) score[i] = r2;
      if (r2 < score[j]) score[j] = r2;
    }
  const near = [...all].sort((a, b) => score[a] - score[b] || a - b).slice(0, cap >> 1);
  const chosen = new Set(near);
  const rest = all.filter((i) => !chosen.has(i));
  const need = cap - chosen.size;
  for (let j = 0; j < need; j++) chosen.add(rest[Math.floor((j * rest.length) / need)]);
  return Array.from(chosen).sort((a, b) => a - b);
}

function pick(l: ClassifierData, idx: readonly number[]): ClassifierData {
  const d = l.d;
  const X = new Float64Array(idx.length * d);
  const label = new Float64Array(idx.length);
  idx.forEach((i, j) => {
    X.set(l.X.subarray(i * d, i * d + d), j * d);
    label[j] = l.label[i];
  });
  return { X, label, n: idx.length, d };
}

/** Memo of classifier hyper-parameter fits, keyed by the complete fit input (as hyperMemo). */
const classMemo = new Map<string, ClassifierHyper>();

/**
 * The feasibility classifier (classifier.ts) of the labelled history: hyper-parameters refitted on the same
 * schedule as the regression GP's (every point up to refitAlways labelled points, then at refitGrowth), each
 * fit on a prefix of the history so it is reproducible; the model itself uses all points up to the cap.
 */
function buildClassifier(data: BoData, s: BoOptimizerSettings, seed: number): GpModel {
  const l = data.labelled;
  const nFit = refitSize(l.n, s);
  const fitData = pick(l, classifierSubset(l, nFit, CLASS_FIT_POINTS));
  const fitSeed = deriveSeed(seed, 5, nFit);
  const key = hashKey([fitData.X, fitData.label, fitSeed]);
  let h = classMemo.get(key);
  if (!h) {
    h = fitClassifierHyper(fitData, createRng(fitSeed));
    if (classMemo.size >= HYPER_MEMO_SIZE) classMemo.delete(classMemo.keys().next().value as string);
    classMemo.set(key, h);
  }
  return classifierModel(pick(l, classifierSubset(l, l.n, CLASS_MAX_POINTS)), h);
}

/** Posterior mean only (output units), O(n·d): no triangular solve. */
export function posteriorMean(m: GpModel, x: ArrayLike<number>): number {
  const d = m.d;
  let s = 0;
  for (let j = 0; j < m.n; j++) {
    let r2 = 0;
    for (let k = 0; k < d; k++) {
      const t = m.X[j * d + k] - x[k];
      r2 += t * t * m.w[k];
    }
    s += m.alpha[j] * matern52(Math.sqrt(r2));
  }
  return m.yMean + m.outputScale * s;
}

/** Noise floor of one observation, output units (variance). */
function noiseFloor(data: BoData, s: BoOptimizerSettings): number {
  let sd = s.bo.gp.noiseFloorRel;
  if (s.bo.gp.outputTransform === 'none') {
    const absY = Array.from(data.y, Math.abs).sort((a, b) => a - b);
    sd *= absY[absY.length >> 1] || 1;
  }
  return sd * sd;
}

/**
 * Fit the surrogate to a history (null when fewer than two distinct feasible points exist). extraCapacity
 * reserves factor rows for fantasies.
 */
export function fitSurrogate(history: readonly Observation[], s: BoOptimizerSettings, seed: number, extraCapacity = 0): Surrogate | null {
  checkPoints(history, s.dim, 'history');
  const data = boData(history, s);
  if (data.n < 2) return null;
  const gpS = s.bo.gp;
  let fixedNoise: number | null = null;
  if (gpS.noise === 'replicas') {
    if (!(data.pooledDf > 0)) throw new Error("bo.gp.noise = 'replicas' but the history has no repeated points to measure noise from");
    fixedNoise = data.pooledVar;
  } else if (gpS.noise === 'auto' && data.pooledDf >= 3) fixedNoise = data.pooledVar;
  // The floor is fixed at the last refit so that the kernel factor stays extendable between refits.
  const floor = noiseFloor({ ...data, y: data.y.subarray(0, refitSize(data.n, s)) }, s);
  const hyper = fitHyperFor(data, s, seed, fixedNoise, floor);
  const sn2 = Math.max(Math.exp(hyper.logNoise), floor);
  const noise = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) noise[i] = Math.max(data.unknownScale[i] * sn2 + data.knownVar[i], floor / data.count[i]);
  const gpHyper = { ...hyper, logNoise: Math.log(sn2) };
  const failRows = failureRows(data);
  let gp: GpModel;
  if (failRows.length === 0) gp = buildGp(data.X, data.y, data.n, data.d, noise, gpHyper, extraCapacity, floor);
  else {
    // Failures join as observations of a bounded value (see the module comment): max(μ(x), worst) with μ the
    // feasible points' posterior mean and `worst` the highest observed value, believed with noise 1 % of s².
    const gp0 = buildGp(data.X, data.y, data.n, data.d, noise, gpHyper, 0, floor);
    const { d } = data;
    const nf = failRows.length;
    const sorted = Array.from(data.y).sort((a, b) => a - b);
    const worst = sorted[sorted.length - 1];
    const Xa = new Float64Array((data.n + nf) * d);
    Xa.set(data.X.subarray(0, data.n * d));
    const ya = new Float64Array(data.n + nf);
    ya.set(data.y.subarray(0, data.n));
    const na = new Float64Array(data.n + nf);
    na.set(noise);
    failRows.forEach((i, j) => {
      const u = data.failed.subarray(i * d, i * d + d);
      Xa.set(u, (data.n + j) * d);
      ya[data.n + j] = Math.max(posteriorMean(gp0, u), worst);
      na[data.n + j] = FAILURE_NOISE_REL * gp0.outputScale;
    });
    gp = buildGp(Xa, ya, data.n + nf, d, na, gpHyper, extraCapacity, floor);
  }
  const classifier = data.nFailed > 0 ? buildClassifier(data, s, seed) : null;
  // Posterior mean at the data without kernel evaluations: K·α = y − ȳ, so μ(x_i) = ȳ + (Kα − Nα)_i = y_i − noise_i·α_i.
  const meanAtData = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) meanAtData[i] = gp.y[i] - gp.noise[i] * gp.alpha[i];
  const ref = s.bo.acquisition.incumbent === 'observed' ? data.y : meanAtData;
  let bestIndex = 0;
  for (let i = 1; i < data.n; i++) if (ref[i] < ref[bestIndex]) bestIndex = i;
  // BO's answer (the CG hand-over point and the trust region's centre) is a point measured by a full-length run:
  // a point known only from a run stopped early can have a low posterior mean through its neighbours and its
  // wide partial-R_χ error, and CG then refines around a run that was stopped as hopeless (seen on the teter
  // reference: the hand-over point's replicas were stopped at 26 % while the best was 7.2 %).
  let answerIndex = -1;
  for (let i = 0; i < data.n; i++) if (data.full[i] && (answerIndex < 0 || meanAtData[i] < meanAtData[answerIndex])) answerIndex = i;
  if (answerIndex < 0) {
    answerIndex = 0;
    for (let i = 1; i < data.n; i++) if (meanAtData[i] < meanAtData[answerIndex]) answerIndex = i;
  }
  return { settings: s, data, gp, classifier, best: ref[bestIndex], bestIndex, answerIndex, meanAtData };
}

/** At most this many failed points enter the regression GP (the most recent distinct ones). */
const FAILURE_ROWS = 200;
/**
 * Noise variance of an imputed failure, relative to the kernel's output scale: tight enough that EI at and
 * around a failure collapses (10 % let BO return to the failed region in 3 of 6 seeds of collapse-2d), loose
 * enough that a good point next to the collapse boundary keeps its low value.
 */
const FAILURE_NOISE_REL = 0.01;

/** Indices into data.failed of the failures believed in the regression GP: distinct points, latest first kept. */
function failureRows(data: BoData): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (let i = data.nFailed - 1; i >= 0 && out.length < FAILURE_ROWS; i--) {
    const key = Array.from(data.failed.subarray(i * data.d, i * data.d + data.d)).join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(i);
  }
  return out.reverse();
}

/** Neighbours used by the screening bound. */
const BOUND_NEIGHBOURS = 32;
/** Below this many factor rows an exact evaluation is as cheap as the bound, so no bound is offered. */
const BOUND_MIN_ROWS = 300;

/**
 * log EI (+ log p(feasible)) as an Acquisition over the unit cube, in output units. For large data sets it also
 * offers a cheap exact upper bound for screening: the posterior variance given only the nearest
 * BOUND_NEIGHBOURS points (conditioning on fewer observations never lowers a GP variance) with the exact
 * mean (O(n·d)), EI being increasing in σ; p is bounded by its value at the extreme latent variances.
 */
export function acquisitionOf(sur: Surrogate): Acquisition {
  const gp = sur.gp;
  const d = gp.d;
  const sc = predictScratch(gp);
  const p = makePrediction(d);
  const cl = sur.classifier;
  const csc = cl ? predictScratch(cl) : null;
  const cp = makePrediction(d);
  const ei = { value: 0, dMean: 0, dVar: 0 };
  const pr = { value: 0, dMean: 0, dVar: 0 };
  const m = BOUND_NEIGHBOURS;
  const nbIdx = new Int32Array(m);
  const nbR2 = new Float64Array(m);
  const Ks = new Float64Array(m * m);
  const ks = new Float64Array(m);
  /** log EI (+ log p) and its gradient at x, given the regression GP's prediction there (with gradients). */
  const valueGradFrom = (pm: Prediction, x: Float64Array, g: Float64Array): number => {
    logEiWithGrad(pm.mean, pm.variance, sur.best, ei);
    let v = ei.value;
    for (let k = 0; k < d; k++) g[k] = ei.dMean * pm.dMean[k] + ei.dVar * pm.dVar[k];
    if (cl && csc) {
      predict(cl, x, cp, csc, true);
      logProbitWithGrad(cp.mean, cp.variance, pr);
      v += pr.value;
      for (let k = 0; k < d; k++) g[k] += pr.dMean * cp.dMean[k] + pr.dVar * cp.dVar[k];
    }
    if (!Number.isFinite(v)) g.fill(0);
    return v;
  };
  const acq: { -readonly [K in keyof Acquisition]: Acquisition[K] } = {
    d,
    value(x) {
      predict(gp, x, p, sc, false);
      logEiWithGrad(p.mean, p.variance, sur.best, ei);
      let v = ei.value;
      if (cl && csc) {
        predict(cl, x, cp, csc, false);
        logProbitWithGrad(cp.mean, cp.variance, pr);
        v += pr.value;
      }
      return v;
    },
    valueGrad(x, g) {
      predict(gp, x, p, sc, true);
      return valueGradFrom(p, x, g);
    },
  };
  // Lock-step refinement for large factors, where each solve streams the whole factor from memory.
  const bsc = gp.chol.n >= BOUND_MIN_ROWS ? batchScratch(gp, 4) : null;
  const preds = [0, 1, 2, 3].map(() => makePrediction(d));
  if (bsc) {
    acq.valueGradBatch = (xs, gs, out) => {
      for (let s0 = 0; s0 < xs.length; s0 += 4) {
        const part = xs.slice(s0, s0 + 4);
        predictBatch(gp, part, preds, bsc);
        part.forEach((x, b) => {
          out[s0 + b] = valueGradFrom(preds[b], x, gs[s0 + b]);
        });
      }
    };
  }
  if (gp.chol.n < BOUND_MIN_ROWS) return acq;
  return {
    ...acq,
    bound(x) {
      const nAll = gp.chol.n;
      // One pass: exact mean over training rows, and the m nearest rows (training or fantasy) by ARD distance.
      let filled = 0;
      let worst = 0; // position of the largest r² among the kept neighbours
      let mean = 0;
      for (let j = 0; j < nAll; j++) {
        let r2 = 0;
        for (let k = 0; k < d; k++) {
          const t = gp.X[j * d + k] - x[k];
          r2 += t * t * gp.w[k];
        }
        if (j < gp.n) mean += gp.alpha[j] * matern52(Math.sqrt(r2));
        if (filled < m) {
          nbIdx[filled] = j;
          nbR2[filled] = r2;
          if (filled === 0 || r2 > nbR2[worst]) worst = filled;
          filled++;
        } else if (r2 < nbR2[worst]) {
          nbIdx[worst] = j;
          nbR2[worst] = r2;
          for (let t = 0; t < m; t++) if (nbR2[t] > nbR2[worst]) worst = t;
        }
      }
      mean = gp.yMean + gp.outputScale * mean;
      const variance = localVariance(gp, x, nbIdx, filled, Ks, ks);
      logEiWithGrad(mean, variance, sur.best, ei);
      let v = ei.value;
      if (cl) {
        const mc = posteriorMean(cl, x);
        logProbitWithGrad(mc, 0, pr);
        const a = pr.value;
        logProbitWithGrad(mc, cl.outputScale, pr);
        v += Math.max(a, pr.value);
      }
      return v;
    },
  };
}

/**
 * Posterior variance at x given only the rows idx[0..m) of the factor's points (noise as in the model, the
 * learned noise for fantasies): an upper bound on the full posterior variance. Small dense Cholesky in place.
 */
function localVariance(gp: GpModel, x: ArrayLike<number>, idx: Int32Array, m: number, K: Float64Array, k: Float64Array): number {
  const d = gp.d;
  const s2 = gp.outputScale;
  for (let a = 0; a < m; a++) {
    const ia = idx[a];
    let r2 = 0;
    for (let t = 0; t < d; t++) {
      const u = gp.X[ia * d + t] - x[t];
      r2 += u * u * gp.w[t];
    }
    k[a] = s2 * matern52(Math.sqrt(r2));
    K[a * m + a] = s2 + (ia < gp.n ? gp.noise[ia] : Math.max(gp.fantasyNoise, 1e-12 * s2));
    for (let b = 0; b < a; b++) {
      const ib = idx[b];
      let q2 = 0;
      for (let t = 0; t < d; t++) {
        const u = gp.X[ia * d + t] - gp.X[ib * d + t];
        q2 += u * u * gp.w[t];
      }
      K[a * m + b] = s2 * matern52(Math.sqrt(q2));
    }
  }
  // In-place Cholesky of the m×m block and forward solve of k; a failed pivot gives the trivial bound s².
  let quad = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let v = K[i * m + j];
      for (let t = 0; t < j; t++) v -= K[i * m + t] * K[j * m + t];
      if (i === j) {
        if (!(v > 0)) return s2;
        K[i * m + i] = Math.sqrt(v);
      } else K[i * m + j] = v / K[j * m + j];
    }
    let w = k[i];
    for (let t = 0; t < i; t++) w -= K[i * m + t] * k[t];
    w /= K[i * m + i];
    k[i] = w;
    quad += w * w;
  }
  const v = s2 - quad;
  return v > 0 ? v : 0;
}

/**
 * Kriging believer: add a pending or just-chosen point to the surrogate as if it had been observed at its
 * posterior mean. The incumbent must then count it too (min of the evaluated points' means and the fantasy's),
 * or EI would stay high at and around the fantasy and a batch would pile up on one spot.
 */
export function addBelievedPoint(sur: Surrogate, u: ArrayLike<number>, sc: PredictScratch): void {
  const m = posteriorMean(sur.gp, u);
  addFantasy(sur.gp, u, sc);
  if (m < sur.best) sur.best = m;
}

/** Probability that an evaluation at x succeeds, per the classifier (1 without failures). */
export function feasibility(sur: Surrogate, x: ArrayLike<number>): number {
  const cl = sur.classifier;
  if (!cl) return 1;
  const p = predict(cl, x, makePrediction(cl.d), predictScratch(cl), false);
  const out = { value: 0, dMean: 0, dVar: 0 };
  logProbitWithGrad(p.mean, p.variance, out);
  return Math.exp(out.value);
}

/**
 * Where the initial design stands. `next`: the index of the next design point (every design proposal so far,
 * screened ones too, so a screened point is never proposed again). `count`: the design's MD runs made or running
 * (screened points do not count; campaign baselines given as observations do: they are the design's seeds).
 */
export function designProgress(history: readonly Observation[], pending: readonly Proposal[]): { next: number; count: number } {
  let next = 0;
  let count = 0;
  for (const o of history) {
    if (o.phase !== 'initial') continue;
    if (!isBaseline(o)) next++;
    if (statusOf(o) !== 'screened') count++;
  }
  for (const p of pending) {
    if (p.phase !== 'initial') continue;
    if (!isBaseline(p)) next++;
    count++;
  }
  return { next, count };
}

/** Propose up to q points: design points while the design is incomplete, then EI points (Kriging believer). */
export function boPropose(history: readonly Observation[], pending: readonly Proposal[], q: number, s: BoOptimizerSettings, seed: number, feasible?: Feasible): Proposal[] {
  checkPoints(history, s.dim, 'history');
  checkPoints(pending, s.dim, 'pending');
  let want = Math.min(q, remainingBudget(history, pending, s.budget));
  if (want <= 0) return [];
  const out: Proposal[] = [];
  const n0 = initialDesignSize(s);
  const progress = designProgress(history, pending);
  let next = progress.next;
  let count = progress.count;
  const engine = sobolEngine(s.dim, createRng(deriveSeed(seed, 1)));
  // Design points are proposed whatever the screen says: the runner stores the screened ones (the user sees how
  // much of the box is physical) and the design goes on until n0 of them run MD.
  while (want > 0 && count < n0) {
    out.push({ u: designPoint(s, seed, next, engine), phase: 'initial', meta: { role: 'design', index: next } });
    next++;
    count++;
    want--;
  }
  if (want <= 0) return out;
  const allPending = [...pending, ...out];
  const sur = fitSurrogate(history, s, seed, allPending.length + want);
  if (!sur) {
    // Too few successful evaluations for a GP (e.g. the design failed): keep extending the design.
    while (want-- > 0) {
      out.push({ u: designPoint(s, seed, next, engine), phase: 'initial', meta: { role: 'design', index: next } });
      next++;
    }
    return out;
  }
  const gp = sur.gp;
  const sc = predictScratch(gp);
  for (const p of allPending) addBelievedPoint(sur, p.u, sc);
  const acq = acquisitionOf(sur);
  const a = s.bo.acquisition;
  const trState = s.bo.trustRegion.enabled ? trustRegionState(history, s) : null;
  const tr = trState && !trState.global ? trustRegionBox(sur, trState.length) : null;
  const centers = bestPoints(sur, 5).filter((c) => !tr || inBox(c, tr.lower, tr.upper));
  const feas = feasible ? (x: Float64Array): boolean => feasible(x) : undefined;
  for (let j = 0; j < want; j++) {
    const rng = createRng(deriveSeed(seed, 3, history.length, allPending.length + j));
    // Work caps beyond 1000 points, where each screened candidate costs O(n) and each refinement step two
    // O(n²) triangular solves: half the candidates, two starts of at most 15 steps (the starts are already
    // the best of ~500 screened candidates, and EI peaks are smooth).
    const big = gp.chol.n >= 1000;
    const r = maximizeAcquisition(acq, rng, {
      rawSamples: big ? Math.ceil(a.rawSamples / 2) : a.rawSamples,
      centers,
      perCenter: Math.ceil(((big ? 0.5 : 1) * a.localSamplesPerDim * s.dim)),
      restarts: big ? Math.min(2, a.restarts) : a.restarts,
      maxIter: big ? Math.min(15, a.maxIter) : a.maxIter,
      ...(tr ? { lower: tr.lower, upper: tr.upper } : {}),
      ...(feas ? { feasible: feas } : {}),
    });
    let u = Array.from(r.x, (v) => (v < 0 ? 0 : v > 1 ? 1 : v));
    // Nothing feasible found inside the region: the nearest feasible point of a Sobol sweep of the whole box.
    if (feasible && !feasible(u)) u = nearestFeasible(u, feasible, s.dim, rng) ?? u;
    out.push({ u, phase: 'bo', ...(tr ? { meta: { role: 'tr', length: tr.length } } : {}) });
    addBelievedPoint(sur, u, sc);
  }
  return out;
}

/** The k evaluated points with the lowest (merged) values, as centres for local candidates. */
function bestPoints(sur: Surrogate, k: number): Float64Array[] {
  const { data } = sur;
  const order = Array.from({ length: data.n }, (_, i) => i).sort((a, b) => data.y[a] - data.y[b] || a - b);
  const out = [data.X.slice(sur.answerIndex * data.d, sur.answerIndex * data.d + data.d)];
  for (const i of order) {
    if (out.length >= k) break;
    if (i !== sur.answerIndex) out.push(data.X.slice(i * data.d, i * data.d + data.d));
  }
  return out;
}

/** Where the BO run stands: design progress, the best observation and how long it has lasted. */
export interface BoStatus {
  readonly designDone: boolean;
  readonly bestIndex: number; // index in history of the observation that set the current best, −1 if none
  readonly best: number; // its y, +∞ if none
  readonly sinceImprovement: number; // BO-phase MD runs after it
  /** The trust region, replayed from the history (length 1 and never collapsed when it is off). */
  readonly trustRegion: TrustRegionState;
}

export function boStatus(history: readonly Observation[], s: BoOptimizerSettings): BoStatus {
  const n0 = initialDesignSize(s);
  let nInit = 0;
  let best = Infinity;
  let bestIndex = -1;
  let since = 0;
  history.forEach((o, i) => {
    const st = statusOf(o);
    if (st === 'screened') return;
    if (o.phase === 'initial') nInit++;
    if (st === 'done' && o.y !== null && Number.isFinite(o.y) && (bestIndex < 0 || o.y < best - s.bo.plateauRelTol * Math.abs(best))) {
      best = o.y;
      bestIndex = i;
      since = 0;
    } else if (o.phase === 'bo') since++;
  });
  return { designDone: nInit >= n0, bestIndex, best, sinceImprovement: since, trustRegion: trustRegionState(history, s) };
}

/** Budget spent, or a plateau of `plateau` BO iterations without improvement. */
export function boStop(history: readonly Observation[], s: BoOptimizerSettings): StopReason | null {
  const b = budgetStop(history, s.budget);
  if (b) return b;
  const st = boStatus(history, s);
  if (st.designDone && st.sinceImprovement >= s.bo.plateau) {
    return { kind: 'plateau', detail: `best ${st.best.toPrecision(4)} (evaluation ${st.bestIndex}) not improved for ${st.sinceImprovement} BO iterations` };
  }
  return null;
}

export const boStrategy: Strategy<BoOptimizerSettings> = {
  name: 'bo',
  propose: boPropose,
  stop: boStop,
};

/**
 * The point BO hands over (and reports as its answer): the evaluated point with the lowest posterior mean, and
 * that mean back in y's units. Null when nothing succeeded.
 */
export function boIncumbent(history: readonly Observation[], s: BoOptimizerSettings, seed: number): { u: number[]; y: number } | null {
  const feasible = history.filter((o) => o.y !== null && statusOf(o) !== 'screened');
  if (feasible.length === 0) return null;
  const sur = fitSurrogate(history, s, seed);
  if (!sur) {
    const b = feasible.reduce((a, o) => ((o.y as number) < (a.y as number) ? o : a));
    return { u: Array.from(b.u), y: b.y as number };
  }
  const d = s.dim;
  const u = Array.from(sur.data.X.subarray(sur.answerIndex * d, sur.answerIndex * d + d));
  return { u, y: untransformY(s, sur.meanAtData[sur.answerIndex]) };
}

/**
 * Starts for the CG refinement: BO's answer first, then up to k − 1 further points measured by full-length runs,
 * best measured R_χ first, each at least `separation` (unit-cube Euclidean distance) from every start already
 * chosen and within `within` × the answer's measured R_χ. Why: on real references the R_χ surface has separate
 * basins (on the CHIK liquid one near qSi 2.5 e, BKS-like, and one near 1.9–2.1 e); BO's trust region settles in
 * whichever it meets first, and CG cannot leave it. The further starts are ranked by what was measured, not by
 * the GP: on these campaigns' BO histories the GP called qSi irrelevant (length-scale > 10 unit cubes) and, with
 * its learned noise, put its mean at the BKS point 55 % where that point had measured 7.3 %, so neither its
 * mean nor a ridge of it between two points told basins apart (src-worker/optimize/README.md).
 */
export function boStarts(
  history: readonly Observation[],
  s: BoOptimizerSettings,
  seed: number,
  k: number,
  o: { readonly separation: number; readonly within: number },
): { u: number[]; y: number }[] {
  const first = boIncumbent(history, s, seed);
  if (!first || k <= 1) return first ? [first] : [];
  const out = [first];
  const data = boData(history, s);
  const d = s.dim;
  let firstMeasured = Infinity;
  for (let i = 0; i < data.n; i++) if (data.X.subarray(i * d, i * d + d).every((x, m) => x === first.u[m])) firstMeasured = untransformY(s, data.y[i]);
  const limit = (Number.isFinite(firstMeasured) ? firstMeasured : first.y) * o.within;
  const order = Array.from({ length: data.n }, (_, i) => i).sort((p, q) => data.y[p] - data.y[q] || p - q);
  for (const i of order) {
    if (out.length >= k) break;
    const y = untransformY(s, data.y[i]);
    if (!data.full[i] || !(y <= limit)) continue;
    const u = data.X.subarray(i * d, i * d + d);
    const apart = out.every((st) => {
      let r2 = 0;
      for (let m = 0; m < d; m++) r2 += (u[m] - st.u[m]) ** 2;
      return r2 >= o.separation * o.separation;
    });
    if (apart) out.push({ u: Array.from(u), y });
  }
  return out;
}

// ------------------------------------------------------------------------------------ trust region

export interface TrustRegionState {
  /** Side of the box, unit-cube units (scaled per dimension by the GP's relative length-scales). */
  readonly length: number;
  readonly successes: number;
  readonly failures: number;
  /** The box shrank below its minimum at least once. */
  readonly collapsed: boolean;
  /** Times it did. */
  readonly collapses: number;
  /** The next BO proposal is global (no box): a restart after a collapse is under way (onCollapse 'restart'). */
  readonly global: boolean;
  /** BO-phase MD runs replayed. */
  readonly steps: number;
}

/**
 * The trust region after the history, replayed in order (TuRBO's rules): every BO-phase MD run (failed, stopped
 * and done alike; screened points are no run) counts as a success when it beats the best MD value so far by more
 * than improveRel, else as a failure. A collapse below the minimum restarts the region at its first size; with
 * onCollapse 'cg' the hand-over (optimizer.ts) watches `collapsed`, with 'restart' the next restartSteps BO runs
 * are global (`global`), then the region starts again around the incumbent.
 */
export function trustRegionState(history: readonly Observation[], s: BoOptimizerSettings): TrustRegionState {
  const t = s.bo.trustRegion;
  const failTol = t.failureTol ?? Math.max(4, Math.ceil(s.dim / 2));
  let length = t.initial;
  let succ = 0;
  let fail = 0;
  let collapses = 0;
  let globalLeft = 0;
  let steps = 0;
  let best = Infinity;
  for (const o of history) {
    const st = statusOf(o);
    if (st === 'screened') continue;
    const y = st === 'done' && o.y !== null ? o.y : Infinity;
    if (o.phase === 'bo' && globalLeft > 0) {
      // A run of a restart's global phase: it moves the best (the next region's centre), not the region's counters.
      steps++;
      globalLeft--;
    } else if (o.phase === 'bo') {
      steps++;
      if (y < best - t.improveRel * Math.abs(best)) {
        succ++;
        fail = 0;
      } else {
        fail++;
        succ = 0;
      }
      if (succ >= t.successTol) {
        length = Math.min(t.max, 2 * length);
        succ = 0;
      }
      if (fail >= failTol) {
        length /= 2;
        fail = 0;
        if (length < t.min) {
          collapses++;
          length = t.initial;
          succ = 0;
          if (t.onCollapse === 'restart') globalLeft = t.restartSteps ?? s.dim;
        }
      }
    }
    if (y < best) best = y;
  }
  return { length, successes: succ, failures: fail, collapsed: collapses > 0, collapses, global: globalLeft > 0, steps };
}

/**
 * The box of the trust region: centred on BO's answer (the evaluated point with the lowest posterior mean), each
 * side length × ℓ_k / (Πℓ)^{1/d} with the GP's ARD length-scales ℓ_k (TuRBO), clipped to the unit cube.
 */
export function trustRegionBox(sur: Surrogate, length: number): { lower: Float64Array; upper: Float64Array; length: number } {
  const d = sur.data.d;
  const c = sur.data.X.subarray(sur.answerIndex * d, sur.answerIndex * d + d);
  const ell = Array.from(sur.gp.w, (w) => 1 / Math.sqrt(w));
  let logMean = 0;
  for (const l of ell) logMean += Math.log(l) / d;
  const lower = new Float64Array(d);
  const upper = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    // Relative length-scales clipped to [1/8, 8]: one irrelevant dimension must not stretch the box over the whole cube.
    const w = Math.min(8, Math.max(1 / 8, ell[k] / Math.exp(logMean)));
    const h = (length * w) / 2;
    lower[k] = Math.max(0, c[k] - h);
    upper[k] = Math.min(1, c[k] + h);
  }
  return { lower, upper, length };
}

function inBox(x: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>): boolean {
  for (let k = 0; k < x.length; k++) if (x[k] < lo[k] || x[k] > hi[k]) return false;
  return true;
}

/** The feasible point nearest to u among 4096 Sobol points of the unit cube; null if none is feasible. */
function nearestFeasible(u: readonly number[], feasible: Feasible, d: number, rng: Rng): number[] | null {
  const eng = sobolEngine(d, rng);
  const x = new Array<number>(d);
  let best: number[] | null = null;
  let bestD = Infinity;
  for (let i = 0; i < 4096; i++) {
    sobolPoint(eng, i, x);
    if (!feasible(x)) continue;
    let r2 = 0;
    for (let k = 0; k < d; k++) r2 += (x[k] - u[k]) ** 2;
    if (r2 < bestD) ((bestD = r2), (best = [...x]));
  }
  return best;
}
