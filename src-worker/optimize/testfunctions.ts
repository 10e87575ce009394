/**
 * Synthetic landscapes that behave like R_χ, for tests and the benchmark (BoTorch test_functions style):
 * positive, minimum near 0.05–0.09, bad regions near 0.5–1, rough, ~2 % relative noise (paper Sec. 2.4), and
 * optionally a region where the "MD run" fails. Each carries its box, noise, optimum and a target value.
 *
 * Targets are quantiles of the noise-free value under uniform sampling of the box — 1 % in 2-D, 0.5 % in 7-D —
 * so random search needs about ln 2/p ≈ 69 resp. 139 evaluations in median; `sampleQuantile` recomputes them
 * (a test checks the constants). Reaching a target is judged on the noise-free value of the evaluated point.
 */
import { normal, type Rng, createRng, uniform } from '../rng.ts';

export interface TestFunction {
  readonly name: string;
  readonly dim: number;
  readonly lower: readonly number[]; // natural coordinates of the box
  readonly upper: readonly number[];
  /** Relative noise sd: y = f·(1 + noiseRel·ε). */
  readonly noiseRel: number;
  /** Noise-free value at natural coordinates. */
  readonly f: (x: readonly number[]) => number;
  /** Region where an evaluation fails (y = null), natural coordinates. */
  readonly fails?: (x: readonly number[]) => boolean;
  readonly optimum: { readonly x: readonly number[]; readonly value: number };
  readonly target: number;
  /** A start in the wrong basin, for CG-alone comparisons (paper Fig. 7); unit coordinates. */
  readonly start?: readonly number[];
  readonly description: string;
}

/** Natural coordinates of a unit-cube point. */
export function toNatural(tf: TestFunction, u: ArrayLike<number>): number[] {
  return Array.from({ length: tf.dim }, (_, k) => tf.lower[k] + u[k] * (tf.upper[k] - tf.lower[k]));
}

export function toUnitBox(tf: TestFunction, x: readonly number[]): number[] {
  return x.map((v, k) => (v - tf.lower[k]) / (tf.upper[k] - tf.lower[k]));
}

/** Noise-free value at a unit-cube point. */
export function trueValue(tf: TestFunction, u: ArrayLike<number>): number {
  return tf.f(toNatural(tf, u));
}

/** One noisy evaluation at a unit-cube point: null inside the failure region. */
export function evaluateNoisy(tf: TestFunction, u: ArrayLike<number>, rng: Rng): number | null {
  const x = toNatural(tf, u);
  if (tf.fails?.(x)) return null;
  return tf.f(x) * (1 + tf.noiseRel * normal(rng));
}

function ackley(z: readonly number[]): number {
  const d = z.length;
  let s2 = 0;
  let sc = 0;
  for (const v of z) {
    s2 += v * v;
    sc += Math.cos(2 * Math.PI * v);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(s2 / d)) - Math.exp(sc / d) + 20 + Math.E;
}

/** Rastrigin with a reduced ripple amplitude A = 3 (instead of 10): a rough bowl, like R_χ far from the optimum. */
function rastriginLike(z: readonly number[]): number {
  let s = 0;
  for (const v of z) s += v * v - 3 * Math.cos(2 * Math.PI * v) + 3;
  return s;
}

const SHIFT7 = [1.1, -0.6, 0.3, 1.7, -1.2, 0.5, -0.9];

/** Ackley, shifted off-centre, scaled to R_χ-like values 0.05 … ~0.11. */
export const ACKLEY_2D: TestFunction = {
  name: 'ackley-2d',
  dim: 2,
  lower: [-3, -3],
  upper: [3, 3],
  noiseRel: 0.02,
  f: (x) => 0.05 + 0.01 * ackley([x[0] - 1.1, x[1] + 0.6]),
  optimum: { x: [1.1, -0.6], value: 0.05 },
  target: 0.0748,
  start: [0.15, 5.2 / 6], // (−2.1, 2.2): across several ripples from the optimum
  description: 'noisy Ackley, 2-D, optimum at (1.1, −0.6) in [−3, 3]²',
};

export const ACKLEY_7D: TestFunction = {
  name: 'ackley-7d',
  dim: 7,
  lower: new Array(7).fill(-3),
  upper: new Array(7).fill(3),
  noiseRel: 0.02,
  f: (x) => 0.05 + 0.01 * ackley(x.map((v, k) => v - SHIFT7[k])),
  optimum: { x: SHIFT7, value: 0.05 },
  target: 0.0975,
  description: 'noisy Ackley, 7-D, shifted optimum in [−3, 3]⁷',
};

