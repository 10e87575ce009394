/**
 * Start velocities: Maxwell–Boltzmann deviates from the seeded Rng, zero total momentum, scaled to exactly the
 * requested temperature with 3N − 3 degrees of freedom (LAMMPS `velocity all create T seed mom yes dist
 * gaussian`; its `rot yes` is left out: angular momentum is not conserved in a periodic box anyway).
 */
import { BOLTZ, MVV2E } from '../units.ts';
import { normal, type Rng } from '../rng.ts';
import type { System } from './system.ts';
import { degreesOfFreedom, temperature } from './thermo.ts';

/** Remove the centre-of-mass velocity. */
export function zeroMomentum(sys: System): void {
  const { n, type, mass, vel } = sys;
  let px = 0;
  let py = 0;
  let pz = 0;
  let mt = 0;
  for (let i = 0; i < n; i++) {
    const m = mass[type[i]];
    px += m * vel[3 * i];
    py += m * vel[3 * i + 1];
    pz += m * vel[3 * i + 2];
    mt += m;
  }
  if (mt === 0) return;
  px /= mt;
  py /= mt;
  pz /= mt;
  for (let i = 0; i < n; i++) {
    vel[3 * i] -= px;
    vel[3 * i + 1] -= py;
    vel[3 * i + 2] -= pz;
  }
}

/** Scale velocities so that the temperature is exactly `t` (K); a system at rest stays at rest. */
export function scaleToTemperature(sys: System, t: number, dof = degreesOfFreedom(sys.n)): void {
  const now = temperature(sys, dof);
  if (!(now > 0)) return;
  const f = Math.sqrt(t / now);
  const v = sys.vel;
  for (let k = 0; k < v.length; k++) v[k] *= f;
}

/** Gaussian velocities at temperature t (K), zero total momentum, scaled to exactly t. */
export function maxwellBoltzmann(sys: System, t: number, rng: Rng): void {
  const { n, type, mass, vel } = sys;
  for (let i = 0; i < n; i++) {
    const sigma = Math.sqrt((BOLTZ * t) / (mass[type[i]] * MVV2E)); // Å/ps
    vel[3 * i] = sigma * normal(rng);
    vel[3 * i + 1] = sigma * normal(rng);
    vel[3 * i + 2] = sigma * normal(rng);
  }
  zeroMomentum(sys);
  scaleToTemperature(sys, t);
}
