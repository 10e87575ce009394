/**
 * The tabulated variant of buck-dsf.ts, the kernel of production runs (see engine.ts for the measurements):
 * per type pair, the whole pair energy (Coulomb with the charges folded in + short range) as a piecewise
 * cubic in u = r² on a uniform grid — no exp, no sqrt, no division per pair, one 32-byte read.
 *
 * What is tabulated: the DSF Coulomb with the exact erfc (Cody), whose force is exactly −dE/dr, plus the
 * short range. Each interval is the cubic Hermite interpolant matching E and dE/du = −(F/r)/2 at both ends,
 * so the table's energy is C¹ and the force the kernel derives from it is exactly −dE/dr of the tabulated
 * energy: the table conserves energy by construction. (LAMMPS's own pair loop uses a polynomial erfc whose
 * force is not the derivative of its energy; interpolating that would leave a 5e-6 force error whatever the
 * grid. The exact-erfc DSF differs from LAMMPS's by the polynomial's error: ~5e-7 × the RMS force, 5e-8 of
 * the energy on the fixtures' liquids.)
 *
 * Grid: in r², intervals of Δ = (cut-off² − (0.8 Å)²)/8192 from (0.8 Å)² to (3 Å)², four times wider from there to
 * the cut-off, where the functions are smooth (274 KB for silica's three pairs, against 786 KB for 8192 equal
 * intervals with the same tolerance and the same table starts: it stays in a core's L2 cache beside the coordinates
 * and forces: about 5 % less time per MD step, README engine figures, `bench:md --table-coarse 1`). Where the table
 * cannot follow the function — the steep r⁻²⁴ wall and exp(−r/ρ) at short range — each pair's table starts
 * higher: at build time every interval is checked against the exact function where the interpolation error
 * peaks (t = 1/2 for E, 1/2 ± 1/(2√3) for F), and the table begins above the last interval whose error exceeds 1e-7 relative (to |E| + k|qi·qj|/r, or |F| + k|qi·qj|/r²,
 * so that zero crossings are judged on the terms that cancel there; + 1e-8 absolute) in E or F. Closer pairs
 * take the exact expression (a rare branch: Si–O at 3600 K stays above ~1.3 Å). Measured against the exact
 * kernel on the fixtures' liquids: max per-atom force error ≤ 2e-7 × RMS force vs the exact-erfc twin,
 * ≤ 1e-6 × RMS vs LAMMPS (tests/md/liquid-forces.test.ts).
 * Requires equal short-range and Coulomb cut-offs (the paper's form); `prepare` says so otherwise.
 *
 * The loop itself runs in WebAssembly by default (table-loop.ts: the same arithmetic, bit for bit, without V8's
 * bounds checks; −32 % time per MD step); `pairLoopTable` below is its JavaScript form, kept as the fallback and
 * the reference the WebAssembly loop is tested against.
 */
import type { SpeciesTable } from '../species.ts';
import type { ForceField } from './forcefield.ts';
import type { PairOut, PairTable, Potential } from './potential.ts';
import type { System } from './system.ts';
import { gatherForces, syncNeighborList, type NeighborList } from './neighbor.ts';
import { _loopOut, finishCompute, pairExactErfc as pairExactErfc_, prepareBuckDsf, type BuckDsfTable } from './buck-dsf.ts';
import { createWasmTableLoop, type TableLoop } from './table-loop.ts';

const pairExactErfc = pairExactErfc_; // module-local: imported bindings are getter calls under tsx

/** Default grid: intervals of (cut-off² − (0.8 Å)²)/8192 in r² up to TABLE_SPLIT_R, TABLE_COARSE times wider beyond. */
export const TABLE_INTERVALS = 8192;
export const TABLE_R_MIN = 0.8; // Å, grid origin; each pair's table may start higher (see the header)
/**
 * Å: beyond it the pair functions are smooth (no wall, exp(−r/ρ) small), so the grid there is TABLE_COARSE times
 * coarser for the same tolerance; the table shrinks 2.9× (786 → 274 KB for silica) and stays in a core's L2 cache
 * beside the coordinates and forces. Measured: see engine.ts.
 */
export const TABLE_SPLIT_R = 3.0;
export const TABLE_COARSE = 4;
/** Largest accepted interpolation error at an interval's midpoint: relative, plus an absolute floor. */
export const TABLE_REL_TOL = 1e-7;
export const TABLE_ABS_TOL_E = 1e-8; // eV
export const TABLE_ABS_TOL_F = 1e-8; // eV/Å

