/**
 * Verlet half neighbour list in CSR form over periodic ghost atoms, built through a cell list and rebuilt
 * when any atom has moved more than half the skin since the last build (LAMMPS `neigh_modify every 1 check
 * yes`).
 *
 * Why ghosts: the pair loop then reads plain coordinates, with no minimum-image arithmetic per pair (a
 * measured gain over minimum image in the prototype the engine issue cites). Layout, all in "slot" space:
 *   - slots [0, n) are the real atoms, sorted by cell so that neighbours are close in memory;
 *   - slots [n, n + nGhost) are periodic images of atoms near the faces, for the 13 "positive" image shifts
 *     (sz > 0, or sz = 0 and sy > 0, or sz = sy = 0 and sx > 0): each pair of atoms, for each periodic image
 *     within reach, then appears exactly once — as (i, ghost of j) when the image shift is positive, as
 *     (j, ghost of i) when it is negative, or as (min, max) of the two real slots when there is no shift.
 *     This is LAMMPS's `newton on` half list with a half shell of ghosts; forces on ghosts are folded back
 *     onto their owners after the pair loop.
 * The list is valid while every atom stays within skin/2 of where it was at the build; between builds the
 * slot coordinates follow the atoms by adding each atom's minimum-image displacement since the build, so
 * System.pos may stay wrapped in [0, L) at every step. Each slot's neighbours are stored inside-the-cut-off
 * first, skin shell after, so that the pair loop's cut-off test is predictable (see searchNeighbors).
 *
 * A box edge must exceed cut-off + skin (one image shell is enough then); the engine rejects smaller boxes
 * with a clear message (`boxProblem`).
 */
import type { Box, System } from './system.ts';

/** Verlet half list, CSR (LAMMPS ilist/numneigh/firstneigh, flattened); each pair stored once. */
export interface NeighborList {
  readonly cutoff: number; // Å, the potential's largest cut-off
  readonly skin: number; // Å
  offsets: Int32Array; // [n+1]  neighbours of slot i: idx[offsets[i] .. offsets[i+1]) (slots, see above)
  idx: Int32Array; // [capacity] grows, never shrinks
  readonly posAtBuild: Float64Array; // [3n] wrapped positions at the last build, atom order
  builds: number; // counted for the benchmark

  readonly n: number; // real atoms
  nGhost: number;
  /** [slots] the atom a slot holds (for a ghost: the atom it is an image of). */
  slotAtom: Int32Array;
  /** [slots] for a ghost, the slot of the real atom it images; for a real slot, itself. */
  slotOwner: Int32Array;
  /** [slots] species index. */
  slotType: Int32Array;
  /** [3·slots] the image shift added to the owner's coordinates (0 for real slots), Å. */
  slotShift: Float64Array;
  /** [3·slots] slot coordinates for the pair loop, Å. */
  x: Float64Array;
  /** [3·slots] pair forces by slot, eV/Å; `gatherForces` folds them into atom order. */
  f: Float64Array;
  /** [n] atom → its real slot. */
  atomSlot: Int32Array;
  /**
   * The last build's search inputs, shared so that force helpers can search ranges of slots in parallel
   * (force-team.ts): bin of each real slot [n], first real slot and first ghost slot of each bin [bins + 1],
   * the stencil rows (makeStencilRows; `nRows` values used).
   */
  slotBin: Int32Array;
  binStart: Int32Array;
  ghostStart: Int32Array;
  rows: Int32Array;
  nRows: number;
  /**
   * Bumped whenever one of the shared arrays (x, f, offsets, idx, slotType, slotBin, binStart, ghostStart,
   * rows) is replaced by a larger one: force helper threads (force-team.ts) hold views of them and must be
   * sent the new ones.
   */
  layout: number;
  /** Box at the last build; a different box forces a rebuild. */
  box: Box | null;
  /** Largest displacement² since the last build, measured at the last sync (Å²). */
  maxDisplacementSq: number;
  /** Pairs inside the cut-off at the last computed step (set by the kernels, for the benchmark). */
  pairsInCutoff: number;
  /**
   * Close-contact watch, filled by the kernels: the closest pair found below `floorSq` at the last compute
   * (Infinity when none), as atom indices. Costs one well-predicted compare per pair inside the cut-off.
   */
  floorSq: number;
  closeRsq: number;
  closeI: number;
  closeJ: number;
}