export const RASTRIGIN_7D: TestFunction = {
  name: 'rastrigin-7d',
  dim: 7,
  lower: new Array(7).fill(-4),
  upper: new Array(7).fill(4),
  noiseRel: 0.02,
  f: (x) => 0.05 + 0.002 * rastriginLike(x.map((v, k) => v - SHIFT7[k])),
  optimum: { x: SHIFT7, value: 0.05 },
  target: 0.1024,
  description: 'noisy Rastrigin-like rough bowl (ripple amplitude 3), 7-D, shifted optimum in [−4, 4]⁷',
};

/**
 * The paper's Fig. 3/7 landscape in the BKS-2D space (u1 = qSi over 1.2–2.6 e, u2 = log A_SiO over 10³–10⁵ eV):
 * a global basin R_χ ≈ 0.09 near the ML set (qSi 1.955, A_SiO 2.0e4) and a local basin ≈ 0.14 at high charge
 * and softer repulsion, joined by a soft minimum of two paraboloids, with small ripples (roughness) and a
 * failure corner at low charge and weak repulsion (the MD run collapses). BKS (qSi 2.4, A_SiO 1.8e4) lies in
 * the local basin, as in the paper's Fig. 7.
 */
const G = [0.536, 0.655];
const LOC = [0.84, 0.45];
export const TWO_BASIN_2D: TestFunction = {
  name: 'two-basin-2d',
  dim: 2,
  lower: [0, 0],
  upper: [1, 1],
  noiseRel: 0.02,
  f: (u) => {
    const fg = 0.09 + 1.5 * ((u[0] - G[0]) ** 2 + (u[1] - G[1]) ** 2);
    const fl = 0.14 + 1.5 * ((u[0] - LOC[0]) ** 2 + (u[1] - LOC[1]) ** 2);
    const tau = 0.01;
    const m = Math.min(fg, fl);
    const soft = m - tau * Math.log(Math.exp(-(fg - m) / tau) + Math.exp(-(fl - m) / tau));
    return soft + 0.0015 * Math.sin(37 * u[0]) * Math.sin(41 * u[1]) + 0.0015;
  },
  fails: (u) => u[0] < 0.15 && u[1] < 0.25,
  optimum: { x: G, value: 0.09 },
  target: 0.0959,
  start: [(2.4 - 1.2) / 1.4, (Math.log10(18003.7572) - 3) / 2],
  description: "two basins like the paper's Fig. 3 (global 0.09 near ML, local 0.14), ripples, a failure corner",
};

/**
 * Buckingham-catastrophe landscapes: most of a wide box makes the MD run blow up, and the good forcefields sit
 * in a narrow valley just above the collapse — what the demo campaign met with the preset's wide bounds (21 of
 * 30 runs failed). Coordinates are natural ones with A on a log10 scale, so the unit cube is the campaign's.
 *
 * 2-D (qSi in e, log10 A_SiO in log10 eV over [1.2, 2.6] × [3, 5], the rest at BKS): below a curved collapse
 * boundary — A_SiO too weak for the Si–O wall to hold against −C/r⁶ and the Coulomb attraction, at ≈ 16 000 eV
 * for BKS's charge and C_SiO — the run fails (y = null); about 36 % of the box is feasible. Just above the
 * boundary (≈ +0.03 in log10 A, ≈ 1000 eV) runs the narrow diagonal valley measured with the demo protocol
 * against the CHIK liquid: 9.6 % at 2.0 e, 4.7 % at 2.3 e, 6.7 % at 2.6 e, climbing to 15–25 % within
 * 0.025–0.035 in log10 A of its floor (±1000–1500 eV); farther up R_χ grows towards ~1. The measured points fix
 * the valley near BKS's charge; the boundary's curvature away from it is made up for the test (it keeps the
 * feasible region from being a half-space that a linear classifier would capture trivially).
 */
