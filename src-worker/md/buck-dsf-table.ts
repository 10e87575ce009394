/**
 * The tabulated variant of buck-dsf.ts: per type pair, the whole pair energy and F/r (Coulomb with its
 * charges folded in + short range) sampled on a uniform grid in r² and interpolated linearly — no exp, no
 * sqrt, no division per pair, so the loop is bound by memory reads (LAMMPS `pair_style table linear` does
 * the same). The samples are the exact kernel's own values (`singleBuckDsf`, LAMMPS numerics), so the table
 * approximates LAMMPS, and pairs closer than `rMin` fall back to the exact expression.
 *
 * Accuracy (tests/md/buck-dsf-table.test.ts, 3000-atom BKS/CHIK/ML liquids, 65 536 intervals from 1.0 Å to
 * the cut-off): per-atom force errors below 2e-6 × the RMS force, potential energy within 1e-8 relative —
 * two orders of magnitude below the exact-erfc ↔ LAMMPS difference the fixtures README quotes.
 * Requires equal short-range and Coulomb cut-offs (the paper's form); `prepare` says so otherwise.
 */
import type { SpeciesTable } from '../species.ts';
import type { ForceField } from './forcefield.ts';
import type { Potential } from './potential.ts';
import type { System } from './system.ts';
import { gatherForces, syncNeighborList, type NeighborList } from './neighbor.ts';
import {
  COEF_STRIDE,
  _loopOut,
  finishCompute,
  prepareBuckDsf,
  singleBuckDsf,
  pairExactErfc,
  type BuckDsfTable,
} from './buck-dsf.ts';
import { expFast as expFast_ } from './fastmath.ts';
import { AS_A1 as A1_, AS_A2 as A2_, AS_A3 as A3_, AS_A4 as A4_, AS_A5 as A5_, AS_P as P_ } from './erfc.ts';
import { MY_PIS as MY_PIS_ } from '../units.ts';

// Module-local copies of imports used in the loop (tsx turns imported bindings into getter calls).
const expFast = expFast_;
const AS_P = P_;
const AS_A1 = A1_;
const AS_A2 = A2_;
const AS_A3 = A3_;
const AS_A4 = A4_;
const AS_A5 = A5_;
const SQRT_PI = MY_PIS_;
const STRIDE = COEF_STRIDE;

/** Grid of the default table: 4096 intervals in r² from (1.0 Å)² to the cut-off² (see the header). */
export const TABLE_INTERVALS = 4096;
export const TABLE_R_MIN = 1.0; // Å

export interface TabulatedPairTable extends BuckDsfTable {
  readonly tabN: number; // intervals
  readonly tabRsqMin: number; // Å²
  readonly tabInvDelta: number; // 1/Å²
  /**
   * [(pairs)·(N+1)·4] per unordered type pair and interval k: the cubic E(t) = a + b·t + c·t² + d·t³ in
   * t = (r² − r²_k)/Δ ∈ [0, 1) (eV), interleaved a, b, c, d. F/r = −2/Δ · dE/dt. One extra interval past
   * the cut-off continues the last one linearly: rounding can put an r² just inside the cut-off at index N.
   */
  readonly tab: Float64Array;
  /** [nTypes²] first element of each type pair's block in `tab`. */
  readonly tabBase: Int32Array;
}

/**
 * Build the tables for a forcefield. Each interval is the cubic Hermite interpolant of the exact pair energy
 * E(u), u = r², matching E and dE/du = −(F/r)/2 at both ends: the interpolated E is C¹, and the force the
 * kernel derives from it is exactly −dE/dr of the interpolated energy (energy-conserving by construction).
 */
export function prepareBuckDsfTable(
  species: SpeciesTable,
  ff: ForceField,
  intervals = TABLE_INTERVALS,
  rMin = TABLE_R_MIN,
): TabulatedPairTable {
  if (ff.cutoff !== ff.dsf.cutoff)
    throw new Error(
      `the table kernel needs equal short-range and Coulomb cut-offs (got ${ff.cutoff} and ${ff.dsf.cutoff} Å); use the exact kernel`,
    );
  const t = prepareBuckDsf(species, ff);
  const nT = t.nTypes;
  const rsqMax = t.cutSqMax;
  const rsqMin = rMin * rMin;
  if (!(rsqMin < rsqMax)) throw new Error(`table start ${rMin} Å must lie inside the cut-off`);
  const delta = (rsqMax - rsqMin) / intervals;
  const tabBase = new Int32Array(nT * nT);
  const nPairs = (nT * (nT + 1)) / 2;
  const tab = new Float64Array(nPairs * (intervals + 1) * 4);
  const out = new Float64Array(2);
  const E = new Float64Array(intervals + 1);
  const D = new Float64Array(intervals + 1); // Δ·dE/du
  let p = 0;
  for (let ti = 0; ti < nT; ti++) {
    for (let tj = ti; tj < nT; tj++) {
      const base = p * (intervals + 1) * 4;
      tabBase[ti * nT + tj] = base;
      tabBase[tj * nT + ti] = base;
      for (let k = 0; k <= intervals; k++) {
        const rsq = k === intervals ? rsqMax : rsqMin + k * delta;
        // The last node (rsq = rc²) holds the value just inside the cut-off: pairExactErfc applies no cut-off.
        pairExactErfc(ti, tj, rsq, t, out);
        E[k] = out[0];
        D[k] = -0.5 * out[1] * delta;
      }
      for (let k = 0; k < intervals; k++) {
        const o = base + 4 * k;
        tab[o] = E[k];
        tab[o + 1] = D[k];
        tab[o + 2] = 3 * (E[k + 1] - E[k]) - 2 * D[k] - D[k + 1];
        tab[o + 3] = 2 * (E[k] - E[k + 1]) + D[k] + D[k + 1];
      }
      const o = base + 4 * intervals;
      tab[o] = E[intervals];
      tab[o + 1] = D[intervals];
      p++;
    }
  }
  return { ...t, tabN: intervals, tabRsqMin: rsqMin, tabInvDelta: 1 / delta, tab, tabBase };
}

