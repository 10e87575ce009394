/**
 * The engine's front door: pick a kernel, build a liquid (random insertion at the protocol's density + soft
 * start, or a given configuration), run the protocol with observers. What the evaluator, the worker and the
 * CLI call; everything below it stays usable on its own.
 *
 * Kernel choice: production runs use the tabulated kernel ('table', buck-dsf-table.ts), decided by
 * measurement. `npm run bench:md` (3000-atom BKS liquid, NVT 3600 K, 500 steps, medians of 3 runs interleaved
 * with LAMMPS in the same process run, development machine shared with other jobs): table 4.2 µs/atom-step,
 * exact 6.6, LAMMPS's exact hybrid/overlay form 13.1–13.8 in the same runs — ratios 0.31 and 0.51. The
 * table's forces agree with LAMMPS's within 1e-6 × the RMS force on every atom of the fixtures' liquids, its
 * energy within 5e-8 (the exact-erfc DSF against LAMMPS's polynomial erfc), and it conserves energy by
 * construction (NVE drift 1.5e-6 eV/atom over 2 ps; LAMMPS: 4.7e-5). The exact kernel ('exact', buck-dsf.ts)
 * reproduces LAMMPS to round-off and is what `glassfit forces` uses by default. Both are selectable
 * wherever a kernel is (KernelName). The table kernel's pair loop runs in WebAssembly (table-loop.ts), which
 * brought it below LAMMPS's own fastest form of this potential, `pair_style table` (README, engine figures).
 */
import type { SpeciesTable } from '../species.ts';
import { SILICA } from '../species.ts';
import { createRng } from '../rng.ts';
import type { ForceField } from './forcefield.ts';
import type { PairTable, Potential } from './potential.ts';
import type { Observer, Protocol, RunContext, Watcher } from './protocol.ts';
import type { System } from './system.ts';
import { buckDsf } from './buck-dsf.ts';
import { buckDsfTable } from './buck-dsf-table.ts';
import { runProtocol, stepsOf, defaultLimits, type BlowUpLimits, type RunResult } from './run.ts';
import { boxForDensity, defaultSoftStart, randomInsertion, silicaCounts, softStart, SILICA_MIN_DISTANCES, type SoftStartOptions } from './start.ts';
import { applyCharges } from '../io/configuration.ts';
import type { ForceTeam } from './force-team.ts';

export type KernelName = 'exact' | 'table';
export const KERNEL_NAMES: readonly KernelName[] = ['exact', 'table'];
/** The kernel of production runs (see the header for the measurement behind it). */
export const DEFAULT_KERNEL: KernelName = 'table';

export function potentialFor(kernel: KernelName): Potential {
  switch (kernel) {
    case 'exact':
      return buckDsf;
    case 'table':
      return buckDsfTable;
  }
}

/** A kernel ready for a forcefield: the pair style and its prepared loop constants. */
export interface PreparedPotential {
  readonly kernel: KernelName;
  readonly pot: Potential;
  readonly table: PairTable;
}

/**
 * Prepare a forcefield for a kernel. The table kernel needs equal short-range and Coulomb cut-offs; for
 * other forcefields it falls back to the exact kernel (the returned `kernel` says which one runs).
 */
export function preparePotential(species: SpeciesTable, ff: ForceField, kernel: KernelName = DEFAULT_KERNEL): PreparedPotential {
  const k: KernelName = kernel === 'table' && ff.cutoff !== ff.dsf.cutoff ? 'exact' : kernel;
  const pot = potentialFor(k);
  return { kernel: k, pot, table: pot.prepare(species, ff) };
}

export interface LiquidRunOptions {
  readonly protocol: Protocol;
  /** One seed for the whole run: insertion, soft-start velocities (streams 0 and 1 of createRng). */
  readonly seed: number;
  readonly kernel?: KernelName;
  /** Default SILICA; counts then follow SiO2 stoichiometry from protocol.atoms. */
  readonly species?: SpeciesTable;
  /** Atoms per species (table order); default: silicaCounts(protocol.atoms). */
  readonly counts?: readonly number[];
  /** Start from this configuration (with velocities, or none to draw them) instead of a random packing. */
  readonly start?: System;
  /** Minimum distances of the random insertion (Å, by pair name); default the fixtures' silica values. */
  readonly minDistances?: Readonly<Record<string, number>>;
  /** Soft-start settings; default the LAMMPS protocol's (defaultSoftStart). Ignored with `start`. */
  readonly softStart?: Partial<SoftStartOptions>;
  readonly limits?: BlowUpLimits;
  /** Looks at the run from the relaxation on and may end it early (md/protocol.ts Watcher). */
  readonly watcher?: Watcher;
  /** Helper threads that share the pair loop (force-team.ts); the caller owns and closes them. */
  readonly team?: ForceTeam;
}

export type LiquidRunResult = RunResult & { readonly sys?: System; readonly kernel: KernelName };

/**
 * Build the liquid and run the protocol: the whole MD of one candidate forcefield. A blow-up at any stage is
 * returned as `{ ok: false, failure }` (with the system as it was); input errors throw.
 */
export function runLiquid(ff: ForceField, opts: LiquidRunOptions, observers: readonly Observer[], ctx: RunContext): LiquidRunResult {
  const species = opts.species ?? SILICA;
  const prepared = preparePotential(species, ff, opts.kernel ?? DEFAULT_KERNEL);
  const { protocol } = opts;
  const limits = opts.limits ?? defaultLimits(protocol.temperature);
  const startedAt = ctx.now();
  const mdSteps = stepsOf(protocol.relax, protocol.timestep) + stepsOf(protocol.production, protocol.timestep);

  if (opts.start) {
    applyCharges(opts.start, ff);
    const r = runProtocol(opts.start, prepared.pot, prepared.table, protocol, createRng(opts.seed, 1), observers, ctx, {
      limits,
      startedAt,
      ...(opts.watcher ? { watcher: opts.watcher } : {}),
      ...(opts.team ? { team: opts.team } : {}),
    });
    return { ...r, sys: opts.start, kernel: prepared.kernel };
  }

  const counts = opts.counts ?? silicaCounts(protocol.atoms);
  const box = boxForDensity(species, counts, protocol.densityGcm3);
  const sys = randomInsertion(species, counts, box, createRng(opts.seed, 0), opts.minDistances ?? SILICA_MIN_DISTANCES);
  applyCharges(sys, ff);
  const soft: SoftStartOptions = { ...defaultSoftStart(protocol.temperature), skin: protocol.skin, ...opts.softStart };
  const totalSteps = soft.steps + mdSteps;
  const reportClock = { last: -Infinity };
  const started = softStart(sys, prepared.pot, prepared.table, soft, createRng(opts.seed, 1), ctx, { stepOffset: 0, totalSteps, startedAt, reportClock }, opts.team);
  if (!started.ok) return { ok: false, failure: started.failure, sys, kernel: prepared.kernel };
  const r = runProtocol(sys, prepared.pot, prepared.table, protocol, createRng(opts.seed, 2), observers, ctx, {
    limits,
    md: started.md,
    stepOffset: soft.steps,
    totalSteps,
    startedAt,
    reportClock,
    ...(opts.watcher ? { watcher: opts.watcher } : {}),
  });
  return { ...r, sys, kernel: prepared.kernel };
}
