/**
 * The production pair style: Buckingham + r⁻²⁴ wall + damped-shifted-force Coulomb in one fused loop over
 * the ghost-atom half list (neighbor.ts), with LAMMPS's numerics so that energies and forces match
 * `pair_style hybrid/overlay coul/dsf α rc  buck rc  mie/cut rc` to round-off:
 *
 *   E_ij = k·qi·qj·[erfc(αr)/r − e_shift − (r − rc)·f_shift] + A·exp(−r/ρ) − C/r⁶ + D/r²⁴   (r < rc)
 *
 * - erfc(αr) in the loop is the Abramowitz–Stegun 7.1.26 polynomial, as LAMMPS coul/dsf evaluates it (the
 *   fixtures match to 1e-13 with it, to only 2e-7 RMS in force with the exact erfc);
 * - e_shift and f_shift use the exact erfc (LAMMPS init_style calls libm's);
 * - every atom carries the self energy −(e_shift/2 + α/√π)·k·qi² (LAMMPS adds it in compute);
 * - the short-range part is truncated at its cut-off without a shift (LAMMPS `buck`).
 *
 * `prepareBuckDsf` (describe → prepare, LAMMPS coeff → init_one) is shared by the three implementations:
 * this one, buck-dsf-table.ts and buck-dsf-reference.ts.
 */
import { MY_PIS as MY_PIS_, QQR2E } from '../units.ts';
import type { SpeciesTable } from '../species.ts';
import { pairName } from '../species.ts';
import { checkForceField, type ForceField } from './forcefield.ts';
import type { PairOut, PairTable, Potential } from './potential.ts';
import type { System } from './system.ts';
import { gatherForces, syncNeighborList, type NeighborList } from './neighbor.ts';
import { expFast as expFast_ } from './fastmath.ts';
import { AS_A1 as A1_, AS_A2 as A2_, AS_A3 as A3_, AS_A4 as A4_, AS_A5 as A5_, AS_P as P_, erfc } from './erfc.ts';

// Module-local copies of imported constants and functions: the TypeScript loader (tsx) turns imported
// bindings into getter calls, which cost more than the arithmetic in the pair loop.
const AS_P = P_;
const AS_A1 = A1_;
const AS_A2 = A2_;
const AS_A3 = A3_;
const AS_A4 = A4_;
const AS_A5 = A5_;
const SQRT_PI = MY_PIS_;
const expFast = expFast_;

/** Packed per-type-pair loop constants, stride COEF_STRIDE, index (ti·nTypes + tj)·COEF_STRIDE. */
export const COEF_STRIDE = 8;
const K_CUTSQ = 0;
const K_A = 1;
const K_RHOINV = 2;
const K_BUCK1 = 3; // A/ρ
const K_C6 = 4;
const K_C6X6 = 5; // 6C
const K_D24 = 6;
const K_D24X24 = 7; // 24D

/** PairTable plus the packed coefficients the fused loops read (one cache line per type pair). */
export interface BuckDsfTable extends PairTable {
  readonly coef: Float64Array; // [nTypes²·COEF_STRIDE]
  readonly cutSqMax: number; // Å², max of all short-range and Coulomb cut-offs squared
}

/** Energy split of the last `compute` on a neighbour list, for reports and tests (eV). */
export interface EnergyParts {
  coul: number; // pair Coulomb (DSF), without the self energy
  short: number; // A·exp(−r/ρ) − C/r⁶ + D/r²⁴
  self: number; // Σ coul/dsf self energies
  virial: number; // Σ r_ij·F_ij over pairs, eV (pressure = (N·kB·T + virial/3)/V)
}

const _parts = new WeakMap<NeighborList, EnergyParts>();

/** The energy split of the last compute on `nl` (all zero before any compute). */
export function energyParts(nl: NeighborList): EnergyParts {
  let p = _parts.get(nl);
  if (!p) {
    p = { coul: 0, short: 0, self: 0, virial: 0 };
    _parts.set(nl, p);
  }
  return p;
}

