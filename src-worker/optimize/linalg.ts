/**
 * Dense symmetric-positive-definite linear algebra for the Gaussian process: Cholesky with escalating jitter,
 * row appends (Kriging-believer fantasies, incremental updates) and triangular solves, on Float64Array.
 *
 * Layout: the factor L is lower triangular, ROW-major with a row stride ≥ n (`L[i*stride + j]`, j ≤ i). Row
 * storage keeps every inner loop a contiguous dot product, and the spare stride lets rows be appended in
 * place. Every element L[i][j] is computed by the same expression with the same summation order whether the
 * factor is built at once (blocked), or row by row, or extended later by `choleskyAppend`, so all three give
 * bitwise-identical factors: an optimizer that extends a factor reproduces one that refactors from scratch.
 */

export interface CholFactor {
  n: number; // rows in use
  readonly stride: number; // row stride = capacity (rows that fit without reallocation)
  readonly L: Float64Array; // [stride·stride] lower factor, row-major
  readonly jitter: number; // added to the diagonal of the factorised matrix (0 when none was needed)
}

/** Raised when a matrix is not positive definite even with the largest jitter allowed. */
export class NotPositiveDefiniteError extends Error {
  constructor(
    readonly row: number,
    readonly jitter: number,
  ) {
    super(`matrix is not positive definite at row ${row} even with diagonal jitter ${jitter.toExponential(2)}`);
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * Σ_k a[ai+k]·b[bi+k] for k < len — THE canonical summation of this module: term k goes to accumulator k mod 4
 * and the result is (s0 + s1) + (s2 + s3). Four accumulators break the add dependency chain (about twice as
 * fast in V8), and because every factor element is summed this way — in the 2×2 blocked kernel, in
 * row-by-row factorisation and in `choleskyAppend` — all of them give bitwise-identical factors.
 */
export function dot(a: Float64Array, ai: number, b: Float64Array, bi: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  const l4 = len - (len & 3);
  for (; k < l4; k += 4) {
    s0 += a[ai + k] * b[bi + k];
    s1 += a[ai + k + 1] * b[bi + k + 1];
    s2 += a[ai + k + 2] * b[bi + k + 2];
    s3 += a[ai + k + 3] * b[bi + k + 3];
  }
  if (k < len) s0 += a[ai + k] * b[bi + k];
  if (k + 1 < len) s1 += a[ai + k + 1] * b[bi + k + 1];
  if (k + 2 < len) s2 += a[ai + k + 2] * b[bi + k + 2];
  return s0 + s1 + (s2 + s3);
}

/** Rows per block in the blocked factorisation: 32 rows of a 2000-point factor (≈ 0.5 MB) stay in L2. */
const BLOCK = 128;

/** Accumulators of the 2×2 kernel: [ac0..3, ad0..3, bc0..3, bd0..3] for rows a, b against rows c, d. */
const _acc = new Float64Array(16);

/**
 * Partial sums of the four dot products of rows (a, b) with rows (c, d) over k < len, each kept as its four
 * canonical accumulators (not yet combined) so a caller can add one more term in canonical position. One
 * load of each row element feeds two products: twice the arithmetic per memory access of single dots.
 */
function dot2x2(L: Float64Array, ra: number, rb: number, rc: number, rd: number, len: number, acc: Float64Array): void {
  let ac0 = 0, ac1 = 0, ac2 = 0, ac3 = 0, ad0 = 0, ad1 = 0, ad2 = 0, ad3 = 0; // prettier-ignore
  let bc0 = 0, bc1 = 0, bc2 = 0, bc3 = 0, bd0 = 0, bd1 = 0, bd2 = 0, bd3 = 0; // prettier-ignore
  let k = 0;
  const l4 = len - (len & 3);
  for (; k < l4; k += 4) {
    let a = L[ra + k];
    let b = L[rb + k];
    let c = L[rc + k];
    let d = L[rd + k];
    ac0 += a * c;
    ad0 += a * d;
    bc0 += b * c;
    bd0 += b * d;
    a = L[ra + k + 1];
    b = L[rb + k + 1];
    c = L[rc + k + 1];
    d = L[rd + k + 1];
    ac1 += a * c;
    ad1 += a * d;
    bc1 += b * c;
    bd1 += b * d;
    a = L[ra + k + 2];
    b = L[rb + k + 2];
    c = L[rc + k + 2];
    d = L[rd + k + 2];
    ac2 += a * c;
    ad2 += a * d;
    bc2 += b * c;
    bd2 += b * d;
    a = L[ra + k + 3];
    b = L[rb + k + 3];
    c = L[rc + k + 3];
    d = L[rd + k + 3];
    ac3 += a * c;
    ad3 += a * d;
    bc3 += b * c;
    bd3 += b * d;
  }
  acc[0] = ac0;
  acc[1] = ac1;
  acc[2] = ac2;
  acc[3] = ac3;
  acc[4] = ad0;
  acc[5] = ad1;
  acc[6] = ad2;
  acc[7] = ad3;
  acc[8] = bc0;
  acc[9] = bc1;
  acc[10] = bc2;
  acc[11] = bc3;
  acc[12] = bd0;
  acc[13] = bd1;
  acc[14] = bd2;
  acc[15] = bd3;
  for (; k < len; k++) {
    const m = k & 3;
    const a = L[ra + k];
    const b = L[rb + k];
    const c = L[rc + k];
    const d = L[rd + k];
    acc[m] += a * c;
    acc[4 + m] += a * d;
    acc[8 + m] += b * c;
    acc[12 + m] += b * d;
  }
}

/** Combine four canonical accumulators at acc[o..o+3]. */
function combine(acc: Float64Array, o: number): number {
  return acc[o] + acc[o + 1] + (acc[o + 2] + acc[o + 3]);
}

/**
 * Factor rows [i0, i1) of a matrix already copied into L (lower triangle), given rows < i0 are final.
 * Off-diagonal columns j < i0 go through the 2×2 kernel (rows i, i+1 against columns j, j+1: the (·, j+1)
 * products need the k = j term, which joins accumulator j mod 4 after L[·][j] is known, exactly where the
 * canonical dot puts it). Columns inside the block and leftovers use the canonical dot. Returns the failing
 * row or -1.
 */
function factorBlock(L: Float64Array, stride: number, i0: number, i1: number, jitter: number): number {
  const acc = _acc;
  let i = i0;
  for (; i + 1 < i1; i += 2) {
    const ra = i * stride;
    const rb = ra + stride;
    let j = 0;
    for (; j + 1 < i0; j += 2) {
      const rc = j * stride;
      const rd = rc + stride;
      dot2x2(L, ra, rb, rc, rd, j, acc);
      const ljj = L[rc + j];
      const lij = (L[ra + j] - combine(acc, 0)) / ljj;
      const li1j = (L[rb + j] - combine(acc, 8)) / ljj;
      L[ra + j] = lij;
      L[rb + j] = li1j;
      const m = j & 3;
      const ldj = L[rd + j]; // L[j+1][j]
      acc[4 + m] += lij * ldj;
      acc[12 + m] += li1j * ldj;
      const lj1 = L[rd + j + 1];
      L[ra + j + 1] = (L[ra + j + 1] - combine(acc, 4)) / lj1;
      L[rb + j + 1] = (L[rb + j + 1] - combine(acc, 12)) / lj1;
    }
    for (; j < i0; j++) {
      const rj = j * stride;
      L[ra + j] = (L[ra + j] - dot(L, ra, L, rj, j)) / L[rj + j];
      L[rb + j] = (L[rb + j] - dot(L, rb, L, rj, j)) / L[rj + j];
    }
  }
  if (i < i1) {
    // A leftover row (odd block size): its columns below i0, with canonical dots.
    const rr = i * stride;
    for (let j = 0; j < i0; j++) {
      const rj = j * stride;
      L[rr + j] = (L[rr + j] - dot(L, rr, L, rj, j)) / L[rj + j];
    }
  }
  // Columns inside the block, column by column with canonical dots.
  for (let j = i0; j < i1; j++) {
    const rj = j * stride;
    const v = L[rj + j] + jitter - dot(L, rj, L, rj, j);
    if (!(v > 0) || !Number.isFinite(v)) return j;
    L[rj + j] = Math.sqrt(v);
    for (let r = j + 1; r < i1; r++) {
      const rr = r * stride;
      L[rr + j] = (L[rr + j] - dot(L, rr, L, rj, j)) / L[rj + j];
    }
  }
  return -1;
}

export interface CholeskyOptions {
  /** Rows to reserve beyond n for later appends (default 0). */
  readonly extraCapacity?: number;
  /** First jitter tried after a failure, relative to the mean diagonal (default 1e-10). */
  readonly jitterStart?: number;
  /** Largest jitter tried, relative to the mean diagonal, before giving up (default 1e-3). */
  readonly jitterMax?: number;
}

/**
 * Cholesky factor of the symmetric matrix A (n×n, row-major; only the lower triangle is read). On failure the
 * factorisation restarts with jitter·mean(diag A) added to the diagonal, jitter growing tenfold from
 * jitterStart to jitterMax; beyond that it throws NotPositiveDefiniteError naming the row.
 */
export function cholesky(A: Float64Array, n: number, opts: CholeskyOptions = {}): CholFactor {
  const stride = n + (opts.extraCapacity ?? 0);
  const L = new Float64Array(stride * stride);
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i];
  meanDiag = n > 0 ? meanDiag / n : 1;
  if (!(meanDiag > 0)) meanDiag = 1;
  const jStart = opts.jitterStart ?? 1e-10;
  const jMax = opts.jitterMax ?? 1e-3;
  let jitter = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      const ri = i * stride;
      const ai = i * n;
      for (let j = 0; j <= i; j++) L[ri + j] = A[ai + j];
    }
    let failed = -1;
    for (let i0 = 0; i0 < n && failed < 0; i0 += BLOCK) failed = factorBlock(L, stride, i0, Math.min(n, i0 + BLOCK), jitter);
    if (failed < 0) return { n, stride, L, jitter };
    const next = jitter === 0 ? jStart * meanDiag : jitter * 10;
    if (next > jMax * meanDiag * (1 + 1e-12)) throw new NotPositiveDefiniteError(failed, jitter);
    jitter = next;
  }
}

