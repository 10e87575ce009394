/**
 * Isotropic Martyna–Tobias–Klein barostat as LAMMPS `fix npt … iso Pstart Pstop Pdamp` (fix_nh.cpp with its
 * defaults: pchain 3, ploop 1, mtk yes, drag 0, dilate all about the box centre), as a plain state record and
 * functions. The particle thermostat is the Nosé–Hoover chain of thermostat.ts; run.ts puts the pieces in
 * LAMMPS's order (initial_integrate / final_integrate).
 *
 * LAMMPS keeps three equal barostat velocities ω̇_x = ω̇_y = ω̇_z for `iso`; this record holds one, and the sums
 * over the three dimensions are written out as (a + a) + a so that round-off follows LAMMPS's loops.
 */
import { BOLTZ, NKTV2P } from '../units.ts';
import type { System } from './system.ts';

export interface MtkBarostat {
  readonly natoms: number;
  readonly pStart: number; // bar
  readonly pStop: number; // bar
  readonly pFreq: number; // 1/ps (1/Pdamp)
  readonly pchain: number; // M, LAMMPS pchain
  /** Target pressure of the current step (bar), LAMMPS p_hydro. */
  pTarget: number;
  /** Current pressure as the barostat last computed it (bar), LAMMPS p_current. */
  pCurrent: number;
  omegaDot: number; // 1/ps
  omegaMass: number; // eV·ps²
  /** LAMMPS mtk_term2: Σ ω̇ / (3N), the MTK correction to the particle velocity scaling. */
  mtkTerm2: number;
  readonly etap: Float64Array; // [M]
  readonly etapDot: Float64Array; // [M+1]; the last stays 0
  readonly etapDotDot: Float64Array; // [M]
  readonly etapMass: Float64Array; // [M]
  /** Volume at the first setup (Å³): the reference of the P·ΔV term in the conserved energy. */
  vol0: number;
  /** Box bounds as LAMMPS tracks them (lo, hi per dimension), so that the dilation rounds as LAMMPS's. */
  readonly lo: Float64Array; // [3]
  readonly hi: Float64Array; // [3]
  readonly fixedPoint: Float64Array; // [3] dilation centre: the box centre at creation
}

export function createMtkBarostat(sys: System, pStart: number, pStop: number, pDamp: number, pchain = 3): MtkBarostat {
  if (!Number.isFinite(pStart) || !Number.isFinite(pStop)) throw new Error(`barostat target pressures must be finite, got ${pStart} and ${pStop} bar`);
  if (!(pDamp > 0)) throw new Error(`barostat damping time must be positive, got ${pDamp} ps`);
  if (!(pchain >= 0 && Number.isInteger(pchain))) throw new Error(`barostat chain length must be a non-negative integer, got ${pchain}`);
  const { lx, ly, lz } = sys.box;
  return {
    natoms: sys.n,
    pStart,
    pStop,
    pFreq: 1 / pDamp,
    pchain,
    pTarget: pStart,
    pCurrent: 0,
    omegaDot: 0,
    omegaMass: 0,
    mtkTerm2: 0,
    etap: new Float64Array(pchain),
    etapDot: new Float64Array(pchain + 1),
    etapDotDot: new Float64Array(pchain),
    etapMass: new Float64Array(pchain),
    vol0: 0,
    lo: new Float64Array(3),
    hi: Float64Array.of(lx, ly, lz),
    fixedPoint: Float64Array.of(0.5 * lx, 0.5 * ly, 0.5 * lz),
  };
}

/** LAMMPS FixNH::compute_press_target: the target pressure at fraction `delta` of the run (bar). */
export function barostatTarget(b: MtkBarostat, delta: number): void {
  const p = b.pStart + delta * (b.pStop - b.pStart);
  b.pTarget = (p + p + p) / 3;
}

/**
 * LAMMPS FixNH::setup's barostat part at the start of a run: masses from the target temperature (K), the
 * reference volume on first use, the initial forces on the chain links 1…M−1.
 */
export function barostatSetup(b: MtkBarostat, sys: System, tTarget: number): void {
  const kt = BOLTZ * tTarget;
  b.omegaMass = ((b.natoms + 1) * kt) / (b.pFreq * b.pFreq);
  if (b.vol0 === 0) b.vol0 = sys.box.lx * sys.box.ly * sys.box.lz;
  for (let k = 0; k < b.pchain; k++) b.etapMass[k] = kt / (b.pFreq * b.pFreq);
  for (let k = 1; k < b.pchain; k++)
    b.etapDotDot[k] = (b.etapMass[k - 1] * b.etapDot[k - 1] * b.etapDot[k - 1] - kt) / b.etapMass[k];
}

/**
 * LAMMPS FixNH::nh_omega_dot: half-step kick of the barostat velocity by (P − P_target)·V/W plus the MTK term,
 * then mtk_term2. `dofKT` = tdof·kB·T with the temperature the chain last saw.
 */
export function omegaDotHalfStep(b: MtkBarostat, sys: System, dofKT: number, dt: number): void {
  const volume = sys.box.lx * sys.box.ly * sys.box.lz;
  const mtkTerm1 = dofKT / (3 * b.natoms);
  const fOmega = ((b.pCurrent - b.pTarget) * volume) / (b.omegaMass * NKTV2P) + mtkTerm1 / b.omegaMass;
  const dthalf = 0.5 * dt;
  b.omegaDot += fOmega * dthalf;
  const w = b.omegaDot;
  b.mtkTerm2 = (w + w + w) / (3 * b.natoms);
}

