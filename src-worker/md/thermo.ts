/**
 * Thermodynamic read-outs of a System: kinetic energy, degrees of freedom and temperature with LAMMPS's
 * definitions (compute temp: T = Σ m v² · mvv2e / (dof · kB), dof = 3N − 3 with the total momentum fixed).
 */
import { BOLTZ, MVV2E } from '../units.ts';
import type { System } from './system.ts';

/** Σ m v² (amu·Å²/ps²): twice the kinetic energy before the unit conversion. */
function sumMv2(n: number, type: Int32Array, mass: Float64Array, vel: Float64Array): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const i3 = 3 * i;
    const vx = vel[i3];
    const vy = vel[i3 + 1];
    const vz = vel[i3 + 2];
    s += mass[type[i]] * (vx * vx + vy * vy + vz * vz);
  }
  return s;
}

/** Kinetic energy, eV. */
export function kineticEnergy(sys: System): number {
  return 0.5 * MVV2E * sumMv2(sys.n, sys.type, sys.mass, sys.vel);
}

/** Degrees of freedom of N atoms with zero total momentum (LAMMPS compute temp: 3N − 3). */
export function degreesOfFreedom(n: number): number {
  return Math.max(1, 3 * n - 3);
}

/** Instantaneous temperature, K. */
export function temperature(sys: System, dof = degreesOfFreedom(sys.n)): number {
  return (MVV2E * sumMv2(sys.n, sys.type, sys.mass, sys.vel)) / (dof * BOLTZ);
}

/** Total mass, amu. */
export function totalMass(sys: System): number {
  let m = 0;
  for (let i = 0; i < sys.n; i++) m += sys.mass[sys.type[i]];
  return m;
}