/**
 * Append one row/column to a factor in place: k holds the covariances of the new point with the n existing
 * ones, kDiag its variance (noise included). The factor's own jitter is added to kDiag, as the full
 * factorisation would. Returns false (factor unchanged) if the new pivot is not positive.
 */
export function choleskyAppend(f: CholFactor, k: Float64Array, kDiag: number): boolean {
  const n = f.n;
  if (n >= f.stride) throw new Error(`Cholesky factor is full (capacity ${f.stride} rows)`);
  const { L, stride } = f;
  const rn = n * stride;
  for (let j = 0; j < n; j++) {
    const rj = j * stride;
    L[rn + j] = (k[j] - dot(L, rn, L, rj, j)) / L[rj + j];
  }
  const v = kDiag + f.jitter - dot(L, rn, L, rn, n);
  if (!(v > 0) || !Number.isFinite(v)) return false;
  L[rn + n] = Math.sqrt(v);
  f.n = n + 1;
  return true;
}

/** Drop appended rows beyond n rows (fantasies are discarded this way; storage is kept). */
export function choleskyTruncate(f: CholFactor, n: number): void {
  if (n > f.n) throw new Error(`cannot truncate a ${f.n}-row factor to ${n} rows`);
  f.n = n;
}

/** Solve L·x = b (forward substitution); x and b may alias. Uses the first f.n entries. */
export function solveLower(f: CholFactor, b: Float64Array, x: Float64Array): Float64Array {
  const { L, stride, n } = f;
  for (let i = 0; i < n; i++) {
    const ri = i * stride;
    x[i] = (b[i] - dot(L, ri, x, 0, i)) / L[ri + i];
  }
  return x;
}

