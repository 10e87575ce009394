/**
 * System: one simulation's particles as structure-of-arrays typed arrays (xyz interleaved, 3n), plus the
 * per-type masses and charges and the orthorhombic periodic box. Plain data: functions transform it.
 */
import type { SpeciesTable } from '../species.ts';

/** Orthorhombic periodic box with its origin at 0; positions are wrapped into [0, L). Å. */
export interface Box {
  readonly lx: number;
  readonly ly: number;
  readonly lz: number;
}

export interface System {
  readonly n: number;
  readonly species: SpeciesTable;
  readonly type: Int32Array; // [n]  species index
  readonly pos: Float64Array; // [3n] Å, wrapped into [0, L)
  readonly vel: Float64Array; // [3n] Å/ps
  readonly force: Float64Array; // [3n] eV/Å, written by Potential.compute
  readonly mass: Float64Array; // [nTypes] amu
  readonly charge: Float64Array; // [nTypes] e
  box: Box;
}

export function createSystem(species: SpeciesTable, type: Int32Array, pos: Float64Array, box: Box): System {
  const n = type.length;
  if (pos.length !== 3 * n) throw new Error(`positions have ${pos.length} values, expected 3×${n}`);
  const nTypes = species.species.length;
  for (let i = 0; i < n; i++) {
    if (type[i] < 0 || type[i] >= nTypes) throw new Error(`atom ${i} has type ${type[i]} outside 0..${nTypes - 1}`);
  }
  const mass = new Float64Array(nTypes);
  species.species.forEach((s, k) => (mass[k] = s.mass));
  return {
    n,
    species,
    type,
    pos,
    vel: new Float64Array(3 * n),
    force: new Float64Array(3 * n),
    mass,
    charge: new Float64Array(nTypes),
    box,
  };
}

/** Deep copy (positions, velocities, forces; box by value). */
export function copySystem(s: System): System {
  return {
    n: s.n,
    species: s.species,
    type: s.type.slice(),
    pos: s.pos.slice(),
    vel: s.vel.slice(),
    force: s.force.slice(),
    mass: s.mass.slice(),
    charge: s.charge.slice(),
    box: { ...s.box },
  };
}

export function volume(box: Box): number {
  return box.lx * box.ly * box.lz;
}

/** Wrap every position into [0, L). */
export function wrapPositions(pos: Float64Array, box: Box): void {
  const n3 = pos.length;
  for (let k = 0; k < n3; k += 3) {
    pos[k] -= box.lx * Math.floor(pos[k] / box.lx);
    pos[k + 1] -= box.ly * Math.floor(pos[k + 1] / box.ly);
    pos[k + 2] -= box.lz * Math.floor(pos[k + 2] / box.lz);
    // floor of a tiny negative number can leave exactly L; fold it back.
    if (pos[k] >= box.lx) pos[k] -= box.lx;
    if (pos[k + 1] >= box.ly) pos[k + 1] -= box.ly;
    if (pos[k + 2] >= box.lz) pos[k + 2] -= box.lz;
  }
}
