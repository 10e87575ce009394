/**
 * Space-filling designs on [0,1]^d for the initial data set (paper Sec. 2.4 (i): points that "uniformly span
 * the targeted range"): a scrambled Sobol sequence (Joe–Kuo direction numbers, random linear matrix
 * scrambling plus a digital shift, seeded) and Latin hypercube sampling. The i-th Sobol point is a pure
 * function of (seed, i), so a design can be extended or replayed point by point.
 */
import { createRng, nextUint32, uniform, randInt, type Rng } from '../rng.ts';

/**
 * Joe & Kuo, "Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30
 * (2008), file new-joe-kuo-6.21201, dimensions 2–64 (dimension 1 is van der Corput): "d s a m_1 … m_s" with s
 * the degree of the primitive polynomial, a its interior coefficients as bits, m_i the initial direction integers.
 */
const JOE_KUO = [
  '2 1 0 1',
  '3 2 1 1 3',
  '4 3 1 1 3 1',
  '5 3 2 1 1 1',
  '6 4 1 1 1 3 3',
  '7 4 4 1 3 5 13',
  '8 5 2 1 1 5 5 17',
  '9 5 4 1 1 5 5 5',
  '10 5 7 1 1 7 11 19',
  '11 5 11 1 1 5 1 1',
  '12 5 13 1 1 1 3 11',
  '13 5 14 1 3 5 5 31',
  '14 6 1 1 3 3 9 7 49',
  '15 6 13 1 1 1 15 21 21',
  '16 6 16 1 3 1 13 27 49',
  '17 6 19 1 1 1 15 7 5',
  '18 6 22 1 3 1 15 13 25',
  '19 6 25 1 1 5 5 19 61',
  '20 7 1 1 3 7 11 23 15 103',
  '21 7 4 1 3 7 13 13 15 69',
  '22 7 7 1 1 3 13 7 35 63',
  '23 7 8 1 3 5 9 1 25 53',
  '24 7 14 1 3 1 13 9 35 107',
  '25 7 19 1 3 1 5 27 61 31',
  '26 7 21 1 1 5 11 19 41 61',
  '27 7 28 1 3 5 3 3 13 69',
  '28 7 31 1 1 7 13 1 19 1',
  '29 7 32 1 3 7 5 13 19 59',
  '30 7 37 1 1 3 9 25 29 41',
  '31 7 41 1 3 5 13 23 1 55',
  '32 7 42 1 3 7 3 13 59 17',
  '33 7 50 1 3 1 3 5 53 69',
  '34 7 55 1 1 5 5 23 33 13',
  '35 7 56 1 1 7 7 1 61 123',
  '36 7 59 1 1 7 9 13 61 49',
  '37 7 62 1 3 3 5 3 55 33',
  '38 8 14 1 3 1 15 31 13 49 245',
  '39 8 21 1 3 5 15 31 59 63 97',
  '40 8 22 1 3 1 11 11 11 77 249',
  '41 8 38 1 3 1 11 27 43 71 9',
  '42 8 47 1 1 7 15 21 11 81 45',
  '43 8 49 1 3 7 3 25 31 65 79',
  '44 8 50 1 3 1 1 19 11 3 205',
  '45 8 52 1 1 5 9 19 21 29 157',
  '46 8 56 1 3 7 11 1 33 89 185',
  '47 8 67 1 3 3 3 15 9 79 71',
  '48 8 70 1 3 7 11 15 39 119 27',
  '49 8 84 1 1 3 1 11 31 97 225',
  '50 8 97 1 1 1 3 23 43 57 177',
  '51 8 103 1 3 7 7 17 17 37 71',
  '52 8 115 1 3 1 5 27 63 123 213',
  '53 8 122 1 1 3 5 11 43 53 133',
  '54 9 8 1 3 5 5 29 17 47 173 479',
  '55 9 13 1 3 3 11 3 1 109 9 69',
  '56 9 16 1 1 1 5 17 39 23 5 343',
  '57 9 22 1 3 1 5 25 15 31 103 499',
  '58 9 25 1 1 1 11 11 17 63 105 183',
  '59 9 44 1 1 5 11 9 29 97 231 363',
  '60 9 47 1 1 5 15 19 45 41 7 383',
  '61 9 52 1 3 7 7 31 19 83 137 221',
  '62 9 55 1 1 1 3 23 15 111 223 83',
  '63 9 59 1 1 5 13 31 15 55 25 161',
  '64 9 62 1 1 3 13 25 47 39 87 257',
];

/** Dimensions the built-in direction numbers cover. */
export const SOBOL_MAX_DIM = JOE_KUO.length + 1;
const BITS = 32;

