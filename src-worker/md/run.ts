/**
 * Running MD: the step loop (NVE, NVT by Nosé–Hoover chain, and the soft start's capped NVE + Berendsen),
 * blow-up detection, progress and cancellation, and `runProtocol` — relax, then production with observers.
 *
 * Nothing here throws for physics: a blow-up (non-finite energy, force or position; two atoms closer than
 * the contact floor; the temperature running away; an atom jumping absurdly far in one step) or a
 * cancellation ends the run with a typed MdFailure naming the step. Exceptions are left for programmer and
 * input errors (a box too small for the cut-off, a non-positive timestep).
 *
 * Step order is LAMMPS's (Verlet::run with fix nvt / nve): thermostat half step, half kick, drift, forces
 * (neighbour list rebuilt when an atom moved more than skin/2), half kick, new temperature, thermostat half
 * step, end-of-step fixes.
 */
import type { Rng } from '../rng.ts';
import type { PairTable, Potential } from './potential.ts';
import type { Observer, Progress, Protocol, RunContext, Watcher } from './protocol.ts';
import type { System } from './system.ts';
import type { MdFailure } from './failure.ts';
import { createNeighborList, CrowdedError, DEFAULT_CONTACT_FLOOR, NonFinitePositionError, type NeighborList, boxProblem } from './neighbor.ts';
import { drift, driftResult, halfKick, limitedHalfKick } from './integrate.ts';
import { createNoseHooverChain, nhcEnergy, nhcHalfStep, nhcSetup, berendsenRescale, type NoseHooverChain } from './thermostat.ts';
import { degreesOfFreedom, kineticEnergy, temperature } from './thermo.ts';
import { maxwellBoltzmann } from './velocities.ts';
import { BOLTZ } from '../units.ts';
import { pressure } from './pressure.ts';
import {
  barostatRemap,
  barostatScaleVelocities,
  barostatSetup,
  barostatTarget,
  nhcPressHalfStep,
  omegaDotHalfStep,
  type MtkBarostat,
} from './barostat.ts';
import { teamCanCompute, teamComputeTable, type ForceTeam } from './force-team.ts';
import type { TabulatedPairTable } from './buck-dsf-table.ts';

/** Thresholds that declare a run blown up. */
export interface BlowUpLimits {
  /** Å: two atoms closer than this have collapsed (every sane r⁻²⁴ wall keeps them ≥ 1 Å apart). */
  readonly contactFloor: number;
  /** K: instantaneous temperature above this is a runaway. */
  readonly maxTemperature: number;
  /** Å: an atom moving further than this in one step is lost (thermal motion at 3600 K: ~0.03 Å/fs). */
  readonly maxStepDisplacement: number;
}

/** Default limits for a run at temperature t (K): runaway above 5·t + 5000 K. */
export function defaultLimits(t: number): BlowUpLimits {
  return { contactFloor: DEFAULT_CONTACT_FLOOR, maxTemperature: 5 * t + 5000, maxStepDisplacement: 1.0 };
}

/** One simulation in progress: the system, its pair style, and the neighbour list (plain record). */
export interface MdState {
  readonly sys: System;
  readonly pot: Potential;
  readonly table: PairTable;
  readonly nl: NeighborList;
  readonly dof: number;
  /** Potential energy at the current positions (eV), from the last force computation. */
  potentialEnergy: number;
  /** Steps integrated since the state was created. */
  step: number;
  /**
   * Helper threads that share the pair loop (force-team.ts), when the run may use more than one core. Only
   * the table kernel splits its loop; with another kernel the team stays idle.
   */
  team?: ForceTeam;
}

/**
 * A simulation state for `sys`. Throws (input error) if the box is too small for the cut-off + skin or the
 * system is not charge neutral under the forcefield's charges. Forces
 * are not computed yet: call `computeForces` (runSegment does it when needed).
 */