export interface TabulatedPairTable extends BuckDsfTable {
  readonly tabN: number; // intervals, fine and coarse
  readonly tabRsqOrigin: number; // Å², r² of grid node 0
  readonly tabInvDelta: number; // 1/Å², fine intervals: r² in [origin, split)
  readonly tabRsqSplit: number; // Å², r² of the first coarse node (a grid node)
  readonly tabInvDelta2: number; // 1/Å², coarse intervals: r² in [split, cut-off²]
  readonly tabSplitK: number; // index of the first coarse interval
  /** [nTypes²] r² where each type pair's table starts (a grid node); closer pairs are computed exactly. */
  readonly tabRsqStart: Float64Array;
  /**
   * [(pairs)·(N+1)·4] per unordered type pair and interval k: E(t) = a + b·t + c·t² + d·t³ (eV) in
   * t = (r² − r²_k)/Δ_k ∈ [0, 1), interleaved a, b, c, d; F/r = −2/Δ_k · dE/dt. One extra interval past the
   * cut-off continues the last one linearly: rounding can put an r² just inside the cut-off at index N.
   */
  readonly tab: Float64Array;
  /** [nTypes²] first element of each type pair's block in `tab`. */
  readonly tabBase: Int32Array;
}

/** Build the tables for a forcefield; `intervals` (fine-grid density), `rMin`, `splitR` and `coarse` trade memory for accuracy. */
export function prepareBuckDsfTable(
  species: SpeciesTable,
  ff: ForceField,
  intervals = TABLE_INTERVALS,
  rMin = TABLE_R_MIN,
  splitR = TABLE_SPLIT_R,
  coarse = TABLE_COARSE,
): TabulatedPairTable {
  if (ff.cutoff !== ff.dsf.cutoff)
    throw new Error(
      `the table kernel needs equal short-range and Coulomb cut-offs (got ${ff.cutoff} and ${ff.dsf.cutoff} Å); use the exact kernel`,
    );
  const t = prepareBuckDsf(species, ff);
  const nT = t.nTypes;
  const rsqMax = t.cutSqMax;
  const origin = rMin * rMin;
  if (!(origin < rsqMax)) throw new Error(`table origin ${rMin} Å must lie inside the cut-off`);
  // Fine intervals up to the split (moved down to a fine node), coarse ones beyond, the last ending at the cut-off.
  const delta = (rsqMax - origin) / intervals;
  const splitK = Math.max(0, Math.min(intervals, Math.floor((splitR * splitR - origin) / delta)));
  const split = origin + splitK * delta;
  const nCoarse = split < rsqMax ? Math.max(1, Math.ceil((rsqMax - split) / (coarse * delta))) : 0;
  const delta2 = nCoarse > 0 ? (rsqMax - split) / nCoarse : delta;
  const n = splitK + nCoarse;
  const node = (k: number): number => (k === n ? rsqMax : k <= splitK ? origin + k * delta : split + (k - splitK) * delta2);
  const width = (k: number): number => (k < splitK ? delta : delta2);
  const tabBase = new Int32Array(nT * nT);
  const tabRsqStart = new Float64Array(nT * nT);
  const nPairs = (nT * (nT + 1)) / 2;
  const tab = new Float64Array(nPairs * (n + 1) * 4);
  const out = new Float64Array(2);
  const E = new Float64Array(n + 1);
  const dE = new Float64Array(n + 1); // dE/du, eV/Å²
  let p = 0;
  for (let ti = 0; ti < nT; ti++) {
    for (let tj = ti; tj < nT; tj++) {
      const base = p * (n + 1) * 4;
      tabBase[ti * nT + tj] = base;
      tabBase[tj * nT + ti] = base;
      for (let k = 0; k <= n; k++) {
        // The last node (rsq = rc²) holds the value just inside the cut-off: pairExactErfc applies no cut-off.
        pairExactErfc(ti, tj, node(k), t, out);
        E[k] = out[0];
        dE[k] = -0.5 * out[1];
      }
      // From the cut-off down, accept intervals while the error at the points where it peaks stays within tolerance.
      let start = 0;
      for (let k = n - 1; k >= 0; k--) {
        const o = base + 4 * k;
        const w = width(k);
        const a = E[k];
        const b = w * dE[k];
        const c = 3 * (E[k + 1] - E[k]) - 2 * w * dE[k] - w * dE[k + 1];
        const d = 2 * (E[k] - E[k + 1]) + w * (dE[k] + dE[k + 1]);
        tab[o] = a;
        tab[o + 1] = b;
        tab[o + 2] = c;
        tab[o + 3] = d;
        if (start === 0) {
          // Energy error peaks mid-interval; the force (derivative) error at t = 1/2 ± 1/(2√3).
          for (const tt of CHECK_POINTS) {
            const rsq = node(k) + tt * w;
            pairExactErfc(ti, tj, rsq, t, out);
            const e = a + tt * (b + tt * (c + tt * d));
            const fOverR = (-2 / w) * (b + tt * (2 * c + 3 * tt * d));
            const r = Math.sqrt(rsq);
            // Scale: the value itself plus the Coulomb term's size, so that an E or F crossing zero (where
            // the Coulomb attraction and the repulsion cancel) is judged against the terms that cancel.
            const qq = Math.abs(t.qq[ti * nT + tj]);
            const badE = Math.abs(e - out[0]) > TABLE_REL_TOL * (Math.abs(out[0]) + qq / r) + TABLE_ABS_TOL_E;
            const badF = Math.abs(fOverR - out[1]) * r > TABLE_REL_TOL * (Math.abs(out[1]) * r + qq / rsq) + TABLE_ABS_TOL_F;
            if (badE || badF) start = k + 1;
          }
        }
      }
      if (start >= n) throw new Error(`the table cannot represent pair ${ti}-${tj} anywhere inside the cut-off`);
      const rsqStart = node(start);
      tabRsqStart[ti * nT + tj] = rsqStart;
      tabRsqStart[tj * nT + ti] = rsqStart;
      const o = base + 4 * n;
      tab[o] = E[n];
      tab[o + 1] = delta2 * dE[n];
      p++;
    }
  }
  return {
    ...t,
    tabN: n,
    tabRsqOrigin: origin,
    tabInvDelta: 1 / delta,
    tabRsqSplit: split,
    tabInvDelta2: 1 / delta2,
    tabSplitK: splitK,
    tabRsqStart,
    tab,
    tabBase,
  };
}

