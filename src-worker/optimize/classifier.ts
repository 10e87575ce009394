/**
 * The feasibility model of BO: the probability that an evaluation at x succeeds (an MD run that blows up is a
 * failure, y = null). A latent GP classifier — constant prior mean m, Matérn 5/2 ARD kernel with output scale
 * s², probit likelihood p(ok | f) = Φ(f) — under the Laplace approximation (Rasmussen & Williams 2006,
 * Algs. 3.1, 3.2 and 5.1), with all hyper-parameters (m, s², ℓ_k) its own, by MAP on the approximate marginal
 * likelihood (Gelbart, Snoek & Adams 2014 model constraints this way).
 *
 * Why these choices (they replace a least-squares classifier with labels ±2 around a fixed prior mean of +2 and
 * the regression GP's length-scales, which stalled BO when most of the box fails, see README.md):
 * - m is learned: where most evaluations fail, an unexplored region is more likely to fail than not, and p far
 *   from data is Φ(m/√(1 + s²)), not a fixed "feasible unless shown otherwise".
 * - s² is learned: a probit classifier with a large latent scale can become confident (p → 0 at repeated or
 *   surrounded failures). Capped labels kept p ≥ Φ(−2) ≈ 0.02 at any failure, which cannot outweigh the
 *   regression GP's expected improvement in the unexplored — because failed — part of the box.
 * - The length-scales are learned: a collapse boundary depends on other parameters than R_χ does (in 2-D the
 *   regression saw R_χ flat along qSi while the boundary moved along it).
 * The model is returned in the form of a GP regression (`GpModel`) on pseudo-observations f̂_i + a_i/W_i with
 * noise 1/W_i, whose predictive mean and variance are exactly the Laplace ones: gp.ts's predict serves both.
 */
import { uniform, type Rng } from '../rng.ts';
import { logNormCdf } from './acquisition.ts';
import type { GpModel } from './gp.ts';
import { matern52, matern52Grad } from './kernel.ts';
import { cholesky, dot, inverseFromChol, solveChol, type CholFactor } from './linalg.ts';
import { minimizeBox } from './minimize.ts';

export interface ClassifierHyper {
  readonly logLengthScales: readonly number[]; // [d], unit-cube units
  readonly logOutputScale: number; // log s² of the latent function
  readonly mean: number; // m, the latent prior mean
}

/** A labelled data set: rows of X in [0,1]^d, labels +1 (the evaluation succeeded) or −1 (it failed). */
export interface ClassifierData {
  readonly X: Float64Array; // [n·d]
  readonly label: Float64Array; // [n] ±1
  readonly n: number;
  readonly d: number;
}

/**
 * Priors (MAP). Length-scales: the regression GP's dimension-scaled log-normal (gp.ts). Latent scale:
 * log s² ~ N(log 4, 1.5²) — s = 2 lets p run from 0.02 to 0.98 across one length-scale, and the data may ask
 * for a sharper boundary (the upper bound s² = 400). Mean: m ~ N(0, 2²), weak; the data place it.
 */
const PRIOR_LOG_LS_SD = Math.sqrt(3);
const PRIOR_LOG_S2_MEAN = Math.log(4);
const PRIOR_LOG_S2_SD = 1.5;
const PRIOR_MEAN_SD = 2;
const priorLogLsMean = (d: number): number => Math.SQRT2 + 0.5 * Math.log(d);
const BOUNDS = { logLs: [Math.log(0.01), Math.log(20)], logS2: [Math.log(0.05), Math.log(400)], mean: [-8, 8] } as const;

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Working arrays of EP for n points; the site parameters double as the warm start of the next run. */
interface EpState {
  readonly n: number;
  readonly tau: Float64Array; // τ̃, site precisions (≥ 0: the probit likelihood is log-concave)
  readonly nu: Float64Array; // ν̃, site precision-times-means (f-space)
  readonly Sigma: Float64Array; // [n·n] posterior covariance (K⁻¹ + diag τ̃)⁻¹
  readonly mu: Float64Array; // posterior mean
  readonly B: Float64Array; // [n·n] I + √τ̃ K √τ̃, then reused for V = L⁻¹√τ̃K
  readonly sW: Float64Array; // √τ̃
  readonly nuHat: Float64Array; // ν̃ − τ̃m: the sites' natural mean relative to the prior mean
  readonly tauCav: Float64Array;
  readonly muCav: Float64Array;
}