function valleyCentre(q: number): number {
  return 4.255 + 0.08 * (q - 2.3) + 0.25 * (q - 2.3) ** 2;
}
/** Offset of the valley's centre line above the collapse boundary, log10 A units (≈ 1000 eV). */
const VALLEY_OFFSET = 0.03;
/** Valley floor along the charge: 4.7 % at 2.3 e, 9.6 % at 2.0 e, 6.7 % at 2.6 e. */
function valleyFloor(q: number): number {
  return 0.047 + (q < 2.3 ? 0.54 : 0.22) * (q - 2.3) ** 2;
}
/** Rise across the valley, δ = distance above its centre line (log10 units; negative towards the collapse). */
function valleyWall(delta: number): number {
  return 0.4 * -Math.expm1(-((delta / 0.035) ** 2)) + 0.25 * Math.max(delta, 0);
}
const ripple = (a: number, b: number): number => 0.0015 * Math.sin(23 * a) * Math.sin(31 * b) + 0.0015;

export const COLLAPSE_2D: TestFunction = {
  name: 'collapse-2d',
  dim: 2,
  lower: [1.2, 3],
  upper: [2.6, 5],
  noiseRel: 0.02,
  f: (x) => valleyFloor(x[0]) + valleyWall(x[1] - valleyCentre(x[0])) + ripple(x[0], x[1]),
  fails: (x) => x[1] < valleyCentre(x[0]) - VALLEY_OFFSET,
  optimum: { x: [2.3, valleyCentre(2.3)], value: 0.047 },
  target: 0.1747,
  description: 'Buckingham catastrophe in (qSi, log10 A_SiO): 64 % of the box fails, a narrow curved valley just above the collapse',
};

/**
 * 7-D: the ML preset's coordinates (qSi, log10 A_SiO, ρ_SiO, C_SiO, log10 A_OO, ρ_OO, C_OO) with its default
 * bounds. The collapse threshold in log10 A_SiO moves with the wall's other parameters: a softer wall (larger
 * ρ_SiO) holds with a smaller prefactor — A·e^{−r/ρ} at an effective r_w = 1 Å, the A–ρ correlation — and
 * more dispersion (C_SiO) needs a larger one; the boundary is curved in (ρ_SiO, log10 A_SiO). The valley
 * follows it at the same offset, its floor rises in a bowl around ML-like values of the other five parameters
 * (at most +0.2 at the box's corners). About 34 % of the box is feasible.
 */
const RHO_BKS = 0.20521;
function wallShift(x: readonly number[]): number {
  return (1 / Math.LN10) * (1 / x[2] - 1 / RHO_BKS) + 0.6 * ((x[3] - 133.5) / 300);
}
function bowl7(x: readonly number[]): number {
  const t = [(x[2] - 0.195) / 0.18, (x[3] - 100) / 300, (x[4] - 3) / 2, (x[5] - 0.357) / 0.3, (x[6] - 81.5) / 300];
  const w = [0.15, 0.1, 0.2, 0.2, 0.1];
  let s = 0;
  for (let k = 0; k < 5; k++) s += w[k] * t[k] * t[k];
  return s;
}
const OPT7 = [2.3, 0, 0.195, 100, 3, 0.357, 81.5];
OPT7[1] = valleyCentre(2.3) + wallShift(OPT7);

export const COLLAPSE_7D: TestFunction = {
  name: 'collapse-7d',
  dim: 7,
  lower: [1.2, 3, 0.12, 0, 2, 0.15, 0],
  upper: [2.6, 5, 0.3, 300, 4, 0.45, 300],
  noiseRel: 0.02,
  f: (x) => valleyFloor(x[0]) + bowl7(x) + valleyWall(x[1] - valleyCentre(x[0]) - wallShift(x)) + ripple(x[0], x[4]),
  fails: (x) => x[1] < valleyCentre(x[0]) + wallShift(x) - VALLEY_OFFSET,
  optimum: { x: OPT7, value: 0.047 },
  target: 0.1992,
  description: 'Buckingham catastrophe in the ML space: 66 % of the box fails, a narrow curved valley just above the collapse',
};

export const TEST_FUNCTIONS: readonly TestFunction[] = [ACKLEY_2D, TWO_BASIN_2D, COLLAPSE_2D, ACKLEY_7D, RASTRIGIN_7D, COLLAPSE_7D];

/** The p-quantile of the noise-free value under uniform sampling (n samples, failures as +∞), for calibrating targets. */
export function sampleQuantile(tf: TestFunction, p: number, n: number, seed: number): number {
  const r = createRng(seed);
  const v = new Float64Array(n);
  const u = new Array<number>(tf.dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < tf.dim; k++) u[k] = uniform(r);
    // A point that fails can never reach a target.
    v[i] = tf.fails?.(toNatural(tf, u)) ? Infinity : trueValue(tf, u);
  }
  v.sort();
  return v[Math.floor(p * n)];
}
