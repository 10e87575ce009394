/**
 * Verlet half neighbour list in CSR form, built through a cell list, rebuilt when any atom has moved more
 * than half the skin since the last build. (Implementation: see the MD engine issue.)
 */

/** Verlet half list, CSR (LAMMPS ilist/numneigh/firstneigh, flattened); each pair stored once. */
export interface NeighborList {
  readonly cutoff: number; // Å, the potential's largest cut-off
  readonly skin: number; // Å
  offsets: Int32Array; // [n+1]  neighbours of i: idx[offsets[i] .. offsets[i+1])
  idx: Int32Array; // [capacity] grows, never shrinks
  readonly posAtBuild: Float64Array; // [3n] for the half-skin rebuild test
  builds: number; // counted for the benchmark
}
