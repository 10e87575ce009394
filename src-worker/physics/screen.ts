/**
 * The physics screen: rejects, before any MD, a candidate forcefield whose liquid cannot resemble the
 * reference — in tens of microseconds, from the pair potentials exactly as the engine computes them
 * (pair-curves.ts) and the landmarks of the reference g(r) (reference-features.ts). A screened candidate costs
 * no MD time; the campaign stores it with the rule and the reason, and the optimizer avoids its region.
 *
 * Rules, each with its physical reason (kT at the run temperature; thresholds below, calibrated so that every
 * built-in set — BKS, CHIK, ML, ML-SiO, ML-ALL — passes against every reference we have, with a margin; see
 * tests/physics/screen.test.ts and the measurements in src-worker/optimize/README.md):
 *
 * 1. invalid — parameters the engine refuses (negative A, C, D; ρ = 0; a derived A ≤ 0 …).
 * 2. collapse — no repulsive core where the reference g(r) is still zero: walking inward from where the
 *    reference's pairs live, U keeps falling more than COLLAPSE_DEPTH inside the distance below which the
 *    reference has no pairs at all (`empty`), so the pair collapses onto the r⁻²⁴ wall or the contact floor — an
 *    MD blow-up, or a liquid of fused atoms. (A rule on the wall's height at `empty` was tried and dropped: the
 *    bare Si–O pair of BKS stands only 0.5 kT higher at 1.31 Å than at its minimum, yet the BKS liquid has no
 *    Si–O pairs there — where a bonded pair sits is decided by its neighbours too, not by its own curve alone.)
 * 3. inner-well — the Buckingham catastrophe behind a wall: U turns over inside the wall into a well that lies
 *    no higher than the pair's own low point (+ ACCESS_KT), guarded by a barrier lower than BARRIER_KT. A pair
 *    that crosses it releases tens of eV into a few atoms: the temperature runs away or the atoms fuse.
 *    The height is measured from the pair's lowest energy at or outside its wall (the bond minimum for Si–O,
 *    the contact distance for like ions). BKS's O–O barrier, 27–29 kT at 3600 K against our LAMMPS liquids, is
 *    the lowest among published sets; BKS liquids do occasionally fall through it (1 of 6 runs of the paper
 *    protocol here), so the threshold sits just below it — it must pass BKS, which the paper and every user
 *    compare with. Measured (scripts/screen-report.ts, wall box of preset ML, 648 atoms): with a 20 kT threshold,
 *    4 of the first 5 screened-in points whose O–O barrier lay between 21 and 25 kT blew up in MD (the fifth, at
 *    25.1 kT, did not), so the threshold is 25 kT.
 * 4. bond — an attractive pair (opposite charges) whose reference has a first peak needs a potential minimum
 *    inside it: between peak − bondBelow and peak − bondInside. Without one there is no bond of that length
 *    (the box's corners: qSi near 1.2 e with a large A, or a C/r⁶ that swallows the well). The minimum lies
 *    inside the liquid's peak, not on it: the well is anharmonic (soft outward) and each bond is stretched by
 *    the other ions around it, so at 3600 K the peak sits outward of the bare pair's minimum — by 0.12–0.22 Å
 *    for every sound set we have (BKS, CHIK, ML, ML-ALL, Teter and the science fixtures, against every
 *    reference), 0.08–0.10 Å for ML-SiO. A minimum at or beyond the peak gives a longer, weaker bond and a
 *    liquid of 5-coordinated Si (a rejected fixture set, bks-soft, sits 0.01–0.03 Å beyond it). Measured on the
 *    campaigns of src-worker/optimize/README.md (464 MD runs, scripts/bond-gap-data.ts): the 40 runs whose minimum
 *    lay less than 0.05 Å inside the peak or beyond it all scored R_χ ≥ 35 % (done or stopped); so bondInside is
 *    0.04 Å (ML-SiO keeps a 0.04 Å margin), and the rmin wall coordinate's upper bound is the same
 *    (params/presets.ts). bondBelow stays wide: the wall coordinate's lower bound (0.35 Å inside the peak)
 *    already holds the minimum near the peak, where the best fitted sets sit (0.26–0.30 Å for Teter's liquid).
 */
