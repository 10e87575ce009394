/**
 * Pressure from the pair virial, with LAMMPS `compute pressure`'s definitions (metal units, bar):
 *   P_ab = (Σ m v_a v_b · mvv2e + W_ab) / V · nktv2p,   P = (P_xx + P_yy + P_zz)/3,
 * W_ab = Σ_pairs r_ij,a · F_ij,b over the half list (ghost images included, so periodic pairs count once).
 *
 * The scalar virial W_xx + W_yy + W_zz costs one multiply-add per pair and every kernel accumulates it
 * (energyParts(nl).virial). The six-component tensor is only wanted for reports and tests, so it has its own
 * loop here, run on request over the neighbour list of the last force computation: the force kernels stay as
 * fast as they were.
 */
import { MVV2E, NKTV2P } from '../units.ts';
import { energyParts } from './buck-dsf.ts';
import type { NeighborList } from './neighbor.ts';
import type { PairOut, PairTable, Potential } from './potential.ts';
import { volume, type System } from './system.ts';

/** Σ m v² · mvv2e (eV): the kinetic part of 3·P·V, as LAMMPS writes it (dof·kB·T). */
export function kineticVirial(sys: System): number {
  const { n, type, mass, vel } = sys;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const i3 = 3 * i;
    s += mass[type[i]] * (vel[i3] * vel[i3] + vel[i3 + 1] * vel[i3 + 1] + vel[i3 + 2] * vel[i3 + 2]);
  }
  return s * MVV2E;
}

/**
 * Scalar pressure (bar) from the virial of the last force computation on `nl` and the current velocities.
 * `kinetic` = false gives the virial part only (LAMMPS `compute pressure NULL virial`).
 */
export function pressure(sys: System, nl: NeighborList, kinetic = true): number {
  const w = energyParts(nl).virial;
  const k = kinetic ? kineticVirial(sys) : 0;
  return ((k + w) / (3 * volume(sys.box))) * NKTV2P;
}

const _pair: PairOut = { energy: 0, fOverR: 0 };

/**
 * Pressure tensor (bar), [xx, yy, zz, xy, xz, yz] as LAMMPS orders c_press[1..6], written into `out`.
 * Walks the half list that the last `pot.compute(sys, nl, table)` used, evaluating each pair by `pot.single`
 * (the kernel's own expression), so call it right after a force computation at these positions.
 */
export function pressureTensor(
  sys: System,
  nl: NeighborList,
  pot: Potential,
  table: PairTable,
  out: Float64Array = new Float64Array(6),
  kinetic = true,
): Float64Array {
  const w = new Float64Array(6);
  const x = nl.x;
  const cutSq = table.maxCutoff * table.maxCutoff;
  for (let i = 0; i < nl.n; i++) {
    const i3 = 3 * i;
    const ti = nl.slotType[i];
    for (let kk = nl.offsets[i]; kk < nl.offsets[i + 1]; kk++) {
      const j = nl.idx[kk];
      const j3 = 3 * j;
      const dx = x[i3] - x[j3];
      const dy = x[i3 + 1] - x[j3 + 1];
      const dz = x[i3 + 2] - x[j3 + 2];
      const rsq = dx * dx + dy * dy + dz * dz;
      if (rsq >= cutSq) continue;
      pot.single(ti, nl.slotType[j], rsq, table, _pair);
      const f = _pair.fOverR;
      w[0] += dx * dx * f;
      w[1] += dy * dy * f;
      w[2] += dz * dz * f;
      w[3] += dx * dy * f;
      w[4] += dx * dz * f;
      w[5] += dy * dz * f;
    }
  }
  if (kinetic) {
    const { n, type, mass, vel } = sys;
    for (let a = 0; a < n; a++) {
      const a3 = 3 * a;
      const m = mass[type[a]] * MVV2E;
      const vx = vel[a3];
      const vy = vel[a3 + 1];
      const vz = vel[a3 + 2];
      w[0] += m * vx * vx;
      w[1] += m * vy * vy;
      w[2] += m * vz * vz;
      w[3] += m * vx * vy;
      w[4] += m * vx * vz;
      w[5] += m * vy * vz;
    }
  }
  const s = NKTV2P / volume(sys.box);
  for (let k = 0; k < 6; k++) out[k] = w[k] * s;
  return out;
}
