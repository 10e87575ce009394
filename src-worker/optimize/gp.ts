/**
 * Gaussian-process regression, the surrogate of the Bayesian optimizer (paper Sec. 2.4 (ii)): Matérn 5/2 ARD
 * kernel on the unit cube, constant prior mean (the data mean), per-point noise (known variance from
 * replicas, or a learned homoscedastic variance, or both). Hyper-parameters maximise the log marginal
 * likelihood plus weak log-normal priors (a MAP fit), by projected L-BFGS from several starts with analytic
 * gradients. The model is data (a plain record); fantasies for batch proposals append rows to its Cholesky
 * factor in place and are cleared again.
 *
 * Units: X rows in [0,1]^d; y in the optimizer's output units (already transformed, e.g. log R_χ). The
 * hyper-parameter fit works on standardised y (the priors assume unit scale); the model itself is in output
 * units (prior mean yMean, s² and noise rescaled), so its kernel factor depends on neither the data's mean nor
 * its spread and can be extended row by row as points arrive (`kernelFactor`, memoised by content).
 */
import { createRng, uniform, type Rng } from '../rng.ts';
import { kernelMatrix, kernelVector, kernelVectorGrad, scaledDist2, SQRT5 } from './kernel.ts';
import {
  cholesky,
  choleskyAppend,
  choleskyTruncate,
  dot,
  inverseFromChol,
  logDetChol,
  NotPositiveDefiniteError,
  solveChol,
  solveLower,
  solveUpper,
  type CholFactor,
} from './linalg.ts';
import { minimizeBox } from './minimize.ts';

/**
 * Hyper-parameters, all in log space: length-scales (unit-cube units), output scale s² and noise σ_n² — in
 * standardised units inside a fit, in output units in a model (`unstandardizeHyper`).
 */
export interface GpHyper {
  readonly logLengthScales: readonly number[]; // [d]
  readonly logOutputScale: number; // log s²
  readonly logNoise: number; // log σ_n², the learned homoscedastic part
}

/**
 * Noise of each training point, variance in standardised units: noise_i = scale_i·σ_n² + fixed_i.
 * scale_i = 1/k for the mean of k replicas whose variance is learned; fixed_i = a known (replica) variance.
 */
export interface GpNoise {
  readonly scale: Float64Array; // [n]
  readonly fixed: Float64Array; // [n]
}

export interface GpModel {
  readonly d: number;
  readonly n: number; // training points (fantasies excluded)
  readonly X: Float64Array; // [capacity·d] training rows, then fantasy rows
  readonly y: Float64Array; // [n] outputs (output units)
  readonly yMean: number; // constant prior mean
  readonly hyper: GpHyper; // output units: log s², log σ_n² of y itself
  readonly w: Float64Array; // [d] 1/ℓ_k²
  readonly outputScale: number; // s²
  readonly noiseVar: number; // learned σ_n²
  readonly fantasyNoise: number; // noise variance a fantasy is believed with (the noise floor)
  readonly noise: Float64Array; // [n] total noise variance of each point
  readonly chol: CholFactor; // factor of K + diag(noise); chol.n − n = number of fantasies
  readonly alpha: Float64Array; // [n] K⁻¹ (y − yMean)
}

export interface HyperBounds {
  readonly logLengthScale: readonly [number, number];
  readonly logOutputScale: readonly [number, number];
  readonly logNoise: readonly [number, number];
}

export interface GpFitOptions {
  /** Multi-start count for the likelihood maximisation (default 3). */
  readonly restarts?: number;
  /** L-BFGS iterations per start (default 60). */
  readonly maxIter?: number;
  /** Lower bound on the learned noise variance, standardised units (default 1e-6). */
  readonly noiseFloor?: number;
  /** Learn σ_n² (default true). False when every point carries a known variance. */
  readonly learnNoise?: boolean;
  /** Extra starting point(s), e.g. the previous fit's hyper-parameters. */
  readonly initial?: readonly GpHyper[];
}