/** Default distance (Å) below which two atoms count as collapsed: far inside every sane r⁻²⁴ wall. */
export const DEFAULT_CONTACT_FLOOR = 0.5;

/**
 * The arrays force helper threads read live in shared memory, so that one MD run can split its pair loop
 * over threads (force-team.ts) without copying. Measured: no cost to a single-threaded run (bench:md).
 */
export function sharedInt32(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * length));
}
export function sharedFloat64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(8 * length));
}

export function createNeighborList(n: number, cutoff: number, skin = 2.0, contactFloor = DEFAULT_CONTACT_FLOOR): NeighborList {
  if (!(cutoff > 0)) throw new Error(`neighbour cut-off must be positive, got ${cutoff}`);
  if (!(skin >= 0)) throw new Error(`neighbour skin must be ≥ 0, got ${skin}`);
  const cap = Math.max(16, 2 * n);
  return {
    cutoff,
    skin,
    offsets: sharedInt32(n + 1),
    idx: sharedInt32(Math.max(1024, n * 160)),
    posAtBuild: new Float64Array(3 * n),
    builds: 0,
    n,
    nGhost: 0,
    slotAtom: new Int32Array(cap),
    slotOwner: new Int32Array(cap),
    slotType: sharedInt32(cap),
    slotShift: new Float64Array(3 * cap),
    x: sharedFloat64(3 * cap),
    f: sharedFloat64(3 * cap),
    atomSlot: new Int32Array(n),
    slotBin: sharedInt32(n),
    binStart: sharedInt32(0),
    ghostStart: sharedInt32(0),
    rows: sharedInt32(0),
    nRows: 0,
    layout: 0,
    box: null,
    maxDisplacementSq: 0,
    pairsInCutoff: 0,
    floorSq: contactFloor * contactFloor,
    closeRsq: Infinity,
    closeI: -1,
    closeJ: -1,
  };
}

/** Why a box cannot be used with this cut-off and skin, or null when it can. */
export function boxProblem(box: Box, cutoff: number, skin: number): string | null {
  const need = cutoff + skin;
  for (const [name, l] of [
    ['x', box.lx],
    ['y', box.ly],
    ['z', box.lz],
  ] as const) {
    if (!(l > 0) || !Number.isFinite(l)) return `box edge ${name} = ${l} Å is not a positive length`;
    if (l <= need)
      return `box edge ${name} = ${l.toPrecision(6)} Å is too small for the cut-off ${cutoff} Å + skin ${skin} Å (needs > ${need} Å; add atoms or reduce the skin)`;
  }
  return null;
}

function sameBox(a: Box | null, b: Box): boolean {
  return a !== null && a.lx === b.lx && a.ly === b.ly && a.lz === b.lz;
}

/**
 * Bring the list up to date with sys.pos: refresh slot coordinates and rebuild when an atom has moved more
 * than skin/2 since the last build (less when the box shrank; see below). Returns true when it rebuilt. A non-finite position
 * forces a rebuild attempt, which throws NonFinitePositionError naming the atom (run.ts reports it).
 */
export function syncNeighborList(nl: NeighborList, sys: System, search?: NeighborSearch): boolean {
  if (sys.n !== nl.n) throw new Error(`neighbour list is for ${nl.n} atoms, system has ${sys.n}`);
  if (nl.builds === 0) {
    buildNeighborList(nl, sys, search);
    return true;
  }
  // A barostat dilates the box a little every step. The list stays valid under a dilation by s (per edge) as
  // long as every atom stays within (s_min·(rc + skin) − rc)/2 of its dilated build position: a pair at
  // ≥ rc + skin at the build is then still beyond rc. Without a dilation (s = 1) this is the usual skin/2.
  const b = nl.box as Box;
  const sx = sys.box.lx / b.lx;
  const sy = sys.box.ly / b.ly;
  const sz = sys.box.lz / b.lz;
  let half = 0.5 * nl.skin;
  if (!sameBox(b, sys.box)) {
    half = 0.5 * (Math.min(sx, sy, sz) * (nl.cutoff + nl.skin) - nl.cutoff);
    if (!(half > 0)) {
      buildNeighborList(nl, sys, search);
      return true;
    }
  }
  const maxSq = refreshCoordinates(nl, sys.pos, sys.box, sx, sy, sz);
  // `!(a <= b)` is also true for NaN, so a non-finite position triggers the rebuild that reports it.
  if (!(maxSq <= half * half)) {
    buildNeighborList(nl, sys, search);
    return true;
  }
  return false;
}

