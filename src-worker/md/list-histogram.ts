/**
 * The g(r)'s counting loop over an MD neighbour list: pair distances binned per species pair, exactly as
 * analysis/rdf.ts defines the bins (LAMMPS `compute rdf`). It lives with the engine so that a run's force helper
 * threads (force-team.ts) can split it over the list's slots as they split the pair loop: the counts are whole
 * numbers, so the sum of the parts is the one-thread histogram exactly, whatever the split.
 */

/** Counts into `hist` (added to it) for the real slots [i0, i1) of a half list; `slot[ti·nTypes + tj]` is the partial. */
export function listHistogram(
  i0: number,
  i1: number,
  x: Float64Array,
  offsets: Int32Array,
  idx: Int32Array,
  slotType: Int32Array,
  nTypes: number,
  slot: Int32Array,
  nBins: number,
  delrinv: number,
  cutSq: number,
  hist: Float64Array,
): void {
  for (let i = i0; i < i1; i++) {
    const i3 = 3 * i;
    const xi = x[i3];
    const yi = x[i3 + 1];
    const zi = x[i3 + 2];
    const rowI = slotType[i] * nTypes;
    const kEnd = offsets[i + 1];
    for (let k = offsets[i]; k < kEnd; k++) {
      const j3 = 3 * idx[k];
      const dx = x[j3] - xi;
      const dy = x[j3 + 1] - yi;
      const dz = x[j3 + 2] - zi;
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq >= cutSq) continue;
      const bin = (Math.sqrt(rsq) * delrinv) | 0;
      if (bin >= nBins) continue;
      hist[slot[rowI + slotType[idx[k]]] * nBins + bin] += 1;
    }
  }
}

/**
 * The whole list's histogram, as a run offers it to its observers when it can do better than one thread's
 * listHistogram (a force team: force-team.ts). Adds into `hist` (nPartials·nBins).
 */
export type PairHistogram = (nTypes: number, slot: Int32Array, nBins: number, delrinv: number, cutSq: number, hist: Float64Array) => void;