/** Standardisation constants: mean and (population) standard deviation, 1 when degenerate. */
export function standardize(y: ArrayLike<number>): { mean: number; std: number } {
  const n = y.length;
  if (n === 0) return { mean: 0, std: 1 };
  let m = 0;
  for (let i = 0; i < n; i++) m += y[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i] - m) * (y[i] - m);
  v /= n;
  const std = Math.sqrt(v);
  return { mean: m, std: std > 1e-12 * Math.max(1, Math.abs(m)) ? std : 1 };
}

/**
 * Weak priors (MAP): log ℓ_k ~ N(√2 + ½ log d, 3) — the dimension-scaled log-normal of Hvarfner, Hellsten &
 * Nardi (ICML 2024), BoTorch's default since 0.12 — so length-scales grow with d instead of over-fitting;
 * log s² ~ N(0, 2²) because outputs are standardised; log σ_n² ~ N(log 1e-3, 3²), centred on 2 % relative noise
 * over a log-R_χ spread of ~0.5, wide enough to let the data decide.
 */
const PRIOR_LOG_NOISE_MEAN = Math.log(1e-3);
const PRIOR_LOG_NOISE_SD = 3;
const PRIOR_LOG_S2_SD = 2;
const PRIOR_LOG_LS_SD = Math.sqrt(3);
function priorLogLsMean(d: number): number {
  return Math.SQRT2 + 0.5 * Math.log(d);
}

export function defaultHyperBounds(noiseFloor: number): HyperBounds {
  return {
    logLengthScale: [Math.log(0.01), Math.log(20)],
    logOutputScale: [Math.log(0.01), Math.log(100)],
    logNoise: [Math.log(Math.max(noiseFloor, 1e-12)), Math.log(1)],
  };
}

/** Scratch for likelihood evaluations at one data size, reused across evaluations of one fit. */
interface NlmlScratch {
  K: Float64Array; // [n·n]
  G: Float64Array; // [n·n] matern52Grad(r_ab) (lower triangle)
  C: Float64Array; // [n·n] correlations (lower triangle)
  Kinv: Float64Array; // [n·n]
  W: Float64Array; // [n·n] scratch for the inverse
  alpha: Float64Array; // [n]
  diag: Float64Array; // [n]
  w: Float64Array; // [d]
}

function makeScratch(n: number, d: number): NlmlScratch {
  return {
    K: new Float64Array(n * n),
    G: new Float64Array(n * n),
    C: new Float64Array(n * n),
    Kinv: new Float64Array(n * n),
    W: new Float64Array(n * n),
    alpha: new Float64Array(n),
    diag: new Float64Array(n),
    w: new Float64Array(d),
  };
}

/**
 * Negative log marginal likelihood −log p(y | X, θ) (+ negative log prior when `withPrior`) and its gradient in
 * θ = (log ℓ_1..d, log s², [log σ_n²]). Non-finite (+∞) when the kernel matrix cannot be factorised.
 * grad: ∂/∂θ_j = ½ tr((K⁻¹ − ααᵀ) ∂K/∂θ_j).
 */
