/**
 * The pair potentials of a forcefield exactly as the production MD engine computes them — Buckingham, the D/r²⁴
 * wall and the damped-shifted-force Coulomb with the forcefield's charges and the exact erfc, i.e. the function
 * the tabulated kernel interpolates (md/buck-dsf.ts `pairExactErfc`) — and the landmarks of each curve that
 * decide whether a liquid at temperature T can live on it: the bond minimum of an attractive pair, and a
 * spurious inner well (the Buckingham catastrophe: −C/r⁶ and the Coulomb attraction outgrow A·e^{−r/ρ} at short
 * range, and only the D/r²⁴ wall, if any, stops the fall) behind the barrier that guards it.
 *
 * Curves are scanned on a fixed grid (SCAN_DR); a few hundred exact evaluations per pair, so a whole candidate
 * costs tens of microseconds.
 */
import type { SpeciesTable } from '../species.ts';
import { pairList, type PairName } from '../species.ts';
import type { ForceField } from '../md/forcefield.ts';
import { pairExactErfc, prepareBuckDsf, type BuckDsfTable } from '../md/buck-dsf.ts';

/** Å: grid step of the scans (barrier heights are resolved far below kT at 3600 K with it). */
export const SCAN_DR = 0.01;
/** Å: innermost distance scanned — the engine's contact floor; closer is a blow-up whatever the potential. */
export const SCAN_FLOOR = 0.5;

export interface PairCurves {
  readonly table: BuckDsfTable;
  readonly pairs: readonly { readonly name: PairName; readonly ti: number; readonly tj: number; readonly attractive: boolean }[];
}

/** Prepare a forcefield's pair curves; throws for a forcefield the engine would reject (bad signs, missing pairs). */
export function pairCurves(species: SpeciesTable, ff: ForceField): PairCurves {
  const table = prepareBuckDsf(species, ff);
  const pairs = pairList(species).map((p) => ({ ...p, attractive: table.qq[p.ti * table.nTypes + p.tj] < 0 }));
  return { table, pairs };
}

const scratch = new Float64Array(2);

/** U(r) of one pair, eV (no self energy, no cut-off: landmarks lie well inside it). */
export function pairEnergy(c: PairCurves, ti: number, tj: number, r: number): number {
  pairExactErfc(ti, tj, r * r, c.table, scratch);
  return scratch[0];
}

/** dU/dr of one pair, eV/Å. */
export function pairDerivative(c: PairCurves, ti: number, tj: number, r: number): number {
  pairExactErfc(ti, tj, r * r, c.table, scratch);
  return -scratch[1] * r;
}

/** What an inward walk from a starting distance finds. */
export interface InwardProfile {
  /** The lowest U met before the curve first turns down again (the bond minimum when the walk starts outside it). */
  readonly rLow: number;
  readonly uLow: number;
  /** The barrier top: the first local maximum inward of rLow; NaN when U rises all the way to the floor. */
  readonly rTop: number;
  readonly uTop: number;
  /** The bottom of the inner well behind the barrier (or the floor if U falls all the way); NaN without a barrier. */
  readonly rWell: number;
  readonly uWell: number;
}

/**
 * Walk inward from rStart on the grid: first down into whatever minimum lies there (an attractive pair's bond
 * well), then up the repulsive wall; if the wall turns over before the floor, that is a barrier with a well behind it.
 */
export function inwardProfile(c: PairCurves, ti: number, tj: number, rStart: number, floor = SCAN_FLOOR, dr = SCAN_DR): InwardProfile {
  let r = rStart;
  let u = pairEnergy(c, ti, tj, r);
  let rLow = r;
  let uLow = u;
  // Down into the local minimum (if the walk starts outside one).
  for (;;) {
    const rn = r - dr;
    if (rn < floor) return { rLow, uLow, rTop: NaN, uTop: NaN, rWell: rLow, uWell: uLow };
    const un = pairEnergy(c, ti, tj, rn);
    if (!(un < u)) break;
    r = rn;
    u = un;
    rLow = r;
    uLow = u;
  }
  // Up the wall until it turns over.
  for (;;) {
    const rn = r - dr;
    if (rn < floor) return { rLow, uLow, rTop: NaN, uTop: NaN, rWell: NaN, uWell: NaN };
    const un = pairEnergy(c, ti, tj, rn);
    if (un < u) break;
    r = rn;
    u = un;
  }
  const rTop = r;
  const uTop = u;
  // Down into the inner well until the D/r²⁴ wall (or the floor).
  for (;;) {
    const rn = r - dr;
    if (rn < floor) break;
    const un = pairEnergy(c, ti, tj, rn);
    if (!(un < u)) break;
    r = rn;
    u = un;
  }
  return { rLow, uLow, rTop, uTop, rWell: r, uWell: u };
}

/** The lowest local minimum of U on [rFrom, rTo] (grid), or null when U is monotone there (minimum at an end). */
export function localMinimum(c: PairCurves, ti: number, tj: number, rFrom: number, rTo: number, dr = SCAN_DR): { r: number; u: number } | null {
  let best: { r: number; u: number } | null = null;
  let u0 = pairEnergy(c, ti, tj, rFrom);
  let u1 = pairEnergy(c, ti, tj, rFrom + dr);
  for (let r = rFrom + 2 * dr; r <= rTo + 1e-12; r += dr) {
    const u2 = pairEnergy(c, ti, tj, r);
    if (u1 < u0 && u1 <= u2 && (!best || u1 < best.u)) best = { r: r - dr, u: u1 };
    u0 = u1;
    u1 = u2;
  }
  return best;
}

/** A grid minimum refined to round-off: bisection on dU/dr, which changes sign across the grid cell pair. */
export function refineMinimum(c: PairCurves, ti: number, tj: number, r0: number, dr = SCAN_DR): number {
  let a = r0 - dr;
  let b = r0 + dr;
  if (!(pairDerivative(c, ti, tj, a) < 0 && pairDerivative(c, ti, tj, b) > 0)) return r0;
  for (let k = 0; k < 60 && b - a > 1e-13; k++) {
    const m = 0.5 * (a + b);
    if (pairDerivative(c, ti, tj, m) < 0) a = m;
    else b = m;
  }
  return 0.5 * (a + b);
}