/** The neighbour search failed with room for every pair of slots (run.ts reports it as a blow-up). */
export class CrowdedError extends Error {
  constructor(readonly entries: number) {
    super(`the neighbour search could not place ${entries} entries`);
    this.name = 'CrowdedError';
  }
}

/** A position that is NaN or infinite: the run has blown up. */
export class NonFinitePositionError extends Error {
  constructor(readonly atom: number) {
    super(`non-finite position on atom ${atom}`);
    this.name = 'NonFinitePositionError';
  }
}

/**
 * Slot coordinates = position at build + minimum-image displacement since the build (continuous across the
 * periodic wrap of sys.pos); ghosts follow their owners. Returns the largest displacement² since the build
 * (NaN when a position is not finite).
 *
 * V8 note for this file: every hot loop sits alone in a function whose arguments are typed arrays and
 * numbers. V8 compiles long loops on-stack (OSR) and would deoptimise on code after the loop that has not run
 * yet, again on every call; one loop per function avoids that.
 */
function refreshCoordinates(nl: NeighborList, pos: Float64Array, box: Box, sx: number, sy: number, sz: number): number {
  const maxSq = refreshReal(nl.n, pos, nl.posAtBuild, nl.x, nl.atomSlot, box.lx, box.ly, box.lz, sx, sy, sz);
  refreshGhosts(nl.n, nl.n + nl.nGhost, nl.x, nl.slotOwner, nl.slotShift, sx, sy, sz);
  nl.maxDisplacementSq = maxSq;
  return maxSq;
}

function refreshReal(
  n: number,
  pos: Float64Array,
  ref: Float64Array,
  x: Float64Array,
  atomSlot: Int32Array,
  lx: number,
  ly: number,
  lz: number,
  sx: number,
  sy: number,
  sz: number,
): number {
  const ilx = 1 / lx;
  const ily = 1 / ly;
  const ilz = 1 / lz;
  let maxSq = 0;
  let bad = 0;
  for (let a = 0; a < n; a++) {
    const a3 = 3 * a;
    // Build position dilated with the box (s = 1 without a barostat: exact, the same numbers as before).
    const rx = ref[a3] * sx;
    const ry = ref[a3 + 1] * sy;
    const rz = ref[a3 + 2] * sz;
    let dx = pos[a3] - rx;
    let dy = pos[a3 + 1] - ry;
    let dz = pos[a3 + 2] - rz;
    dx -= lx * Math.round(dx * ilx);
    dy -= ly * Math.round(dy * ily);
    dz -= lz * Math.round(dz * ilz);
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 > maxSq) maxSq = d2;
    else if (d2 !== d2) bad = 1;
    const s3 = 3 * atomSlot[a];
    x[s3] = rx + dx;
    x[s3 + 1] = ry + dy;
    x[s3 + 2] = rz + dz;
  }
  return bad ? NaN : maxSq;
}

function refreshGhosts(start: number, end: number, x: Float64Array, owner: Int32Array, shift: Float64Array, sx: number, sy: number, sz: number): void {
  for (let g = start; g < end; g++) {
    const g3 = 3 * g;
    const o3 = 3 * owner[g];
    x[g3] = x[o3] + shift[g3] * sx;
    x[g3 + 1] = x[o3 + 1] + shift[g3 + 1] * sy;
    x[g3 + 2] = x[o3 + 2] + shift[g3 + 2] * sz;
  }
}

