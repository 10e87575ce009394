/**
 * Coordination numbers: how many neighbours of species b lie within the a–b bond cut-off of each atom of
 * species a (e.g. O around Si), as fractions of a atoms per coordination number (3-, 4-, 5-fold Si …)
 * and as a mean, over all frames.
 */
import { typeOf, type SpeciesTable } from '../species.ts';
import type { BondList } from './bonds.ts';

/** Centre species and neighbour species, by name. */
export interface CoordinationSpec {
  readonly centre: string;
  readonly neighbour: string;
}

/** Si counted by its O neighbours and O by its Si neighbours (network formers and bridging). */
export const DEFAULT_COORDINATION: readonly CoordinationSpec[] = [
  { centre: 'Si', neighbour: 'O' },
  { centre: 'O', neighbour: 'Si' },
];

/** Coordination numbers above this share the last bin. */
export const MAX_COORDINATION = 12;

export interface Coordination {
  readonly centre: string;
  readonly neighbour: string;
  readonly fractions: Float64Array; // [MAX_COORDINATION+1] fraction of centre atoms with Z = index
  readonly mean: number; // mean Z (NaN if no centre atom)
  readonly samples: number; // centre atoms counted, over all frames
  readonly frames: number;
}

export interface CoordinationAccumulator {
  readonly specs: readonly CoordinationSpec[];
  readonly centre: Int32Array; // [nSpecs] type index
  readonly neighbour: Int32Array; // [nSpecs]
  readonly counts: Float64Array; // [nSpecs·(MAX+1)] atoms per Z
  readonly zSum: Float64Array; // [nSpecs]
  frames: number;
}

export function createCoordinationAccumulator(species: SpeciesTable, specs: readonly CoordinationSpec[] = DEFAULT_COORDINATION): CoordinationAccumulator {
  const idx = (name: string) => {
    const k = typeOf(species, name);
    if (k < 0) throw new Error(`coordination: unknown species '${name}' (known: ${species.species.map((s) => s.name).join(', ')})`);
    return k;
  };
  return {
    specs,
    centre: Int32Array.from(specs, (s) => idx(s.centre)),
    neighbour: Int32Array.from(specs, (s) => idx(s.neighbour)),
    counts: new Float64Array(specs.length * (MAX_COORDINATION + 1)),
    zSum: new Float64Array(specs.length),
    frames: 0,
  };
}

export function resetCoordination(acc: CoordinationAccumulator): void {
  acc.counts.fill(0);
  acc.zSum.fill(0);
  acc.frames = 0;
}

export function accumulateCoordination(acc: CoordinationAccumulator, bl: BondList): void {
  const t = bl.cells.t;
  const cap = bl.cap;
  const stride = MAX_COORDINATION + 1;
  for (let m = 0; m < acc.specs.length; m++) {
    const ca = acc.centre[m];
    const nb = acc.neighbour[m];
    for (let i = 0; i < bl.n; i++) {
      if (t[i] !== ca) continue;
      let z = 0;
      for (let k = 0, nk = bl.count[i]; k < nk; k++) if (t[bl.nbr[i * cap + k]] === nb) z++;
      acc.counts[m * stride + Math.min(z, MAX_COORDINATION)] += 1;
      acc.zSum[m] += z;
    }
  }
  acc.frames++;
}

export function coordinationResult(acc: CoordinationAccumulator): Coordination[] {
  const stride = MAX_COORDINATION + 1;
  return acc.specs.map((s, m) => {
    const cts = acc.counts.subarray(m * stride, (m + 1) * stride);
    let n = 0;
    for (let z = 0; z < stride; z++) n += cts[z];
    const fractions = new Float64Array(stride);
    if (n > 0) for (let z = 0; z < stride; z++) fractions[z] = cts[z] / n;
    return { centre: s.centre, neighbour: s.neighbour, fractions, mean: n > 0 ? acc.zSum[m] / n : NaN, samples: n, frames: acc.frames };
  });
}
