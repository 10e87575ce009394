/**
 * Velocity-Verlet pieces as plain functions over the System's arrays (LAMMPS fix nve: a half kick
 * v += dt/2·F/m, a drift x += dt·v, and the second half kick after the new forces), plus the capped variant
 * of LAMMPS fix nve/limit used by the soft start. Positions are wrapped into the box after every drift.
 */
import { FTM2V as FTM2V_ } from '../units.ts';
import type { System } from './system.ts';

const FTM2V = FTM2V_; // module-local: imported bindings are getter calls under tsx

/** v += (dt/2)·F/m for every atom. */
export function halfKick(sys: System, dt: number): void {
  kick(sys.n, sys.type, sys.mass, sys.vel, sys.force, 0.5 * dt * FTM2V);
}

function kick(n: number, type: Int32Array, mass: Float64Array, vel: Float64Array, force: Float64Array, dtf: number): void {
  for (let i = 0; i < n; i++) {
    const dtfm = dtf / mass[type[i]];
    const i3 = 3 * i;
    vel[i3] += dtfm * force[i3];
    vel[i3 + 1] += dtfm * force[i3 + 1];
    vel[i3 + 2] += dtfm * force[i3 + 2];
  }
}

/**
 * Half kick with LAMMPS fix nve/limit's cap: afterwards no atom moves more than xlimit (Å) in a step of dt.
 * Returns the number of atoms that were capped.
 */
export function limitedHalfKick(sys: System, dt: number, xlimit: number): number {
  const vlimit = xlimit / dt;
  return limitedKick(sys.n, sys.type, sys.mass, sys.vel, sys.force, 0.5 * dt * FTM2V, vlimit * vlimit);
}

function limitedKick(
  n: number,
  type: Int32Array,
  mass: Float64Array,
  vel: Float64Array,
  force: Float64Array,
  dtf: number,
  vlimitSq: number,
): number {
  let capped = 0;
  for (let i = 0; i < n; i++) {
    const dtfm = dtf / mass[type[i]];
    const i3 = 3 * i;
    const vx = vel[i3] + dtfm * force[i3];
    const vy = vel[i3 + 1] + dtfm * force[i3 + 1];
    const vz = vel[i3 + 2] + dtfm * force[i3 + 2];
    const vsq = vx * vx + vy * vy + vz * vz;
    if (vsq > vlimitSq) {
      const scale = Math.sqrt(vlimitSq / vsq);
      vel[i3] = vx * scale;
      vel[i3 + 1] = vy * scale;
      vel[i3 + 2] = vz * scale;
      capped++;
    } else {
      vel[i3] = vx;
      vel[i3 + 1] = vy;
      vel[i3 + 2] = vz;
    }
  }
  return capped;
}

/** Scratch for `drift`'s result: [largest displacement² this step (Å²), its atom]. */
export const driftResult = new Float64Array(2);

/**
 * x += dt·v, wrapped into [0, L). Writes the largest displacement² of the step and its atom into
 * `driftResult` (the run's lost-atom check); a non-finite velocity shows up there as NaN with its atom.
 */
export function drift(sys: System, dt: number): void {
  const { lx, ly, lz } = sys.box;
  driftLoop(sys.n, sys.pos, sys.vel, dt, lx, ly, lz, driftResult);
}

function driftLoop(
  n: number,
  pos: Float64Array,
  vel: Float64Array,
  dt: number,
  lx: number,
  ly: number,
  lz: number,
  out: Float64Array,
): void {
  let maxSq = 0;
  let worst = -1;
  let nanAtom = -1;
  out[0] = 0;
  out[1] = -1;
  for (let i = 0; i < n; i++) {
    const i3 = 3 * i;
    const dx = dt * vel[i3];
    const dy = dt * vel[i3 + 1];
    const dz = dt * vel[i3 + 2];
    const d2 = dx * dx + dy * dy + dz * dz;
    if (d2 > maxSq) {
      maxSq = d2;
      worst = i;
    } else if (d2 !== d2 && nanAtom < 0) nanAtom = i;
    let x = pos[i3] + dx;
    let y = pos[i3 + 1] + dy;
    let z = pos[i3 + 2] + dz;
    // Atoms move far less than a box length per step; one conditional shift wraps them.
    if (x < 0) x += lx;
    else if (x >= lx) x -= lx;
    if (y < 0) y += ly;
    else if (y >= ly) y -= ly;
    if (z < 0) z += lz;
    else if (z >= lz) z -= lz;
    // After a blow-up an atom can be many boxes away; wrap it properly (rare branch).
    if (!(x >= 0 && x < lx && y >= 0 && y < ly && z >= 0 && z < lz)) {
      x -= lx * Math.floor(x / lx);
      y -= ly * Math.floor(y / ly);
      z -= lz * Math.floor(z / lz);
    }
    pos[i3] = x;
    pos[i3 + 1] = y;
    pos[i3 + 2] = z;
    // Stored per atom, not after the loop (V8 on-stack compilation; see buck-dsf.ts).
    out[0] = nanAtom >= 0 ? NaN : maxSq;
    out[1] = nanAtom >= 0 ? nanAtom : worst;
  }
}
