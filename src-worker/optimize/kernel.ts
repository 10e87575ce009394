/**
 * The Matérn 5/2 kernel with one length-scale per dimension (ARD), on inputs in the unit cube:
 *   k(x, x') = s² (1 + √5 r + 5r²/3) exp(−√5 r),   r² = Σ_k (x_k − x'_k)² / ℓ_k².
 * Matérn 5/2 is twice differentiable — rough enough for R_χ landscapes, smooth enough for gradient-based
 * acquisition maximisation (Snoek et al. 2012). Also the gradients the model needs: with respect to the log
 * length-scales (hyper-parameter fit) and to the query point (acquisition refinement).
 *
 * Points are rows of a row-major Float64Array [n·d]. Length-scales enter as inverse squares `w_k = 1/ℓ_k²`.
 */

export const SQRT5 = Math.sqrt(5);

/** Matérn 5/2 correlation at scaled distance r (k/s²). */
export function matern52(r: number): number {
  const sr = SQRT5 * r;
  return (1 + sr + (sr * sr) / 3) * Math.exp(-sr);
}

/**
 * (−1/r)·dk/dr / s² = (5/3)(1 + √5 r) e^{−√5 r}: finite at r = 0, and the common factor of every gradient:
 * ∂k/∂log ℓ_k = s²·g(r)·Δ_k²·w_k and ∂k/∂x_k = −s²·g(r)·Δ_k·w_k.
 */
export function matern52Grad(r: number): number {
  const sr = SQRT5 * r;
  return (5 / 3) * (1 + sr) * Math.exp(-sr);
}

/** Squared scaled distance between row i of X and row j of Y. */
export function scaledDist2(X: Float64Array, i: number, Y: Float64Array, j: number, d: number, w: Float64Array): number {
  let s = 0;
  const xi = i * d;
  const yj = j * d;
  for (let k = 0; k < d; k++) {
    const t = X[xi + k] - Y[yj + k];
    s += t * t * w[k];
  }
  return s;
}

/**
 * Kernel matrix of the n rows of X into K (n×n row-major, both triangles), plus `diag[i]` on the diagonal
 * (noise, jitter). s2 is the output scale s².
 */
export function kernelMatrix(X: Float64Array, n: number, d: number, w: Float64Array, s2: number, diag: Float64Array, K: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    K[ri + i] = s2 + diag[i];
    for (let j = 0; j < i; j++) {
      const v = s2 * matern52(Math.sqrt(scaledDist2(X, i, X, j, d, w)));
      K[ri + j] = v;
      K[j * n + i] = v;
    }
  }
}

/** k(x, X_j) for the n rows of X, x = row q of Q; into out[0..n). */
export function kernelVector(X: Float64Array, n: number, d: number, Q: Float64Array, q: number, w: Float64Array, s2: number, out: Float64Array): void {
  for (let j = 0; j < n; j++) out[j] = s2 * matern52(Math.sqrt(scaledDist2(X, j, Q, q, d, w)));
}

/**
 * k(x, X_j) and its gradient in x: out[j] = k, dOut[j·d + k] = ∂k(x, X_j)/∂x_k. x = row q of Q.
 */
export function kernelVectorGrad(
  X: Float64Array,
  n: number,
  d: number,
  Q: Float64Array,
  q: number,
  w: Float64Array,
  s2: number,
  out: Float64Array,
  dOut: Float64Array,
): void {
  const qo = q * d;
  for (let j = 0; j < n; j++) {
    const r = Math.sqrt(scaledDist2(X, j, Q, q, d, w));
    out[j] = s2 * matern52(r);
    const g = s2 * matern52Grad(r);
    const xj = j * d;
    const dj = j * d;
    for (let k = 0; k < d; k++) dOut[dj + k] = -g * (Q[qo + k] - X[xj + k]) * w[k];
  }
}
