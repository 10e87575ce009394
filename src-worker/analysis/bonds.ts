/**
 * Bond lists of one frame: for each atom, its neighbours closer than the bond cut-off of their species pair
 * (strictly r < r_bond, e.g. Si–O < 2.3 Å) with the minimum-image vector to each. Angle distributions and
 * coordination numbers are read off these lists; the search runs on its own cell list sized to the short
 * bond cut-off, which costs far less than reusing the 8 Å g(r) search.
 */
import type { Box } from '../md/system.ts';
import { parsePairName, type PairName, type SpeciesTable } from '../species.ts';
import { buildCellList, createCellList, type CellList } from './cell-list.ts';

/** Bond cut-offs per species pair, Å; a pair not named never bonds. */
export type BondCutoffs = Readonly<Partial<Record<PairName, number>>>;

export interface BondList {
  readonly species: SpeciesTable;
  readonly cutoffs: BondCutoffs;
  readonly cutSq: Float64Array; // [nTypes²] Å², 0 = no bond
  readonly cells: CellList; // slot order: cells.t are the types, cells.order the frame indices
  cap: number; // neighbours per atom that fit
  count: Int32Array; // [n] bonds of slot i
  nbr: Int32Array; // [n·cap] neighbour slots
  vec: Float64Array; // [3·n·cap] Å, vector from slot i to its neighbour
  n: number;
}

export function createBondList(species: SpeciesTable, cutoffs: BondCutoffs): BondList {
  const nTypes = species.species.length;
  const cutSq = new Float64Array(nTypes * nTypes);
  let maxCut = 0;
  for (const [name, rc] of Object.entries(cutoffs)) {
    if (rc === undefined) continue;
    if (!(rc > 0 && Number.isFinite(rc))) throw new Error(`bond cut-off of ${name} must be a positive length in Å, got ${rc}`);
    const [ti, tj] = parsePairName(species, name);
    cutSq[ti * nTypes + tj] = rc * rc;
    cutSq[tj * nTypes + ti] = rc * rc;
    maxCut = Math.max(maxCut, rc);
  }
  if (maxCut === 0) throw new Error('no bond cut-off given: name at least one species pair, e.g. SiO: 2.3');
  // One cell per cut-off: at ~1 atom per cell a finer grid only adds empty cells to visit.
  return { species, cutoffs, cutSq, cells: createCellList(maxCut, 1), cap: 8, count: new Int32Array(0), nbr: new Int32Array(0), vec: new Float64Array(0), n: 0 };
}

/** Find every bond of one frame. Grows the per-atom capacity (rarely) when an atom has more bonds. */
export function findBonds(bl: BondList, type: Int32Array, pos: Float64Array, box: Box): void {
  const n = type.length;
  buildCellList(bl.cells, type, pos, box);
  bl.n = n;
  for (;;) {
    if (bl.count.length < n || bl.nbr.length < n * bl.cap) {
      bl.count = new Int32Array(Math.max(n, bl.count.length));
      bl.nbr = new Int32Array(bl.count.length * bl.cap);
      bl.vec = new Float64Array(3 * bl.count.length * bl.cap);
    }
    if (fillBonds(bl, box)) return;
    bl.cap *= 2;
    bl.nbr = new Int32Array(0); // forces the reallocation above
  }
}

/** One pass over the cell pairs; false if some atom has more bonds than `cap`. */
function fillBonds(bl: BondList, box: Box): boolean {
  const cl = bl.cells;
  const nTypes = bl.species.species.length;
  const { lx, ly, lz } = box;
  const x = cl.x;
  const t = cl.t;
  const start = cl.cellStart;
  const cp = cl.pairs;
  const image = cl.image;
  const self = cl.self;
  const cutSq = bl.cutSq;
  const cap = bl.cap;
  const count = bl.count;
  const nbr = bl.nbr;
  const vec = bl.vec;
  count.fill(0, 0, bl.n);
  for (let p = 0, np = cl.nPairs; p < np; p++) {
    const c1 = cp[2 * p];
    const c2 = cp[2 * p + 1];
    const e1 = start[c1 + 1];
    const s2 = start[c2];
    const e2 = start[c2 + 1];
    const isSelf = self[p] === 1;
    const sx = image[3 * p] * lx;
    const sy = image[3 * p + 1] * ly;
    const sz = image[3 * p + 2] * lz;
    for (let i = start[c1]; i < e1; i++) {
      const xi = x[3 * i] - sx;
      const yi = x[3 * i + 1] - sy;
      const zi = x[3 * i + 2] - sz;
      const rowI = t[i] * nTypes;
      for (let j = isSelf ? i + 1 : s2; j < e2; j++) {
        const rcSq = cutSq[rowI + t[j]];
        if (rcSq === 0) continue;
        const dx = x[3 * j] - xi;
        const dy = x[3 * j + 1] - yi;
        const dz = x[3 * j + 2] - zi;
        if (dx * dx + dy * dy + dz * dz >= rcSq) continue;
        const ki = count[i]++;
        const kj = count[j]++;
        if (ki >= cap || kj >= cap) return false;
        const a = i * cap + ki;
        const b = j * cap + kj;
        nbr[a] = j;
        nbr[b] = i;
        vec[3 * a] = dx;
        vec[3 * a + 1] = dy;
        vec[3 * a + 2] = dz;
        vec[3 * b] = -dx;
        vec[3 * b + 1] = -dy;
        vec[3 * b + 2] = -dz;
      }
    }
  }
  return true;
}