function epState(n: number): EpState {
  const v = (): Float64Array => new Float64Array(n);
  return { n, tau: v(), nu: v(), Sigma: new Float64Array(n * n), mu: v(), B: new Float64Array(n * n), sW: v(), nuHat: v(), tauCav: v(), muCav: v() };
}

/** t = K·v for the symmetric n×n K (row-major). */
function matVec(K: Float64Array, n: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) out[i] = dot(K, i * n, v, 0, n);
}

/**
 * Σ and μ afresh from the sites (R&W Alg. 3.5's end-of-sweep recomputation, which keeps the rank-one updates
 * from drifting): L = chol(I + √τ̃K√τ̃), V = L⁻¹√τ̃K, Σ = K − VᵀV, μ = m + Σν̂. Returns L.
 */
function recompute(K: Float64Array, n: number, m: number, st: EpState): CholFactor {
  const { B, sW, Sigma } = st;
  for (let i = 0; i < n; i++) {
    sW[i] = Math.sqrt(st.tau[i]);
    st.nuHat[i] = st.nu[i] - st.tau[i] * m;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) B[i * n + j] = sW[i] * K[i * n + j] * sW[j] + (i === j ? 1 : 0);
  const L = cholesky(B, n);
  // V row by row (forward substitution on all columns at once, contiguous rows), stored in B.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < n; j++) B[ri + j] = sW[i] * K[ri + j];
    const Lr = i * L.stride;
    for (let k = 0; k < i; k++) {
      const lik = L.L[Lr + k];
      if (lik === 0) continue;
      const rk = k * n;
      for (let j = 0; j < n; j++) B[ri + j] -= lik * B[rk + j];
    }
    const inv = 1 / L.L[Lr + i];
    for (let j = 0; j < n; j++) B[ri + j] *= inv;
  }
  Sigma.set(K);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let a = 0; a < n; a++) {
      const va = B[rk + a];
      if (va === 0) continue;
      const ra = a * n;
      for (let b = 0; b <= a; b++) Sigma[ra + b] -= va * B[rk + b];
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) Sigma[b * n + a] = Sigma[a * n + b];
  for (let i = 0; i < n; i++) st.mu[i] = m + dot(Sigma, i * n, st.nuHat, 0, n);
  return L;
}

/**
 * Expectation propagation for the probit likelihood (R&W Alg. 3.5, sequential site updates with rank-one
 * updates of Σ), warm-started from the sites in st, to convergence of the sites. Returns log Z_EP (R&W
 * Eq. 3.65 in its stable form) and the factor L of I + √τ̃K√τ̃; st holds the sites, Σ, μ and the cavities.
 */