// Scratch for builds, grown as needed and reused: a build allocates only when the system outgrows it.
// Not re-entrant across concurrent builds, which a single-threaded worker never does.
const _scratch: { [K in 'binOf' | 'count' | 'ghostAtom' | 'ghostCode' | 'ghostBin' | 'shell']: Int32Array } = {
  binOf: new Int32Array(0), // [n] bin of each atom
  count: new Int32Array(0), // [nBins + 1]
  ghostAtom: new Int32Array(0), // [ghosts] atom of each ghost (generation order)
  ghostCode: new Int32Array(0), // [ghosts] index into POSITIVE_SHIFTS
  ghostBin: new Int32Array(0), // [ghosts]
  shell: new Int32Array(4096), // one atom's skin-shell neighbours during the search
};

function ensureInt(a: Int32Array, size: number): Int32Array {
  return a.length >= size ? a : new Int32Array(Math.ceil(size * 1.25) + 16);
}

/** The list's shared search arrays at their sizes for this build (replaced ones bump the layout). */
function ensureSearchArrays(nl: NeighborList, nBins: number, nRows: number): void {
  const grow = (a: Int32Array, size: number) => {
    if (a.length >= size) return a;
    nl.layout++;
    return sharedInt32(Math.ceil(size * 1.25) + 16);
  };
  nl.binStart = grow(nl.binStart, nBins + 1);
  nl.ghostStart = grow(nl.ghostStart, nBins + 1);
  nl.rows = grow(nl.rows, nRows);
}

/**
 * A parallel neighbour search (force-team.ts): fills nl.offsets[0, n) and nl.idx from the list's shared
 * search arrays for the given squared radii, sets offsets[n], and returns true; false when it could not (a
 * buffer too small), and the build then searches on this thread.
 */
export type NeighborSearch = (nl: NeighborList, rcsSq: number, cutSq: number) => boolean;

/** The 13 positive image shifts (sx, sy, sz), flattened: sz > 0, or sz = 0 and sy > 0, or sz = sy = 0, sx > 0. */
const POSITIVE_SHIFTS: Int32Array = (() => {
  const out: number[] = [];
  for (let sz = -1; sz <= 1; sz++)
    for (let sy = -1; sy <= 1; sy++)
      for (let sx = -1; sx <= 1; sx++) {
        if (sz > 0 || (sz === 0 && (sy > 0 || (sy === 0 && sx > 0)))) out.push(sx, sy, sz);
      }
  return Int32Array.from(out);
})();
const N_SHIFTS = POSITIVE_SHIFTS.length / 3;

function growSlots(nl: NeighborList, slots: number): void {
  if (nl.slotAtom.length >= slots) return;
  const cap = Math.ceil(slots * 1.25) + 16;
  const copyInt = (a: Int32Array) => {
    const b = new Int32Array(cap);
    b.set(a);
    return b;
  };
  nl.slotAtom = copyInt(nl.slotAtom);
  nl.slotOwner = copyInt(nl.slotOwner);
  const slotType = sharedInt32(cap);
  slotType.set(nl.slotType);
  nl.slotType = slotType;
  nl.slotShift = new Float64Array(3 * cap);
  nl.x = sharedFloat64(3 * cap);
  nl.f = sharedFloat64(3 * cap);
  nl.layout++;
}

/** Grid geometry of one build: bins of edge ≤ half the list cut-off, padded by `r*` bins for the ghosts. */
interface Grid {
  nbx: number;
  nby: number;
  nbz: number;
  bx: number;
  by: number;
  bz: number;
  rx: number;
  ry: number;
  rz: number;
  NX: number;
  NY: number;
  NZ: number;
}

/**
 * Bins per list cut-off: bins of edge ≤ rcs/3 (the issue asks for ≤ rcs/2). With the stencil walked as rows
 * of contiguous slots, finer bins check fewer candidates; measured builds of the 3000-atom liquid: 2 → 12–17
 * ms, 3 → 11–14 ms, 4 → 13–15 ms (noisy, shared machine).
 */
const BINS_PER_CUTOFF = 3;