/** Solve Lᵀ·x = b (back substitution); x and b may alias. Column access of L: used once per fit, not in hot loops. */
export function solveUpper(f: CholFactor, b: Float64Array, x: Float64Array): Float64Array {
  const { L, stride, n } = f;
  if (x !== b) for (let i = 0; i < n; i++) x[i] = b[i];
  // Column-oriented back substitution: after x[i] is final, remove its contribution from rows above it. This
  // walks row i of L contiguously, which is column i of Lᵀ.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * stride;
    const xi = x[i] / L[ri + i];
    x[i] = xi;
    for (let j = 0; j < i; j++) x[j] -= L[ri + j] * xi;
  }
  return x;
}

/** Solve (L·Lᵀ)·x = b. */
export function solveChol(f: CholFactor, b: Float64Array, x: Float64Array): Float64Array {
  solveLower(f, b, x);
  return solveUpper(f, x, x);
}

/** log det(L·Lᵀ) = 2 Σ log L_ii. */
export function logDetChol(f: CholFactor): number {
  let s = 0;
  for (let i = 0; i < f.n; i++) s += Math.log(f.L[i * f.stride + i]);
  return 2 * s;
}

/**
 * The full inverse (L·Lᵀ)⁻¹ into out (n×n row-major, both triangles). Via W = L⁻¹ (lower, rows solved in
 * place) and out = WᵀW; O(n³/2). Only the hyper-parameter gradient needs it, on subsets of a few hundred points.
 */
export function inverseFromChol(f: CholFactor, out: Float64Array, scratch?: Float64Array): Float64Array {
  const { L, stride, n } = f;
  // W = L⁻¹ stored row-major lower triangle in `W`; computed column by column: W[:,c] solves L w = e_c.
  const W = scratch && scratch.length >= n * n ? scratch : new Float64Array(n * n);
  W.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * stride;
    const wi = i * n;
    const inv = 1 / L[ri + i];
    W[wi + i] = inv;
    // W[i][c] = −(Σ_{k=c}^{i−1} L[i][k]·W[k][c]) / L[i][i] for c < i; accumulate row i as a combination of rows k.
    for (let k = 0; k < i; k++) {
      const lik = L[ri + k];
      if (lik === 0) continue;
      const wk = k * n;
      for (let c = 0; c <= k; c++) W[wi + c] -= lik * W[wk + c];
    }
    for (let c = 0; c < i; c++) W[wi + c] *= inv;
  }
  // out = Wᵀ W: out[a][b] = Σ_{k ≥ max(a,b)} W[k][a]·W[k][b]; accumulate row by row of W (rank-1 updates).
  out.fill(0, 0, n * n);
  for (let k = 0; k < n; k++) {
    const wk = k * n;
    for (let a = 0; a <= k; a++) {
      const wka = W[wk + a];
      if (wka === 0) continue;
      const oa = a * n;
      for (let b = 0; b <= a; b++) out[oa + b] += wka * W[wk + b];
    }
  }
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) out[b * n + a] = out[a * n + b];
  return out;
}