export function createMdState(sys: System, pot: Potential, table: PairTable, skin = 2.0, contactFloor = DEFAULT_CONTACT_FLOOR): MdState {
  const problem = boxProblem(sys.box, table.maxCutoff, skin);
  if (problem) throw new Error(problem);
  // Charge neutrality of the system as built (the forcefield's charges × its composition).
  let net = 0;
  let abs = 0;
  for (let i = 0; i < sys.n; i++) {
    net += table.charge[sys.type[i]];
    abs += Math.abs(table.charge[sys.type[i]]);
  }
  if (Math.abs(net) > 1e-9 * Math.max(abs, 1))
    throw new Error(`the system is not charge neutral: net charge ${net.toPrecision(6)} e (check the charges against the composition)`);
  // The table kernel watches for close contacts only where it leaves the table (buck-dsf-table.ts).
  const starts = (table as { tabRsqStart?: Float64Array }).tabRsqStart;
  if (starts && starts.some((s) => contactFloor * contactFloor > s))
    throw new Error(`contact floor ${contactFloor} Å lies inside the table kernel's range; use a smaller floor or the exact kernel`);
  return {
    sys,
    pot,
    table,
    nl: createNeighborList(sys.n, table.maxCutoff, skin, contactFloor),
    dof: degreesOfFreedom(sys.n),
    potentialEnergy: NaN,
    step: 0,
  };
}

/** Forces and energy at the current positions, with the blow-up checks that apply to them. */
export function computeForces(md: MdState, step = md.step): MdFailure | null {
  let pe: number;
  try {
    pe =
      md.team && teamCanCompute(md.table)
        ? teamComputeTable(md.team, md.sys, md.nl, md.table as TabulatedPairTable)
        : md.pot.compute(md.sys, md.nl, md.table);
  } catch (e) {
    if (e instanceof NonFinitePositionError) return { kind: 'non-finite', step, atom: e.atom, what: 'position' };
    if (e instanceof CrowdedError) return { kind: 'crowded', step, entries: e.entries };
    throw e;
  }
  md.potentialEnergy = pe;
  if (!Number.isFinite(pe)) {
    const f = md.sys.force;
    for (let k = 0; k < f.length; k++)
      if (!Number.isFinite(f[k])) return { kind: 'non-finite', step, atom: Math.floor(k / 3), what: 'force' };
    return { kind: 'non-finite', step, atom: -1, what: 'energy' };
  }
  if (md.nl.closeRsq < md.nl.floorSq) {
    return { kind: 'too-close', step, i: md.nl.closeI, j: md.nl.closeJ, r: Math.sqrt(md.nl.closeRsq) };
  }
  return null;
}

/**
 * A linear ramp of the targets over one LAMMPS `run` of `length` steps that began at md.step = `begin`: at
 * step s the fraction is (s − begin)/length (LAMMPS compute_temp_target / compute_press_target).
 */
export interface Ramp {
  readonly tStart: number; // K
  readonly tStop: number; // K
  readonly begin: number;
  readonly length: number;
}

/** How a segment integrates. */
export type Ensemble =
  | { readonly kind: 'nve' }
  | { readonly kind: 'nvt'; readonly chain: NoseHooverChain }
  /** LAMMPS `fix npt temp Tstart Tstop Tdamp iso Pstart Pstop Pdamp` (barostat.ts); the ramp is required. */
  | { readonly kind: 'npt'; readonly chain: NoseHooverChain; readonly baro: MtkBarostat; readonly ramp: Ramp }
  /** LAMMPS `fix nve/limit xlimit` + `fix temp/berendsen T T tau`: the soft start. */
  | { readonly kind: 'soft'; readonly xlimit: number; readonly tTarget: number; readonly tau: number };

/**
 * Per-step hook of a segment: step index within the segment (1-based), temperature (K) after the step.
 * Returning true ends the segment after this step (runSegment returns null; md.step says where it ended).
 */
export type StepHook = (k: number, temperature: number) => boolean | void;

