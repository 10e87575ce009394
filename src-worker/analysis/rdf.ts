/**
 * Partial pair distribution functions g_ab(r), accumulated frame by frame and normalised exactly as LAMMPS
 * `compute rdf` (src/compute_rdf.cpp) averaged by `fix ave/time`, so our g(r) and LAMMPS's agree to
 * the digits LAMMPS prints:
 *  - bin index floor(r·delrinv), delrinv = 1/delr, delr = rMax/nBins; pairs with index ≥ nBins dropped;
 *  - each frame: g = hist / (vfrac · normfac · N_a) with vfrac = 4π/(3V)·(r_hi³ − r_lo³),
 *    normfac = N_b − δ_ab·N_a/N_a, i.e. the pair density N_a(N_b − δ_ab)/V;
 *  - a like pair (a, a) is tallied from both ends (2 per pair), an unlike pair (a, b) once — LAMMPS's
 *    half-list loop with `compute rdf … a b` tallies i→j for (a, b) and never j→i, as no (b, a) histogram
 *    was asked for;
 *  - the reported g is the mean of the per-frame g over frames (fix ave/time), which also keeps frames of
 *    different volume or atom count exact.
 */
import type { Box } from '../md/system.ts';
import type { Observer } from '../md/protocol.ts';
import { pairList, type PairName, type SpeciesTable } from '../species.ts';
import { binCentres, binInverseWidth, binWidth, binsOfWidth, type BinSpec } from './histogram.ts';
import { buildCellList, createCellList, type CellList } from './cell-list.ts';

/** The g(r) grid: nBins bins over [0, rMax) Å. */
export interface RdfSpec {
  readonly rMax: number; // Å
  readonly nBins: number;
}

/** 0–8 Å in 0.02 Å bins, as the paper and the LAMMPS fixtures (`compute rdf 400 … cutoff 8.0`). */
export const DEFAULT_RDF_SPEC: RdfSpec = { rMax: 8, nBins: 400 };

/** Grid from a bin width (the CLI's --rmax/--bin). */
export function rdfSpecOfWidth(rMax: number, bin: number): RdfSpec {
  return { rMax, nBins: binsOfWidth(0, rMax, bin).n };
}

/** An averaged partial g(r): plain data, structured-clone safe (worker → main → renderer). */
export interface PartialRdf {
  readonly r: Float64Array; // [nBins] Å, bin centres
  readonly dr: number; // Å, bin width
  readonly rMax: number; // Å
  readonly pairs: readonly PairName[]; // canonical order: SiSi, SiO, OO
  readonly g: Readonly<Record<PairName, Float64Array>>; // [nBins] each
  readonly frames: number;
}

/** Accumulator state. Not re-entrant: one per run. */
export interface RdfAccumulator {
  readonly species: SpeciesTable;
  readonly spec: RdfSpec;
  readonly bins: BinSpec;
  readonly pairs: readonly PairName[];
  readonly slot: Int32Array; // [nTypes²] type pair → histogram index (symmetric)
  readonly like: Uint8Array; // [nPairs] 1 for (a, a)
  readonly pairTi: Int32Array; // [nPairs]
  readonly pairTj: Int32Array; // [nPairs]
  readonly hist: Float64Array; // [nPairs·nBins] this frame's unordered pair counts (scratch)
  readonly gSum: Float64Array; // [nPairs·nBins] Σ over frames of the frame's g
  readonly typeCount: Int32Array; // [nTypes] scratch
  readonly cells: CellList;
  frames: number;
}

export function createRdfAccumulator(species: SpeciesTable, spec: RdfSpec = DEFAULT_RDF_SPEC): RdfAccumulator {
  if (!(spec.rMax > 0) || !Number.isInteger(spec.nBins) || spec.nBins < 1) {
    throw new Error(`invalid g(r) grid: rMax ${spec.rMax} Å, ${spec.nBins} bins`);
  }
  const nTypes = species.species.length;
  const list = pairList(species);
  const slot = new Int32Array(nTypes * nTypes);
  list.forEach((p, m) => {
    slot[p.ti * nTypes + p.tj] = m;
    slot[p.tj * nTypes + p.ti] = m;
  });
  return {
    species,
    spec,
    bins: { lo: 0, hi: spec.rMax, n: spec.nBins },
    pairs: list.map((p) => p.name),
    slot,
    like: Uint8Array.from(list, (p) => (p.ti === p.tj ? 1 : 0)),
    pairTi: Int32Array.from(list, (p) => p.ti),
    pairTj: Int32Array.from(list, (p) => p.tj),
    hist: new Float64Array(list.length * spec.nBins),
    gSum: new Float64Array(list.length * spec.nBins),
    typeCount: new Int32Array(nTypes),
    cells: createCellList(spec.rMax),
    frames: 0,
  };
}