function runEp(K: Float64Array, n: number, m: number, y: Float64Array, st: EpState): { logZ: number; L: CholFactor } {
  const { tau, nu, Sigma, mu } = st;
  let L = recompute(K, n, m, st);
  for (let sweep = 0; sweep < 100; sweep++) {
    let change = 0;
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      const s2i = Sigma[ri + i];
      const tauC = 1 / s2i - tau[i];
      if (!(tauC > 0)) continue; // cannot happen in exact arithmetic for a log-concave likelihood
      const s2C = 1 / tauC;
      const muC = (mu[i] / s2i - nu[i]) * s2C;
      const den = Math.sqrt(1 + s2C);
      const z = (y[i] * muC) / den;
      const ratio = Math.exp(-0.5 * z * z - LOG_SQRT_2PI - logNormCdf(z)); // φ(z)/Φ(z)
      const muHat = muC + (y[i] * s2C * ratio) / den;
      const s2Hat = s2C - ((s2C * s2C * ratio) / (1 + s2C)) * (z + ratio);
      const tauNew = Math.max(1 / s2Hat - tauC, 0);
      const dTau = tauNew - tau[i];
      const nuNew = muHat / s2Hat - muC * tauC;
      const dNu = nuNew - nu[i];
      change = Math.max(change, Math.abs(dTau) / (1 + tauNew), Math.abs(dNu) / (1 + Math.abs(nuNew)));
      tau[i] = tauNew;
      nu[i] = nuNew;
      // Σ ← Σ − c·s sᵀ (s = Σ's column i), μ = m + Σν̂ updated in O(n) from the same s.
      const c = dTau / (1 + dTau * s2i);
      const dNuHat = dNu - dTau * m;
      let sNu = 0;
      for (let j = 0; j < n; j++) sNu += Sigma[ri + j] * (st.nuHat[j] + (j === i ? dNuHat : 0));
      st.nuHat[i] += dNuHat;
      const sCopy = st.muCav; // scratch: column i of Σ before the update
      for (let j = 0; j < n; j++) sCopy[j] = Sigma[ri + j];
      if (c !== 0)
        for (let a = 0; a < n; a++) {
          const ca = c * sCopy[a];
          if (ca === 0) continue;
          const ra = a * n;
          for (let b = 0; b < n; b++) Sigma[ra + b] -= ca * sCopy[b];
        }
      for (let j = 0; j < n; j++) mu[j] += sCopy[j] * (dNuHat - c * sNu);
    }
    L = recompute(K, n, m, st);
    if (change < 1e-9) break;
  }
  // Cavities at the fixed point, and log Z_EP = ½Σlog(1 + τ̃/τ₋) − Σlog L_ii + ½ν̂ᵀΣν̂ − ½ν̂ᵀ(T + S̃)⁻¹ν̂
  //   + ½(μ₋ − m)ᵀT(T + S̃)⁻¹(S̃(μ₋ − m) − 2ν̂) + Σ log Φ(y μ₋/√(1 + σ₋²))   (R&W Alg. 3.5, shifted by m).
  let logZ = 0;
  for (let i = 0; i < n; i++) {
    const s2i = Sigma[i * n + i];
    const tauC = Math.max(1 / s2i - tau[i], 1e-300);
    st.tauCav[i] = tauC;
    st.muCav[i] = (mu[i] / s2i - nu[i]) / tauC;
    const g = st.muCav[i] - m;
    const nh = st.nuHat[i];
    logZ += 0.5 * Math.log1p(tau[i] / tauC) - Math.log(L.L[i * L.stride + i]);
    logZ += -0.5 * (nh * nh) / (tauC + tau[i]) + (0.5 * tauC * g * (tau[i] * g - 2 * nh)) / (tauC + tau[i]);
    logZ += logNormCdf((y[i] * st.muCav[i]) / Math.sqrt(1 + 1 / tauC));
  }
  let quad = 0;
  for (let i = 0; i < n; i++) quad += st.nuHat[i] * dot(Sigma, i * n, st.nuHat, 0, n);
  logZ += 0.5 * quad;
  return { logZ, L };
}

/** Parameter vector θ = (log ℓ_1..d, log s², m). */
function unpack(theta: Float64Array, d: number): { w: Float64Array; s2: number; m: number } {
  const w = new Float64Array(d);
  for (let k = 0; k < d; k++) w[k] = Math.exp(-2 * theta[k]);
  return { w, s2: Math.exp(theta[d]), m: theta[d + 1] };
}

/** Pairwise squared coordinate differences [k][a·n + b] (a > b), fixed during a fit. */
function pairDiffs(X: Float64Array, n: number, d: number): Float64Array[] {
  const D = Array.from({ length: d }, () => new Float64Array(n * n));
  for (let a = 0; a < n; a++)
    for (let b = 0; b < a; b++)
      for (let k = 0; k < d; k++) {
        const t = X[a * d + k] - X[b * d + k];
        D[k][a * n + b] = t * t;
      }
  return D;
}

/** The kernel matrix K (both triangles) and G_ab = s²·g(r_ab) (lower triangle) for θ. */
function kernels(D: Float64Array[], n: number, d: number, w: Float64Array, s2: number, K: Float64Array, G: Float64Array | null): void {
  for (let a = 0; a < n; a++) {
    K[a * n + a] = s2;
    for (let b = 0; b < a; b++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) r2 += D[k][a * n + b] * w[k];
      const r = Math.sqrt(r2);
      const v = s2 * matern52(r);
      K[a * n + b] = v;
      K[b * n + a] = v;
      if (G) G[a * n + b] = s2 * matern52Grad(r);
    }
  }
}

/**
 * Negative log posterior of θ (−log Z_EP − log prior) and its gradient. At the EP fixed point the gradient of
 * log Z_EP has only explicit terms (R&W Alg. 5.2): ½ tr((bbᵀ − R) ∂K/∂θ_j) with b = (K + Σ̃)⁻¹(μ̃ − m) and
 * R = √τ̃ B⁻¹ √τ̃; for the prior mean, Σ b_i. st carries the sites from call to call as the warm start.
 */
