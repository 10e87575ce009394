/**
 * FIRE energy minimisation (Bitzek et al., PRL 97, 170201, 2006) with a cap on the displacement per
 * iteration: relaxes a random packing before the soft start so that no pair sits high on the r⁻²⁴ wall.
 * LAMMPS's protocol uses `minimize 1e-8 1e-6 2000 20000` (conjugate gradient); any descent that removes the
 * overlaps serves the same purpose, and FIRE with a step cap cannot overshoot into a wall.
 * Velocities are used as FIRE's internal momenta and zeroed on return.
 */
import { FTM2V as FTM2V_ } from '../units.ts';
import type { MdFailure } from './failure.ts';
import type { RunContext } from './protocol.ts';
import { computeForces, type MdState } from './run.ts';

const FTM2V = FTM2V_; // module-local: imported bindings are getter calls under tsx

export interface MinimizeOptions {
  readonly maxIterations: number;
  /** Stop when the largest force component is below this (eV/Å). */
  readonly forceTolerance: number;
  /** Stop when the energy changed by less than this, relative, over the last 10 iterations. */
  readonly energyTolerance: number;
  /** Largest move of any atom in one iteration, Å. */
  readonly maxDisplacement: number;
  readonly dtStart: number; // ps
  readonly dtMax: number; // ps
}

export const DEFAULT_MINIMIZE: MinimizeOptions = {
  maxIterations: 1000,
  forceTolerance: 0.1,
  energyTolerance: 1e-8,
  maxDisplacement: 0.1,
  dtStart: 0.001,
  dtMax: 0.005,
};

export interface MinimizeResult {
  readonly iterations: number;
  readonly energy: number; // eV
  readonly maxForce: number; // eV/Å
  readonly reason: 'force' | 'energy' | 'iterations';
}

/** FIRE parameters (Bitzek et al.): N_min, f_inc, f_dec, α_start, f_α. */
const N_MIN = 5;
const F_INC = 1.1;
const F_DEC = 0.5;
const ALPHA0 = 0.1;
const F_ALPHA = 0.99;

/** Minimise md's potential energy in place. Returns the failure if a force evaluation blows up. */
export function minimizeFire(
  md: MdState,
  ctx: RunContext,
  opts: MinimizeOptions = DEFAULT_MINIMIZE,
): { ok: true; result: MinimizeResult } | { ok: false; failure: MdFailure } {
  const { sys } = md;
  const { n, pos, vel, force, type, mass, box } = sys;
  let failure = computeForces(md, 0);
  if (failure) return { ok: false, failure };
  vel.fill(0);
  let dt = opts.dtStart;
  let alpha = ALPHA0;
  let sinceNegative = 0;
  const history: number[] = [md.potentialEnergy];
  let reason: MinimizeResult['reason'] = 'iterations';
  let it = 0;
  let fmax = maxForce(force);
  const maxDispSq = opts.maxDisplacement * opts.maxDisplacement;
  for (it = 1; it <= opts.maxIterations; it++) {
    if (fmax < opts.forceTolerance) {
      reason = 'force';
      it--;
      break;
    }
    // P = F·v; mix v towards the force direction.
    let p = 0;
    let vv = 0;
    let ff = 0;
    for (let k = 0; k < 3 * n; k++) {
      p += force[k] * vel[k];
      vv += vel[k] * vel[k];
      ff += force[k] * force[k];
    }
    if (p > 0) {
      const scale = ff > 0 ? (alpha * Math.sqrt(vv)) / Math.sqrt(ff) : 0;
      for (let k = 0; k < 3 * n; k++) vel[k] = (1 - alpha) * vel[k] + scale * force[k];
      if (++sinceNegative > N_MIN) {
        dt = Math.min(dt * F_INC, opts.dtMax);
        alpha *= F_ALPHA;
      }
    } else {
      vel.fill(0);
      dt *= F_DEC;
      alpha = ALPHA0;
      sinceNegative = 0;
    }
    // Semi-implicit Euler step with the displacement cap.
    let worst = 0;
    for (let i = 0; i < n; i++) {
      const a = (dt * FTM2V) / mass[type[i]];
      const i3 = 3 * i;
      vel[i3] += a * force[i3];
      vel[i3 + 1] += a * force[i3 + 1];
      vel[i3 + 2] += a * force[i3 + 2];
      const d2 = dt * dt * (vel[i3] * vel[i3] + vel[i3 + 1] * vel[i3 + 1] + vel[i3 + 2] * vel[i3 + 2]);
      if (d2 > worst) worst = d2;
    }
    const cap = worst > maxDispSq ? Math.sqrt(maxDispSq / worst) : 1;
    for (let k = 0; k < 3 * n; k++) pos[k] += dt * cap * vel[k];
    wrap(pos, box.lx, box.ly, box.lz);
    failure = computeForces(md, it);
    if (failure) return { ok: false, failure };
    fmax = maxForce(force);
    history.push(md.potentialEnergy);
    if (history.length > 10) {
      const old = history[history.length - 11];
      if (Math.abs(md.potentialEnergy - old) <= opts.energyTolerance * Math.abs(old)) {
        reason = 'energy';
        break;
      }
    }
    if (it % 50 === 0 && ctx.isCancelled()) return { ok: false, failure: { kind: 'cancelled', step: it } };
  }
  vel.fill(0);
  return { ok: true, result: { iterations: Math.min(it, opts.maxIterations), energy: md.potentialEnergy, maxForce: fmax, reason } };
}

function maxForce(force: Float64Array): number {
  let m = 0;
  for (let k = 0; k < force.length; k++) {
    const a = Math.abs(force[k]);
    if (a > m) m = a;
  }
  return m;
}

function wrap(pos: Float64Array, lx: number, ly: number, lz: number): void {
  for (let k = 0; k < pos.length; k += 3) {
    pos[k] -= lx * Math.floor(pos[k] / lx);
    pos[k + 1] -= ly * Math.floor(pos[k + 1] / ly);
    pos[k + 2] -= lz * Math.floor(pos[k + 2] / lz);
    if (pos[k] >= lx) pos[k] -= lx;
    if (pos[k + 1] >= ly) pos[k + 1] -= ly;
    if (pos[k + 2] >= lz) pos[k + 2] -= lz;
  }
}
