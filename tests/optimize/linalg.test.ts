import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskyAppend,
  dot,
  inverseFromChol,
  logDetChol,
  NotPositiveDefiniteError,
  solveChol,
  solveLower,
  solveUpper,
} from '../../src-worker/optimize/linalg.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';

/** A random SPD matrix B·Bᵀ + n·I. */
function spd(n: number, seed: number): Float64Array {
  const r = createRng(seed);
  const B = Float64Array.from({ length: n * n }, () => uniform(r) - 0.5);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = dot(B, i * n, B, j * n, n) + (i === j ? 0.1 * n : 0);
  return A;
}

describe('Cholesky', () => {
  it('factors a hand-computed 3×3 case', () => {
    // [[4, 2, -2], [2, 10, 2], [-2, 2, 6]] = L·Lᵀ with L = [[2,0,0],[1,3,0],[-1,1,2]]
    const A = Float64Array.from([4, 2, -2, 2, 10, 2, -2, 2, 6]);
    const f = cholesky(A, 3);
    const L = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (j <= i ? f.L[i * f.stride + j] : 0)));
    expect(L).toEqual([
      [2, 0, 0],
      [1, 3, 0],
      [-1, 1, 2],
    ]);
    expect(f.jitter).toBe(0);
    expect(logDetChol(f)).toBeCloseTo(Math.log(144), 14);
    // A·[1, 1, 0]ᵀ = [6, 12, 0]
    const x = solveChol(f, Float64Array.from([6, 12, 0]), new Float64Array(3));
    expect(x[0]).toBeCloseTo(1, 14);
    expect(x[1]).toBeCloseTo(1, 14);
    expect(x[2]).toBeCloseTo(0, 14);
  });

  it('solves and inverts random SPD systems of block-crossing sizes', () => {
    for (const n of [1, 2, 5, 33, 70, 131]) {
      const A = spd(n, n);
      const f = cholesky(A, n);
      const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const x = solveChol(f, b, new Float64Array(n));
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(dot(A, i * n, x, 0, n) - b[i]));
      expect(err, `n=${n}`).toBeLessThan(1e-10);
      const y = solveLower(f, b, new Float64Array(n));
      const z = solveUpper(f, y, new Float64Array(n));
      expect(Array.from(z)).toEqual(Array.from(x));
      const inv = inverseFromChol(f, new Float64Array(n * n));
      let ie = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += A[i * n + k] * inv[k * n + j];
        ie = Math.max(ie, Math.abs(s - (i === j ? 1 : 0)));
      }
      expect(ie, `n=${n}`).toBeLessThan(1e-10);
    }
  });

  it('appended rows are bitwise the rows of a full factorisation', () => {
    const n = 101; // crosses the 32-row blocks and the 2×2 kernel's odd leftovers
    const A = spd(n, 7);
    const full = cholesky(A, n);
    const inc = cholesky(A.subarray(0, 1), 1, { extraCapacity: n - 1 });
    const k = new Float64Array(n);
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++) k[j] = A[i * n + j];
      expect(choleskyAppend(inc, k, A[i * n + i])).toBe(true);
    }
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) expect(inc.L[i * inc.stride + j]).toBe(full.L[i * full.stride + j]);
  });

  it('adds jitter to a singular PSD matrix and says how much', () => {
    // Two identical rows: rank 1.
    const A = Float64Array.from([1, 1, 1, 1]);
    const f = cholesky(A, 2);
    expect(f.jitter).toBeGreaterThan(0);
    expect(f.jitter).toBeLessThanOrEqual(1e-3);
  });

  it('refuses an indefinite matrix, naming the row', () => {
    const A = Float64Array.from([1, 2, 2, 1]); // eigenvalues 3 and −1
    expect(() => cholesky(A, 2)).toThrow(NotPositiveDefiniteError);
    expect(() => cholesky(A, 2)).toThrow(/row 1/);
  });
});