function negLogPosterior(data: ClassifierData, D: Float64Array[], theta: Float64Array, grad: Float64Array | null, st: EpState, K: Float64Array, G: Float64Array): number {
  const { n, d, label: y } = data;
  const { w, s2, m } = unpack(theta, d);
  kernels(D, n, d, w, s2, K, grad ? G : null);
  if (!st.tau.every(Number.isFinite) || !st.nu.every(Number.isFinite)) {
    st.tau.fill(0);
    st.nu.fill(0);
  }
  const { logZ, L } = runEp(K, n, m, y, st);
  const mLs = priorLogLsMean(d);
  let nlp = -logZ;
  for (let k = 0; k < d; k++) nlp += (0.5 * (theta[k] - mLs) ** 2) / PRIOR_LOG_LS_SD ** 2;
  nlp += (0.5 * (theta[d] - PRIOR_LOG_S2_MEAN) ** 2) / PRIOR_LOG_S2_SD ** 2;
  nlp += (0.5 * m * m) / PRIOR_MEAN_SD ** 2;
  if (!grad) return nlp;
  if (!Number.isFinite(nlp)) return Infinity;
  const { sW, nuHat } = st;
  const bv = new Float64Array(n);
  const t = new Float64Array(n);
  matVec(K, n, nuHat, t);
  for (let i = 0; i < n; i++) t[i] *= sW[i];
  solveChol(L, t, t);
  for (let i = 0; i < n; i++) bv[i] = nuHat[i] - sW[i] * t[i];
  const R = new Float64Array(n * n);
  inverseFromChol(L, R);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) R[i * n + j] *= sW[i] * sW[j];
  // ∂K/∂θ_j on the fly over the lower triangle: for log ℓ_k, s²·g(r)·Δ_k²·w_k (zero diagonal); for log s², K.
  for (let j = 0; j <= d; j++) {
    const Dk = j < d ? D[j] : null;
    const wk = j < d ? w[j] : 0;
    const diag = j < d ? 0 : s2;
    let acc = 0;
    for (let a = 0; a < n; a++) {
      const ra = a * n;
      acc += (bv[a] * bv[a] - R[ra + a]) * diag;
      for (let b = 0; b < a; b++) {
        const c = Dk ? G[ra + b] * Dk[ra + b] * wk : K[ra + b];
        acc += 2 * (bv[a] * bv[b] - R[ra + b]) * c;
      }
    }
    grad[j] = -0.5 * acc + (j < d ? (theta[j] - mLs) / PRIOR_LOG_LS_SD ** 2 : (theta[d] - PRIOR_LOG_S2_MEAN) / PRIOR_LOG_S2_SD ** 2);
  }
  let sumB = 0;
  for (let i = 0; i < n; i++) sumB += bv[i];
  grad[d + 1] = -sumB + m / PRIOR_MEAN_SD ** 2;
  return nlp;
}

/** Exposed for the gradient test: −log posterior of θ and its gradient, EP from cold sites. */
export function classifierObjective(data: ClassifierData, hyper: ClassifierHyper, grad: Float64Array | null): number {
  const theta = Float64Array.from([...hyper.logLengthScales, hyper.logOutputScale, hyper.mean]);
  const n = data.n;
  return negLogPosterior(data, pairDiffs(data.X, n, data.d), theta, grad, epState(n), new Float64Array(n * n), new Float64Array(n * n));
}

export interface ClassifierFitOptions {
  readonly restarts?: number; // default 2
  readonly maxIter?: number; // L-BFGS iterations per start, default 50
}

/**
 * MAP hyper-parameters from `restarts` starts: the first at ℓ = 0.3, s² = 4 and the mean of the smoothed
 * success rate ((#ok + 1)/(n + 2), so a box that mostly fails starts out believed to mostly fail), the others
 * drawn from rng around it. Deterministic given the data and rng.
 */