export function negLogMarginal(
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  noise: GpNoise,
  theta: Float64Array,
  learnNoise: boolean,
  grad: Float64Array | null,
  withPrior = true,
  scratch: NlmlScratch = makeScratch(n, d),
): number {
  const { K, G, C, Kinv, W, alpha, diag, w } = scratch;
  for (let k = 0; k < d; k++) w[k] = Math.exp(-2 * theta[k]);
  const s2 = Math.exp(theta[d]);
  const sn2 = learnNoise ? Math.exp(theta[d + 1]) : 0;
  for (let i = 0; i < n; i++) {
    diag[i] = noise.scale[i] * sn2 + noise.fixed[i];
    const ri = i * n;
    K[ri + i] = s2 + diag[i];
    for (let j = 0; j < i; j++) {
      // matern52 and matern52Grad share one exponential.
      const sr = SQRT5 * Math.sqrt(scaledDist2(X, i, X, j, d, w));
      const e = Math.exp(-sr);
      const c = (1 + sr + (sr * sr) / 3) * e;
      C[ri + j] = c;
      G[ri + j] = (5 / 3) * (1 + sr) * e;
      K[ri + j] = s2 * c;
    }
  }
  let f: CholFactor;
  try {
    f = cholesky(K, n, { jitterMax: 1e-6 });
  } catch (e) {
    if (e instanceof NotPositiveDefiniteError) return Infinity;
    throw e;
  }
  solveChol(f, y, alpha);
  let nll = 0.5 * dot(y, 0, alpha, 0, n) + 0.5 * logDetChol(f) + 0.5 * n * Math.log(2 * Math.PI);
  const mLs = priorLogLsMean(d);
  if (withPrior) {
    for (let k = 0; k < d; k++) nll += (0.5 * (theta[k] - mLs) ** 2) / PRIOR_LOG_LS_SD ** 2;
    nll += (0.5 * theta[d] ** 2) / PRIOR_LOG_S2_SD ** 2;
    if (learnNoise) nll += (0.5 * (theta[d + 1] - PRIOR_LOG_NOISE_MEAN) ** 2) / PRIOR_LOG_NOISE_SD ** 2;
  }
  if (!grad) return nll;

  inverseFromChol(f, Kinv, W);
  // Kinv ← K⁻¹ − ααᵀ (the matrix every gradient contracts with).
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const ai = alpha[i];
    for (let j = 0; j <= i; j++) Kinv[ri + j] -= ai * alpha[j];
  }
  grad.fill(0);
  let gS2 = 0;
  let gSn = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const wii = Kinv[ri + i];
    gS2 += 0.5 * wii * s2;
    gSn += 0.5 * wii * noise.scale[i] * sn2;
    const xi = i * d;
    for (let j = 0; j < i; j++) {
      const wij = Kinv[ri + j];
      gS2 += wij * s2 * C[ri + j];
      const common = wij * s2 * G[ri + j];
      const xj = j * d;
      for (let k = 0; k < d; k++) {
        const t = X[xi + k] - X[xj + k];
        grad[k] += common * t * t * w[k];
      }
    }
  }
  grad[d] = gS2;
  if (learnNoise) grad[d + 1] = gSn;
  if (withPrior) {
    for (let k = 0; k < d; k++) grad[k] += (theta[k] - mLs) / PRIOR_LOG_LS_SD ** 2;
    grad[d] += theta[d] / PRIOR_LOG_S2_SD ** 2;
    if (learnNoise) grad[d + 1] += (theta[d + 1] - PRIOR_LOG_NOISE_MEAN) / PRIOR_LOG_NOISE_SD ** 2;
  }
  return nll;
}

/**
 * Fit hyper-parameters by MAP over a box in log space, from `restarts` starts: the first a neutral default
 * (ℓ = 0.5, s² = 1, σ_n² = 1e-2 above the floor), any `initial` ones, the rest drawn uniformly in a central
 * part of the box from rng. y must be standardised.
 */
export function fitHyper(X: Float64Array, y: Float64Array, n: number, d: number, noise: GpNoise, rng: Rng, opts: GpFitOptions = {}): GpHyper {
  const restarts = Math.max(1, opts.restarts ?? 3);
  const floor = opts.noiseFloor ?? 1e-6;
  const learnNoise = opts.learnNoise ?? true;
  const b = defaultHyperBounds(floor);
  const p = d + 1 + (learnNoise ? 1 : 0);
  const lo = new Float64Array(p);
  const hi = new Float64Array(p);
  for (let k = 0; k < d; k++) {
    lo[k] = b.logLengthScale[0];
    hi[k] = b.logLengthScale[1];
  }
  lo[d] = b.logOutputScale[0];
  hi[d] = b.logOutputScale[1];
  if (learnNoise) {
    lo[d + 1] = b.logNoise[0];
    hi[d + 1] = b.logNoise[1];
  }
  const starts: Float64Array[] = [];
  const t0 = new Float64Array(p);
  for (let k = 0; k < d; k++) t0[k] = Math.log(0.5);
  t0[d] = 0;
  if (learnNoise) t0[d + 1] = Math.max(Math.log(1e-2), lo[d + 1]);
  starts.push(t0);
  for (const h of opts.initial ?? []) {
    const t = new Float64Array(p);
    for (let k = 0; k < d; k++) t[k] = h.logLengthScales[k];
    t[d] = h.logOutputScale;
    if (learnNoise) t[d + 1] = h.logNoise;
    starts.push(t);
  }
  while (starts.length < restarts + (opts.initial?.length ?? 0)) {
    const t = new Float64Array(p);
    for (let k = 0; k < d; k++) t[k] = Math.log(0.05) + uniform(rng) * (Math.log(5) - Math.log(0.05));
    t[d] = Math.log(0.3) + uniform(rng) * (Math.log(3) - Math.log(0.3));
    if (learnNoise) t[d + 1] = Math.max(lo[d + 1], Math.log(1e-6) + uniform(rng) * (Math.log(0.3) - Math.log(1e-6)));
    starts.push(t);
  }
  const scratch = makeScratch(n, d);
  const obj = (theta: Float64Array, g: Float64Array): number => negLogMarginal(X, y, n, d, noise, theta, learnNoise, g, true, scratch);
  let best: Float64Array | null = null;
  let bestF = Infinity;
  for (const s of starts) {
    const r = minimizeBox(obj, s, lo, hi, { maxIter: opts.maxIter ?? 60, gtol: 1e-5, ftol: 1e-9, initialStep: 1 });
    if (r.f < bestF) {
      bestF = r.f;
      best = r.x;
    }
  }
  const t = best ?? t0;
  return {
    logLengthScales: Array.from(t.subarray(0, d)),
    logOutputScale: t[d],
    logNoise: learnNoise ? t[d + 1] : Math.log(floor),
  };
}