export interface SegmentOptions {
  readonly phase: Progress['phase'];
  readonly limits: BlowUpLimits;
  readonly ctx: RunContext;
  readonly onStep?: StepHook;
  /** For progress reports: steps done before this segment and the whole run's length. */
  readonly stepOffset?: number;
  readonly totalSteps?: number;
  /** Wall clock (ctx.now(), ms) at the start of the whole run, for the ETA. */
  readonly startedAt?: number;
  /** Time of the last progress report, shared by the segments of one run so reports stay evenly spaced. */
  readonly reportClock?: { last: number };
}

// Polling intervals (steps): cheap enough to keep reaction times well under a second.
const CANCEL_POLL = 100;
const CLOCK_POLL = 20;

/**
 * Integrate nSteps steps of dt (ps). Returns null when all went well, or the failure that stopped it.
 * Computes forces first if the state has none yet.
 */
export function runSegment(md: MdState, ensemble: Ensemble, dt: number, nSteps: number, opts: SegmentOptions): MdFailure | null {
  if (!(dt > 0)) throw new Error(`timestep must be positive, got ${dt} ps`);
  const { sys } = md;
  const { limits, ctx } = opts;
  if (!Number.isFinite(md.potentialEnergy)) {
    const f = computeForces(md);
    if (f) return f;
  }
  const maxStepSq = limits.maxStepDisplacement * limits.maxStepDisplacement;
  const offset = opts.stepOffset ?? 0;
  const total = opts.totalSteps ?? nSteps;
  const started = opts.startedAt ?? ctx.now();
  const clock = opts.reportClock ?? { last: -Infinity };
  let t = temperature(sys, md.dof);
  // NPT keeps the chain's temperature from thermostatSetup or the previous segment, as LAMMPS's t_current.
  if (ensemble.kind === 'nvt') ensemble.chain.tCurrent = t;
  const baro = ensemble.kind === 'npt' ? ensemble.baro : null;
  const need = md.table.maxCutoff + md.nl.skin;

  for (let k = 1; k <= nSteps; k++) {
    const step = md.step + 1;
    // LAMMPS FixNH::initial_integrate: barostat chain, targets, particle chain, P, ω̇, velocity scaling.
    if (ensemble.kind === 'npt') {
      nhcPressHalfStep(ensemble.baro, ensemble.chain.tTarget, dt);
      ensemble.chain.tTarget = ensemble.ramp.tStart + rampFraction(ensemble.ramp, step) * (ensemble.ramp.tStop - ensemble.ramp.tStart);
    }
    if (ensemble.kind === 'nvt' || ensemble.kind === 'npt') nhcHalfStep(ensemble.chain, sys, dt);
    if (ensemble.kind === 'npt') {
      const baro = ensemble.baro;
      baro.pCurrent = pressure(sys, md.nl);
      barostatTarget(baro, rampFraction(ensemble.ramp, step));
      omegaDotHalfStep(baro, sys, md.dof * BOLTZ * ensemble.chain.tCurrent, dt);
      barostatScaleVelocities(baro, sys, dt);
    }
    if (ensemble.kind === 'soft') limitedHalfKick(sys, dt, ensemble.xlimit);
    else halfKick(sys, dt);
    if (baro) barostatRemap(baro, sys, dt);
    drift(sys, dt);
    const moved = driftResult[0];
    if (moved !== moved) return { kind: 'non-finite', step, atom: driftResult[1], what: 'position' };
    if (moved > maxStepSq) return { kind: 'lost-atom', step, atom: driftResult[1], displacement: Math.sqrt(moved) };
    if (baro) {
      barostatRemap(baro, sys, dt);
      const edge = Math.min(sys.box.lx, sys.box.ly, sys.box.lz);
      if (!(edge > need)) return { kind: 'box-collapse', step, edge };
    }
    const failure = computeForces(md, step);
    if (failure) return failure;
    if (ensemble.kind === 'soft') limitedHalfKick(sys, dt, ensemble.xlimit);
    else halfKick(sys, dt);
    if (baro) barostatScaleVelocities(baro, sys, dt);
    t = temperature(sys, md.dof);
    if (ensemble.kind === 'npt') {
      const baro = ensemble.baro;
      // LAMMPS FixNH::final_integrate: new P with the rescaled velocities, ω̇, then the two chains.
      baro.pCurrent = pressure(sys, md.nl);
      omegaDotHalfStep(baro, sys, md.dof * BOLTZ * t, dt);
      ensemble.chain.tCurrent = t;
      nhcHalfStep(ensemble.chain, sys, dt);
      t = ensemble.chain.tCurrent;
      nhcPressHalfStep(baro, ensemble.chain.tTarget, dt);
    } else if (ensemble.kind === 'nvt') {
      ensemble.chain.tCurrent = t;
      nhcHalfStep(ensemble.chain, sys, dt);
      t = ensemble.chain.tCurrent;
    } else if (ensemble.kind === 'soft') {
      t = berendsenRescale(sys, t, ensemble.tTarget, dt, ensemble.tau);
    }
    md.step = step;
    if (!(t <= limits.maxTemperature)) return { kind: 'temperature-runaway', step, temperature: t };
    if (opts.onStep && opts.onStep(k, t) === true) return null;

    if (k % CANCEL_POLL === 0 && ctx.isCancelled()) return { kind: 'cancelled', step };
    if (k % CLOCK_POLL === 0) {
      const now = ctx.now();
      if (now - clock.last >= ctx.reportIntervalMs) {
        clock.last = now;
        const done = offset + k;
        ctx.report({
          phase: opts.phase,
          step: done,
          totalSteps: total,
          temperature: t,
          potentialEnergy: md.potentialEnergy,
          etaS: done > 0 ? (((now - started) / done) * (total - done)) / 1000 : NaN,
        });
      }
    }
  }
  return null;
}

