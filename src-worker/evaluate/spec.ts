/**
 * What one evaluation is asked (EvaluationSpec) and what it answers (EvaluationResult): the vocabulary
 * shared by the evaluator, the worker protocol, the pool, the CLI and (later) the store. Also the zod
 * schemas for the forms that cross a serialisation boundary (JSON files, IPC, the store) and the
 * ENGINE_VERSION every result carries.
 *
 * Between the main thread and a worker the spec and result travel by structured clone, so typed arrays
 * stay typed arrays; the JSON forms below are for everything that leaves the process.
 */
import { z } from 'zod';
import type { PairName, SpeciesTable } from '../species.ts';
import type { ForceField } from '../md/forcefield.ts';
import type { Progress, Protocol } from '../md/protocol.ts';
import type { MdFailure } from '../md/failure.ts';
import type { KernelName } from '../md/engine.ts';
import type { SoftStartOptions } from '../md/start.ts';
import type { Frame } from '../io/frame.ts';
import type { PartialRdf } from '../analysis/rdf.ts';
import type { AngleDistributions } from '../analysis/adf.ts';
import type { Coordination } from '../analysis/coordination.ts';
import type { BondCutoffs } from '../analysis/bonds.ts';
import { ReferenceJsonSchema, referenceFromJson, referenceToJson, type Reference } from './reference.ts';
import type { CostRange } from './cost.ts';
import { bounded, PROTOCOL_BOUNDS as PB, SETTING_BOUNDS } from '../settings-bounds.ts';

/**
 * Version of the numbers an evaluation produces. Bump it whenever a change to the engine, the kernels,
 * the start protocol or the analysis can change an R_χ for the same (parameters, spec, seed), so that
 * stored results from different engines are never mixed silently.
 */
export const ENGINE_VERSION = 'glassfit-md 0.1.0';

/**
 * The soft-start settings a spec may override (the LAMMPS protocol's by default): tests shorten the capped
 * MD and the minimisation, which dominates the cost of a sub-picosecond run.
 */
export type SoftStartOverrides = Partial<Pick<SoftStartOptions, 'steps' | 'timestep' | 'xlimit' | 'berendsenTau' | 'minimize'>>;

/** One evaluation: which liquid to build, how to run it, what to compare it with. */
export interface EvaluationSpec {
  readonly species: SpeciesTable;
  readonly protocol: Protocol;
  /** The structure to reproduce (r-grid, g_ab, ADFs, provenance, hash). */
  readonly reference: Reference;
  /** r-range of the R_χ sums, Å (cost.ts documents the default 0–8 Å). */
  readonly costRange: CostRange;
  /** Seed of the random start and the velocities: same (ff, spec) ⇒ same result on one machine. */
  readonly seed: number;
  readonly kernel: KernelName;
  /** Shorter soft starts for tests and quick looks; production evaluations leave it out. */
  readonly softStart?: SoftStartOverrides;
  /** Stop the run early when it is clearly worse than this threshold (early-stop.ts); absent: always run to the end. */
  readonly earlyStop?: EarlyStopSpec;
}

/**
 * Early stopping of a hopeless run (early-stop.ts): at each checkpoint the R_χ of the g(r) of the last
 * `windowPs` is compared with `threshold`; above it, the run ends there with status 'stopped'. The campaign
 * runner derives the threshold from its incumbent and the measured noise; a SLURM job or `glassfit evaluate
 * --spec` gets it with its spec. The decision depends on nothing else, so (ff, spec) still fixes the result.
 */
export interface EarlyStopSpec {
  /** R_χ (fraction) above which a run is stopped at a checkpoint. */
  readonly threshold: number;
  /** Where to look, as fractions of the MD run (relax + production steps; the soft start excluded), ascending. */
  readonly checkpoints: readonly number[];
  /** Length of the g(r) window before each checkpoint, ps. */
  readonly windowPs: number;
  /** The incumbent R_χ (fraction) the threshold came from, for the record and the reason line only. */
  readonly incumbent?: number | null;
}

/** What a 'stopped' result (and its stored record) says about the stop. */
export interface EarlyStopDetail {
  /** Protocol step (relax + production, 1-based) at which it stopped, and the run's full length in those steps. */
  readonly atStep: number;
  readonly totalSteps: number;
  /** R_χ (fraction) of the window's g(r) at the stop, and the threshold it exceeded. */
  readonly partialRChi: number;
  readonly threshold: number;
  readonly incumbent: number | null;
  /** ps of g(r) behind partialRChi, and its frames. */
  readonly windowPs: number;
  readonly frames: number;
  /** 'relax' or 'production': which part of the run the checkpoint fell in. */
  readonly stage: 'relax' | 'production';
}
/**
 * Why an evaluation produced no R_χ: an MD failure (blow-up, cancellation), unusable parameters, or an external
 * engine's error (LAMMPS: its own message, e.g. 'Lost atoms: original 648 current 646', near the step it reached).
 */
export type EvaluationFailure =
  | MdFailure
  | { readonly kind: 'invalid-parameters'; readonly step: 0; readonly message: string }
  | { readonly kind: 'engine'; readonly step: number; readonly message: string };