function makeGrid(lx: number, ly: number, lz: number, rcs: number): Grid {
  const edge = rcs / BINS_PER_CUTOFF;
  const nbx = Math.max(1, Math.ceil(lx / edge));
  const nby = Math.max(1, Math.ceil(ly / edge));
  const nbz = Math.max(1, Math.ceil(lz / edge));
  const bx = lx / nbx;
  const by = ly / nby;
  const bz = lz / nbz;
  const rx = Math.ceil(rcs / bx);
  const ry = Math.ceil(rcs / by);
  const rz = Math.ceil(rcs / bz);
  return { nbx, nby, nbz, bx, by, bz, rx, ry, rz, NX: nbx + 2 * rx, NY: nby + 2 * ry, NZ: nbz + 2 * rz };
}

/**
 * The stencil as rows along x: for each (dy, dz) whose bins can hold atoms within rcs of the home bin, the
 * run of x-bins that can. Slots are sorted by bin with x fastest, so each row is one contiguous run of slots:
 * the search visits ~rows, not ~bins, per atom (a loop per tiny bin cost more than the distance checks).
 * Returned flat: [startOffset0, nBins0, startOffset1, nBins1, …], offsets relative to the home bin.
 */
function makeStencilRows(g: Grid, rcs: number): Int32Array {
  const out: number[] = [];
  const rcsSq = rcs * rcs;
  for (let dz = -g.rz; dz <= g.rz; dz++)
    for (let dy = -g.ry; dy <= g.ry; dy++) {
      const gy = Math.max(Math.abs(dy) - 1, 0) * g.by;
      const gz = Math.max(Math.abs(dz) - 1, 0) * g.bz;
      const rest = rcsSq - gy * gy - gz * gz;
      if (rest <= 0) continue;
      // |dx| ≤ w keeps the x-gap (|dx| − 1)·bx below √rest.
      let w = 0;
      while (w < g.rx && (w * g.bx) ** 2 < rest) w++;
      out.push((dz * g.NY + dy) * g.NX - w, 2 * w + 1);
    }
  return Int32Array.from(out);
}

function binOfPoint(px: number, py: number, pz: number, g: Grid): number {
  let cx = Math.floor(px / g.bx) + g.rx;
  let cy = Math.floor(py / g.by) + g.ry;
  let cz = Math.floor(pz / g.bz) + g.rz;
  // Rounding at the pad's outer face can give one bin too many; clamp (the stencil still covers it).
  if (cx < 0) cx = 0;
  else if (cx >= g.NX) cx = g.NX - 1;
  if (cy < 0) cy = 0;
  else if (cy >= g.NY) cy = g.NY - 1;
  if (cz < 0) cz = 0;
  else if (cz >= g.NZ) cz = g.NZ - 1;
  return (cz * g.NY + cy) * g.NX + cx;
}

/** Wrap positions into [0, L) as the build reference; returns the first atom with a non-finite position or −1. */
function wrapReference(n: number, pos: Float64Array, ref: Float64Array, lx: number, ly: number, lz: number): number {
  for (let a = 0; a < n; a++) {
    const a3 = 3 * a;
    let px = pos[a3];
    let py = pos[a3 + 1];
    let pz = pos[a3 + 2];
    if (!(px - px === 0 && py - py === 0 && pz - pz === 0)) return a; // NaN or ±Infinity
    px -= lx * Math.floor(px / lx);
    py -= ly * Math.floor(py / ly);
    pz -= lz * Math.floor(pz / lz);
    if (px >= lx) px -= lx;
    if (py >= ly) py -= ly;
    if (pz >= lz) pz -= lz;
    ref[a3] = px;
    ref[a3 + 1] = py;
    ref[a3 + 2] = pz;
  }
  return -1;
}

/**
 * Ghost candidates: for every atom and positive shift whose image lies within rcs of the box, record
 * (atom, shift, bin). Returns the count, or −1 when the scratch arrays are too small (caller grows, retries).
 */