/** LAMMPS coul/dsf shift constants (init_style), from the exact erfc. */
export function dsfShifts(alpha: number, rc: number): { eShift: number; fShift: number } {
  const erfcc = erfc(alpha * rc);
  const erfcd = Math.exp(-alpha * alpha * rc * rc);
  const fShift = -(erfcc / (rc * rc) + ((2.0 / SQRT_PI) * alpha * erfcd) / rc);
  const eShift = erfcc / rc - fShift * rc;
  return { eShift, fShift };
}

/** ForceField → loop constants. Throws for a forcefield that cannot be used with these species. */
export function prepareBuckDsf(species: SpeciesTable, ff: ForceField): BuckDsfTable {
  const problems = checkForceField(ff, species);
  if (problems.length > 0) throw new Error(`invalid forcefield: ${problems.join('; ')}`);
  const nT = species.species.length;
  const n2 = nT * nT;
  const cutSq = new Float64Array(n2);
  const A = new Float64Array(n2);
  const rhoInv = new Float64Array(n2);
  const c6 = new Float64Array(n2);
  const d24 = new Float64Array(n2);
  const qq = new Float64Array(n2);
  const charge = new Float64Array(nT);
  const coef = new Float64Array(n2 * COEF_STRIDE);
  species.species.forEach((s, t) => (charge[t] = ff.charge[s.name]));
  const rcShort = ff.cutoff;
  for (let ti = 0; ti < nT; ti++) {
    for (let tj = 0; tj < nT; tj++) {
      const p = ff.pair[pairName(species, ti, tj)];
      const k = ti * nT + tj;
      cutSq[k] = rcShort * rcShort;
      A[k] = p.A;
      rhoInv[k] = 1 / p.rho;
      c6[k] = p.C;
      d24[k] = p.D;
      // Same association as LAMMPS (qqrd2e·qi·qj, then /r in the loop) for bit-level agreement.
      qq[k] = QQR2E * charge[ti] * charge[tj];
      const o = k * COEF_STRIDE;
      coef[o + K_CUTSQ] = cutSq[k];
      coef[o + K_A] = p.A;
      coef[o + K_RHOINV] = rhoInv[k];
      coef[o + K_BUCK1] = p.A / p.rho;
      coef[o + K_C6] = p.C;
      coef[o + K_C6X6] = 6 * p.C;
      coef[o + K_D24] = p.D;
      coef[o + K_D24X24] = 24 * p.D;
    }
  }
  const alpha = ff.dsf.alpha;
  const rcCoul = ff.dsf.cutoff;
  const { eShift, fShift } = dsfShifts(alpha, rcCoul);
  const selfEnergy = new Float64Array(nT);
  for (let t = 0; t < nT; t++) selfEnergy[t] = -(eShift / 2.0 + alpha / SQRT_PI) * charge[t] * charge[t] * QQR2E;
  const maxCutoff = Math.max(rcShort, rcCoul);
  return {
    nTypes: nT,
    cutSq,
    A,
    rhoInv,
    c6,
    d24,
    qq,
    charge,
    alpha,
    cutCoulSq: rcCoul * rcCoul,
    eShift,
    fShift,
    selfEnergy,
    maxCutoff,
    coef,
    cutSqMax: maxCutoff * maxCutoff,
  };
}

/**
 * One pair at squared distance rsq (LAMMPS `single`, sum of the three sub-styles): energy without self terms,
 * fOverR = F/r (eV/Å²) with F_vec on i = fOverR·(r_i − r_j).
 */
