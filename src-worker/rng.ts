/**
 * The one source of randomness in the engine room: a seeded xoshiro128** generator with uniform and normal
 * deviates. Nothing in src-worker may call Math.random; every stochastic function takes an Rng, so a seed
 * reproduces a run exactly on one machine.
 */

/** Generator state: four 32-bit words plus a cached second normal deviate (polar method pairs). */
export interface Rng {
  readonly s: Uint32Array; // [4]
  spareNormal: number;
  hasSpare: boolean;
}

/** splitmix32 step, used only to spread a user seed over the 128-bit state. */
function splitmix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [x, z >>> 0];
}

/** A generator from an integer seed (any safe integer; the high bits are folded in). */
export function createRng(seed: number, stream = 0): Rng {
  if (!Number.isSafeInteger(seed)) throw new Error(`rng seed must be a safe integer, got ${seed}`);
  let x = (seed | 0) ^ Math.floor(seed / 4294967296) ^ Math.imul(stream + 1, 0x632be5ab);
  const s = new Uint32Array(4);
  for (let k = 0; k < 4; k++) {
    const [nx, z] = splitmix32(x);
    x = nx;
    s[k] = z;
  }
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  return { s, spareNormal: 0, hasSpare: false };
}

/** Next 32-bit unsigned integer (xoshiro128**). */
export function nextUint32(r: Rng): number {
  const s = r.s;
  const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform double in [0, 1) with 53 random bits. */
export function uniform(r: Rng): number {
  const hi = nextUint32(r) >>> 5; // 27 bits
  const lo = nextUint32(r) >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** Uniform integer in [0, n). */
export function randInt(r: Rng, n: number): number {
  return Math.floor(uniform(r) * n);
}

/** Standard normal deviate (Marsaglia polar method). */
export function normal(r: Rng): number {
  if (r.hasSpare) {
    r.hasSpare = false;
    return r.spareNormal;
  }
  let u = 0;
  let v = 0;
  let q = 0;
  do {
    u = 2 * uniform(r) - 1;
    v = 2 * uniform(r) - 1;
    q = u * u + v * v;
  } while (q >= 1 || q === 0);
  const f = Math.sqrt((-2 * Math.log(q)) / q);
  r.spareNormal = v * f;
  r.hasSpare = true;
  return u * f;
}

/** A derived seed for a sub-task (replica k, worker w): deterministic, well separated from the parent. */
export function deriveSeed(seed: number, ...path: number[]): number {
  let h = createRng(seed);
  for (const p of path) h = createRng(nextUint32(h) ^ Math.imul(p + 1, 0x27d4eb2d));
  return nextUint32(h) & 0x7fffffff;
}
