/**
 * The pair-style contract: `prepare` turns a ForceField into flat loop constants once per evaluation (LAMMPS
 * coeff → init_one), `compute` reads only those. Implementations: buck-dsf.ts (neighbour list, fast),
 * buck-dsf-table.ts (tabulated in r²), buck-dsf-reference.ts (O(N²), the obviously-correct twin).
 */
import type { SpeciesTable } from '../species.ts';
import type { ForceField } from './forcefield.ts';
import type { System } from './system.ts';
import type { NeighborList } from './neighbor.ts';

/** Loop constants derived once per parameter set. Flat nTypes² tables, filled symmetrically. */
export interface PairTable {
  readonly nTypes: number;
  readonly cutSq: Float64Array; // [nTypes²] Å², short-range cut-off squared
  readonly A: Float64Array; // [nTypes²] eV
  readonly rhoInv: Float64Array; // [nTypes²] 1/Å
  readonly c6: Float64Array; // [nTypes²] eV·Å⁶
  readonly d24: Float64Array; // [nTypes²] eV·Å²⁴
  readonly qq: Float64Array; // [nTypes²] QQR2E·q_i·q_j, eV·Å
  readonly charge: Float64Array; // [nTypes] e
  readonly alpha: number; // Å⁻¹
  readonly cutCoulSq: number; // Å²
  readonly eShift: number; // Å⁻¹, coul/dsf energy shift from the libm-accurate erfc (LAMMPS init_style)
  readonly fShift: number; // Å⁻², coul/dsf force shift
  readonly selfEnergy: Float64Array; // [nTypes] eV per atom (coul/dsf self term)
  readonly maxCutoff: number; // Å
}

/** Output of a single-pair evaluation: energy (eV) and F/r (eV/Å²), F_vec = fOverR · r_vec (r_vec = r_i − r_j). */
export interface PairOut {
  energy: number;
  fOverR: number;
}

/** A pair style. Implementations are stateless object literals; all state is in the arguments. */
export interface Potential {
  readonly style: string;
  prepare(species: SpeciesTable, ff: ForceField): PairTable;
  /** Zero sys.force, accumulate pair forces, return the potential energy (eV, self energy included). */
  compute(sys: System, nl: NeighborList, t: PairTable): number;
  /** One pair at squared distance rsq (Å²): dimer tests, tabulation, export checks (LAMMPS `single`). */
  single(ti: number, tj: number, rsq: number, t: PairTable, out: PairOut): void;
}