/** A coarse interval's index is r²/Δ2 − this (its first, tabSplitK, starting at the split). */
function coarseOffset(t: TabulatedPairTable): number {
  return t.tabRsqSplit * t.tabInvDelta2 - t.tabSplitK;
}

const _pair = new Float64Array(2);
const CHECK_POINTS = [0.5 - 0.5 / Math.sqrt(3), 0.5, 0.5 + 0.5 / Math.sqrt(3)];

/**
 * Table loop over the half list of slots [i0, i1); pairs closer than their table's start use the exact-erfc
 * expression (a function call in a rare branch). Same contract and V8 shape as the exact loop in buck-dsf.ts.
 * A force helper thread (force-team.ts) runs it over its share of the slots into its own force buffer.
 */
export function pairLoopTable(
  i0: number,
  i1: number,
  x: Float64Array,
  f: Float64Array,
  offsets: Int32Array,
  idx: Int32Array,
  slotType: Int32Array,
  nT: number,
  cutSq: number,
  tab: Float64Array,
  tabBase: Int32Array,
  tabStart: Float64Array,
  origin: number,
  invDelta: number,
  t: PairTable,
  floorSq: number,
  out: Float64Array,
): void {
  out.fill(0);
  out[4] = Infinity;
  out[5] = -1;
  out[6] = -1;
  const m2invDelta = -2 * invDelta;
  // The coarse part of the grid, as s = r²·(1/Δ2) − off2 (a fine interval's s = (r² − origin)/Δ).
  const tt = t as TabulatedPairTable;
  const split = tt.tabRsqSplit;
  const invDelta2 = tt.tabInvDelta2;
  const off2 = coarseOffset(tt);
  const m2invDelta2 = -2 * invDelta2;
  const pair = _pair;
  let closeRsq = Infinity;
  let closeI = -1;
  let closeJ = -1;
  let energy = 0;
  let virial = 0;
  let pairs = 0;
  for (let i = i0; i < i1; i++) {
    const i3 = 3 * i;
    const xi = x[i3];
    const yi = x[i3 + 1];
    const zi = x[i3 + 2];
    const ti = slotType[i];
    const rowT = ti * nT;
    let fxi = 0;
    let fyi = 0;
    let fzi = 0;
    const kEnd = offsets[i + 1];
    for (let kk = offsets[i]; kk < kEnd; kk++) {
      const j = idx[kk];
      const j3 = 3 * j;
      const dx = xi - x[j3];
      const dy = yi - x[j3 + 1];
      const dz = zi - x[j3 + 2];
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq < cutSq) {
        pairs++;
        const tij = rowT + slotType[j];
        let fpair: number;
        if (rsq >= tabStart[tij]) {
          const fine = rsq < split;
          const s = fine ? (rsq - origin) * invDelta : rsq * invDelta2 - off2;
          const k = s | 0;
          const u = s - k;
          const b = tabBase[tij] + 4 * k;
          const c1 = tab[b + 1];
          const c2 = tab[b + 2];
          const c3 = tab[b + 3];
          energy += tab[b] + u * (c1 + u * (c2 + u * c3));
          fpair = (fine ? m2invDelta : m2invDelta2) * (c1 + u * (2 * c2 + 3 * u * c3));
        } else {
          if (rsq < floorSq && rsq < closeRsq) {
            closeRsq = rsq;
            closeI = i;
            closeJ = j;
          }
          pairExactErfc(ti, slotType[j], rsq, t, pair);
          energy += pair[0];
          fpair = pair[1];
        }
        virial += rsq * fpair;
        const fx = dx * fpair;
        const fy = dy * fpair;
        const fz = dz * fpair;
        fxi += fx;
        fyi += fy;
        fzi += fz;
        f[j3] -= fx;
        f[j3 + 1] -= fy;
        f[j3 + 2] -= fz;
      }
    }
    f[i3] += fxi;
    f[i3 + 1] += fyi;
    f[i3 + 2] += fzi;
    // Per atom, not after the loop: see pairLoopExact. The table does not split Coulomb from short range;
    // the whole pair energy is reported as `coul` and `short` is 0.
    out[0] = energy;
    out[2] = virial;
    out[3] = pairs;
    out[4] = closeRsq;
    out[5] = closeI;
    out[6] = closeJ;
  }
}

