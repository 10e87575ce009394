/**
 * Thermostats as plain state records and functions over them.
 *
 * Nosé–Hoover chain equivalent to LAMMPS `fix nvt temp T T Tdamp` (fix_nh.cpp, defaults tchain 3, tloop 1,
 * drag 0): masses Q₀ = dof·kB·T/ω², Q_k = kB·T/ω² (ω = 1/Tdamp), refreshed every half step
 * (eta_mass_flag); the chain is integrated by `nhc_temp_integrate`'s Trotter half step, applied before the
 * first half kick (with the temperature of the previous step) and after the second (with the new one).
 * `nhcEnergy` is fix nvt's compute_scalar, so KE + PE + nhcEnergy is the conserved quantity.
 *
 * Berendsen rescaling as LAMMPS `fix temp/berendsen` (end of step, λ = √(1 + dt/τ·(T₀/T − 1))), used only
 * by the soft start.
 */
import { BOLTZ } from '../units.ts';
import type { System } from './system.ts';

export interface NoseHooverChain {
  readonly length: number; // M, LAMMPS tchain
  /** K; under NPT a temperature ramp (LAMMPS `temp Tstart Tstop`) moves it every step, the masses follow. */
  tTarget: number;
  readonly tFreq: number; // 1/ps (1/Tdamp)
  readonly dof: number; // degrees of freedom of the thermostatted atoms
  readonly eta: Float64Array; // [M]
  readonly etaDot: Float64Array; // [M+1]; the last stays 0 (LAMMPS's dummy link)
  readonly etaDotDot: Float64Array; // [M]
  readonly etaMass: Float64Array; // [M]
  /** Current temperature as the chain last saw it (K): set by nhcHalfStep's caller before each half step. */
  tCurrent: number;
}

/** A chain at rest (LAMMPS constructor + setup): masses from the target temperature. */
export function createNoseHooverChain(dof: number, tTarget: number, tDamp: number, length = 3): NoseHooverChain {
  if (!(tTarget > 0)) throw new Error(`Nosé–Hoover target temperature must be positive, got ${tTarget}`);
  if (!(tDamp > 0)) throw new Error(`Nosé–Hoover damping time must be positive, got ${tDamp}`);
  if (!(length >= 1 && Number.isInteger(length))) throw new Error(`chain length must be a positive integer, got ${length}`);
  const c: NoseHooverChain = {
    length,
    tTarget,
    tFreq: 1 / tDamp,
    dof,
    eta: new Float64Array(length),
    etaDot: new Float64Array(length + 1),
    etaDotDot: new Float64Array(length),
    etaMass: new Float64Array(length),
    tCurrent: tTarget,
  };
  nhcSetup(c);
  return c;
}

function updateMasses(c: NoseHooverChain): void {
  const kt = BOLTZ * c.tTarget;
  const w2 = c.tFreq * c.tFreq;
  c.etaMass[0] = (c.dof * kt) / w2;
  for (let k = 1; k < c.length; k++) c.etaMass[k] = kt / w2;
}

/** LAMMPS FixNH::setup: masses and the initial forces on links 1…M−1 (called at the start of every run). */
export function nhcSetup(c: NoseHooverChain): void {
  updateMasses(c);
  const kt = BOLTZ * c.tTarget;
  for (let k = 1; k < c.length; k++)
    c.etaDotDot[k] = (c.etaMass[k - 1] * c.etaDot[k - 1] * c.etaDot[k - 1] - kt) / c.etaMass[k];
}

/**
 * One Trotter half step of the chain over dt/2 (LAMMPS nhc_temp_integrate, nc_tchain = 1), scaling the
 * velocities of `sys` by exp(−η̇₀·dt/2). Uses and updates c.tCurrent (the velocities' temperature).
 */
export function nhcHalfStep(c: NoseHooverChain, sys: System, dt: number): void {
  const M = c.length;
  const eta = c.eta;
  const etaDot = c.etaDot;
  const etaDotDot = c.etaDotDot;
  const etaMass = c.etaMass;
  const kt = BOLTZ * c.tTarget;
  const keTarget = c.dof * kt;
  const dthalf = 0.5 * dt;
  const dt4 = 0.25 * dt;
  const dt8 = 0.125 * dt;

  updateMasses(c); // eta_mass_flag = 1: keeps the frequency if the target changes
  let kecurrent = c.dof * BOLTZ * c.tCurrent;
  etaDotDot[0] = etaMass[0] > 0 ? (kecurrent - keTarget) / etaMass[0] : 0;

  for (let k = M - 1; k > 0; k--) {
    const expfac = Math.exp(-dt8 * etaDot[k + 1]);
    etaDot[k] *= expfac;
    etaDot[k] += etaDotDot[k] * dt4;
    etaDot[k] *= expfac;
  }
  let expfac = Math.exp(-dt8 * etaDot[1]);
  etaDot[0] *= expfac;
  etaDot[0] += etaDotDot[0] * dt4;
  etaDot[0] *= expfac;

  const factorEta = Math.exp(-dthalf * etaDot[0]);
  const v = sys.vel;
  for (let k = 0; k < v.length; k++) v[k] *= factorEta;
  // LAMMPS rescales the temperature instead of recomputing it.
  c.tCurrent *= factorEta * factorEta;
  kecurrent = c.dof * BOLTZ * c.tCurrent;
  etaDotDot[0] = etaMass[0] > 0 ? (kecurrent - keTarget) / etaMass[0] : 0;

  for (let k = 0; k < M; k++) eta[k] += dthalf * etaDot[k];

  etaDot[0] *= expfac;
  etaDot[0] += etaDotDot[0] * dt4;
  etaDot[0] *= expfac;

  for (let k = 1; k < M; k++) {
    expfac = Math.exp(-dt8 * etaDot[k + 1]);
    etaDot[k] *= expfac;
    etaDotDot[k] = (etaMass[k - 1] * etaDot[k - 1] * etaDot[k - 1] - kt) / etaMass[k];
    etaDot[k] += etaDotDot[k] * dt4;
    etaDot[k] *= expfac;
  }
}

/** Energy of the chain (eV), LAMMPS FixNH::compute_scalar for NVT. */
export function nhcEnergy(c: NoseHooverChain): number {
  const kt = BOLTZ * c.tTarget;
  let e = c.dof * kt * c.eta[0] + 0.5 * c.etaMass[0] * c.etaDot[0] * c.etaDot[0];
  for (let k = 1; k < c.length; k++) e += kt * c.eta[k] + 0.5 * c.etaMass[k] * c.etaDot[k] * c.etaDot[k];
  return e;
}

/**
 * LAMMPS fix temp/berendsen at the end of a step: scale velocities by λ = √(1 + dt/τ·(T₀/T − 1)).
 * `tCurrent` is the temperature now; returns the temperature after scaling.
 */
export function berendsenRescale(sys: System, tCurrent: number, tTarget: number, dt: number, tau: number): number {
  if (!(tCurrent > 0)) return tCurrent; // LAMMPS errors on T = 0; a frozen system simply stays as it is
  const lamdaSq = 1 + (dt / tau) * (tTarget / tCurrent - 1);
  const lamda = Math.sqrt(Math.max(lamdaSq, 0));
  const v = sys.vel;
  for (let k = 0; k < v.length; k++) v[k] *= lamda;
  return tCurrent * lamda * lamda;
}