/** LAMMPS FixNH::nh_v_press: v *= exp(−dt/4·(ω̇ + mtk_term2)) twice (as LAMMPS, for its round-off). */
export function barostatScaleVelocities(b: MtkBarostat, sys: System, dt: number): void {
  const factor = Math.exp(-0.25 * dt * (b.omegaDot + b.mtkTerm2));
  const v = sys.vel;
  for (let k = 0; k < v.length; k++) {
    v[k] *= factor;
    v[k] *= factor;
  }
}

/**
 * LAMMPS FixNH::remap over dt/2: the box dilates by exp(dt/2·ω̇) about the fixed point and every atom keeps its
 * fractional coordinates. Positions are measured from the box's lower corner (System convention).
 */
export function barostatRemap(b: MtkBarostat, sys: System, dt: number): void {
  const expfac = Math.exp(0.5 * dt * b.omegaDot);
  const old = [b.hi[0] - b.lo[0], b.hi[1] - b.lo[1], b.hi[2] - b.lo[2]];
  for (let d = 0; d < 3; d++) {
    const fp = b.fixedPoint[d];
    b.lo[d] = (b.lo[d] - fp) * expfac + fp;
    b.hi[d] = (b.hi[d] - fp) * expfac + fp;
  }
  const lx = b.hi[0] - b.lo[0];
  const ly = b.hi[1] - b.lo[1];
  const lz = b.hi[2] - b.lo[2];
  dilate(sys.pos, 1 / old[0], 1 / old[1], 1 / old[2], lx, ly, lz);
  sys.box = { lx, ly, lz };
}

function dilate(pos: Float64Array, hx: number, hy: number, hz: number, lx: number, ly: number, lz: number): void {
  for (let k = 0; k < pos.length; k += 3) {
    pos[k] = pos[k] * hx * lx;
    pos[k + 1] = pos[k + 1] * hy * ly;
    pos[k + 2] = pos[k + 2] * hz * lz;
  }
}

/**
 * LAMMPS FixNH::nhc_press_integrate (nc_pchain = 1): the chain on the barostat velocity over dt/2.
 * `tTarget` is the particle thermostat's current target (K).
 */
export function nhcPressHalfStep(b: MtkBarostat, tTarget: number, dt: number): void {
  const M = b.pchain;
  if (M === 0) return;
  const kt = BOLTZ * tTarget;
  const etap = b.etap;
  const etapDot = b.etapDot;
  const etapDotDot = b.etapDotDot;
  const etapMass = b.etapMass;
  const dthalf = 0.5 * dt;
  const dt4 = 0.25 * dt;
  const dt8 = 0.125 * dt;
  const w2 = b.omegaMass * b.omegaDot * b.omegaDot;
  let kecurrent = w2 + w2 + w2;
  const lktPress = kt; // LAMMPS: iso couples one barostat degree of freedom
  etapDotDot[0] = (kecurrent - lktPress) / etapMass[0];

  for (let k = M - 1; k > 0; k--) {
    const expfac = Math.exp(-dt8 * etapDot[k + 1]);
    etapDot[k] *= expfac;
    etapDot[k] += etapDotDot[k] * dt4;
    etapDot[k] *= expfac;
  }
  let expfac = Math.exp(-dt8 * etapDot[1]);
  etapDot[0] *= expfac;
  etapDot[0] += etapDotDot[0] * dt4;
  etapDot[0] *= expfac;

  for (let k = 0; k < M; k++) etap[k] += dthalf * etapDot[k];

  b.omegaDot *= Math.exp(-dthalf * etapDot[0]);
  const w2n = b.omegaMass * b.omegaDot * b.omegaDot;
  kecurrent = w2n + w2n + w2n;
  etapDotDot[0] = (kecurrent - lktPress) / etapMass[0];

  etapDot[0] *= expfac;
  etapDot[0] += etapDotDot[0] * dt4;
  etapDot[0] *= expfac;

  for (let k = 1; k < M; k++) {
    expfac = Math.exp(-dt8 * etapDot[k + 1]);
    etapDot[k] *= expfac;
    etapDotDot[k] = (etapMass[k - 1] * etapDot[k - 1] * etapDot[k - 1] - kt) / etapMass[k];
    etapDot[k] += etapDotDot[k] * dt4;
    etapDot[k] *= expfac;
  }
}

/** The barostat's part of LAMMPS fix npt's compute_scalar (eV): ½Wω̇² and P·ΔV per dimension, and its chain. */
export function barostatEnergy(b: MtkBarostat, sys: System, tTarget: number): number {
  const kt = BOLTZ * tTarget;
  const volume = sys.box.lx * sys.box.ly * sys.box.lz;
  let e = 0;
  for (let d = 0; d < 3; d++) e += 0.5 * b.omegaDot * b.omegaDot * b.omegaMass + (b.pTarget * (volume - b.vol0)) / (3 * NKTV2P);
  if (b.pchain > 0) {
    // Here LAMMPS weighs η_p0 by kT per barostatted dimension (3kT), unlike its chain integration (kT).
    e += (kt + kt + kt) * b.etap[0] + 0.5 * b.etapMass[0] * b.etapDot[0] * b.etapDot[0];
    for (let k = 1; k < b.pchain; k++) e += kt * b.etap[k] + 0.5 * b.etapMass[k] * b.etapDot[k] * b.etapDot[k];
  }
  return e;
}