function rampFraction(r: Ramp, step: number): number {
  return r.length > 0 ? (step - r.begin) / r.length : 0;
}

/**
 * LAMMPS FixNH::setup at the start of a `run` with a thermostat (and barostat): targets at the ramp's start,
 * current temperature and pressure, chain and barostat masses. Computes forces first when there are none.
 * Returns the failure of that force computation, if any.
 */
export function thermostatSetup(md: MdState, ensemble: Extract<Ensemble, { kind: 'nvt' | 'npt' }>): MdFailure | null {
  if (!Number.isFinite(md.potentialEnergy)) {
    const f = computeForces(md);
    if (f) return f;
  }
  const { chain } = ensemble;
  if (ensemble.kind === 'npt') chain.tTarget = ensemble.ramp.tStart + rampFraction(ensemble.ramp, md.step) * (ensemble.ramp.tStop - ensemble.ramp.tStart);
  chain.tCurrent = temperature(md.sys, md.dof);
  nhcSetup(chain);
  if (ensemble.kind === 'npt') {
    const b = ensemble.baro;
    barostatTarget(b, rampFraction(ensemble.ramp, md.step));
    b.pCurrent = pressure(md.sys, md.nl);
    barostatSetup(b, md.sys, chain.tTarget);
  }
  return null;
}

/** Figures of a finished protocol run. */
export interface RunStats {
  readonly steps: number; // relax + production
  readonly meanTemperature: number; // K, over production steps
  readonly meanPotentialEnergy: number; // eV, over production steps
  readonly finalPotentialEnergy: number; // eV
  readonly finalTemperature: number; // K
  readonly neighborBuilds: number;
  readonly wallMs: number; // by ctx.now(), relax + production only
  readonly usPerAtomStep: number; // µs, by ctx.now(), relax + production only
}

/**
 * A run that went to its end or was ended by its watcher (`stoppedAt`: the protocol step, relax + production,
 * after which the watcher ended it; the stats then cover the steps run), or one that failed.
 */
