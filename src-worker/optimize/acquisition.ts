/**
 * Acquisition functions as pure functions of a posterior (mean, sd) and the incumbent: expected improvement
 * exactly as the paper's Eq. 5 (minimisation), its logarithm computed stably far into the tail (Ament et al.,
 * "Unexpected improvements to expected improvement", NeurIPS 2023), and the normal-distribution helpers they
 * need (erfc, erfcx, Φ, log Φ) written to full double precision so that log-EI has no flat zero regions.
 */

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LOG_SQRT_PI_2 = 0.5 * Math.log(Math.PI / 2);
const INV_SQRT_EPS = 1 / Math.sqrt(Number.EPSILON);

/**
 * erf(x)·e^{x²}·(√π/2)/x as the positive series Σ (2x²)^n / (2n+1)!!, so erf = (2/√π) x e^{−x²} · series has no
 * cancellation; used for |x| < 2, where it converges within ~40 terms.
 */
function erfSeries(x: number): number {
  const x2 = 2 * x * x;
  let term = 1;
  let sum = 1;
  for (let n = 1; n < 200; n++) {
    term *= x2 / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return (2 / SQRT_PI) * x * Math.exp(-x * x) * sum;
}

/**
 * erfcx(x) = e^{x²} erfc(x) for x ≥ 2 by the Laplace continued fraction
 * erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated with the modified Lentz method.
 */
function erfcxCf(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = D === 0 ? tiny : D;
    C = x + a / C;
    C = C === 0 ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (SQRT_PI * f);
}

/** Complementary error function to ~1e-15 relative accuracy for all x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0;
  return Math.exp(-x * x) * erfcxCf(x);
}

/** Scaled complementary error function e^{x²} erfc(x), finite for large positive x. */
export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2) return erfcxCf(x);
  if (x >= 0) return Math.exp(x * x) * (1 - erfSeries(x));
  // erfcx(−|x|) = 2e^{x²} − erfcx(|x|); overflows to +∞ below about −26.6, as it must.
  return 2 * Math.exp(x * x) - erfcx(-x);
}

/** Standard normal density φ(z). */
export function normPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/** Standard normal distribution function Φ(z). */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** log Φ(z), accurate for z far below zero (where Φ underflows). */
export function logNormCdf(z: number): number {
  if (z > -1) return Math.log1p(-0.5 * erfc(z / SQRT2));
  return Math.log(0.5 * erfcx(-z / SQRT2)) - 0.5 * z * z;
}

/** log(1 − e^x) for x < 0 without cancellation (Mächler 2012). */
function log1mexp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** h(z) = φ(z) + zΦ(z): EI = σ·h((best − μ)/σ). */
export function eiH(z: number): number {
  return normPdf(z) + z * normCdf(z);
}

/** log h(z), stable for all z (Ament et al. 2023, Eq. 9). */
export function logEiH(z: number): number {
  if (z > -1) return Math.log(eiH(z));
  if (z > -INV_SQRT_EPS) {
    return -0.5 * z * z - LOG_SQRT_2PI + log1mexp(Math.log(erfcx(-z / SQRT2) * Math.abs(z)) + LOG_SQRT_PI_2);
  }
  return -0.5 * z * z - LOG_SQRT_2PI - 2 * Math.log(Math.abs(z));
}

/**
 * Expected improvement for MINIMISATION, the paper's Eq. 5:
 *   EI = (best − μ)·Φ(Z) + σ·φ(Z), Z = (best − μ)/σ, if σ > 0;  EI = 0 if σ = 0.
 * (For σ = 0 the paper's convention is 0 even when μ < best; a noise-free GP has σ = 0 only at observed points.)
 */
export function expectedImprovement(mean: number, sd: number, best: number): number {
  if (!(sd > 0)) return 0;
  const z = (best - mean) / sd;
  return (best - mean) * normCdf(z) + sd * normPdf(z);
}

/** log EI, finite wherever σ > 0 (−∞ for σ = 0). Equals log(expectedImprovement) where that is representable. */
export function logExpectedImprovement(mean: number, sd: number, best: number): number {
  if (!(sd > 0)) return -Infinity;
  return logEiH((best - mean) / sd) + Math.log(sd);
}

/**
 * log EI and its partial derivatives with respect to the mean and the variance (σ²), for gradient-based
 * maximisation: ∂logEI/∂μ = −Φ(z)/(σ h(z)), ∂logEI/∂σ = φ(z)/(σ h(z)), both from log-space ratios.
 */
export function logEiWithGrad(mean: number, variance: number, best: number, out: { value: number; dMean: number; dVar: number }): void {
  if (!(variance > 0)) {
    out.value = -Infinity;
    out.dMean = 0;
    out.dVar = 0;
    return;
  }
  const sd = Math.sqrt(variance);
  const z = (best - mean) / sd;
  const lh = logEiH(z);
  out.value = lh + Math.log(sd);
  const rPhi = Math.exp(logNormCdf(z) - lh); // Φ/h
  const rpdf = Math.exp(-0.5 * z * z - LOG_SQRT_2PI - lh); // φ/h
  out.dMean = -rPhi / sd;
  const dSd = rpdf / sd;
  out.dVar = dSd / (2 * sd);
}

/**
 * log of a probability of feasibility p = Φ(m/√(1 + s²)) (probit link over a latent GP with mean m and
 * variance s²), with derivatives in m and s².
 */
export function logProbitWithGrad(m: number, s2: number, out: { value: number; dMean: number; dVar: number }): void {
  const den = Math.sqrt(1 + s2);
  const z = m / den;
  const lp = logNormCdf(z);
  out.value = lp;
  const ratio = Math.exp(-0.5 * z * z - LOG_SQRT_2PI - lp); // φ(z)/Φ(z)
  out.dMean = ratio / den;
  out.dVar = ratio * (-0.5 * m) / (den * den * den);
}
