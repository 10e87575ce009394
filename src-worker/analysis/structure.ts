/**
 * One production observer for everything the evaluator samples from a frame: partial g(r) (8 Å search),
 * bond lists (short search) and, from them, angle distributions and coordination numbers. The pieces stay
 * separate accumulators (rdf.ts, adf.ts, coordination.ts); this module only runs them together.
 */
import type { Box } from '../md/system.ts';
import type { Observer } from '../md/protocol.ts';
import { pairName, type PairName, type SpeciesTable } from '../species.ts';
import type { Frame } from '../io/frame.ts';
import { frameTypes } from '../io/trajectory.ts';
import { firstMinimum } from './peaks.ts';
import { accumulateRdf, accumulateRdfFromList, listServesRdf, type RdfPairList, type HistogramShare, createRdfAccumulator, DEFAULT_RDF_SPEC, rdfResult, resetRdf, type PartialRdf, type RdfAccumulator, type RdfSpec } from './rdf.ts';
import { createBondList, findBonds, type BondCutoffs, type BondList } from './bonds.ts';
import { accumulateAdf, adfResult, createAdfAccumulator, DEFAULT_TRIPLETS, parseTriplet, resetAdf, type AdfAccumulator, type AngleDistributions } from './adf.ts';
import {
  accumulateCoordination,
  coordinationResult,
  createCoordinationAccumulator,
  DEFAULT_COORDINATION,
  resetCoordination,
  type Coordination,
  type CoordinationAccumulator,
  type CoordinationSpec,
} from './coordination.ts';

export interface StructureSpec {
  readonly rdf: RdfSpec;
  /** Å per species pair; null samples g(r) only (no angles, no coordination). */
  readonly bondCutoffs: BondCutoffs | null;
  readonly triplets: readonly string[]; // 'O-Si-O'
  readonly coordination: readonly CoordinationSpec[];
  readonly angleBinDeg: number;
}

/** The defaults; the bond cut-off has none, it comes from the reference (see reference.ts). */
export function structureSpec(bondCutoffs: BondCutoffs | null, over: Partial<Omit<StructureSpec, 'bondCutoffs'>> = {}): StructureSpec {
  return {
    rdf: over.rdf ?? DEFAULT_RDF_SPEC,
    bondCutoffs,
    triplets: over.triplets ?? DEFAULT_TRIPLETS,
    coordination: over.coordination ?? DEFAULT_COORDINATION,
    angleBinDeg: over.angleBinDeg ?? 1,
  };
}

/** What one run's (or one trajectory's) frames give. */
export interface Structure {
  readonly rdf: PartialRdf;
  readonly adf: AngleDistributions | null;
  readonly coordination: readonly Coordination[];
  readonly bondCutoffs: BondCutoffs | null;
}

export interface StructureAccumulator {
  readonly spec: StructureSpec;
  readonly rdf: RdfAccumulator;
  readonly bonds: BondList | null;
  readonly adf: AdfAccumulator | null;
  readonly coordination: CoordinationAccumulator | null;
}

export function createStructureAccumulator(species: SpeciesTable, spec: StructureSpec): StructureAccumulator {
  const bonds = spec.bondCutoffs ? createBondList(species, spec.bondCutoffs) : null;
  return {
    spec,
    rdf: createRdfAccumulator(species, spec.rdf),
    bonds,
    adf: bonds && spec.triplets.length > 0 ? createAdfAccumulator(species, spec.triplets, spec.angleBinDeg) : null,
    coordination: bonds && spec.coordination.length > 0 ? createCoordinationAccumulator(species, spec.coordination) : null,
  };
}

/**
 * Add one frame. With `list`, the MD run's neighbour list at this frame, g(r) comes from the list
 * (rdf.ts accumulateRdfFromList: same histogram, no search of its own) when its cut-off covers the g(r);
 * with `share` too, another thread counts part of that histogram while this one finds the bonds and angles.
 */
export function accumulateStructure(acc: StructureAccumulator, type: Int32Array, pos: Float64Array, box: Box, list?: RdfPairList, share?: HistogramShare): void {
  const bonded = () => accumulateBonded(acc, type, pos, box);
  if (list && listServesRdf(acc.rdf, list.cutoff)) accumulateRdfFromList(acc.rdf, type, box, list, share, bonded);
  else {
    accumulateRdf(acc.rdf, type, pos, box);
    bonded();
  }
}

/** Bonds, angles and coordination of one frame. */
function accumulateBonded(acc: StructureAccumulator, type: Int32Array, pos: Float64Array, box: Box): void {
  if (!acc.bonds) return;
  findBonds(acc.bonds, type, pos, box);
  if (acc.adf) accumulateAdf(acc.adf, acc.bonds);
  if (acc.coordination) accumulateCoordination(acc.coordination, acc.bonds);
}

export function resetStructure(acc: StructureAccumulator): void {
  resetRdf(acc.rdf);
  if (acc.adf) resetAdf(acc.adf);
  if (acc.coordination) resetCoordination(acc.coordination);
}