export type RunResult = { readonly ok: true; readonly stats: RunStats; readonly stoppedAt?: number } | { readonly ok: false; readonly failure: MdFailure };

export interface RunOptions {
  /** Blow-up thresholds; default `defaultLimits(protocol.temperature)`. */
  readonly limits?: BlowUpLimits;
  /** Progress bookkeeping when this run is part of a longer one (see engine.ts). */
  readonly stepOffset?: number;
  readonly totalSteps?: number;
  readonly startedAt?: number;
  readonly reportClock?: { last: number };
  /** Reuse a state (and its neighbour list) prepared by the caller; it must hold `sys`. */
  readonly md?: MdState;
  /** Looks at the run from the relaxation on and may end it early (protocol.ts Watcher). */
  readonly watcher?: Watcher;
  /** Helper threads for the pair loop (force-team.ts); the caller closes them. */
  readonly team?: ForceTeam;
}

/** Steps of a duration (ps) at a timestep (ps), rounded to the nearest integer. */
export function stepsOf(duration: number, dt: number): number {
  return Math.max(0, Math.round(duration / dt));
}

/** Steps per chunk of the protocol generator: the async runner yields to the event loop between chunks. */
export const PROTOCOL_CHUNK = 200;

/**
 * The protocol's MD: NVT (Nosé–Hoover chain, LAMMPS fix nvt) for protocol.relax, then protocol.production
 * with the observers called every `observer.every` production steps (step = production step, 1-based).
 * A system with all-zero velocities first gets Maxwell–Boltzmann velocities at the target from `rng`.
 */
export function runProtocol(
  sys: System,
  pot: Potential,
  table: PairTable,
  protocol: Protocol,
  rng: Rng,
  observers: readonly Observer[],
  ctx: RunContext,
  options: RunOptions = {},
): RunResult {
  const g = protocolChunks(sys, pot, table, protocol, rng, observers, ctx, options);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * runProtocol for a thread that must stay responsive (a test runner, a main thread): awaits `pause()` every
 * PROTOCOL_CHUNK steps. Same result as runProtocol, step for step.
 */
export async function runProtocolAsync(
  sys: System,
  pot: Potential,
  table: PairTable,
  protocol: Protocol,
  rng: Rng,
  observers: readonly Observer[],
  ctx: RunContext,
  pause: () => Promise<void>,
  options: RunOptions = {},
): Promise<RunResult> {
  const g = protocolChunks(sys, pot, table, protocol, rng, observers, ctx, options);
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    await pause();
  }
}

