/**
 * Wall coordinates: searching a pair's repulsion by where its wall stands, not by its prefactor.
 *
 * In the paper's coordinates (A, ρ, C) the pairs that give silica-like liquids fill a thin sheet: what the
 * structure sees is where the repulsion rises, r ≈ ρ·ln(A/E), so ln A and ρ trade off along a curved valley and
 * most of a box around the published sets is no liquid at all (of 1000 uniform points of the ML box, 97 % have
 * no Si–O bond of the reference's length or fall into a Buckingham well: scripts/screen-report.ts). Replacing
 * A by a distance straightens the sheet and lets the reference set the bounds:
 *
 * - `rmin_XY` (attractive pairs, opposite charges): the position of the pair potential's minimum — the bond. With
 *   q, ρ, C and D given, U′(r_m) = 0 fixes A = ρ·e^{r_m/ρ}·U′_rest(r_m), where U_rest is everything but the
 *   Born–Mayer term (DSF Coulomb with the charges, −C/r⁶, D/r²⁴) exactly as the engine computes it. Every
 *   candidate then has a bond where the reference's first peak says, by construction.
 * - `rwall_XY` (any pair, for like ions the natural one): where the Born–Mayer repulsion equals WALL_ENERGY,
 *   A = WALL_ENERGY·e^{r_w/ρ}. ρ then only sets the wall's hardness, not its place.
 *
 * The stored campaign keeps the paper's A (derived) in every record; the optimizer's unit cube is over the wall
 * coordinates. Inverse maps (a forcefield's rmin/rwall) serve baselines and seeding.
 */
import { QQR2E } from '../units.ts';
import type { ForceField } from '../md/forcefield.ts';
import type { SpeciesTable } from '../species.ts';
import { parsePairName, type PairName } from '../species.ts';
import { localMinimum, pairCurves, pairDerivative, refineMinimum } from '../physics/pair-curves.ts';

/** eV: the Born–Mayer energy that marks a wall (about 3 kT at 3600 K: where a repulsion starts to shape a liquid). */
export const WALL_ENERGY = 1.0;

export const WALL_KINDS = ['rmin', 'rwall'] as const;
export type WallKind = (typeof WALL_KINDS)[number];

/** A parameter name that is a wall coordinate: `rmin_SiO`, `rwall_OO`. */
export function parseWallName(name: string): { kind: WallKind; pair: PairName } | null {
  const us = name.indexOf('_');
  if (us < 0) return null;
  const kind = name.slice(0, us);
  return kind === 'rmin' || kind === 'rwall' ? { kind, pair: name.slice(us + 1) } : null;
}

/**
 * A of each pair whose wall coordinate is given, the other parameters taken from `ff` (its A for those pairs is
 * ignored). rmin needs an attractive force at r_m from the rest of the potential; where there is none (or the
 * numbers overflow) A is 0 — a potential without repulsion, which the physics screen rejects.
 */
export function derivedA(species: SpeciesTable, ff: ForceField, walls: readonly { kind: WallKind; pair: PairName; r: number }[]): Record<PairName, number> {
  const out: Record<PairName, number> = {};
  if (walls.length === 0) return out;
  const rest: Record<string, ForceField['pair'][string]> = { ...ff.pair };
  for (const w of walls) rest[w.pair] = { ...ff.pair[w.pair], A: 0 };
  const c = pairCurves(species, { ...ff, pair: rest });
  for (const w of walls) {
    const { rho } = ff.pair[w.pair];
    let A: number;
    if (w.kind === 'rwall') A = WALL_ENERGY * Math.exp(w.r / rho);
    else {
      const [ti, tj] = parsePairName(species, w.pair);
      A = rho * Math.exp(w.r / rho) * pairDerivative(c, ti, tj, w.r);
    }
    out[w.pair] = Number.isFinite(A) && A > 0 ? A : 0;
  }
  return out;
}

/** Å: the wall coordinate of a forcefield's pair; NaN where it has none (A = 0, or no minimum in the window). */
export function wallCoordinate(species: SpeciesTable, ff: ForceField, kind: WallKind, pair: PairName, window: readonly [number, number]): number {
  const p = ff.pair[pair];
  if (!p || !(p.A > 0) || !(p.rho > 0)) return NaN;
  if (kind === 'rwall') return p.rho * Math.log(p.A / WALL_ENERGY);
  const [ti, tj] = parsePairName(species, pair);
  const c = pairCurves(species, ff);
  const m = localMinimum(c, ti, tj, window[0], window[1]);
  return m ? refineMinimum(c, ti, tj, m.r) : NaN;
}

/** Whether two charges attract (the pair then takes an `rmin`, otherwise an `rwall` coordinate). */
export function attractive(species: SpeciesTable, charge: Readonly<Record<string, number>>, pair: PairName): boolean {
  const [ti, tj] = parsePairName(species, pair);
  return QQR2E * charge[species.species[ti].name] * charge[species.species[tj].name] < 0;
}