/**
 * Table loop over the half list; pairs inside rMin use the exact expression. Same contract and V8 shape as
 * the exact loop in buck-dsf.ts (typed arrays and numbers only, results stored per atom).
 */
function pairLoopTable(
  n: number,
  x: Float64Array,
  f: Float64Array,
  offsets: Int32Array,
  idx: Int32Array,
  slotType: Int32Array,
  nT: number,
  cutSq: number,
  tab: Float64Array,
  tabBase: Int32Array,
  rsqMin: number,
  invDelta: number,
  coef: Float64Array,
  qq: Float64Array,
  alpha: number,
  fShift: number,
  eShift: number,
  floorSq: number,
  out: Float64Array,
): void {
  out.fill(0);
  out[4] = Infinity;
  out[5] = -1;
  out[6] = -1;
  const m2invDelta = -2 * invDelta;
  let closeRsq = Infinity;
  let closeI = -1;
  let closeJ = -1;
  let energy = 0;
  let virial = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    const i3 = 3 * i;
    const xi = x[i3];
    const yi = x[i3 + 1];
    const zi = x[i3 + 2];
    const rowT = slotType[i] * nT;
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
        if (rsq >= rsqMin) {
          const s = (rsq - rsqMin) * invDelta;
          const k = s | 0;
          const u = s - k;
          const b = tabBase[tij] + 4 * k;
          const c1 = tab[b + 1];
          const c2 = tab[b + 2];
          const c3 = tab[b + 3];
          energy += tab[b] + u * (c1 + u * (c2 + u * c3));
          fpair = m2invDelta * (c1 + u * (2 * c2 + 3 * u * c3));
        } else {
          if (rsq < floorSq && rsq < closeRsq) {
            closeRsq = rsq;
            closeI = i;
            closeJ = j;
          }
          // Rare close contact: the exact expression (same as buck-dsf.ts).
          const o = tij * STRIDE;
          const r = Math.sqrt(rsq);
          const rinv = 1.0 / r;
          const r2inv = rinv * rinv;
          const prefactor = qq[tij] * rinv;
          const erfcd = expFast(-alpha * alpha * rsq);
          const tt = 1.0 / (1.0 + AS_P * alpha * r);
          const erfcc = tt * (AS_A1 + tt * (AS_A2 + tt * (AS_A3 + tt * (AS_A4 + tt * AS_A5)))) * erfcd;
          fpair = prefactor * (erfcc * rinv + ((2.0 * alpha) / SQRT_PI) * erfcd + r * fShift) * rinv;
          energy += prefactor * (erfcc - r * eShift - rsq * fShift);
          const r6inv = r2inv * r2inv * r2inv;
          const r12inv = r6inv * r6inv;
          const r24inv = r12inv * r12inv;
          const rexp = expFast(-r * coef[o + 2]);
          fpair += (coef[o + 3] * r * rexp - coef[o + 5] * r6inv + coef[o + 7] * r24inv) * r2inv;
          energy += coef[o + 1] * rexp - coef[o + 4] * r6inv + coef[o + 6] * r24inv;
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

function computeTable(sys: System, nl: NeighborList, t: TabulatedPairTable): number {
  syncNeighborList(nl, sys);
  nl.f.fill(0, 0, 3 * (nl.n + nl.nGhost));
  pairLoopTable(
    nl.n, nl.x, nl.f, nl.offsets, nl.idx, nl.slotType, t.nTypes, t.cutSqMax, t.tab, t.tabBase, t.tabRsqMin,
    t.tabInvDelta, t.coef, t.qq, t.alpha, t.fShift, t.eShift, nl.floorSq, _loopOut,
  );
  gatherForces(nl, sys.force);
  return finishCompute(sys, nl, t, _loopOut);
}

/** Tabulated kernel (cubic Hermite in r², 4096 intervals, exact below 1 Å). */
export const buckDsfTable: Potential = {
  style: 'buck-dsf-table',
  prepare: (species, ff) => prepareBuckDsfTable(species, ff),
  compute: (sys, nl, t) => computeTable(sys, nl, t as TabulatedPairTable),
  single: (ti, tj, rsq, t, out) => {
    const tt = t as TabulatedPairTable;
    if (rsq >= tt.cutSqMax) {
      out.energy = 0;
      out.fOverR = 0;
      return;
    }
    if (rsq < tt.tabRsqMin) return singleBuckDsf(ti, tj, rsq, t, out);
    const s = (rsq - tt.tabRsqMin) * tt.tabInvDelta;
    const k = Math.floor(s);
    const u = s - k;
    const b = tt.tabBase[ti * tt.nTypes + tj] + 4 * k;
    const [c0, c1, c2, c3] = [tt.tab[b], tt.tab[b + 1], tt.tab[b + 2], tt.tab[b + 3]];
    out.energy = c0 + u * (c1 + u * (c2 + u * c3));
    out.fOverR = -2 * tt.tabInvDelta * (c1 + u * (2 * c2 + 3 * u * c3));
  },
};
