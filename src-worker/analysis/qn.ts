/**
 * Qn distribution of a silicate network: the fraction of network-former tetrahedra (Si with exactly four O
 * within the bond cut-off) that have n bridging oxygens (O bonded to two or more Si), n = 0…4, over frames.
 * Si with another coordination is counted apart (`otherFraction`): Qn is defined for tetrahedra only.
 */
import { typeOf, type SpeciesTable } from '../species.ts';
import type { BondList } from './bonds.ts';

export interface QnAccumulator {
  readonly former: number; // type index of the network former (Si)
  readonly oxygen: number; // type index of O
  readonly counts: Float64Array; // [5] tetrahedra with n bridging O
  other: number; // formers that are not 4-coordinated
  frames: number;
}

export interface QnDistribution {
  readonly fractions: Float64Array; // [5] Q0…Q4 as fractions of the tetrahedra
  readonly otherFraction: number; // of all formers: not four-coordinated
  readonly frames: number;
}

export function createQnAccumulator(species: SpeciesTable, former = 'Si', oxygen = 'O'): QnAccumulator {
  return { former: typeOf(species, former), oxygen: typeOf(species, oxygen), counts: new Float64Array(5), other: 0, frames: 0 };
}

export function accumulateQn(acc: QnAccumulator, bl: BondList): void {
  const t = bl.cells.t;
  const cap = bl.cap;
  for (let i = 0; i < bl.n; i++) {
    if (t[i] !== acc.former) continue;
    let z = 0;
    let bridging = 0;
    for (let k = 0, nk = bl.count[i]; k < nk; k++) {
      const o = bl.nbr[i * cap + k];
      if (t[o] !== acc.oxygen) continue;
      z++;
      let formers = 0;
      for (let m = 0, nm = bl.count[o]; m < nm; m++) if (t[bl.nbr[o * cap + m]] === acc.former) formers++;
      if (formers >= 2) bridging++;
    }
    if (z === 4) acc.counts[bridging] += 1;
    else acc.other += 1;
  }
  acc.frames++;
}

export function qnResult(acc: QnAccumulator): QnDistribution {
  let n = 0;
  for (const c of acc.counts) n += c;
  const all = n + acc.other;
  return { fractions: acc.counts.map((c) => (n > 0 ? c / n : 0)), otherFraction: all > 0 ? acc.other / all : NaN, frames: acc.frames };
}