/** Convert hyper-parameters fitted on standardised y (scale std) to output units. */
export function unstandardizeHyper(h: GpHyper, std: number): GpHyper {
  const ls2 = 2 * Math.log(std);
  return { logLengthScales: h.logLengthScales, logOutputScale: h.logOutputScale + ls2, logNoise: h.logNoise + ls2 };
}

interface FactorMemo {
  readonly key: string; // hyper-parameters and dimension
  readonly X: Float64Array; // rows factorised so far
  readonly noise: Float64Array;
  n: number;
  f: CholFactor;
}
const factorMemo: FactorMemo[] = [];
const FACTOR_MEMO_SIZE = 2;
/** Spare rows allocated beyond the request so that growing data rarely reallocates the factor. */
const FACTOR_SLACK = 64;

/**
 * Cholesky factor of s²·C(X) + diag(noise) for the first n rows, with room for `extraCapacity` more. Memoised:
 * a request whose leading rows (points and noise) equal a stored factor's reuses those rows and appends the
 * rest (O(n²) per new row), which is bitwise what a fresh factorisation gives (linalg.ts), so results never
 * depend on what was computed before. Each call returns a factor of its own (reused rows are copied).
 */
export function kernelFactor(X: Float64Array, n: number, d: number, w: Float64Array, s2: number, noise: Float64Array, extraCapacity: number): CholFactor {
  let key = `${d}|${s2}`;
  for (let k = 0; k < d; k++) key += `|${w[k]}`;
  let memo: FactorMemo | undefined;
  let prefix = 0;
  for (const m of factorMemo) {
    if (m.key !== key || m.f.jitter !== 0) continue;
    let p = 0;
    const lim = Math.min(n, m.n);
    outer: for (; p < lim; p++) {
      if (m.noise[p] !== noise[p]) break;
      for (let k = 0; k < d; k++) if (m.X[p * d + k] !== X[p * d + k]) break outer;
    }
    if (p > prefix) {
      prefix = p;
      memo = m;
    }
  }
  const need = n + extraCapacity;
  if (!memo || prefix < 16) {
    const K = new Float64Array(n * n);
    kernelMatrix(X, n, d, w, s2, noise, K);
    const f = cholesky(K, n, { extraCapacity: extraCapacity + FACTOR_SLACK });
    remember({ key, X: X.slice(0, n * d), noise: noise.slice(0, n), n, f });
    return f;
  }
  // Copy rows [0, prefix) into fresh storage (a memcpy, O(n²)): models built earlier keep their own factor
  // untouched, whatever fantasies they append. Copied rows keep their bits.
  const stride = need + FACTOR_SLACK;
  const L = new Float64Array(stride * stride);
  const old = memo.f;
  for (let i = 0; i < prefix; i++) L.set(old.L.subarray(i * old.stride, i * old.stride + i + 1), i * stride);
  const f: CholFactor = { n: prefix, stride, L, jitter: old.jitter };
  const k = new Float64Array(n);
  const xi = new Float64Array(d);
  for (let i = prefix; i < n; i++) {
    for (let t = 0; t < d; t++) xi[t] = X[i * d + t];
    kernelVector(X, i, d, xi, 0, w, s2, k);
    if (!choleskyAppend(f, k, s2 + noise[i])) {
      // Not positive definite without jitter: factorise afresh, as a cold start would (with jitter).
      const K = new Float64Array(n * n);
      kernelMatrix(X, n, d, w, s2, noise, K);
      const g = cholesky(K, n, { extraCapacity: extraCapacity + FACTOR_SLACK });
      remember({ key, X: X.slice(0, n * d), noise: noise.slice(0, n), n, f: g });
      return g;
    }
  }
  const idx = factorMemo.indexOf(memo);
  if (idx >= 0) factorMemo.splice(idx, 1);
  remember({ key, X: X.slice(0, n * d), noise: noise.slice(0, n), n, f });
  return f;
}