/** Forget all frames (keeps the buffers). */
export function resetRdf(acc: RdfAccumulator): void {
  acc.gSum.fill(0);
  acc.frames = 0;
}

/**
 * Add one frame: type [n] species indices, pos [3n] Å (any image), box. Allocates nothing once the
 * buffers fit the frame.
 */
export function accumulateRdf(acc: RdfAccumulator, type: Int32Array, pos: Float64Array, box: Box): void {
  const nTypes = acc.species.species.length;
  const nBins = acc.spec.nBins;
  const hist = acc.hist;
  hist.fill(0);
  const cl = acc.cells;
  buildCellList(cl, type, pos, box);

  const { lx, ly, lz } = box;
  const delrinv = binInverseWidth(acc.bins);
  const cutSq = countCutSq(acc);
  const x = cl.x;
  const t = cl.t;
  const start = cl.cellStart;
  const cp = cl.pairs;
  const image = cl.image;
  const self = cl.self;
  const slot = acc.slot;
  for (let p = 0, np = cl.nPairs; p < np; p++) {
    const c1 = cp[2 * p];
    const c2 = cp[2 * p + 1];
    const e1 = start[c1 + 1];
    const s2 = start[c2];
    const e2 = start[c2 + 1];
    const isSelf = self[p] === 1;
    // Shift atom i by −image·L instead of every j by +image·L: one subtraction per i, none per pair.
    const sx = image[3 * p] * lx;
    const sy = image[3 * p + 1] * ly;
    const sz = image[3 * p + 2] * lz;
    for (let i = start[c1]; i < e1; i++) {
      const xi = x[3 * i] - sx;
      const yi = x[3 * i + 1] - sy;
      const zi = x[3 * i + 2] - sz;
      const rowI = t[i] * nTypes;
      for (let j = isSelf ? i + 1 : s2; j < e2; j++) {
        const dx = x[3 * j] - xi;
        const dy = x[3 * j + 1] - yi;
        const dz = x[3 * j + 2] - zi;
        const rsq = dx * dx + dy * dy + dz * dz;
        if (rsq >= cutSq) continue;
        const bin = (Math.sqrt(rsq) * delrinv) | 0; // r ≥ 0: truncation is floor, as static_cast<int>
        if (bin >= nBins) continue;
        hist[slot[rowI + t[j]] * nBins + bin] += 1;
      }
    }
  }
  addFrame(acc, type, box);
}

/**
 * Add one frame from an MD run's Verlet half list (md/neighbor.ts: slots, each pair once, ghosts as periodic
 * images) instead of a cell-list search of its own: the list already holds every pair within its cut-off, so
 * the frame costs one distance per listed pair. Needs rMax ≤ the list's cut-off (`listServesRdf`); the
 * histogram is the cell list's, pair for pair (tests/analysis/rdf-list.test.ts). With `share`, another thread
 * counts part of the rows at the same time, and `meanwhile` (the frame's other analysis) runs before this
 * thread waits for it.
 */
export function accumulateRdfFromList(acc: RdfAccumulator, type: Int32Array, box: Box, list: RdfPairList, share?: HistogramShare, meanwhile?: () => void): void {
  if (!listServesRdf(acc, list.cutoff)) throw new Error(`the neighbour list's cut-off ${list.cutoff} Å is below the g(r) range ${acc.spec.rMax} Å`);
  acc.hist.fill(0);
  const m = share ? share.begin(listHistogramJob(acc, list)) : 0;
  listHistogram(
    m, list.n, list.x, list.offsets, list.idx, list.slotType, acc.species.species.length, acc.slot, acc.spec.nBins, binInverseWidth(acc.bins),
    countCutSq(acc), acc.hist,
  );
  if (meanwhile) meanwhile();
  if (m > 0 && share) share.end(acc.hist);
  addFrame(acc, type, box);
}