export function fitClassifierHyper(data: ClassifierData, rng: Rng, o: ClassifierFitOptions = {}): ClassifierHyper {
  const { n, d } = data;
  const p = d + 2;
  const lo = new Float64Array(p);
  const hi = new Float64Array(p);
  for (let k = 0; k < d; k++) {
    lo[k] = BOUNDS.logLs[0];
    hi[k] = BOUNDS.logLs[1];
  }
  [lo[d], hi[d]] = BOUNDS.logS2;
  [lo[d + 1], hi[d + 1]] = BOUNDS.mean;
  let ok = 0;
  for (let i = 0; i < n; i++) if (data.label[i] > 0) ok++;
  const rate = (ok + 1) / (n + 2);
  const m0 = probitInverse(rate) * Math.sqrt(1 + 4);
  const starts: Float64Array[] = [];
  const t0 = new Float64Array(p);
  t0.fill(Math.log(0.3), 0, d);
  t0[d] = Math.log(4);
  t0[d + 1] = m0;
  starts.push(t0);
  const restarts = Math.max(1, o.restarts ?? 2);
  while (starts.length < restarts) {
    const t = new Float64Array(p);
    for (let k = 0; k < d; k++) t[k] = Math.log(0.05) + uniform(rng) * (Math.log(2) - Math.log(0.05));
    t[d] = Math.log(1) + uniform(rng) * (Math.log(30) - Math.log(1));
    t[d + 1] = m0 * Math.sqrt((1 + Math.exp(t[d])) / 5);
    starts.push(t);
  }
  const D = pairDiffs(data.X, n, d);
  const ep = epState(n);
  const K = new Float64Array(n * n);
  const G = new Float64Array(n * n);
  let best: Float64Array = t0;
  let bestF = Infinity;
  for (const st of starts) {
    ep.tau.fill(0);
    ep.nu.fill(0);
    const r = minimizeBox((th, g) => negLogPosterior(data, D, th, g, ep, K, G), st, lo, hi, { maxIter: o.maxIter ?? 50, gtol: 1e-4, ftol: 1e-8, initialStep: 1 });
    if (r.f < bestF) {
      bestF = r.f;
      best = r.x;
    }
  }
  return { logLengthScales: Array.from(best.subarray(0, d)), logOutputScale: best[d], mean: best[d + 1] };
}

/** Φ⁻¹(p) by Newton on log Φ (start from a logistic guess); only for start values, 1e-10 accuracy. */
function probitInverse(p: number): number {
  let z = Math.log(p / (1 - p)) / 1.6;
  for (let it = 0; it < 50; it++) {
    const l = logNormCdf(z);
    const dz = (l - Math.log(p)) / Math.exp(-0.5 * z * z - LOG_SQRT_2PI - l);
    z -= dz;
    if (Math.abs(dz) < 1e-10) break;
  }
  return z;
}

/** Largest pseudo-noise 1/τ̃, relative to s²: sites EP left at τ̃ ≈ 0 carry no variance information. */
const MAX_NOISE_REL = 1e8;

/**
 * The classifier at fixed hyper-parameters, as a GpModel whose predict() gives EP's latent mean m + k*ᵀb and
 * variance k** − k*ᵀ(K + Σ̃)⁻¹k* (R&W Alg. 3.6); p(ok) = Φ(μ/√(1 + σ²)). EP starts from empty sites, so the
 * model is a function of the data and θ alone.
 */
export function classifierModel(data: ClassifierData, hyper: ClassifierHyper): GpModel {
  const { n, d, X, label } = data;
  const theta = Float64Array.from([...hyper.logLengthScales, hyper.logOutputScale, hyper.mean]);
  const { w, s2, m } = unpack(theta, d);
  const K = new Float64Array(n * n);
  kernels(pairDiffs(X, n, d), n, d, w, s2, K, null);
  const st = epState(n);
  const { L } = runEp(K, n, m, label, st);
  const b = new Float64Array(n);
  const t = new Float64Array(n);
  matVec(K, n, st.nuHat, t);
  for (let i = 0; i < n; i++) t[i] *= st.sW[i];
  solveChol(L, t, t);
  for (let i = 0; i < n; i++) b[i] = st.nuHat[i] - st.sW[i] * t[i];
  const noise = new Float64Array(n);
  const yPseudo = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    noise[i] = st.tau[i] > 1 / (MAX_NOISE_REL * s2) ? 1 / st.tau[i] : MAX_NOISE_REL * s2;
    yPseudo[i] = m + dot(K, i * n, b, 0, n) + b[i] * noise[i]; // μ̃_i: (K + Σ̃)b = μ̃ − m
    K[i * n + i] = s2 + noise[i];
  }
  const chol = cholesky(K, n);
  return {
    d,
    n,
    X: X.slice(0, n * d),
    y: yPseudo,
    yMean: m,
    hyper: { logLengthScales: hyper.logLengthScales, logOutputScale: hyper.logOutputScale, logNoise: 0 },
    w,
    outputScale: s2,
    noiseVar: 1,
    fantasyNoise: 1,
    noise,
    chol,
    alpha: b,
  };
}