/** Forget memoised factors (frees memory; results never depend on the memo). */
export function clearFactorMemo(): void {
  factorMemo.length = 0;
}

function remember(m: FactorMemo): void {
  factorMemo.unshift(m);
  if (factorMemo.length > FACTOR_MEMO_SIZE) factorMemo.length = FACTOR_MEMO_SIZE;
}

/**
 * The model at fixed hyper-parameters (output units): prior mean yMean (the data mean), factor of
 * K + diag(noise) with room for `extraCapacity` fantasy rows, α = K⁻¹(y − yMean). noise: total variance per point.
 */
export function buildGp(X: Float64Array, y: ArrayLike<number>, n: number, d: number, noise: Float64Array, hyper: GpHyper, extraCapacity = 0, fantasyNoise = Math.exp(hyper.logNoise)): GpModel {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean = n > 0 ? mean / n : 0;
  const yc = new Float64Array(n);
  for (let i = 0; i < n; i++) yc[i] = y[i];
  const w = new Float64Array(d);
  for (let k = 0; k < d; k++) w[k] = Math.exp(-2 * hyper.logLengthScales[k]);
  const s2 = Math.exp(hyper.logOutputScale);
  const chol = kernelFactor(X, n, d, w, s2, noise, extraCapacity);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = yc[i] - mean;
  const alpha = new Float64Array(n);
  solveChol(chol, r, alpha);
  const Xc = new Float64Array(chol.stride * d);
  Xc.set(X.subarray(0, n * d));
  return { d, n, X: Xc, y: yc, yMean: mean, hyper, w, outputScale: s2, noiseVar: Math.exp(hyper.logNoise), fantasyNoise, noise: noise.slice(0, n), chol, alpha };
}

/** Standardised noise arrays for a hyper-parameter fit from raw per-point known variances and replica counts. */
export function noiseFor(n: number, fixedRaw: Float64Array | null, counts: Float64Array | null, yStd: number, learn: boolean): GpNoise {
  const scale = new Float64Array(n);
  const fixed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const fr = fixedRaw ? fixedRaw[i] : 0;
    fixed[i] = fr / (yStd * yStd);
    scale[i] = learn ? 1 / (counts ? counts[i] : 1) : 0;
  }
  return { scale, fixed };
}

/**
 * Fit and build in one call (tests, small problems): y in output units, yVar per point known variance (output
 * units) or null (noise learned), seeded restarts.
 */