function makeGhosts(
  n: number,
  ref: Float64Array,
  lx: number,
  ly: number,
  lz: number,
  rcs: number,
  g: Grid,
  ghostAtom: Int32Array,
  ghostCode: Int32Array,
  ghostBin: Int32Array,
): number {
  const cap = ghostAtom.length;
  let m = 0;
  for (let a = 0; a < n; a++) {
    const px = ref[3 * a];
    const py = ref[3 * a + 1];
    const pz = ref[3 * a + 2];
    for (let s = 0; s < N_SHIFTS; s++) {
      const sx = POSITIVE_SHIFTS[3 * s];
      const sy = POSITIVE_SHIFTS[3 * s + 1];
      const sz = POSITIVE_SHIFTS[3 * s + 2];
      if (sx === 1 ? px >= rcs : sx === -1 ? px < lx - rcs : false) continue;
      if (sy === 1 ? py >= rcs : sy === -1 ? py < ly - rcs : false) continue;
      if (sz === 1 && pz >= rcs) continue;
      if (m >= cap) return -1;
      ghostAtom[m] = a;
      ghostCode[m] = s;
      ghostBin[m] = binOfPoint(px + sx * lx, py + sy * ly, pz + sz * lz, g);
      m++;
    }
  }
  return m;
}

/**
 * Full build: wrap, bin the atoms, order real slots by bin, create the ghost half shell, and collect each
 * real slot's neighbours within cut-off + skin (real slots j > i, and every ghost).
 */
export function buildNeighborList(nl: NeighborList, sys: System, search?: NeighborSearch): void {
  const problem = boxProblem(sys.box, nl.cutoff, nl.skin);
  if (problem) throw new Error(problem);
  const n = nl.n;
  const { lx, ly, lz } = sys.box;
  const bad = wrapReference(n, sys.pos, nl.posAtBuild, lx, ly, lz);
  if (bad >= 0) throw new NonFinitePositionError(bad);
  const ref = nl.posAtBuild;
  const rcs = nl.cutoff + nl.skin;
  const g = makeGrid(lx, ly, lz, rcs);
  const nBins = g.NX * g.NY * g.NZ;
  const S = _scratch;
  S.binOf = ensureInt(S.binOf, n);
  S.count = ensureInt(S.count, nBins + 1);
  const stencil = makeStencilRows(g, rcs);
  ensureSearchArrays(nl, nBins, stencil.length);
  nl.rows.set(stencil);
  nl.nRows = stencil.length;
  for (let a = 0; a < n; a++) S.binOf[a] = binOfPoint(ref[3 * a], ref[3 * a + 1], ref[3 * a + 2], g);

  let nGhost = -1;
  S.ghostAtom = ensureInt(S.ghostAtom, nGhostEstimate(n, lx, ly, lz, rcs));
  for (;;) {
    S.ghostCode = ensureInt(S.ghostCode, S.ghostAtom.length);
    S.ghostBin = ensureInt(S.ghostBin, S.ghostAtom.length);
    nGhost = makeGhosts(n, ref, lx, ly, lz, rcs, g, S.ghostAtom, S.ghostCode, S.ghostBin);
    if (nGhost >= 0) break;
    S.ghostAtom = new Int32Array(2 * S.ghostAtom.length);
  }
  growSlots(nl, n + nGhost);
  nl.nGhost = nGhost;
  placeSlots(n, nGhost, nBins, sys.type, ref, lx, ly, lz, S.binOf, S.ghostAtom, S.ghostCode, S.ghostBin, S.count, nl.binStart, nl.ghostStart, nl.slotBin,
    nl.slotAtom, nl.slotOwner, nl.slotType, nl.slotShift, nl.atomSlot, nl.x);

  const rcsSq = rcs * rcs;
  const cutSq = nl.cutoff * nl.cutoff;
  for (;;) {
    if (search && search(nl, rcsSq, cutSq)) break;
    const k = searchNeighbors(0, n, nl.x, nl.slotBin, nl.binStart, nl.ghostStart, nl.rows, nl.nRows, rcsSq, cutSq, nl.offsets, nl.idx, S.shell);
    if (k >= 0) {
      nl.offsets[n] = k;
      break;
    }
    // Too small: the list (or the per-atom shell buffer, sized for the densest atom) doubles; rare. Never past
    // every real–slot pair: a search that still fails there is not a capacity problem, and doubling on would end
    // in an allocation error (a campaign once paused on 'Invalid typed array length: 8589934592' — the shell
    // buffer after 21 doublings — on a collapsing candidate; not reproduced). The run fails as a blow-up instead.
    const all = n * (n + nGhost);
    if (nl.idx.length >= all && S.shell.length >= n + nGhost) throw new CrowdedError(all);
    nl.idx = sharedInt32(doubledUpTo(nl.idx.length, all));
    nl.layout++;
    S.shell = new Int32Array(doubledUpTo(S.shell.length, n + nGhost));
  }
  nl.box = { lx, ly, lz };
  nl.builds++;
  nl.maxDisplacementSq = 0;
}

