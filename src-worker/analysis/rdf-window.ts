/**
 * Partial g(r) over a moving window of the most recent frames of a run, for early stopping
 * (src-worker/evaluate/early-stop.ts): the structure of the last picosecond, not of everything since the
 * random start, so that the first, still unrelaxed frames do not weigh on a late look.
 *
 * Frames go into the current block (an RdfAccumulator); closing a block files its sum in a ring of `blocks`
 * slots and starts the next; the window is the sum of the filed blocks divided by their frames. Nothing is
 * allocated per frame or per block; windowRdf allocates its result (a few looks per run).
 */
import type { Box } from '../md/system.ts';
import type { SpeciesTable } from '../species.ts';
import { accumulateRdf, createRdfAccumulator, rdfResult, resetRdf, type PartialRdf, type RdfAccumulator, type RdfSpec } from './rdf.ts';

export interface RdfWindow {
  /** The block being filled. */
  readonly acc: RdfAccumulator;
  /** [blocks][nPairs·nBins] Σ over each filed block's frames of the frame's g. */
  readonly sums: Float64Array[];
  /** [blocks] frames of each filed block. */
  readonly frames: Int32Array;
  /** Ring slot the next closed block goes to. */
  next: number;
  /** Filed blocks (≤ blocks). */
  filed: number;
}

export function createRdfWindow(species: SpeciesTable, spec: RdfSpec, blocks: number): RdfWindow {
  if (!(Number.isInteger(blocks) && blocks >= 1)) throw new Error(`a g(r) window needs a positive whole number of blocks, got ${blocks}`);
  const acc = createRdfAccumulator(species, spec);
  return { acc, sums: Array.from({ length: blocks }, () => new Float64Array(acc.gSum.length)), frames: new Int32Array(blocks), next: 0, filed: 0 };
}

export function addWindowFrame(w: RdfWindow, type: Int32Array, pos: Float64Array, box: Box): void {
  accumulateRdf(w.acc, type, pos, box);
}

/** File the current block (the oldest one leaves the window once the ring is full) and start a new one. */
export function closeWindowBlock(w: RdfWindow): void {
  w.sums[w.next].set(w.acc.gSum);
  w.frames[w.next] = w.acc.frames;
  w.next = (w.next + 1) % w.sums.length;
  if (w.filed < w.sums.length) w.filed++;
  resetRdf(w.acc);
}

/** Whether every slot of the ring holds a filed block (the window spans its full length). */
export function windowFull(w: RdfWindow): boolean {
  return w.filed === w.sums.length;
}

/**
 * Mean g(r) over the frames of the `last` most recently filed blocks (default all filed ones); the current,
 * unfinished block is not part of it.
 */
export function windowRdf(w: RdfWindow, last: number = w.filed): PartialRdf {
  const base = rdfResult(w.acc); // grid and pair names; its g is replaced below
  const nBins = w.acc.spec.nBins;
  const n = Math.min(Math.max(0, Math.floor(last)), w.filed);
  const ring = w.sums.length;
  const slots = Array.from({ length: n }, (_, k) => (w.next - 1 - k + ring) % ring);
  let frames = 0;
  for (const s of slots) frames += w.frames[s];
  const g: Record<string, Float64Array> = {};
  w.acc.pairs.forEach((name, m) => {
    const out = new Float64Array(nBins);
    if (frames > 0) {
      for (const s of slots) {
        const sum = w.sums[s];
        for (let b = 0; b < nBins; b++) out[b] += sum[m * nBins + b];
      }
      for (let b = 0; b < nBins; b++) out[b] /= frames;
    }
    g[name] = out;
  });
  return { ...base, g, frames };
}