import type { SpeciesTable } from '../species.ts';
import type { PairName } from '../species.ts';
import { checkForceField, type ForceField } from '../md/forcefield.ts';
import { BOLTZ } from '../units.ts';
import { inwardProfile, localMinimum, pairCurves, SCAN_FLOOR, type PairCurves } from './pair-curves.ts';
import { referenceLandmarks, type ReferenceLandmarks } from './reference-features.ts';

export const SCREEN_RULES = ['invalid', 'collapse', 'inner-well', 'bond'] as const;
export type ScreenRule = (typeof SCREEN_RULES)[number];

/** Thresholds of the rules (module header says why each). */
export interface ScreenThresholds {
  /** kT: smallest barrier accepted in front of an accessible inner well. */
  readonly barrierKT: number;
  /** kT: an inner well higher than the pair's low point by more than this is not a trap (it is never populated). */
  readonly accessKT: number;
  /** Å: U may fall inward of the reference's empty distance by at most this much before it is a collapse. */
  readonly collapseDepth: number;
  /** Å: window for an attractive pair's minimum below the reference's first peak: [peak − bondBelow, peak − bondInside]. */
  readonly bondBelow: number;
  readonly bondInside: number;
}

/** Å: how far inside the reference's first peak an attractive pair's minimum must lie at least (rule 4). */
export const BOND_INSIDE = 0.04;

export const DEFAULT_SCREEN_THRESHOLDS: ScreenThresholds = {
  barrierKT: 25,
  accessKT: 5,
  collapseDepth: 0.25,
  bondBelow: 0.45,
  bondInside: BOND_INSIDE,
};

/** What the screen needs, built once per campaign; plain JSON. */
export interface ScreenContext {
  readonly species: SpeciesTable;
  readonly landmarks: ReferenceLandmarks;
  readonly temperature: number; // K
  readonly thresholds: ScreenThresholds;
}

export type ScreenVerdict = { readonly ok: true } | { readonly ok: false; readonly rule: ScreenRule; readonly reason: string };

export function screenContextFor(c: {
  readonly species: SpeciesTable;
  readonly reference: { readonly r: ArrayLike<number>; readonly pairs: readonly PairName[]; readonly g: Readonly<Record<PairName, ArrayLike<number>>> };
  readonly temperature: number;
  readonly thresholds?: Partial<ScreenThresholds>;
}): ScreenContext {
  if (!(c.temperature > 0)) throw new Error(`screen: temperature must be positive, got ${c.temperature} K`);
  return {
    species: { species: c.species.species.map((s) => ({ ...s })) },
    landmarks: referenceLandmarks(c.reference),
    temperature: c.temperature,
    thresholds: { ...DEFAULT_SCREEN_THRESHOLDS, ...(c.thresholds ?? {}) },
  };
}

/** The measurements behind the verdict for one pair (also what the workbench and the report show). */
export interface PairScreen {
  readonly pair: PairName;
  readonly attractive: boolean;
  /** Å and eV: where the inward walk from the reference's pairs found the pair's low point. */
  readonly rLow: number;
  readonly uLow: number;
  /** kT: barrier in front of an inner well (Infinity without one); the well's depth below the low point, kT. */
  readonly barrierKT: number;
  readonly rTop: number;
  readonly wellKT: number; // (uWell − uLow)/kT; +Infinity without a well
  readonly rWell: number;
  /** Å: an attractive pair's minimum near the reference peak; null if none (or a repulsive pair). */
  readonly bondMin: number | null;
  readonly verdict: ScreenVerdict;
}