/** Figures of the MD run behind a 'done' result. */
export interface RunSummary {
  readonly steps: number; // relax + production
  readonly meanTemperature: number; // K, over production
  readonly meanPotentialEnergy: number; // eV, over production
}

export type EvaluationResult =
  | {
      /**
       * Ended early as hopeless (spec.earlyStop): rChi and chiByPair are the PARTIAL values of the window's
       * g(r) at the stop (rdf), not a converged score. adf and coordination are those of the production so far
       * (null and empty when it stopped in the relaxation); final is the configuration at the stop.
       */
      readonly status: 'stopped';
      readonly rChi: number;
      readonly chiByPair: Readonly<Record<PairName, number>>;
      readonly rdf: PartialRdf;
      readonly adf: AngleDistributions | null;
      readonly coordination: readonly Coordination[];
      readonly bondCutoffs: BondCutoffs | null;
      readonly final: Frame;
      readonly stop: EarlyStopDetail;
      readonly reason: string; // one line a user can read
      readonly run: RunSummary; // steps run; means over the production steps run (the last values when it stopped in the relaxation)
      readonly timings: { readonly wallS: number; readonly usPerAtomStep: number };
      readonly seed: number;
      readonly kernel: KernelName;
      readonly referenceHash: string;
      readonly engineVersion: string;
    }
  | {
      readonly status: 'done';
      readonly rChi: number; // fraction: 0.0877 is 8.77 %
      readonly chiByPair: Readonly<Record<PairName, number>>; // χ_ab = sqrt(χ²_ab), fraction
      readonly rdf: PartialRdf;
      readonly adf: AngleDistributions | null; // null when the reference gives no bond cut-off
      readonly coordination: readonly Coordination[];
      readonly bondCutoffs: BondCutoffs | null; // Å, used for adf and coordination
      readonly final: Frame; // last production configuration, with velocities
      readonly run: RunSummary;
      readonly timings: { readonly wallS: number; readonly usPerAtomStep: number };
      readonly seed: number;
      readonly kernel: KernelName; // the kernel that ran (the table kernel falls back to exact when it must)
      readonly referenceHash: string;
      readonly engineVersion: string;
    }
  | {
      readonly status: 'failed';
      readonly failure: EvaluationFailure;
      readonly reason: string; // one line a user can read
      readonly final?: Frame; // the configuration when the run stopped (absent for invalid parameters)
      readonly timings: { readonly wallS: number };
      readonly seed: number;
      readonly kernel: KernelName;
      readonly referenceHash: string;
      readonly engineVersion: string;
    };

export type DoneResult = Extract<EvaluationResult, { status: 'done' }>;
export type StoppedResult = Extract<EvaluationResult, { status: 'stopped' }>;
export type FailedResult = Extract<EvaluationResult, { status: 'failed' }>;

/** The part of AbortSignal an evaluation listens to (the core compiles without DOM or Node types; a real AbortSignal fits). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  /** Why it was aborted: the campaign runner passes 'pause' or 'stop' (the slurm backend cancels remote jobs only on 'stop'). */
  readonly reason?: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** What a caller can pass to an asynchronous evaluation. */
export interface EvaluateOptions {
  /** Progress of the run (step, ETA), at most every reportIntervalMs of the worker. */
  readonly onProgress?: (p: Progress) => void;
  /** Abort → the evaluation resolves promptly with a 'failed' result of kind 'cancelled'. */
  readonly signal?: AbortSignalLike;
}

/** Parameters → result, asynchronously and elsewhere (a worker pool). Rejects only for programmer errors and crashes. */
export interface Evaluator {
  evaluate(ff: ForceField, spec: EvaluationSpec, opts?: EvaluateOptions): Promise<EvaluationResult>;
}

// --------------------------------------------------------------------------------------- JSON forms

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((x) => x > 0, 'must be > 0');

export const SpeciesTableSchema = z.object({
  species: z.array(z.object({ name: z.string().regex(/^[A-Z][a-z]?$/, 'must be an element symbol such as Si'), mass: positive })).min(1),
});

/** Every field within its physical bounds (settings-bounds.ts), the reason in the message. */
export const ProtocolSchema = z.object({
  atoms: bounded(PB.atoms),
  densityGcm3: bounded(PB.densityGcm3),
  temperature: bounded(PB.temperature),
  timestep: bounded(PB.timestep),
  relax: bounded(PB.relax),
  production: bounded(PB.production),
  sampleEvery: bounded(PB.sampleEvery),
  tDamp: bounded(PB.tDamp),
  skin: bounded(PB.skin),
});

export const CostRangeSchema = z.object({ rMin: bounded(SETTING_BOUNDS.r), rMax: bounded(SETTING_BOUNDS.r) }).refine((r) => r.rMax > r.rMin, 'rMax must exceed rMin');

export const KernelSchema = z.enum(['exact', 'table']);

