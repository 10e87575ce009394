/**
 * The bounds of every number a user sets — the MD protocol, the optimizer's budget, workers, the R_χ range, the
 * soft start — each with its unit and the reason a glass modeller would give for it. The zod schemas
 * (evaluate/spec.ts ProtocolSchema, optimize/strategy.ts, campaign/records.ts, src-main/api/contract.ts) build
 * their number types from this table with `bounded`, the CLI validates its options through those schemas, and the
 * new-campaign form asks `settingProblem`: one source, one message, wherever a value comes from.
 *
 * Bounds are wide enough for any real study and narrow enough that nothing absurd reaches an allocation or a
 * loop (3·10⁹ atoms, a 10⁻³⁰⁰ fs timestep, 10³⁰⁸ ps, a budget of 10¹⁵).
 */
import { z } from 'zod';

export interface SettingBound {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
  /** Unit of min and max as stored (metal units). */
  readonly unit: string;
  /** The range as a user reads it, when the stored unit is not the one shown (the timestep: fs, stored in ps). */
  readonly shown?: string;
  readonly why: string;
}

/** The MD protocol (md/protocol.ts Protocol), stored units. */
export const PROTOCOL_BOUNDS = {
  atoms: {
    min: 3,
    max: 300_000,
    integer: true,
    unit: 'atoms',
    why: 'every candidate runs this many atoms; the paper uses 3000, and 300 000 atoms already take hours per picosecond on one worker',
  },
  densityGcm3: { min: 0.5, max: 10, unit: 'g/cm³', why: 'silicate liquids and glasses lie near 2–4 g/cm³' },
  temperature: { min: 1, max: 20_000, unit: 'K', why: 'from a frozen glass to far above any silicate liquid' },
  timestep: {
    min: 1e-5,
    max: 5e-3,
    unit: 'ps',
    shown: '0.01–5 fs',
    why: 'shorter steps make a picosecond take 10⁵ steps; longer ones do not resolve the Si–O vibration (period ≈ 30 fs)',
  },
  relax: { min: 0, max: 10_000, unit: 'ps', why: '10 ns of relaxation per candidate is already weeks of CPU for a campaign' },
  production: { min: 1e-3, max: 10_000, unit: 'ps', why: 'at least one step must be sampled; 10 ns per candidate is already weeks of CPU' },
  sampleEvery: { min: 1, max: 1_000_000, integer: true, unit: 'steps', why: 'structure samples must fall inside the production run' },
  tDamp: { min: 1e-4, max: 1_000, unit: 'ps', why: 'a Nosé–Hoover damping time of 0.1–1 ps (100 steps, LAMMPS advice) thermostats a liquid' },
  skin: { min: 0, max: 5, unit: 'Å', why: 'a neighbour-list skin beyond a few Å only adds pairs' },
} as const satisfies Readonly<Record<string, SettingBound>>;

/** Most MD steps (relax + production) one evaluation may take: 10⁸ steps of 3000 atoms are about two weeks on one core. */
export const MAX_MD_STEPS = 1e8;

/** Everything else a campaign or an evaluation is set up with. */
export const SETTING_BOUNDS = {
  budget: { min: 1, max: 100_000, integer: true, unit: 'evaluations', why: 'each evaluation is an MD run of minutes; 10⁵ of them are years of CPU' },
  workers: {
    min: 1,
    max: 256,
    integer: true,
    unit: 'workers',
    why: 'one worker thread runs one MD evaluation on one core; no workstation has more than a few hundred cores',
  },
  threads: {
    min: 1,
    max: 64,
    integer: true,
    unit: 'threads',
    why: 'threads of one MD run share its pair loop; past a few dozen the serial part and the force merge dominate',
  },
  /** The R_χ sums' r-range, Å. */
  r: { min: 0, max: 1_000, unit: 'Å', why: 'pair distances of a periodic liquid lie within a few nm' },
  softStartSteps: { min: 0, max: 10_000_000, integer: true, unit: 'steps', why: 'the capped start needs thousands of steps, not millions' },
  replicas: { min: 1, max: 100, integer: true, unit: 'replicas', why: 'a few replicas measure the noise of R_χ; a hundred is a study of its own' },
} as const satisfies Readonly<Record<string, SettingBound>>;

