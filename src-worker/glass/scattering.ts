/**
 * Neutron scattering functions of a glass from its partial g_ab(r), in the Faber–Ziman formalism and the
 * notation of Keen (J. Appl. Cryst. 34, 172, 2001) and Wright (J. Non-Cryst. Solids 179, 84, 1994):
 *
 *   S_ab(Q) − 1 = 4πρ ∫ r² (g_ab(r) − 1) sin(Qr)/(Qr) · M(r) dr            (partial structure factors)
 *   F(Q) = Σ_ab c_a c_b b_a b_b (S_ab(Q) − 1)                              (barn; what Gudrun's .mint01 holds)
 *   S(Q) = F(Q)/⟨b⟩² + 1                                                    (normalised total)
 *   T(r) = 4πρ r Σ_ab c_a c_b b_a b_b g_ab(r)                               (barn Å⁻²; total correlation)
 *
 * ρ: atoms per Å³; c: atom fractions; b: coherent neutron scattering lengths (fm; 1 fm² = 0.01 barn).
 * The sum runs over ordered pairs (Si–O counted twice). M(r) is the Lorch window sin(πr/R)/(πr/R) over the
 * finite g(r) range R, which damps the termination ripples a box-limited g(r) would put into S(Q); a
 * simulation's S(Q) below 2π/L carries no information anyway.
 */
import type { PairName } from '../species.ts';

/** Coherent neutron scattering lengths, fm (Sears, Neutron News 3, 26, 1992; the values). */
export const NEUTRON_B: Readonly<Record<string, number>> = { Si: 4.1491, O: 5.803 };
/** fm² → barn. */
export const FM2_TO_BARN = 0.01;

/** A sampled function y(x) on a grid. */
export interface Curve {
  readonly x: Float64Array;
  readonly y: Float64Array;
}

export interface Composition {
  readonly species: readonly string[]; // e.g. ['Si', 'O']
  readonly fraction: Readonly<Record<string, number>>; // atom fractions, Σ = 1
  readonly b: Readonly<Record<string, number>>; // fm
}

/** SiO2 with the neutron scattering lengths above. */
export const SILICA_NEUTRON: Composition = { species: ['Si', 'O'], fraction: { Si: 1 / 3, O: 2 / 3 }, b: NEUTRON_B };

/** ⟨b⟩² in barn. */
export function meanBSquared(comp: Composition): number {
  let mean = 0;
  for (const s of comp.species) mean += comp.fraction[s] * comp.b[s];
  return mean * mean * FM2_TO_BARN;
}

/** Faber–Ziman weight of an unordered pair in F(Q) and T(r), barn: c_a c_b b_a b_b, doubled for a ≠ b. */
export function pairWeight(comp: Composition, a: string, b: string): number {
  const w = comp.fraction[a] * comp.fraction[b] * comp.b[a] * comp.b[b] * FM2_TO_BARN;
  return a === b ? w : 2 * w;
}

/** The species of a pair name made of `comp.species` ('SiO' → ['Si', 'O']). */
export function pairSpecies(comp: Composition, name: PairName): [string, string] {
  for (const a of comp.species)
    for (const b of comp.species) if (a + b === name) return [a, b];
  throw new Error(`pair ${name} is not made of the species ${comp.species.join(', ')}`);
}

/** A uniform Q grid q0, q0 + dq, … ≤ q1 (Å⁻¹). */
export function qGrid(q0: number, q1: number, dq: number): Float64Array {
  const n = Math.floor((q1 - q0) / dq + 1e-9) + 1;
  return Float64Array.from({ length: n }, (_, k) => q0 + k * dq);
}

/**
 * S_ab(Q) − 1 of one partial g(r) given at bin centres r (uniform width dr), with the Lorch window over
 * [0, rMax]. rho in atoms/Å³.
 */
export function partialStructureFactor(r: Float64Array, g: Float64Array, dr: number, rMax: number, rho: number, q: Float64Array, lorch = true): Float64Array {
  const out = new Float64Array(q.length);
  const h = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) {
    const x = (Math.PI * r[i]) / rMax;
    const m = lorch ? Math.sin(x) / x : 1;
    h[i] = r[i] * (g[i] - 1) * m * dr;
  }
  for (let k = 0; k < q.length; k++) {
    const Q = q[k];
    let s = 0;
    for (let i = 0; i < r.length; i++) s += h[i] * Math.sin(Q * r[i]);
    out[k] = (4 * Math.PI * rho * s) / Q;
  }
  return out;
}

export interface NeutronFunctions {
  readonly q: Float64Array; // Å⁻¹
  readonly fq: Float64Array; // F(Q), barn
  readonly sq: Float64Array; // S(Q) = F/⟨b⟩² + 1
  readonly partialSq: Readonly<Record<PairName, Float64Array>>; // S_ab(Q) (not minus one)
  readonly r: Float64Array; // Å
  readonly tr: Float64Array; // T(r), barn Å⁻²
}