/** The protocol as a generator that yields between chunks of PROTOCOL_CHUNK steps. */
function* protocolChunks(
  sys: System,
  pot: Potential,
  table: PairTable,
  protocol: Protocol,
  rng: Rng,
  observers: readonly Observer[],
  ctx: RunContext,
  options: RunOptions,
): Generator<void, RunResult> {
  for (const o of observers)
    if (!(Number.isInteger(o.every) && o.every >= 1)) throw new Error(`observer interval must be a positive integer, got ${o.every}`);
  const watcher = options.watcher;
  if (watcher && !(Number.isInteger(watcher.every) && watcher.every >= 1 && Number.isInteger(watcher.from) && watcher.from >= 1))
    throw new Error(`watcher interval and first step must be positive integers, got every ${watcher.every}, from ${watcher.from}`);
  const dt = protocol.timestep;
  const nRelax = stepsOf(protocol.relax, dt);
  const nProd = stepsOf(protocol.production, dt);
  const limits = options.limits ?? defaultLimits(protocol.temperature);
  const md = options.md ?? createMdState(sys, pot, table, protocol.skin, limits.contactFloor);
  if (md.sys !== sys) throw new Error('runProtocol: options.md holds a different system');
  if (options.team) md.team = options.team;
  if (!sys.vel.some((v) => v !== 0)) maxwellBoltzmann(sys, protocol.temperature, rng);
  const runStart = ctx.now();
  const startedAt = options.startedAt ?? runStart;
  const reportClock = options.reportClock ?? { last: -Infinity };
  const offset = options.stepOffset ?? 0;
  const totalSteps = options.totalSteps ?? offset + nRelax + nProd;
  const buildsBefore = md.nl.builds;
  const chain = createNoseHooverChain(md.dof, protocol.temperature, protocol.tDamp);
  const ensemble: Ensemble = { kind: 'nvt', chain };
  // The watcher's step counts relax and production together; stoppedAt is set when it ends the run.
  let stoppedAt = 0;
  const watch = (step: number): boolean => {
    if (!watcher || step < watcher.from || step % watcher.every !== 0 || !watcher.look(step, sys)) return false;
    stoppedAt = step;
    return true;
  };
  let relaxDone = 0;
  // Without a watcher the relaxation runs with no per-step hook at all, as before.
  const relaxHook: StepHook | undefined = watcher ? (k) => watch(relaxDone + k) : undefined;
  let sumT = 0;
  let sumPe = 0;
  let lastT = temperature(sys, md.dof);
  let base = 0; // production steps before the current chunk
  const stats = (): RunStats => {
    const wallMs = ctx.now() - runStart;
    const prod = base;
    const steps = relaxDone + prod;
    return {
      steps,
      meanTemperature: prod > 0 ? sumT / prod : lastT,
      meanPotentialEnergy: prod > 0 ? sumPe / prod : md.potentialEnergy,
      finalPotentialEnergy: md.potentialEnergy,
      finalTemperature: lastT,
      neighborBuilds: md.nl.builds - buildsBefore,
      wallMs,
      usPerAtomStep: steps > 0 ? (wallMs * 1000) / (steps * sys.n) : NaN,
    };
  };

  while (relaxDone < nRelax) {
    const n = Math.min(PROTOCOL_CHUNK, nRelax - relaxDone);
    const before = md.step;
    const failure = runSegment(md, ensemble, dt, n, {
      phase: 'relax',
      limits,
      ctx,
      stepOffset: offset + relaxDone,
      totalSteps,
      startedAt,
      reportClock,
      ...(relaxHook ? { onStep: relaxHook } : {}),
    });
    if (failure) return { ok: false, failure };
    relaxDone += md.step - before;
    if (stoppedAt) {
      lastT = temperature(sys, md.dof);
      return { ok: true, stats: stats(), stoppedAt };
    }
    yield;
  }

  // A new LAMMPS `run` re-does the thermostat setup (masses, chain forces); the chain velocities carry on.
  nhcSetup(chain);
  lastT = temperature(sys, md.dof);
  const onStep: StepHook = (k, t) => {
    sumT += t;
    sumPe += md.potentialEnergy;
    lastT = t;
    const step = base + k;
    for (const o of observers) if (step % o.every === 0) o.observe(step, sys, md.nl);
    return watcher !== undefined && watch(nRelax + step);
  };
  while (base < nProd) {
    const n = Math.min(PROTOCOL_CHUNK, nProd - base);
    const before = md.step;
    const failure = runSegment(md, ensemble, dt, n, {
      phase: 'production',
      limits,
      ctx,
      stepOffset: offset + nRelax + base,
      totalSteps,
      startedAt,
      reportClock,
      onStep,
    });
    if (failure) return { ok: false, failure };
    base += md.step - before;
    if (stoppedAt) return { ok: true, stats: stats(), stoppedAt };
    if (base < nProd) yield;
  }
  return { ok: true, stats: stats() };
}

/** Total energy (eV): kinetic + potential (+ thermostat energy when a chain is given): the conserved quantity. */
export function totalEnergy(md: MdState, chain?: NoseHooverChain): number {
  let e = kineticEnergy(md.sys) + md.potentialEnergy;
  if (chain) e += nhcEnergy(chain);
  return e;
}
