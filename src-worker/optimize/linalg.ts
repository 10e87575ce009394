/**
 * Dense symmetric-positive-definite linear algebra for the Gaussian process: Cholesky with escalating jitter,
 * row appends (Kriging-believer fantasies, incremental updates) and triangular solves, on Float64Array.
 *
 * Layout: the factor L is lower triangular, ROW-major with a row stride ≥ n (`L[i*stride + j]`, j ≤ i). Row
 * storage keeps every inner loop a contiguous dot product, and the spare stride lets rows be appended in
 * place. Every element L[i][j] is computed by the same expression with the same summation order (`dotFactor`)
 * whether the factor is built at once (blocked), or row by row, or extended later by `choleskyAppend`, so all
 * three give bitwise-identical factors: an optimizer that extends a factor reproduces one that refactors from
 * scratch.
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
 * Σ_k a[ai+k]·b[bi+k] for k < len, with four accumulators (breaking the add dependency chain is about twice as
 * fast in V8). For solves and products; factor elements use `dotFactor`.
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
  for (; k < len; k++) s0 += a[ai + k] * b[bi + k];
  return s0 + s1 + (s2 + s3);
}

/**
 * THE canonical summation of a factor element: Σ_k a[ai+k]·b[bi+k] with term k in accumulator k mod 2, result
 * s0 + s1. Every factor element is summed this way — in the 2×2 blocked kernel (8 accumulators, which V8 keeps
 * in registers; 16 would spill), in row-by-row factorisation and in `choleskyAppend` — so all of them give
 * bitwise-identical factors.
 */
export function dotFactor(a: Float64Array, ai: number, b: Float64Array, bi: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let k = 0;
  const l2 = len - (len & 1);
  for (; k < l2; k += 2) {
    s0 += a[ai + k] * b[bi + k];
    s1 += a[ai + k + 1] * b[bi + k + 1];
  }
  if (k < len) s0 += a[ai + k] * b[bi + k];
  return s0 + s1;
}

/** Rows per block in the blocked factorisation: 32 rows of a 2000-point factor (≈ 0.5 MB) stay in L2. */
const BLOCK = 128;

/** Accumulators of the 2×2 kernel: [ac0, ac1, ad0, ad1, bc0, bc1, bd0, bd1] for rows a, b against rows c, d. */
const _acc = new Float64Array(8);

/**
 * Partial sums of the four dot products of rows (a, b) with rows (c, d) over k < len, each kept as its two
 * canonical accumulators (not yet combined) so a caller can add one more term in canonical position. One load
 * of each row element feeds two products: twice the arithmetic per memory access of single dots.
 */
function dot2x2(L: Float64Array, ra: number, rb: number, rc: number, rd: number, len: number, acc: Float64Array): void {
  let ac0 = 0, ac1 = 0, ad0 = 0, ad1 = 0, bc0 = 0, bc1 = 0, bd0 = 0, bd1 = 0; // prettier-ignore
  let k = 0;
  const l2 = len - (len & 1);
  for (; k < l2; k += 2) {
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
  }
  if (k < len) {
    const a = L[ra + k];
    const b = L[rb + k];
    const c = L[rc + k];
    const d = L[rd + k];
    ac0 += a * c;
    ad0 += a * d;
    bc0 += b * c;
    bd0 += b * d;
  }
  acc[0] = ac0;
  acc[1] = ac1;
  acc[2] = ad0;
  acc[3] = ad1;
  acc[4] = bc0;
  acc[5] = bc1;
  acc[6] = bd0;
  acc[7] = bd1;
}

/** Combine two canonical accumulators at acc[o], acc[o+1]. */
function combine(acc: Float64Array, o: number): number {
  return acc[o] + acc[o + 1];
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
      const li1j = (L[rb + j] - combine(acc, 4)) / ljj;
      L[ra + j] = lij;
      L[rb + j] = li1j;
      const m = j & 1;
      const ldj = L[rd + j]; // L[j+1][j]
      acc[2 + m] += lij * ldj;
      acc[6 + m] += li1j * ldj;
      const lj1 = L[rd + j + 1];
      L[ra + j + 1] = (L[ra + j + 1] - combine(acc, 2)) / lj1;
      L[rb + j + 1] = (L[rb + j + 1] - combine(acc, 6)) / lj1;
    }
    for (; j < i0; j++) {
      const rj = j * stride;
      L[ra + j] = (L[ra + j] - dotFactor(L, ra, L, rj, j)) / L[rj + j];
      L[rb + j] = (L[rb + j] - dotFactor(L, rb, L, rj, j)) / L[rj + j];
    }
  }
  if (i < i1) {
    // A leftover row (odd block size): its columns below i0, with canonical dots.
    const rr = i * stride;
    for (let j = 0; j < i0; j++) {
      const rj = j * stride;
      L[rr + j] = (L[rr + j] - dotFactor(L, rr, L, rj, j)) / L[rj + j];
    }
  }
  // Columns inside the block, column by column with canonical dots.
  for (let j = i0; j < i1; j++) {
    const rj = j * stride;
    const v = L[rj + j] + jitter - dotFactor(L, rj, L, rj, j);
    if (!(v > 0) || !Number.isFinite(v)) return j;
    L[rj + j] = Math.sqrt(v);
    for (let r = j + 1; r < i1; r++) {
      const rr = r * stride;
      L[rr + j] = (L[rr + j] - dotFactor(L, rr, L, rj, j)) / L[rj + j];
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
    L[rn + j] = (k[j] - dotFactor(L, rn, L, rj, j)) / L[rj + j];
  }
  const v = kDiag + f.jitter - dotFactor(L, rn, L, rn, n);
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
 * The full inverse (L·Lᵀ)⁻¹ into out (n×n row-major, both triangles); only the hyper-parameter gradient needs
 * it, on subsets of a few hundred points. X = L⁻¹ is built as its transpose T = Xᵀ (T[c][i] = X[i][c]), so
 * that both X[i][c] = −(Σ_{c≤k<i} L[i][k]·X[k][c]) / L[i][i] and (L·Lᵀ)⁻¹[a][b] = Σ_{k≥max(a,b)} X[k][a]·X[k][b]
 * are contiguous dot products (register accumulation instead of read-modify-write sweeps). O(n³/3).
 */
export function inverseFromChol(f: CholFactor, out: Float64Array, scratch?: Float64Array): Float64Array {
  const { L, stride, n } = f;
  const T = scratch && scratch.length >= n * n ? scratch : new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * stride;
    const inv = 1 / L[ri + i];
    T[i * n + i] = inv;
    for (let c = 0; c < i; c++) T[c * n + i] = -dot(L, ri + c, T, c * n + c, i - c) * inv;
  }
  for (let a = 0; a < n; a++) {
    const ra = a * n;
    for (let b = 0; b <= a; b++) {
      const v = dot(T, ra + a, T, b * n + a, n - a);
      out[ra + b] = v;
      out[b * n + a] = v;
    }
  }
  return out;
}

/** Symmetric eigen-decomposition by cyclic Jacobi rotations: C = B·diag(D²)·Bᵀ; B columns are eigenvectors. */
export function symmetricEigen(C: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const A = Float64Array.from(C);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] * A[p * n + q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p];
          const akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k];
          const aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = A[i * n + i];
  return { values, vectors: V };
}