const fmt = (x: number, d = 2): string => x.toFixed(d);
const pairLabel = (species: SpeciesTable, ti: number, tj: number): string => `${species.species[ti].name}–${species.species[tj].name}`;

function screenPair(c: PairCurves, ctx: ScreenContext, p: PairCurves['pairs'][number]): PairScreen | null {
  const lm = ctx.landmarks[p.name];
  if (!lm) return null;
  const th = ctx.thresholds;
  const kT = BOLTZ * ctx.temperature;
  const label = pairLabel(ctx.species, p.ti, p.tj);
  // Attractive pairs start at the peak and walk down into their bond well; like ions start at contact.
  const start = p.attractive ? Math.max(lm.peak, lm.contact) : lm.contact;
  const prof = inwardProfile(c, p.ti, p.tj, start);
  const hasBarrier = Number.isFinite(prof.rTop);
  const barrierKT = hasBarrier ? (prof.uTop - prof.uLow) / kT : Infinity;
  const wellKT = hasBarrier ? (prof.uWell - prof.uLow) / kT : Infinity;
  const bond = p.attractive ? localMinimum(c, p.ti, p.tj, Math.max(SCAN_FLOOR, lm.peak - th.bondBelow), lm.peak - th.bondInside) : null;
  let verdict: ScreenVerdict = { ok: true };
  if (prof.rLow < lm.empty - th.collapseDepth) {
    verdict = {
      ok: false,
      rule: 'collapse',
      reason: `${label}: no repulsive core where the reference has no ${label} pairs (below ${fmt(lm.empty)} Å): U keeps falling inward to ${fmt(prof.rLow)} Å`,
    };
  } else if (hasBarrier && wellKT < th.accessKT && barrierKT < th.barrierKT) {
    verdict = {
      ok: false,
      rule: 'inner-well',
      reason: `${label}: a spurious inner well at ${fmt(prof.rWell)} Å (${fmt(prof.uWell)} eV) behind a barrier of ${fmt(barrierKT, 1)} kT at ${fmt(prof.rTop)} Å (needs ≥ ${th.barrierKT} kT at ${ctx.temperature} K)`,
    };
  } else if (p.attractive && !bond) {
    verdict = {
      ok: false,
      rule: 'bond',
      reason: `${label}: no potential minimum between ${fmt(lm.peak - th.bondBelow)} and ${fmt(lm.peak - th.bondInside)} Å, where the reference's first peak (${fmt(lm.peak)} Å) needs the bond`,
    };
  }
  return { pair: p.name, attractive: p.attractive, rLow: prof.rLow, uLow: prof.uLow, barrierKT, rTop: prof.rTop, wellKT, rWell: prof.rWell, bondMin: bond ? bond.r : null, verdict };
}

/** Every pair's measurements and verdict; `invalid` is reported as a single entry with pair '*'. */
export function screenDetails(ff: ForceField, ctx: ScreenContext): { verdict: ScreenVerdict; pairs: PairScreen[] } {
  const problems = checkForceField(ff, ctx.species);
  if (problems.length) return { verdict: { ok: false, rule: 'invalid', reason: `invalid parameters: ${problems.join('; ')}` }, pairs: [] };
  const c = pairCurves(ctx.species, ff);
  const pairs: PairScreen[] = [];
  for (const p of c.pairs) {
    const s = screenPair(c, ctx, p);
    if (s) pairs.push(s);
  }
  // The verdict reports the first failing rule in SCREEN_RULES order (the most fundamental problem first).
  let verdict: ScreenVerdict = { ok: true };
  let rank = Infinity;
  for (const s of pairs) {
    if (s.verdict.ok) continue;
    const k = SCREEN_RULES.indexOf(s.verdict.rule);
    if (k < rank) ((rank = k), (verdict = s.verdict));
  }
  return { verdict, pairs };
}

/** The screen's verdict on one candidate. */
export function screenForceField(ff: ForceField, ctx: ScreenContext): ScreenVerdict {
  return screenDetails(ff, ctx).verdict;
}
