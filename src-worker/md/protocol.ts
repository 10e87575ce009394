/**
 * Protocol, observers and the run context: what an MD run does, what samples it, and how it reports
 * progress and learns it is cancelled. Defaults are the paper's (Liu et al., Sec. 2.2).
 */
import type { System } from './system.ts';
import type { NeighborList } from './neighbor.ts';

export interface Protocol {
  readonly atoms: number;
  readonly densityGcm3: number; // g/cm³ (not metal, so the unit is in the name)
  readonly temperature: number; // K
  readonly timestep: number; // ps (0.001 = 1 fs)
  readonly relax: number; // ps, NVT equilibration before sampling
  readonly production: number; // ps, NVT with sampling
  readonly sampleEvery: number; // steps between analysis samples in production
  readonly tDamp: number; // ps, Nosé–Hoover damping time (LAMMPS fix nvt Tdamp)
  readonly skin: number; // Å, neighbour-list skin
}

/** The paper's protocol: 3000 atoms at 2.2 g/cm³ (35.661 Å cube), NVT 3600 K, 1 fs, 10 ps + 10 ps. */
export const PAPER_PROTOCOL: Protocol = {
  atoms: 3000,
  densityGcm3: 2.2,
  temperature: 3600,
  timestep: 0.001,
  relax: 10,
  production: 10,
  sampleEvery: 10,
  tDamp: 0.1,
  skin: 2.0,
};

/** Progress of one run, reported at most every reportIntervalMs. */
export interface Progress {
  readonly phase: 'start' | 'relax' | 'production' | 'analysis';
  readonly step: number; // steps done in this run (all phases)
  readonly totalSteps: number;
  readonly temperature: number; // K, instantaneous
  readonly potentialEnergy: number; // eV
  readonly etaS: number; // s, estimated wall time left
}

/**
 * Called every `every` steps during production (ASE attach(interval), HOOMD periodic trigger). `list` is the
 * run's neighbour list, current at this step (slot coordinates of sys.pos), for observers that can use it
 * instead of a search of their own (the g(r)); read only.
 */
export interface Observer {
  readonly every: number;
  observe(step: number, sys: System, list?: NeighborList): void;
}

/**
 * Watches a run from the relaxation on and may end it early — early stopping of a candidate that is clearly
 * hopeless (src-worker/evaluate/early-stop.ts). look() is called every `every` steps, counting the protocol's
 * steps from the first relaxation step (relax and production together, 1-based), from step `from` on; returning
 * true ends the run after that step. An ended run is a shortened run, not a failure: its stats cover the steps
 * it ran. A watcher must be a pure function of what it sees, so the run stays deterministic.
 */
export interface Watcher {
  readonly every: number;
  readonly from: number;
  look(step: number, sys: System): boolean;
}

/** Progress and cancellation, cheap enough to poll every few hundred steps (Mol* RuntimeContext). */
export interface RunContext {
  /** Wall clock in ms (performance.now() in a worker); time is an argument so the engine stays pure. */
  now(): number;
  /** Called with progress at most every reportIntervalMs of `now()`. */
  report(p: Progress): void;
  readonly reportIntervalMs: number;
  /** True once the caller asked to stop (in a worker: a SharedArrayBuffer control word). */
  isCancelled(): boolean;
}

/** A context that never reports and is never cancelled, for tests and one-off runs. */
export function silentContext(now: () => number = () => 0): RunContext {
  return { now, report: () => {}, reportIntervalMs: Infinity, isCancelled: () => false };
}