/** The JavaScript loop behind the TableLoop signature (table-loop.ts). */
export const jsTableLoop: TableLoop = (i0, i1, x, f, offsets, idx, slotType, slots, _version, t, floorSq, out) => {
  f.fill(0, 0, 3 * slots);
  pairLoopTable(i0, i1, x, f, offsets, idx, slotType, t.nTypes, t.cutSqMax, t.tab, t.tabBase, t.tabRsqStart, t.tabRsqOrigin, t.tabInvDelta, t, floorSq, out);
};

/** Where the pair loop runs: WebAssembly (default; table-loop.ts says why) or JavaScript (benchmarks and tests compare). */
export type TableLoopKind = 'wasm' | 'js';

let threadWasmLoop: TableLoop | null | undefined;
/** This thread's loop of the given kind: the WebAssembly one is made once per thread; JavaScript where it is missing. */
export function tableLoop(kind: TableLoopKind): TableLoop {
  if (kind === 'js') return jsTableLoop;
  if (threadWasmLoop === undefined) threadWasmLoop = createWasmTableLoop(jsTableLoop);
  return threadWasmLoop ?? jsTableLoop;
}

let loopKind: TableLoopKind = 'wasm';
/** The loop this thread's table computations use from now on (force helpers get the caller's with each layout). */
export function setTableLoopKind(kind: TableLoopKind): void {
  loopKind = kind;
}
export function tableLoopKind(): TableLoopKind {
  return loopKind;
}

function computeTable(sys: System, nl: NeighborList, t: TabulatedPairTable): number {
  syncNeighborList(nl, sys);
  const slots = nl.n + nl.nGhost;
  tableLoop(loopKind)(0, nl.n, nl.x, nl.f, nl.offsets, nl.idx, nl.slotType, slots, nl.builds, t, nl.floorSq, _loopOut);
  gatherForces(nl, sys.force);
  return finishCompute(sys, nl, t, _loopOut);
}

/** One pair through the table (or the exact-erfc expression below its start), as the kernel sees it. */
function singleTable(ti: number, tj: number, rsq: number, t: PairTable, out: PairOut): void {
  const tt = t as TabulatedPairTable;
  const k2 = ti * tt.nTypes + tj;
  if (rsq >= tt.cutSqMax) {
    out.energy = 0;
    out.fOverR = 0;
    return;
  }
  if (rsq < tt.tabRsqStart[k2]) {
    pairExactErfc(ti, tj, rsq, t, _pair);
    out.energy = _pair[0];
    out.fOverR = _pair[1];
    return;
  }
  const fine = rsq < tt.tabRsqSplit;
  const s = fine ? (rsq - tt.tabRsqOrigin) * tt.tabInvDelta : rsq * tt.tabInvDelta2 - coarseOffset(tt);
  const k = Math.floor(s);
  const u = s - k;
  const b = tt.tabBase[k2] + 4 * k;
  const c0 = tt.tab[b];
  const c1 = tt.tab[b + 1];
  const c2 = tt.tab[b + 2];
  const c3 = tt.tab[b + 3];
  out.energy = c0 + u * (c1 + u * (c2 + u * c3));
  out.fOverR = -2 * (fine ? tt.tabInvDelta : tt.tabInvDelta2) * (c1 + u * (2 * c2 + 3 * u * c3));
}

/** Tabulated kernel (cubic Hermite in r², 8192 intervals, exact expression at short range). */
export const buckDsfTable: Potential = {
  style: 'buck-dsf-table',
  prepare: (species, ff) => prepareBuckDsfTable(species, ff),
  compute: (sys, nl, t) => computeTable(sys, nl, t as TabulatedPairTable),
  single: singleTable,
};