export function fitGp(X: Float64Array, y: Float64Array, yVar: Float64Array | null, seed: number, opts: GpFitOptions & { extraCapacity?: number } = {}): GpModel {
  const n = y.length;
  const d = n > 0 ? X.length / n : 0;
  if (!Number.isInteger(d) || d < 1) throw new Error(`X has ${X.length} entries, not a multiple of n = ${n}`);
  const { mean, std } = standardize(y);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) ys[i] = (y[i] - mean) / std;
  const learn = opts.learnNoise ?? yVar === null;
  const ns = noiseFor(n, yVar, null, std, learn);
  const h = unstandardizeHyper(fitHyper(X, ys, n, d, ns, createRng(seed), { ...opts, learnNoise: learn }), std);
  const sn2 = learn ? Math.exp(h.logNoise) : 0;
  const noise = new Float64Array(n);
  for (let i = 0; i < n; i++) noise[i] = sn2 + (yVar ? yVar[i] : 0);
  return buildGp(X, y, n, d, noise, h, opts.extraCapacity ?? 0);
}

/** Scratch for single-point predictions (sized to the model's capacity). */
export interface PredictScratch {
  readonly k: Float64Array; // [capacity]
  readonly v: Float64Array; // [capacity]
  readonly dk: Float64Array; // [capacity·d]
  readonly x: Float64Array; // [d]
}

export function predictScratch(m: GpModel): PredictScratch {
  const cap = m.chol.stride;
  return { k: new Float64Array(cap), v: new Float64Array(cap), dk: new Float64Array(cap * m.d), x: new Float64Array(m.d) };
}

/** A prediction (output units); gradients when asked. */
export interface Prediction {
  mean: number;
  variance: number; // latent f (noise excluded), ≥ 0
  readonly dMean: Float64Array; // [d]
  readonly dVar: Float64Array; // [d]
}

export function makePrediction(d: number): Prediction {
  return { mean: 0, variance: 0, dMean: new Float64Array(d), dVar: new Float64Array(d) };
}

/**
 * Posterior of the latent function at x. The mean uses the n training points only
 * (fantasies at the posterior mean leave it unchanged — the Kriging-believer property); the variance uses the
 * factor with its fantasy rows. With `withGrad`, ∂mean/∂x and ∂var/∂x as well (two triangular solves).
 */
export function predict(m: GpModel, x: ArrayLike<number>, out: Prediction, s: PredictScratch, withGrad: boolean): Prediction {
  const d = m.d;
  const nAll = m.chol.n;
  for (let k = 0; k < d; k++) s.x[k] = x[k];
  if (withGrad) kernelVectorGrad(m.X, nAll, d, s.x, 0, m.w, m.outputScale, s.k, s.dk);
  else kernelVector(m.X, nAll, d, s.x, 0, m.w, m.outputScale, s.k);
  out.mean = m.yMean + dot(s.k, 0, m.alpha, 0, m.n);
  solveLower(m.chol, s.k, s.v);
  const var0 = m.outputScale - dot(s.v, 0, s.v, 0, nAll);
  out.variance = var0 > 0 ? var0 : 0;
  if (withGrad) {
    const dm = out.dMean;
    const dv = out.dVar;
    dm.fill(0);
    dv.fill(0);
    for (let j = 0; j < m.n; j++) {
      const a = m.alpha[j];
      const o = j * d;
      for (let k = 0; k < d; k++) dm[k] += a * s.dk[o + k];
    }
    solveUpper(m.chol, s.v, s.v); // v = K⁻¹ k
    for (let j = 0; j < nAll; j++) {
      const a = -2 * s.v[j];
      const o = j * d;
      for (let k = 0; k < d; k++) dv[k] += a * s.dk[o + k];
    }
    if (var0 <= 0) dv.fill(0);
  }
  return out;
}

/** Scratch for batched predictions of up to `size` points. */
export interface BatchScratch {
  readonly k: Float64Array[]; // [size][capacity]
  readonly v: Float64Array[]; // [size][capacity]
  readonly dk: Float64Array[]; // [size][capacity·d]
}

export function batchScratch(m: GpModel, size: number): BatchScratch {
  const cap = m.chol.stride;
  return {
    k: Array.from({ length: size }, () => new Float64Array(cap)),
    v: Array.from({ length: size }, () => new Float64Array(cap)),
    dk: Array.from({ length: size }, () => new Float64Array(cap * m.d)),
  };
}

/**
 * `predict` with gradients for several points at once, bitwise equal to calling it for each. The triangular
 * solves walk the factor once for all points: each row of L is loaded from memory once and reused from cache,
 * which is what makes large-n refinement affordable (a solve at n = 2000 streams 16 MB).
 */