export function singleBuckDsf(ti: number, tj: number, rsq: number, t: PairTable, out: PairOut): void {
  const k = ti * t.nTypes + tj;
  const r2inv = 1.0 / rsq;
  let e = 0;
  let fpair = 0;
  if (rsq < t.cutCoulSq) {
    const alpha = t.alpha;
    const r = Math.sqrt(rsq);
    const prefactor = t.qq[k] / r;
    const erfcd = Math.exp(-alpha * alpha * rsq);
    const tt = 1.0 / (1.0 + AS_P * alpha * r);
    const erfcc = tt * (AS_A1 + tt * (AS_A2 + tt * (AS_A3 + tt * (AS_A4 + tt * AS_A5)))) * erfcd;
    const forcecoul = prefactor * (erfcc / r + ((2.0 * alpha) / SQRT_PI) * erfcd + r * t.fShift) * r;
    fpair += forcecoul * r2inv;
    e += prefactor * (erfcc - r * t.eShift - rsq * t.fShift);
  }
  if (rsq < t.cutSq[k]) {
    const r = Math.sqrt(rsq);
    const r6inv = r2inv * r2inv * r2inv;
    const r12inv = r6inv * r6inv;
    const r24inv = r12inv * r12inv;
    const rexp = Math.exp(-r * t.rhoInv[k]);
    const A = t.A[k];
    const C = t.c6[k];
    const D = t.d24[k];
    fpair += (A * t.rhoInv[k] * r * rexp - 6 * C * r6inv + 24 * D * r24inv) * r2inv;
    e += A * rexp - C * r6inv + D * r24inv;
  }
  out.energy = e;
  out.fOverR = fpair;
}

/**
 * One pair with the exact erfc (Cody) instead of LAMMPS's polynomial: the mathematically exact DSF, whose
 * force is exactly −dE/dr. The table kernel interpolates this function (see buck-dsf-table.ts). Cut-offs are
 * not applied here. Writes energy and F/r into out[0], out[1].
 */
export function pairExactErfc(ti: number, tj: number, rsq: number, t: PairTable, out: Float64Array): void {
  const k = ti * t.nTypes + tj;
  const alpha = t.alpha;
  const r = Math.sqrt(rsq);
  const rinv = 1 / r;
  const erfcAr = erfc(alpha * r);
  const erfcd = Math.exp(-alpha * alpha * rsq);
  const prefactor = t.qq[k] * rinv;
  let fOverR = prefactor * (erfcAr * rinv + ((2.0 * alpha) / SQRT_PI) * erfcd + r * t.fShift) * rinv;
  let e = prefactor * (erfcAr - r * t.eShift - rsq * t.fShift);
  const r2inv = rinv * rinv;
  const r6inv = r2inv * r2inv * r2inv;
  const r24inv = r6inv * r6inv * r6inv * r6inv;
  const rexp = Math.exp(-r * t.rhoInv[k]);
  const A = t.A[k];
  const C = t.c6[k];
  const D = t.d24[k];
  fOverR += (A * t.rhoInv[k] * r * rexp - 6 * C * r6inv + 24 * D * r24inv) * r2inv;
  e += A * rexp - C * r6inv + D * r24inv;
  out[0] = e;
  out[1] = fOverR;
}

/** Σ self energies of the system's atoms (eV): a constant of the composition. */
export function selfEnergyTotal(sys: System, t: PairTable): number {
  let e = 0;
  const type = sys.type;
  for (let i = 0; i < sys.n; i++) e += t.selfEnergy[type[i]];
  return e;
}

/**
 * Scalar results of a pair loop: [ecoul, evdwl, virial, pairs, closeRsq, closeI, closeJ]. Module scratch,
 * not re-entrant (a worker runs one loop at a time).
 */
export const _loopOut = new Float64Array(7);

/**
 * The fused pair loop over the half list: reads only typed arrays and numbers passed in (no property access,
 * so V8 keeps one optimised version of it), allocates nothing, no Math.pow. Forces accumulate into `f`
 * (slot order, zeroed by the caller); scalar results go to `out`.
 */