/**
 * Another thread that counts part of a frame's list histogram while this one counts the rest (md/force-team.ts
 * gives one): `begin` hands it rows [0, m) of the job and returns m (0: it takes none, this thread counts every
 * row); `end` waits for it and adds its counts into `hist`. Counts are whole numbers, so the sum is exact
 * whatever the split: the g(r) does not depend on it.
 */
export interface HistogramShare {
  begin(job: ListHistogramJob): number;
  end(hist: Float64Array): void;
}

/** What counting a list histogram's rows needs besides the list (listHistogram's arguments). */
export interface ListHistogramJob {
  readonly list: RdfPairList;
  readonly nTypes: number;
  readonly slot: Int32Array;
  readonly nBins: number;
  readonly delrinv: number;
  readonly cutSq: number;
  /** The accumulator's histogram length (pairs × bins). */
  readonly size: number;
}

function listHistogramJob(acc: RdfAccumulator, list: RdfPairList): ListHistogramJob {
  return { list, nTypes: acc.species.species.length, slot: acc.slot, nBins: acc.spec.nBins, delrinv: binInverseWidth(acc.bins), cutSq: countCutSq(acc), size: acc.hist.length };
}

// A hair beyond rMax, so that the bin test — LAMMPS's only test — decides at the edge.
const countCutSq = (acc: RdfAccumulator) => acc.spec.rMax * acc.spec.rMax * (1 + 1e-12);

/** The part of an MD neighbour list the g(r) reads (md/neighbor.ts NeighborList has it). */
export interface RdfPairList {
  readonly cutoff: number; // Å
  readonly n: number;
  readonly x: Float64Array;
  readonly offsets: Int32Array;
  readonly idx: Int32Array;
  readonly slotType: Int32Array;
}

/** True when a list of this cut-off (Å) holds every pair the g(r) counts. */
export function listServesRdf(acc: RdfAccumulator, cutoff: number): boolean {
  return acc.spec.rMax <= cutoff;
}

/** Unordered pair counts of list rows [i0, i1) added into hist (a frame's histogram, or a share of it). */
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

/** Normalise this frame's histogram (LAMMPS compute rdf) and add it to the running sum. */
function addFrame(acc: RdfAccumulator, type: Int32Array, box: Box): void {
  const { lx, ly, lz } = box;
  const nBins = acc.spec.nBins;
  const hist = acc.hist;
  const counts = acc.typeCount;
  counts.fill(0);
  for (let i = 0; i < type.length; i++) counts[type[i]]++;
  const delr = binWidth(acc.bins);
  const constant = (4 * Math.PI) / (3 * lx * ly * lz);
  const gSum = acc.gSum;
  for (let m = 0; m < acc.pairs.length; m++) {
    const like = acc.like[m] === 1;
    const icount = counts[acc.pairTi[m]];
    const jcount = counts[acc.pairTj[m]];
    const duplicates = like ? icount : 0;
    const normfac = icount > 0 ? jcount - duplicates / icount : 0;
    const tally = like ? 2 : 1; // ordered pairs a→b per unordered pair found
    for (let b = 0; b < nBins; b++) {
      const rlower = b * delr;
      const rupper = (b + 1) * delr;
      const vfrac = constant * (rupper * rupper * rupper - rlower * rlower * rlower);
      const denom = vfrac * normfac;
      if (denom !== 0) gSum[m * nBins + b] += (tally * hist[m * nBins + b]) / (denom * icount);
    }
  }
  acc.frames++;
}

/** The mean g(r) over the frames so far (fresh arrays; the accumulator keeps running). */
export function rdfResult(acc: RdfAccumulator): PartialRdf {
  const nBins = acc.spec.nBins;
  const g: Record<PairName, Float64Array> = {};
  acc.pairs.forEach((name, m) => {
    const out = new Float64Array(nBins);
    if (acc.frames > 0) for (let b = 0; b < nBins; b++) out[b] = acc.gSum[m * nBins + b] / acc.frames;
    g[name] = out;
  });
  return { r: binCentres(acc.bins), dr: binWidth(acc.bins), rMax: acc.spec.rMax, pairs: acc.pairs, g, frames: acc.frames };
}

/** The accumulator as a production observer of an MD run (every `every` steps). */
export function rdfObserver(acc: RdfAccumulator, every: number): Observer {
  return {
    every,
    observe: (_step, sys, list) => (list && listServesRdf(acc, list.cutoff) ? accumulateRdfFromList(acc, sys.type, sys.box, list) : accumulateRdf(acc, sys.type, sys.pos, sys.box)),
  };
}
