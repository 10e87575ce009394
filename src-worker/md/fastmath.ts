/**
 * exp(x) for the pair loops, accurate to about one ulp and several times faster than V8's Math.exp (which
 * is an out-of-line call into fdlibm: ~23 ns on the development machine, two per pair, half the kernel's
 * time). Table-driven (Tang's method): x = (n/256)·ln2 + r with |r| ≤ ln2/512, exp(x) = 2^(n>>8) ·
 * 2^((n&255)/256) · P(r), P a degree-5 Taylor polynomial (truncation < 4e-17). The ln2/256 split is
 * Cody–Waite so that r is exact to double precision. Checked against Math.exp in tests/md/fastmath.test.ts.
 *
 * Domain: finite x; results below the smallest normal double flush towards zero through the 2^k table
 * (subnormal results lose accuracy; the engine never needs them), x > 709.78 gives Infinity, NaN gives NaN.
 */

const N_BITS = 8;
const N = 1 << N_BITS; // 256 sub-intervals per octave
const INV_LN2_N = N / Math.LN2;
// ln2/N split (fdlibm's ln2_hi/ln2_lo, divided exactly by N): ln2_hi has 21 trailing zero bits, so n·LN2N_HI
// is exact for |n| < 2^21, and LN2N_LO carries ln2 beyond double precision.
const LN2N_HI = 6.9314718036912381649e-1 / N;
const LN2N_LO = 1.90821492927058770002e-10 / N;

/** 2^(j/N), j = 0..N−1, correctly rounded by construction from Math.pow (exact enough: ≤ 0.5 ulp in V8). */
const TWO_J_N = (() => {
  const t = new Float64Array(N);
  for (let j = 0; j < N; j++) t[j] = Math.pow(2, j / N);
  return t;
})();

/** 2^k for k = K_MIN..K_MAX (exact powers of two; subnormals included, beyond that 0 / Infinity). */
const K_MIN = -1100;
const K_MAX = 1100;
const TWO_K = (() => {
  const t = new Float64Array(K_MAX - K_MIN + 1);
  for (let k = K_MIN; k <= K_MAX; k++) t[k - K_MIN] = Math.pow(2, k);
  return t;
})();

// Adding and subtracting 1.5·2^52 rounds to the nearest integer in two additions (faster than Math.round).
const ROUND = 6755399441055744.0;

/** exp(x) to about one ulp for finite x. */
export function expFast(x: number): number {
  if (!(x > -745.2)) return x !== x ? NaN : 0; // NaN stays NaN; deep underflow (and −∞) → 0
  if (x > 709.78) return Infinity;
  const nd = x * INV_LN2_N + ROUND - ROUND;
  const n = nd | 0;
  const r = x - nd * LN2N_HI - nd * LN2N_LO;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120)))));
  return TWO_K[(n >> N_BITS) - K_MIN] * (TWO_J_N[n & (N - 1)] * p);
}