function pairLoopExact(
  n: number,
  x: Float64Array,
  f: Float64Array,
  offsets: Int32Array,
  idx: Int32Array,
  slotType: Int32Array,
  coef: Float64Array,
  qq: Float64Array,
  nT: number,
  cutSqMax: number,
  cutCoulSq: number,
  alpha: number,
  fShift: number,
  eShift: number,
  floorSq: number,
  out: Float64Array,
): void {
  const alphaSq = alpha * alpha;
  const pAlpha = AS_P * alpha;
  const twoAlphaPi = (2.0 * alpha) / SQRT_PI;
  out.fill(0);
  out[4] = Infinity;
  out[5] = -1;
  out[6] = -1;
  let closeRsq = Infinity;
  let closeI = -1;
  let closeJ = -1;
  let ecoul = 0;
  let evdwl = 0;
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
      if (rsq < cutSqMax) {
        pairs++;
        if (rsq < floorSq && rsq < closeRsq) {
          closeRsq = rsq;
          closeI = i;
          closeJ = j;
        }
        const tij = rowT + slotType[j];
        const o = tij * COEF_STRIDE;
        // Two divisions per pair (1/r and the A&S t); the rest are products. Rounding differs from LAMMPS's
        // 1/rsq and …/r by an ulp, far below the 1e-8 the fixtures are checked to.
        const r = Math.sqrt(rsq);
        const rinv = 1.0 / r;
        const r2inv = rinv * rinv;
        let fpair = 0;
        if (rsq < cutCoulSq) {
          const prefactor = qq[tij] * rinv;
          const erfcd = expFast(-alphaSq * rsq);
          const tt = 1.0 / (1.0 + pAlpha * r);
          const erfcc = tt * (AS_A1 + tt * (AS_A2 + tt * (AS_A3 + tt * (AS_A4 + tt * AS_A5)))) * erfcd;
          fpair = prefactor * (erfcc * rinv + twoAlphaPi * erfcd + r * fShift) * rinv;
          ecoul += prefactor * (erfcc - r * eShift - rsq * fShift);
        }
        if (rsq < coef[o + K_CUTSQ]) {
          const r6inv = r2inv * r2inv * r2inv;
          const r12inv = r6inv * r6inv;
          const r24inv = r12inv * r12inv;
          const rexp = expFast(-r * coef[o + K_RHOINV]);
          fpair += (coef[o + K_BUCK1] * r * rexp - coef[o + K_C6X6] * r6inv + coef[o + K_D24X24] * r24inv) * r2inv;
          evdwl += coef[o + K_A] * rexp - coef[o + K_C6] * r6inv + coef[o + K_D24] * r24inv;
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
    // Stored per atom rather than once after the loop: V8 compiles this loop on-stack (OSR) and would
    // deoptimise at stores it has never seen executed; per atom they cost nothing measurable.
    out[0] = ecoul;
    out[1] = evdwl;
    out[2] = virial;
    out[3] = pairs;
    out[4] = closeRsq;
    out[5] = closeI;
    out[6] = closeJ;
  }
}

/** Energy (eV, self energy included) and forces (sys.force) by the exact fused loop. */
function computeExact(sys: System, nl: NeighborList, t: BuckDsfTable): number {
  syncNeighborList(nl, sys);
  const nSlots = nl.n + nl.nGhost;
  nl.f.fill(0, 0, 3 * nSlots);
  pairLoopExact(
    nl.n, nl.x, nl.f, nl.offsets, nl.idx, nl.slotType, t.coef, t.qq, t.nTypes,
    t.cutSqMax, t.cutCoulSq, t.alpha, t.fShift, t.eShift, nl.floorSq, _loopOut,
  );
  gatherForces(nl, sys.force);
  return finishCompute(sys, nl, t, _loopOut);
}

/** Shared tail of the fast kernels: contact watch, energy split, self energy. */
export function finishCompute(sys: System, nl: NeighborList, t: PairTable, out: Float64Array): number {
  const ecoul = out[0];
  const evdwl = out[1];
  const virial = out[2];
  const pairs = out[3];
  const closeRsq = out[4];
  const closeI = out[5];
  const closeJ = out[6];
  nl.pairsInCutoff = pairs;
  nl.closeRsq = closeRsq;
  nl.closeI = closeI >= 0 ? nl.slotAtom[closeI] : -1;
  nl.closeJ = closeJ >= 0 ? nl.slotAtom[closeJ] : -1;
  const self = selfEnergyTotal(sys, t);
  const parts = energyParts(nl);
  parts.coul = ecoul;
  parts.short = evdwl;
  parts.self = self;
  parts.virial = virial;
  return ecoul + evdwl + self;
}

/** Exact kernel (LAMMPS numerics) over the ghost-atom half list. */
export const buckDsf: Potential = {
  style: 'buck-dsf',
  prepare: prepareBuckDsf,
  compute: (sys, nl, t) => computeExact(sys, nl, t as BuckDsfTable),
  single: singleBuckDsf,
};