/** Direction numbers V[j·32 + k] (k = 0 is the most significant bit) of dimension j, unscrambled. */
function directionNumbers(d: number): Uint32Array {
  if (d > SOBOL_MAX_DIM) throw new Error(`Sobol design supports at most ${SOBOL_MAX_DIM} dimensions, asked for ${d}`);
  const V = new Uint32Array(d * BITS);
  for (let k = 0; k < BITS; k++) V[k] = (1 << (31 - k)) >>> 0;
  for (let j = 1; j < d; j++) {
    const f = JOE_KUO[j - 1].split(' ').map(Number);
    const s = f[1];
    const a = f[2];
    const m = f.slice(3);
    const o = j * BITS;
    for (let k = 0; k < s; k++) V[o + k] = (m[k] << (31 - k)) >>> 0;
    for (let k = s; k < BITS; k++) {
      let v = (V[o + k - s] ^ (V[o + k - s] >>> s)) >>> 0;
      for (let t = 1; t < s; t++) if ((a >>> (s - 1 - t)) & 1) v = (v ^ V[o + k - t]) >>> 0;
      V[o + k] = v;
    }
  }
  return V;
}

/** A Sobol generator: its (possibly scrambled) direction numbers and digital shift. */
export interface SobolEngine {
  readonly d: number;
  readonly V: Uint32Array; // [d·32]
  readonly shift: Uint32Array; // [d]
}

function parity32(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * A Sobol engine for d dimensions. With an rng: random linear matrix scrambling (a random lower-triangular
 * binary matrix with unit diagonal per dimension, applied to the direction numbers — Matoušek 1998, as in
 * SciPy's qmc.Sobol) and a random digital shift. LMS keeps the (t, m, s)-net property, so the first 2^m points
 * stay perfectly stratified; the shift makes each point uniformly distributed. Without an rng: the plain sequence.
 */
export function sobolEngine(d: number, rng: Rng | null): SobolEngine {
  const V = directionNumbers(d);
  const shift = new Uint32Array(d);
  if (rng) {
    const row = new Uint32Array(BITS);
    for (let j = 0; j < d; j++) {
      // Row r of the matrix: output bit r (0 = most significant) = parity(row[r] & input). Lower triangular
      // means output bit r mixes input bits 0..r (same or more significant), with bit r itself always set.
      for (let r = 0; r < BITS; r++) {
        const maskAbove = r === 0 ? 0 : (~0 << (32 - r)) >>> 0; // input bits more significant than r
        row[r] = ((nextUint32(rng) & maskAbove) | (1 << (31 - r))) >>> 0;
      }
      const o = j * BITS;
      for (let k = 0; k < BITS; k++) {
        const v = V[o + k];
        let out = 0;
        for (let r = 0; r < BITS; r++) if (parity32(row[r] & v)) out |= 1 << (31 - r);
        V[o + k] = out >>> 0;
      }
      shift[j] = nextUint32(rng);
    }
  }
  return { d, V, shift };
}

/** Point number `index` (0-based, Gray-code order) into out[offset .. offset+d). */
export function sobolPoint(e: SobolEngine, index: number, out: Float64Array | number[], offset = 0): void {
  if (!(index >= 0 && index < 2 ** 32) || !Number.isInteger(index)) throw new Error(`Sobol index ${index} out of range`);
  const gray = (index ^ Math.floor(index / 2)) >>> 0;
  for (let j = 0; j < e.d; j++) {
    let x = e.shift[j];
    const o = j * BITS;
    for (let b = 0; b < BITS; b++) if ((gray >>> b) & 1) x ^= e.V[o + b];
    out[offset + j] = (x >>> 0) / 4294967296;
  }
}

/** n points of a d-dimensional Sobol sequence, scrambled from `seed` (or plain with seed null), from index skip. */
export function sobolPoints(d: number, n: number, seed: number | null, skip = 0): Float64Array {
  const e = sobolEngine(d, seed === null ? null : createRng(seed, 0x50b0));
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) sobolPoint(e, skip + i, out, i * d);
  return out;
}

/**
 * Latin hypercube sample of n points: each dimension's n strata [k/n, (k+1)/n) hold exactly one point, at a
 * uniform position inside its stratum, strata paired across dimensions by independent random permutations.
 */
export function latinHypercube(d: number, n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * d);
  const perm = new Int32Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const k = randInt(rng, i + 1);
      const t = perm[i];
      perm[i] = perm[k];
      perm[k] = t;
    }
    for (let i = 0; i < n; i++) out[i * d + j] = (perm[i] + uniform(rng)) / n;
  }
  return out;
}

/**
 * Centred L2 discrepancy (Hickernell 1998) of n points in [0,1]^d: a coverage measure, lower is more uniform;
 * O(n²d), for tests and reports.
 */
export function centeredL2Discrepancy(X: Float64Array, n: number, d: number): number {
  let t1 = 1;
  for (let k = 0; k < d; k++) t1 *= 13 / 12;
  let t2 = 0;
  for (let i = 0; i < n; i++) {
    let p = 1;
    for (let k = 0; k < d; k++) {
      const z = Math.abs(X[i * d + k] - 0.5);
      p *= 1 + 0.5 * z - 0.5 * z * z;
    }
    t2 += p;
  }
  let t3 = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let p = 1;
      for (let k = 0; k < d; k++) {
        const a = X[i * d + k] - 0.5;
        const b = X[j * d + k] - 0.5;
        p *= 1 + 0.5 * Math.abs(a) + 0.5 * Math.abs(b) - 0.5 * Math.abs(X[i * d + k] - X[j * d + k]);
      }
      t3 += p;
    }
  }
  return Math.sqrt(t1 - (2 / n) * t2 + t3 / (n * n));
}