/** F(Q), S(Q), S_ab(Q) and T(r) from partial g(r) (bin centres r, width dr, range rMax) at number density rho. */
export function neutronFunctions(
  rdf: { readonly r: Float64Array; readonly dr: number; readonly rMax: number; readonly pairs: readonly PairName[]; readonly g: Readonly<Record<PairName, Float64Array>> },
  rho: number,
  q: Float64Array,
  comp: Composition = SILICA_NEUTRON,
): NeutronFunctions {
  if (!(rho > 0)) throw new Error(`number density must be positive, got ${rho} Å⁻³`);
  const fq = new Float64Array(q.length);
  const tr = new Float64Array(rdf.r.length);
  const partialSq: Record<PairName, Float64Array> = {};
  for (const name of rdf.pairs) {
    const [a, b] = pairSpecies(comp, name);
    const w = pairWeight(comp, a, b);
    const s = partialStructureFactor(rdf.r, rdf.g[name], rdf.dr, rdf.rMax, rho, q);
    for (let k = 0; k < q.length; k++) fq[k] += w * s[k];
    partialSq[name] = s.map((v) => v + 1);
    const g = rdf.g[name];
    for (let i = 0; i < tr.length; i++) tr[i] += 4 * Math.PI * rho * rdf.r[i] * w * g[i];
  }
  const b2 = meanBSquared(comp);
  return { q, fq, sq: fq.map((v) => v / b2 + 1), partialSq, r: rdf.r, tr };
}

/**
 * T(r) of a measured F(Q) (barn) by the inverse transform with the Lorch function over [qMin, qMax] (Å⁻¹):
 *   T(r) = T⁰(r) + (2/π) ∫ Q F(Q) M(Q) sin(Qr) dQ,   T⁰(r) = 4πρ r ⟨b⟩².
 * The same window on the simulation's side makes the two comparable (see `broadenTr`).
 */
export function trFromFq(q: Float64Array, fq: Float64Array, rho: number, r: Float64Array, qMax: number, comp: Composition = SILICA_NEUTRON): Float64Array {
  const b2 = meanBSquared(comp);
  const out = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) {
    let s = 0;
    for (let k = 0; k < q.length; k++) {
      const Q = q[k];
      if (Q <= 0 || Q > qMax) continue;
      const dq = k + 1 < q.length ? q[k + 1] - Q : Q - q[k - 1];
      const x = (Math.PI * Q) / qMax;
      s += Q * fq[k] * (Math.sin(x) / x) * Math.sin(Q * r[i]) * dq;
    }
    out[i] = 4 * Math.PI * rho * r[i] * b2 + (2 / Math.PI) * s;
  }
  return out;
}

/** The peak of y in [x0, x1]: position by a parabola through the highest sample and its neighbours. */
export function peakIn(c: Curve, x0: number, x1: number): { x: number; y: number; index: number } | null {
  let best = -1;
  for (let k = 1; k + 1 < c.x.length; k++) {
    if (c.x[k] < x0 || c.x[k] > x1) continue;
    if (best < 0 || c.y[k] > c.y[best]) best = k;
  }
  if (best < 0) return null;
  const y0 = c.y[best - 1];
  const y1 = c.y[best];
  const y2 = c.y[best + 1];
  const den = y0 - 2 * y1 + y2;
  const h = c.x[best + 1] - c.x[best];
  const t = den < 0 ? (0.5 * (y0 - y2)) / den : 0;
  return { x: c.x[best] + t * h, y: y1 - 0.25 * (y0 - y2) * t, index: best };
}

/** FSDP search window, Å⁻¹: silica's first sharp diffraction peak sits near 1.5 Å⁻¹. */
export const FSDP_WINDOW: readonly [number, number] = [1.0, 2.1];

/**
 * Position and width of the first sharp diffraction peak of S(Q). Its high-Q side runs into the principal
 * peak, so the full width is taken as twice the half width at half maximum on the low-Q side (S measured from
 * zero), the usual convention for the FSDP. Returns null when S(Q) has no peak in the window or never falls
 * to half height below it.
 */
export function fsdp(q: Float64Array, sq: Float64Array, window: readonly [number, number] = FSDP_WINDOW): { q: number; height: number; fwhm: number } | null {
  const p = peakIn({ x: q, y: sq }, window[0], window[1]);
  if (!p) return null;
  const half = 0.5 * p.y;
  for (let k = p.index; k > 0; k--) {
    if (sq[k - 1] <= half) {
      const qh = q[k - 1] + ((half - sq[k - 1]) / (sq[k] - sq[k - 1])) * (q[k] - q[k - 1]);
      return { q: p.x, height: p.y, fwhm: 2 * (p.x - qh) };
    }
  }
  return null;
}

/**
 * Wright's agreement factor (J. Non-Cryst. Solids 159, 264, 1993) between a simulated and a measured
 * function on the measured grid, over [x0, x1]: R_χ = √(Σ (y_exp − y_sim)² / Σ y_exp²), in percent.
 * The simulated curve is linearly interpolated onto the measured points.
 */
export function wrightRchi(sim: Curve, exp: Curve, x0: number, x1: number): number {
  let num = 0;
  let den = 0;
  let j = 0;
  for (let k = 0; k < exp.x.length; k++) {
    const x = exp.x[k];
    if (x < x0 || x > x1) continue;
    while (j + 1 < sim.x.length && sim.x[j + 1] < x) j++;
    if (j + 1 >= sim.x.length || sim.x[j] > x) throw new Error(`simulated curve does not cover x = ${x} (range ${sim.x[0]}–${sim.x[sim.x.length - 1]})`);
    const t = (x - sim.x[j]) / (sim.x[j + 1] - sim.x[j]);
    const ys = sim.y[j] + t * (sim.y[j + 1] - sim.y[j]);
    num += (exp.y[k] - ys) ** 2;
    den += exp.y[k] ** 2;
  }
  if (den === 0) throw new Error(`no measured points in ${x0}–${x1}`);
  return 100 * Math.sqrt(num / den);
}