/** A buffer length doubled, but not past `cap` (and never shrunk). */
const doubledUpTo = (length: number, cap: number): number => Math.max(length, Math.min(2 * length, cap));

/** Counting sort of real atoms and ghosts by bin into slots; fills the slot tables and coordinates. */
function placeSlots(
  n: number,
  nGhost: number,
  nBins: number,
  type: Int32Array,
  ref: Float64Array,
  lx: number,
  ly: number,
  lz: number,
  binOf: Int32Array,
  ghostAtom: Int32Array,
  ghostCode: Int32Array,
  ghostBin: Int32Array,
  count: Int32Array,
  localStart: Int32Array,
  ghostStart: Int32Array,
  slotBin: Int32Array,
  slotAtom: Int32Array,
  slotOwner: Int32Array,
  slotType: Int32Array,
  slotShift: Float64Array,
  atomSlot: Int32Array,
  x: Float64Array,
): void {
  count.fill(0, 0, nBins + 1);
  for (let a = 0; a < n; a++) count[binOf[a]]++;
  localStart[0] = 0;
  for (let b = 0; b < nBins; b++) localStart[b + 1] = localStart[b] + count[b];
  count.fill(0, 0, nBins + 1);
  for (let q = 0; q < nGhost; q++) count[ghostBin[q]]++;
  ghostStart[0] = n;
  for (let b = 0; b < nBins; b++) ghostStart[b + 1] = ghostStart[b] + count[b];
  count.fill(0, 0, nBins + 1);
  // Real slots in bin order; atoms in one bin keep their index order, so a build is deterministic.
  for (let a = 0; a < n; a++) {
    const b = binOf[a];
    const s = localStart[b] + count[b]++;
    slotAtom[s] = a;
    slotOwner[s] = s;
    slotType[s] = type[a];
    slotBin[s] = b;
    atomSlot[a] = s;
    slotShift[3 * s] = 0;
    slotShift[3 * s + 1] = 0;
    slotShift[3 * s + 2] = 0;
    x[3 * s] = ref[3 * a];
    x[3 * s + 1] = ref[3 * a + 1];
    x[3 * s + 2] = ref[3 * a + 2];
  }
  count.fill(0, 0, nBins + 1);
  for (let q = 0; q < nGhost; q++) {
    const b = ghostBin[q];
    const s = ghostStart[b] + count[b]++;
    const a = ghostAtom[q];
    const c = 3 * ghostCode[q];
    const owner = atomSlot[a];
    slotAtom[s] = a;
    slotOwner[s] = owner;
    slotType[s] = type[a];
    const sx = POSITIVE_SHIFTS[c] * lx;
    const sy = POSITIVE_SHIFTS[c + 1] * ly;
    const sz = POSITIVE_SHIFTS[c + 2] * lz;
    slotShift[3 * s] = sx;
    slotShift[3 * s + 1] = sy;
    slotShift[3 * s + 2] = sz;
    x[3 * s] = x[3 * owner] + sx;
    x[3 * s + 1] = x[3 * owner + 1] + sy;
    x[3 * s + 2] = x[3 * owner + 2] + sz;
  }
}

/**
 * Neighbours of each real slot i in [i0, i1) within √rcsSq, written from idx[0] on (offsets[i] relative to
 * that; offsets[i1] is left to the caller, which knows where the next range starts): real slots j > i (slots are sorted by bin, so rows before
 * i's bin contribute nothing) and every ghost in the stencil rows. Each slot's list is partitioned: the
 * neighbours inside the potential's cut-off (√cutSq) first, the skin shell after. Atoms move little between
 * builds, so the pair loop's cut-off test then runs as a long stretch of "inside" and one of "outside"
 * instead of a coin flip per pair — the branch predictor follows it. Returns the number of entries, or −1
 * when `idx` is too small (caller doubles it and retries).
 */
