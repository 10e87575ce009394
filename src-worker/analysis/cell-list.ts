/**
 * Cell list for the structure analysis: bins one frame's atoms into cells no narrower than cutoff/k, copies
 * their wrapped positions and types into cell order (contiguous memory for the pair loops), and keeps the
 * list of neighbouring cell pairs with the periodic image that joins them. A pair loop over `pairs` adds
 * `image·L` to the second cell's positions and so visits every (atom, atom image) pair closer than the
 * cut-off exactly once (within one cell and image 0: only j > i), with no minimum-image test per pair.
 * Like LAMMPS's ghost atoms, this also counts several images of one pair when an edge is shorter than
 * twice the cut-off, which is what `compute rdf` does in a small box.
 *
 * Unlike the MD neighbour list (src-worker/md/neighbor.ts) it keeps no Verlet list: analysis frames are
 * far apart in time, so a fresh binning per frame is the cheapest exact search. Buffers are reused; only a
 * change of atom count or of cells per side reallocates.
 */
import type { Box } from '../md/system.ts';

export interface CellList {
  readonly cutoff: number; // Å
  readonly cellsPerCutoff: number; // k: cells span ≥ cutoff/k, so a stencil reaches ±k cells
  n: number; // atoms binned
  nx: number;
  ny: number;
  nz: number;
  box: Box; // of the last build
  cellStart: Int32Array; // [nCells+1] atoms of cell c: slots cellStart[c] .. cellStart[c+1]
  order: Int32Array; // [n] slot → atom index in the frame
  x: Float64Array; // [3n] Å, wrapped into [0, L), slot order
  t: Int32Array; // [n] species index, slot order
  pairs: Int32Array; // [2·nPairs] cell pairs (c1, c2), each unordered (cell, cell image) pair once
  image: Float64Array; // [3·nPairs] periodic image of c2 seen from c1, in box edges (−1, 0, 1, …)
  self: Uint8Array; // [nPairs] 1 when c2 is c1 itself (image 0): loop j > i only
  nPairs: number;
  stencil: number[]; // [sx, sy, sz] cells the stencil reaches per axis (part of the pair list's key)
  cellOf: Int32Array; // [n] scratch: cell of atom i (frame order)
}

/**
 * k = 2 (cells ≥ cutoff/2, a 5×5×5 stencil) visits 1.1 M candidate pairs per 3000-atom frame for an 8 Å
 * g(r) and was the fastest of k = 1, 2, 3 in tests/bench/analysis.bench.ts: finer cells check fewer
 * distances but pay more per (nearly empty) cell pair.
 */
export function createCellList(cutoff: number, cellsPerCutoff = 2): CellList {
  if (!(cutoff > 0)) throw new Error(`cell-list cut-off must be positive, got ${cutoff}`);
  return {
    cutoff,
    cellsPerCutoff,
    n: 0,
    nx: 0,
    ny: 0,
    nz: 0,
    box: { lx: 0, ly: 0, lz: 0 },
    cellStart: new Int32Array(1),
    order: new Int32Array(0),
    x: new Float64Array(0),
    t: new Int32Array(0),
    pairs: new Int32Array(0),
    image: new Float64Array(0),
    self: new Uint8Array(0),
    nPairs: 0,
    stencil: [0, 0, 0],
    cellOf: new Int32Array(0),
  };
}