export function structureResult(acc: StructureAccumulator): Structure {
  return {
    rdf: rdfResult(acc.rdf),
    adf: acc.adf ? adfResult(acc.adf) : null,
    coordination: acc.coordination ? coordinationResult(acc.coordination) : [],
    bondCutoffs: acc.spec.bondCutoffs,
  };
}

/** Sample every `every` MD steps (the paper: g(r) every 10 steps of production), sharing the g(r) with `share`'s thread. */
export function structureObserver(acc: StructureAccumulator, every: number, share?: HistogramShare): Observer {
  return { every, observe: (_step, sys, list) => accumulateStructure(acc, sys.type, sys.pos, sys.box, list, share) };
}

/** Species pairs whose bonds the triplets and coordination specs need ('O-Si-O' needs SiO). */
export function bondedPairs(species: SpeciesTable, triplets: readonly string[], coordination: readonly CoordinationSpec[]): PairName[] {
  const out = new Set<PairName>();
  for (const t of triplets) {
    const tr = parseTriplet(species, t);
    out.add(pairName(species, tr.a, tr.vertex));
    out.add(pairName(species, tr.vertex, tr.c));
  }
  for (const c of coordination) {
    const ti = species.species.findIndex((s) => s.name === c.centre);
    const tj = species.species.findIndex((s) => s.name === c.neighbour);
    if (ti < 0 || tj < 0) throw new Error(`coordination ${c.centre}–${c.neighbour}: unknown species`);
    out.add(pairName(species, ti, tj));
  }
  return [...out];
}

/**
 * Bond cut-offs at the first minimum of g for each pair that needs one (Si–O: the trough after the
 * 1.6 Å peak). Throws, naming the pair, when a g has no such minimum (too short a grid, or no peak).
 */
export function bondCutoffsFromRdf(r: ArrayLike<number>, g: Readonly<Record<PairName, ArrayLike<number>>>, pairs: readonly PairName[]): Record<PairName, number> {
  const out: Record<PairName, number> = {};
  for (const p of pairs) {
    const gp = g[p];
    const m = gp ? firstMinimum(r, gp) : null;
    if (!m) throw new Error(`no first minimum in g_${p} to place the ${p} bond cut-off: give the cut-off explicitly`);
    out[p] = m.r;
  }
  return out;
}

export interface FrameAnalysisOptions {
  readonly rdf?: RdfSpec;
  /** Explicit cut-offs, or null for the first minimum of these frames' own g(r). */
  readonly bondCutoffs?: BondCutoffs | null;
  readonly triplets?: readonly string[];
  readonly coordination?: readonly CoordinationSpec[];
  readonly angleBinDeg?: number;
}

/**
 * g(r), angle distributions and coordination of a set of frames (an imported trajectory). Without
 * explicit bond cut-offs it first computes g(r), then places each cut-off at its first minimum and
 * reads the bonds in a second pass.
 */
export function analyzeFrames(frames: readonly Frame[], species: SpeciesTable, opts: FrameAnalysisOptions = {}): Structure {
  if (frames.length === 0) throw new Error('no frames to analyse');
  const base = structureSpec(null, { rdf: opts.rdf, triplets: opts.triplets, coordination: opts.coordination, angleBinDeg: opts.angleBinDeg });
  const needed = bondedPairs(species, base.triplets, base.coordination);
  let types: Int32Array = new Int32Array(0);
  const eachFrame = (f: (type: Int32Array, fr: Frame) => void) => {
    for (const fr of frames) {
      types = frameTypes(fr, species, types);
      f(types, fr);
    }
  };
  if (opts.bondCutoffs || needed.length === 0) {
    const acc = createStructureAccumulator(species, { ...base, bondCutoffs: needed.length > 0 ? opts.bondCutoffs! : null });
    eachFrame((type, fr) => accumulateStructure(acc, type, fr.pos, fr.box));
    return structureResult(acc);
  }
  const rdfAcc = createRdfAccumulator(species, base.rdf);
  eachFrame((type, fr) => accumulateRdf(rdfAcc, type, fr.pos, fr.box));
  const rdf = rdfResult(rdfAcc);
  const cutoffs = bondCutoffsFromRdf(rdf.r, rdf.g, needed);
  const bonds = createBondList(species, cutoffs);
  const adf = base.triplets.length > 0 ? createAdfAccumulator(species, base.triplets, base.angleBinDeg) : null;
  const coord = base.coordination.length > 0 ? createCoordinationAccumulator(species, base.coordination) : null;
  eachFrame((type, fr) => {
    findBonds(bonds, type, fr.pos, fr.box);
    if (adf) accumulateAdf(adf, bonds);
    if (coord) accumulateCoordination(coord, bonds);
  });
  return { rdf, adf: adf ? adfResult(adf) : null, coordination: coord ? coordinationResult(coord) : [], bondCutoffs: cutoffs };
}