export function predictBatch(m: GpModel, xs: readonly ArrayLike<number>[], out: readonly Prediction[], s: BatchScratch): void {
  const d = m.d;
  const nAll = m.chol.n;
  const B = xs.length;
  if (B > s.k.length) throw new Error(`batch of ${B} exceeds the scratch size ${s.k.length}`);
  const { L, stride } = m.chol;
  const q = new Float64Array(d);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < d; t++) q[t] = xs[b][t];
    kernelVectorGrad(m.X, nAll, d, q, 0, m.w, m.outputScale, s.k[b], s.dk[b]);
    out[b].mean = m.yMean + dot(s.k[b], 0, m.alpha, 0, m.n);
  }
  // Forward substitution L·v = k for all points, row by row (same arithmetic as solveLower).
  for (let i = 0; i < nAll; i++) {
    const ri = i * stride;
    const lii = L[ri + i];
    for (let b = 0; b < B; b++) {
      const v = s.v[b];
      v[i] = (s.k[b][i] - dot(L, ri, v, 0, i)) / lii;
    }
  }
  const var0 = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    var0[b] = m.outputScale - dot(s.v[b], 0, s.v[b], 0, nAll);
    out[b].variance = var0[b] > 0 ? var0[b] : 0;
  }
  // Back substitution Lᵀ·v = v for all points (same arithmetic as solveUpper).
  for (let i = nAll - 1; i >= 0; i--) {
    const ri = i * stride;
    const lii = L[ri + i];
    for (let b = 0; b < B; b++) {
      const v = s.v[b];
      const xi = v[i] / lii;
      v[i] = xi;
      for (let j = 0; j < i; j++) v[j] -= L[ri + j] * xi;
    }
  }
  for (let b = 0; b < B; b++) {
    const dm = out[b].dMean;
    const dv = out[b].dVar;
    dm.fill(0);
    dv.fill(0);
    const dk = s.dk[b];
    for (let j = 0; j < m.n; j++) {
      const a = m.alpha[j];
      const o = j * d;
      for (let t = 0; t < d; t++) dm[t] += a * dk[o + t];
    }
    const v = s.v[b];
    for (let j = 0; j < nAll; j++) {
      const a = -2 * v[j];
      const o = j * d;
      for (let t = 0; t < d; t++) dv[t] += a * dk[o + t];
    }
    if (var0[b] <= 0) dv.fill(0);
  }
}

/** Posterior mean and latent variance at the nq rows of Xq (output units). */
export function posterior(m: GpModel, Xq: Float64Array, nq: number, outMean: Float64Array, outVar: Float64Array): void {
  const s = predictScratch(m);
  const p = makePrediction(m.d);
  const x = new Float64Array(m.d);
  for (let i = 0; i < nq; i++) {
    for (let k = 0; k < m.d; k++) x[k] = Xq[i * m.d + k];
    predict(m, x, p, s, false);
    outMean[i] = p.mean;
    outVar[i] = p.variance;
  }
}

/**
 * Add a fantasy observation at x (Kriging believer): the point joins the factor as if observed at its posterior
 * mean with the model's fantasyNoise (the believer trusts its own prediction, so the variance at x collapses);
 * the mean is unchanged by construction. Returns false if the factor had no room or the point duplicates one
 * already in it so closely that the pivot vanished (the fantasy is then skipped).
 */
export function addFantasy(m: GpModel, x: ArrayLike<number>, s: PredictScratch): boolean {
  const nAll = m.chol.n;
  if (nAll >= m.chol.stride) return false;
  const d = m.d;
  for (let k = 0; k < d; k++) s.x[k] = x[k];
  kernelVector(m.X, nAll, d, s.x, 0, m.w, m.outputScale, s.k);
  const ok = choleskyAppend(m.chol, s.k, m.outputScale + Math.max(m.fantasyNoise, 1e-12 * m.outputScale));
  if (ok) for (let k = 0; k < d; k++) m.X[nAll * d + k] = s.x[k];
  return ok;
}

/** Remove every fantasy row. */
export function clearFantasies(m: GpModel): void {
  choleskyTruncate(m.chol, m.n);
}
