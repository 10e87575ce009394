/**
 * ForceField: the parameters a campaign varies, as data. The paper's form per pair,
 * U = k·qi·qj·DSF(r) + A·exp(−r/ρ) − C/r⁶ + D/r²⁴, metal units and the paper's sign convention (A, ρ, C, D ≥ 0).
 * Charges are per species and must be neutral for the composition (SiO2: q_O = −q_Si/2).
 */
import type { PairName, SpeciesName, SpeciesTable } from '../species.ts';
import { pairList } from '../species.ts';

export interface PairParams {
  readonly A: number; // eV
  readonly rho: number; // Å
  readonly C: number; // eV·Å⁶
  readonly D: number; // eV·Å²⁴
}

export interface ForceField {
  readonly charge: Readonly<Record<SpeciesName, number>>; // e
  readonly pair: Readonly<Record<PairName, PairParams>>;
  /** Short-range cut-off, Å; the Buckingham part is truncated without a shift (LAMMPS `buck`). */
  readonly cutoff: number;
  /** Damped shifted force Coulomb (LAMMPS `coul/dsf`): damping α (Å⁻¹) and cut-off (Å). */
  readonly dsf: { readonly alpha: number; readonly cutoff: number };
}

/** The paper's fixed repulsive walls, eV·Å²⁴ (Carré et al.): never optimised. */
export const SILICA_D: Readonly<Record<PairName, number>> = { OO: 113, SiO: 29, SiSi: 3423200 };
export const DEFAULT_CUTOFF = 8.0; // Å
export const DEFAULT_DSF = { alpha: 0.25, cutoff: 8.0 } as const; // Å⁻¹, Å

/** Charges of SiO2 from q_Si alone: q_O = −q_Si/2. */
export function silicaCharges(qSi: number): Record<SpeciesName, number> {
  return { Si: qSi, O: -qSi / 2 };
}

/** Net charge per formula unit (e); zero for a neutral forcefield. */
export function netCharge(ff: ForceField, composition: Readonly<Record<SpeciesName, number>>): number {
  let q = 0;
  for (const [name, count] of Object.entries(composition)) q += (ff.charge[name] ?? 0) * count;
  return q;
}

/** Problems that make a forcefield unusable with a species table (missing pairs, bad signs, non-finite). */
export function checkForceField(ff: ForceField, species: SpeciesTable): string[] {
  const problems: string[] = [];
  for (const s of species.species) {
    const q = ff.charge[s.name];
    if (q === undefined || !Number.isFinite(q)) problems.push(`charge of ${s.name} is missing or not finite`);
  }
  for (const { name } of pairList(species)) {
    const p = ff.pair[name];
    if (!p) {
      problems.push(`pair ${name} has no parameters`);
      continue;
    }
    for (const key of ['A', 'rho', 'C', 'D'] as const) {
      if (!Number.isFinite(p[key])) problems.push(`${key}_${name} is not finite`);
      else if (p[key] < 0) problems.push(`${key}_${name} = ${p[key]} is negative (paper convention: A, ρ, C, D ≥ 0)`);
    }
    if (p.rho === 0) problems.push(`rho_${name} is zero`);
  }
  if (!(ff.cutoff > 0)) problems.push(`cut-off ${ff.cutoff} Å must be positive`);
  if (!(ff.dsf.alpha >= 0)) problems.push(`DSF alpha ${ff.dsf.alpha} must be ≥ 0`);
  if (!(ff.dsf.cutoff > 0)) problems.push(`DSF cut-off ${ff.dsf.cutoff} Å must be positive`);
  return problems;
}