export const EvaluationSpecJsonSchema = z.object({
  species: SpeciesTableSchema,
  protocol: ProtocolSchema,
  reference: ReferenceJsonSchema,
  costRange: CostRangeSchema,
  seed: z.number().int(),
  kernel: KernelSchema,
  softStart: z
    .object({
      steps: bounded(SETTING_BOUNDS.softStartSteps),
      timestep: positive,
      xlimit: positive,
      berendsenTau: positive,
      minimize: z.object({
        maxIterations: z.number().int().nonnegative(),
        forceTolerance: positive,
        energyTolerance: positive,
        maxDisplacement: positive,
        dtStart: positive,
        dtMax: positive,
      }),
    })
    .partial()
    .optional(),
  earlyStop: z
    .object({
      threshold: positive,
      checkpoints: z
        .array(finite.refine((x) => x > 0 && x <= 1, 'must lie in (0, 1]'))
        .min(1)
        .refine((a) => a.every((x, k) => k === 0 || x > a[k - 1]), 'must be ascending'),
      windowPs: positive,
      incumbent: finite.nullable().optional(),
    })
    .optional(),
});
export type EvaluationSpecJson = z.infer<typeof EvaluationSpecJsonSchema>;

export function specToJson(spec: EvaluationSpec): EvaluationSpecJson {
  return {
    species: { species: spec.species.species.map((s) => ({ ...s })) },
    protocol: { ...spec.protocol },
    reference: referenceToJson(spec.reference),
    costRange: { ...spec.costRange },
    seed: spec.seed,
    kernel: spec.kernel,
    ...(spec.softStart ? { softStart: { ...spec.softStart, ...(spec.softStart.minimize ? { minimize: { ...spec.softStart.minimize } } : {}) } } : {}),
    ...(spec.earlyStop ? { earlyStop: { ...spec.earlyStop, checkpoints: [...spec.earlyStop.checkpoints] } } : {}),
  };
}

/** Parse a stored spec; throws (zod error, or a reference whose data do not match its hash). */
export function specFromJson(json: unknown): EvaluationSpec {
  const j = EvaluationSpecJsonSchema.parse(json);
  return { ...j, reference: referenceFromJson(j.reference) };
}

export const EvaluationFailureSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('non-finite'), step: z.number().int(), atom: z.number().int(), what: z.enum(['energy', 'force', 'position']) }),
  z.object({ kind: z.literal('too-close'), step: z.number().int(), i: z.number().int(), j: z.number().int(), r: z.number() }),
  z.object({ kind: z.literal('temperature-runaway'), step: z.number().int(), temperature: z.number() }),
  z.object({ kind: z.literal('lost-atom'), step: z.number().int(), atom: z.number().int(), displacement: z.number() }),
  z.object({ kind: z.literal('box-collapse'), step: z.number().int(), edge: z.number() }),
  z.object({ kind: z.literal('crowded'), step: z.number().int(), entries: z.number() }),
  z.object({ kind: z.literal('cancelled'), step: z.number().int() }),
  z.object({ kind: z.literal('invalid-parameters'), step: z.literal(0), message: z.string() }),
  z.object({ kind: z.literal('engine'), step: z.number().int(), message: z.string() }),
]);

/**
 * The scalar part of a result (no curves, no configuration): what a table row, a log line or an
 * evaluation record holds. Fractions, not percent.
 */
export const EarlyStopDetailSchema = z.object({
  atStep: z.number().int().positive(),
  totalSteps: z.number().int().positive(),
  partialRChi: z.number(),
  threshold: z.number(),
  incumbent: z.number().nullable(),
  windowPs: z.number(),
  frames: z.number().int(),
  stage: z.enum(['relax', 'production']),
}) satisfies z.ZodType<EarlyStopDetail>;

export const EvaluationSummarySchema = z.object({
  status: z.enum(['done', 'failed', 'stopped']),
  rChi: z.number().nullable(),
  chiByPair: z.record(z.string(), z.number()).nullable(),
  failure: EvaluationFailureSchema.nullable(),
  reason: z.string().nullable(),
  stop: EarlyStopDetailSchema.nullable().optional(),
  seed: z.number().int(),
  kernel: KernelSchema,
  wallS: z.number(),
  usPerAtomStep: z.number().nullable(),
  referenceHash: z.string(),
  engineVersion: z.string(),
});
export type EvaluationSummary = z.infer<typeof EvaluationSummarySchema>;

export function summarizeResult(r: EvaluationResult): EvaluationSummary {
  const common = { seed: r.seed, kernel: r.kernel, wallS: r.timings.wallS, referenceHash: r.referenceHash, engineVersion: r.engineVersion };
  if (r.status === 'done') return { status: 'done', rChi: r.rChi, chiByPair: { ...r.chiByPair }, failure: null, reason: null, usPerAtomStep: r.timings.usPerAtomStep, ...common };
  if (r.status === 'stopped')
    return { status: 'stopped', rChi: r.rChi, chiByPair: { ...r.chiByPair }, failure: null, reason: r.reason, stop: { ...r.stop }, usPerAtomStep: r.timings.usPerAtomStep, ...common };
  return { status: 'failed', rChi: null, chiByPair: null, failure: r.failure, reason: r.reason, usPerAtomStep: null, ...common };
}