/** Bin one frame (positions in any image; they are wrapped here). */
export function buildCellList(cl: CellList, type: Int32Array, pos: Float64Array, box: Box): void {
  const n = type.length;
  const { lx, ly, lz } = box;
  const rc = cl.cutoff;
  if (!(lx > 0 && ly > 0 && lz > 0 && Number.isFinite(lx * ly * lz))) throw new Error(`box ${lx} × ${ly} × ${lz} Å is not a finite orthorhombic box`);
  if (pos.length !== 3 * n) throw new Error(`positions have ${pos.length} values, expected 3×${n}`);
  if (cl.order.length < n) {
    cl.order = new Int32Array(n);
    cl.x = new Float64Array(3 * n);
    cl.t = new Int32Array(n);
    cl.cellOf = new Int32Array(n);
  }
  cl.n = n;
  const k = cl.cellsPerCutoff;
  const nx = Math.max(1, Math.floor((lx * k) / rc));
  const ny = Math.max(1, Math.floor((ly * k) / rc));
  const nz = Math.max(1, Math.floor((lz * k) / rc));
  // An axis of one cell narrower than cutoff/k needs a wider stencil: ceil(cutoff/L) images each way.
  const sx = nx > 1 ? k : Math.max(k, Math.ceil(rc / lx));
  const sy = ny > 1 ? k : Math.max(k, Math.ceil(rc / ly));
  const sz = nz > 1 ? k : Math.max(k, Math.ceil(rc / lz));
  // A box edge far below the cut-off would need (2s+1)³ images per cell: refuse it rather than loop for ever.
  if (Math.max(sx, sy, sz) > 64) throw new Error(`box ${lx} × ${ly} × ${lz} Å is too small for a ${rc} Å cut-off (more than 64 periodic images per side)`);
  if (nx !== cl.nx || ny !== cl.ny || nz !== cl.nz || sx !== cl.stencil[0] || sy !== cl.stencil[1] || sz !== cl.stencil[2]) {
    setupCells(cl, [nx, ny, nz], [sx, sy, sz]);
  }
  cl.box = box;

  const nCells = nx * ny * nz;
  const start = cl.cellStart;
  start.fill(0);
  const cellOf = cl.cellOf;
  const fx = nx / lx;
  const fy = ny / ly;
  const fz = nz / lz;
  for (let i = 0; i < n; i++) {
    const px = wrap(pos[3 * i], lx);
    const py = wrap(pos[3 * i + 1], ly);
    const pz = wrap(pos[3 * i + 2], lz);
    if (px !== px || py !== py || pz !== pz) throw new Error(`atom ${i} has a non-finite position`);
    let cx = Math.floor(px * fx);
    let cy = Math.floor(py * fy);
    let cz = Math.floor(pz * fz);
    // px < lx, but px·(nx/lx) may still round up to nx.
    if (cx >= nx) cx = nx - 1;
    if (cy >= ny) cy = ny - 1;
    if (cz >= nz) cz = nz - 1;
    const c = (cz * ny + cy) * nx + cx;
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < nCells; c++) start[c + 1] += start[c];
  // Counting sort: fill slots from each cell's start, then restore the starts.
  for (let i = 0; i < n; i++) {
    const slot = start[cellOf[i]]++;
    cl.order[slot] = i;
    cl.t[slot] = type[i];
    cl.x[3 * slot] = wrap(pos[3 * i], lx);
    cl.x[3 * slot + 1] = wrap(pos[3 * i + 1], ly);
    cl.x[3 * slot + 2] = wrap(pos[3 * i + 2], lz);
  }
  for (let c = nCells; c > 0; c--) start[c] = start[c - 1];
  start[0] = 0;
}

/** x folded into [0, L); NaN stays NaN so the caller can report it. */
function wrap(x: number, l: number): number {
  let y = x - l * Math.floor(x / l);
  if (y >= l) y -= l; // a tiny negative x folds to exactly L
  return y;
}

/**
 * The cell-pair list depends only on cells and stencil per axis, not on the box: it is built for the
 * narrowest cells that count allows (cutoff/k; none narrower can occur with the same count), so a box that
 * fluctuates (NPT) reuses it. A stencil cell is dropped when even its nearest point is a cut-off away.
 */
function setupCells(cl: CellList, n: number[], s: number[]): void {
  [cl.nx, cl.ny, cl.nz] = n;
  cl.stencil = s;
  const [nx, ny, nz] = n;
  cl.cellStart = new Int32Array(nx * ny * nz + 1);
  const k = cl.cellsPerCutoff;
  const rcSq = cl.cutoff * cl.cutoff;
  // Narrowest possible cell per axis; an axis forced to one cell is not pruned (width 0).
  const w = n.map((nc) => (nc > 1 ? cl.cutoff / k : 0));
  const gap = (o: number, d: number) => Math.max(Math.abs(o) - 1, 0) * w[d];
  const pairs: number[] = [];
  const image: number[] = [];
  const self: number[] = [];
  for (let cz = 0; cz < nz; cz++)
    for (let cy = 0; cy < ny; cy++)
      for (let cx = 0; cx < nx; cx++) {
        const c1 = (cz * ny + cy) * nx + cx;
        for (let oz = -s[2]; oz <= s[2]; oz++)
          for (let oy = -s[1]; oy <= s[1]; oy++)
            for (let ox = -s[0]; ox <= s[0]; ox++) {
              const gx = gap(ox, 0);
              const gy = gap(oy, 1);
              const gz = gap(oz, 2);
              if (gx * gx + gy * gy + gz * gz >= rcSq) continue;
              const ix = Math.floor((cx + ox) / nx);
              const iy = Math.floor((cy + oy) / ny);
              const iz = Math.floor((cz + oz) / nz);
              const c2 = ((cz + oz - iz * nz) * ny + (cy + oy - iy * ny)) * nx + (cx + ox - ix * nx);
              // (c1, c2, image) and (c2, c1, −image) hold the same atom pairs: keep the first in
              // (cell, offset) order; offset 0 is the cell with itself.
              const isSelf = ox === 0 && oy === 0 && oz === 0;
              if (c2 < c1 || (c2 === c1 && !isSelf && !(oz > 0 || (oz === 0 && (oy > 0 || (oy === 0 && ox > 0)))))) continue;
              pairs.push(c1, c2);
              image.push(ix, iy, iz);
              self.push(isSelf ? 1 : 0);
            }
      }
  cl.pairs = Int32Array.from(pairs);
  cl.image = Float64Array.from(image);
  cl.self = Uint8Array.from(self);
  cl.nPairs = self.length;
}