/** A glass quench (glass/quench.ts) as the workbench starts it; the CLI checks the same with quenchProblems. */
export const GLASS_BOUNDS = {
  rate: { min: 1e-3, max: 1e5, unit: 'K/ps', why: 'glass studies cool at 0.01–100 K/ps; slower runs take months, faster ones are a tiny test' },
  replicas: { min: 1, max: 20, integer: true, unit: 'replicas', why: 'a few independent glasses give the error bars; twenty already take days at 3000 atoms' },
  stagePs: { min: 0, max: 10_000, unit: 'ps', why: '10 ns at one temperature is already weeks of CPU for a 3000-atom glass' },
  seed: { min: 0, max: 0x7fffffff, integer: true, unit: '', why: 'a 31-bit random seed' },
} as const satisfies Readonly<Record<string, SettingBound>>;

/**
 * Workers per core allowed on this machine (besides the absolute SETTING_BOUNDS.workers): more threads than
 * cores only slow every evaluation down, and past 4× it is a typing error.
 */
export const WORKERS_PER_CORE = 4;

function rangeText(b: SettingBound): string {
  return b.shown ?? `${b.min}–${b.max} ${b.unit}`;
}

/** The one-line reason a value breaks a bound, or null. */
export function settingProblem(b: SettingBound, x: unknown): string | null {
  if (typeof x !== 'number' || !Number.isFinite(x)) return `must be a finite number in ${rangeText(b)}`;
  if (b.integer && !Number.isInteger(x)) return `must be a whole number in ${rangeText(b)}`;
  if (x < b.min || x > b.max) return `must lie in ${rangeText(b)}: ${b.why}`;
  return null;
}

/** A zod number within the bound, its message naming the range and the reason. */
export function bounded(b: SettingBound): z.ZodNumber {
  let s = z.number({ error: `must be a finite number in ${rangeText(b)}` });
  if (b.integer) s = s.int(`must be a whole number in ${rangeText(b)}`);
  const message = `must lie in ${rangeText(b)}: ${b.why}`;
  return s.min(b.min, message).max(b.max, message);
}

/** Most workers on a machine with `cores` cores. */
export function maxWorkers(cores: number): number {
  return Math.min(SETTING_BOUNDS.workers.max, WORKERS_PER_CORE * Math.max(1, cores));
}

/** Why `workers` is too many for this machine, or null. */
export function workersProblem(workers: number, cores: number): string | null {
  const max = maxWorkers(cores);
  return workers > max ? `${workers} workers on ${cores} core${cores === 1 ? '' : 's'}: at most ${max} (${WORKERS_PER_CORE} per core); more threads than cores only slow every evaluation` : null;
}

/**
 * Outer limits of the forcefield parameters a search space may span or fix (metal units): far beyond every
 * published silicate potential (BKS, CHIK, Pedone: |q| ≤ 2.4 e, A ≤ 3·10⁴ eV, ρ ≤ 0.4 Å, C ≤ 700 eV·Å⁶), yet
 * finite enough that no candidate overflows a force. params/space.ts validateSpace applies them.
 */
export const PARAMETER_LIMITS = {
  q: { min: -8, max: 8, unit: 'e', why: 'ionic charges in silicates are at most 4 e in magnitude' },
  A: { min: 0, max: 1e8, unit: 'eV', why: 'published Buckingham prefactors stay below 10⁵ eV' },
  rho: { min: 1e-3, max: 2, unit: 'Å', why: 'Buckingham softness lengths are a few tenths of an Å (1 Å marks a pair switched off)' },
  C: { min: 0, max: 1e5, unit: 'eV·Å⁶', why: 'dispersion coefficients of oxides are at most a few hundred eV·Å⁶' },
  rmin: { min: 0.5, max: 5, unit: 'Å', why: 'a cation–anion bond of an oxide is 1.4–2.6 Å long' },
  rwall: { min: 0.5, max: 8, unit: 'Å', why: 'a repulsive wall stands inside the cut-off (8 Å in the paper)' },
  D: { min: 0, max: 1e12, unit: 'eV·Å²⁴', why: 'the r⁻²⁴ wall of the paper is at most a few 10⁶ eV·Å²⁴' },
  cutoff: { min: 1, max: 50, unit: 'Å', why: 'the paper uses 8 Å; beyond a few nm the box would need millions of atoms' },
  dsfAlpha: { min: 0, max: 5, unit: 'Å⁻¹', why: 'the paper damps Coulomb with α = 0.25 Å⁻¹' },
} as const satisfies Readonly<Record<string, SettingBound>>;