export function searchNeighbors(
  i0: number,
  i1: number,
  x: Float64Array,
  slotBin: Int32Array,
  localStart: Int32Array,
  ghostStart: Int32Array,
  rows: Int32Array,
  nRows: number,
  rcsSq: number,
  cutSq: number,
  offsets: Int32Array,
  idx: Int32Array,
  shell: Int32Array,
): number {
  const cap = idx.length;
  let k = 0;
  for (let i = i0; i < i1; i++) {
    offsets[i] = k;
    const i3 = 3 * i;
    const xi = x[i3];
    const yi = x[i3 + 1];
    const zi = x[i3 + 2];
    const home = slotBin[i];
    let m = 0; // skin-shell neighbours of i, held in `shell` until i's inner ones are written
    for (let q = 0; q < nRows; q += 2) {
      const b0 = home + rows[q];
      const b1 = b0 + rows[q + 1];
      let j0 = localStart[b0];
      const j1 = localStart[b1];
      if (j0 <= i) j0 = i + 1;
      const g0 = ghostStart[b0];
      const g1 = ghostStart[b1];
      const most = (j1 > j0 ? j1 - j0 : 0) + (g1 - g0);
      if (k + m + most > cap || m + most > shell.length) return -1;
      for (let j = j0; j < j1; j++) {
        const j3 = 3 * j;
        const dx = xi - x[j3];
        const dy = yi - x[j3 + 1];
        const dz = zi - x[j3 + 2];
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 < rcsSq) {
          if (d2 < cutSq) idx[k++] = j;
          else shell[m++] = j;
        }
      }
      for (let j = g0; j < g1; j++) {
        const j3 = 3 * j;
        const dx = xi - x[j3];
        const dy = yi - x[j3 + 1];
        const dz = zi - x[j3 + 2];
        const d2 = dx * dx + dy * dy + dz * dz;
        if (d2 < rcsSq) {
          if (d2 < cutSq) idx[k++] = j;
          else shell[m++] = j;
        }
      }
    }
    for (let q = 0; q < m; q++) idx[k++] = shell[q];
  }
  return k;
}

/** Expected ghost count (half shell), to size scratch once. */
function nGhostEstimate(n: number, lx: number, ly: number, lz: number, rcs: number): number {
  const v = lx * ly * lz;
  const shell = (lx + 2 * rcs) * (ly + 2 * rcs) * (lz + 2 * rcs) - v;
  return Math.ceil(((0.5 * shell) / v) * n * 1.2) + 64;
}

/** Fold ghost forces onto their owners and write atom-order forces into `force` ([3n], overwritten). */
export function gatherForces(nl: NeighborList, force: Float64Array): void {
  foldGhosts(nl.n, nl.n + nl.nGhost, nl.f, nl.slotOwner);
  scatterToAtoms(nl.n, nl.f, nl.slotAtom, force);
}

function foldGhosts(start: number, end: number, f: Float64Array, owner: Int32Array): void {
  for (let g = start; g < end; g++) {
    const g3 = 3 * g;
    const o3 = 3 * owner[g];
    f[o3] += f[g3];
    f[o3 + 1] += f[g3 + 1];
    f[o3 + 2] += f[g3 + 2];
  }
}

/** Slot forces of the reals into atom order. */
export function scatterToAtoms(n: number, f: Float64Array, slotAtom: Int32Array, force: Float64Array): void {
  for (let s = 0; s < n; s++) {
    const s3 = 3 * s;
    const a3 = 3 * slotAtom[s];
    force[a3] = f[s3];
    force[a3 + 1] = f[s3 + 1];
    force[a3 + 2] = f[s3 + 2];
  }
}

/** Mean neighbours per atom in the half list (LAMMPS's "Ave neighs/atom"). */
export function neighborsPerAtom(nl: NeighborList): number {
  return nl.n > 0 ? nl.offsets[nl.n] / nl.n : 0;
}
