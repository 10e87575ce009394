/**
 * The campaign vocabulary as zod schemas: what a campaign is (CampaignRecord), what each evaluated point is
 * (EvaluationRecord), what the runner reports while it works (CampaignProgress, WorkerStatus) and the shapes
 * of an evaluation's artefacts. The single source for the store (src-main/store), the API contract
 * (src-main/api/contract.ts), the runner and the exports — one definition, typed on every side.
 *
 * R_χ and χ are fractions everywhere (0.0877 = 8.77 %); times are ISO 8601 UTC strings; parameter values are
 * metal units (e, eV, Å, eV·Å⁶, eV·Å²⁴).
 */
import { z } from 'zod';
import { ReferenceJsonSchema, ReferenceProvenanceSchema } from '../evaluate/reference.ts';
import { CostRangeSchema, EvaluationFailureSchema, EvaluationSpecJsonSchema, KernelSchema, ProtocolSchema, SpeciesTableSchema } from '../evaluate/spec.ts';
import { ParameterSpaceSchema } from '../params/space.ts';
import { OptimizerSettingsSchema, PHASES } from '../optimize/strategy.ts';
import { BUILTIN_NAMES } from '../params/sets.ts';
import { bounded, SETTING_BOUNDS } from '../settings-bounds.ts';

/** Bumped with every store migration that changes what a record holds (src-main/store/migrations.ts). */
export const SCHEMA_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const isoTime = z.iso.datetime();

// ------------------------------------------------------------------------------------------ enums

/**
 * draft: created, never run. running: a runner holds the campaign's lease. paused: interrupted on purpose or by
 * a crash (a 'running' campaign whose runner is gone reads as 'paused'). stopped: ended early by the user
 * (it can still be resumed). finished: the optimizer stopped and the final replicas are done.
 */
export const CAMPAIGN_STATUSES = ['draft', 'running', 'paused', 'stopped', 'finished'] as const;
export const CampaignStatusSchema = z.enum(CAMPAIGN_STATUSES);
export type CampaignStatus = z.infer<typeof CampaignStatusSchema>;

export const EVALUATION_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export const EvaluationStatusSchema = z.enum(EVALUATION_STATUSES);
export type EvaluationStatus = z.infer<typeof EvaluationStatusSchema>;

/**
 * Who asked for an evaluation. The optimizer's history is exactly the 'optimizer' rows in seq order: the
 * phase alone cannot tell, since the optimizer itself proposes phase 'replica' (CG's noise replicas) and
 * phase 'baseline' (random search, CMA-ES).
 */
export const ORIGINS = ['optimizer', 'baseline', 'final'] as const;
export const OriginSchema = z.enum(ORIGINS);
export type Origin = z.infer<typeof OriginSchema>;

/** initial (space-filling design), bo, cg, replica (repeats of one point), baseline — as the optimizer names them. */
export const PhaseSchema = z.enum(PHASES);

export const BuiltinNameSchema = z.enum(BUILTIN_NAMES);

// ------------------------------------------------------------------------------------ forcefield

export const PairParamsSchema = z.object({ A: finite, rho: finite, C: finite, D: finite }); // eV, Å, eV·Å⁶, eV·Å²⁴
/** A ForceField (md/forcefield.ts) as JSON. */
export const ForceFieldSchema = z.object({
  charge: z.record(z.string(), finite), // e
  pair: z.record(z.string(), PairParamsSchema),
  cutoff: finite, // Å
  dsf: z.object({ alpha: finite, cutoff: finite }), // Å⁻¹, Å
});
export type ForceFieldJson = z.infer<typeof ForceFieldSchema>;

// --------------------------------------------------------------------------------------- campaign

/** The campaign's reference: the data themselves (so the campaign stays valid if the file goes), hash and provenance. */
export const CampaignReferenceSchema = z.object({
  hash: z.string(),
  provenance: ReferenceProvenanceSchema,
  data: ReferenceJsonSchema,
});

/** The MD protocol of every evaluation of a campaign, with the kernel, the R_χ r-range and an optional shortened soft start. */
export const CampaignProtocolSchema = ProtocolSchema.extend({
  kernel: KernelSchema,
  costRange: CostRangeSchema,
  softStart: EvaluationSpecJsonSchema.shape.softStart,
});
export type CampaignProtocol = z.infer<typeof CampaignProtocolSchema>;

export const StopReasonSchema = z.object({ kind: z.enum(['budget', 'plateau', 'converged', 'failed', 'user', 'exhausted']), detail: z.string() });
export type CampaignStopReason = z.infer<typeof StopReasonSchema>;

export const CampaignRecordSchema = z.object({
  id: z.uuid(),
  name: z.string().min(1),
  createdAt: isoTime,
  updatedAt: isoTime,
  status: CampaignStatusSchema,
  species: SpeciesTableSchema,
  reference: CampaignReferenceSchema,
  /** The preset the space started from ('ML', 'BKS-2D', …), null for a custom space; informational. */
  preset: z.string().nullable(),
  space: ParameterSpaceSchema,
  protocol: CampaignProtocolSchema,
  /** Parsed with defaults filled at creation, so a campaign never changes meaning when defaults do. budget = optimizer evaluations. */
  optimizer: OptimizerSettingsSchema,
  workers: bounded(SETTING_BOUNDS.workers),
  seed: z.number().int().nonnegative(),
  /** Built-in sets evaluated under the same protocol for comparison (origin 'baseline'); not counted in the budget. */
  baselines: z.array(BuiltinNameSchema),
  /** Extra runs of the best point with other seeds once the optimizer stops (origin 'final'): R_χ mean ± sd. */
  finalReplicas: z.number().int().nonnegative(),
  /** Why the optimizer stopped (or the user did); null while it has not. */
  stopReason: StopReasonSchema.nullable(),
  schemaVersion: z.number().int(),
});
export type CampaignRecord = z.infer<typeof CampaignRecordSchema>;

/** A campaign without its reference arrays: what lists, IPC and status commands carry. */
export const CampaignInfoSchema = CampaignRecordSchema.omit({ reference: true }).extend({
  reference: CampaignReferenceSchema.omit({ data: true }),
});
export type CampaignInfo = z.infer<typeof CampaignInfoSchema>;

// ------------------------------------------------------------------------------------- evaluation

export const EvaluationRecordSchema = z.object({
  id: z.number().int(),
  campaignId: z.uuid(),
  /** Per-campaign order of creation (1, 2, …): the optimizer's proposal order and the replay order. */
  seq: z.number().int().positive(),
  origin: OriginSchema,
  phase: PhaseSchema,
  /** 'BKS' for a baseline, 'best' for a final replica, null for the optimizer's points. */
  label: z.string().nullable(),
  status: EvaluationStatusSchema,
  params: ForceFieldSchema,
  /** Paper-named values of the space's parameters (free and fixed): {qSi, A_SiO, rho_SiO, …}. */
  values: z.record(z.string(), finite),
  /** Unit-cube coordinates of the free parameters exactly as proposed (a baseline's may lie outside [0, 1]). */
  u: z.array(finite),
  meta: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
  rChi: z.number().nullable(),
  chiByPair: z.record(z.string(), z.number()).nullable(),
  failure: EvaluationFailureSchema.nullable(),
  /** One line a user can read, for a failed evaluation. */
  error: z.string().nullable(),
  /** deriveSeed(campaign seed, seq): a re-run after a crash uses the same seed. */
  seed: z.number().int(),
  kernel: KernelSchema,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  durationS: z.number().nullable(),
  usPerAtomStep: z.number().nullable(),
  /** The engine that produced the result; null until it ran. */
  engineVersion: z.string().nullable(),
});
export type EvaluationRecord = z.infer<typeof EvaluationRecordSchema>;

// -------------------------------------------------------------------------------------- artefacts

/** Partial g(r) of a finished evaluation on the reference's grid: r bin centres (Å), g per pair. */
export const GrArtefactSchema = z.object({ r: z.array(z.number()), pairs: z.array(z.string()), g: z.record(z.string(), z.array(z.number())), frames: z.number().int() });
/** Bond-angle distributions: θ bin centres (degrees), p per triplet (1/degree, Σ p·Δθ = 1), mean angles. */
export const AdfArtefactSchema = z.object({
  theta: z.array(z.number()),
  dTheta: z.number(),
  triplets: z.array(z.string()),
  p: z.record(z.string(), z.array(z.number())),
  mean: z.record(z.string(), z.number().nullable()),
});
/** Coordination: fraction of centre atoms per coordination number (index = Z). */
export const CoordinationArtefactSchema = z.array(z.object({ centre: z.string(), neighbour: z.string(), mean: z.number().nullable(), fractions: z.array(z.number()) }));
/** The last production configuration: box (Å), species names, type index per atom [n], positions [3n] Å (stored as float32). */
export const FrameArtefactSchema = z.object({
  box: z.object({ lx: z.number(), ly: z.number(), lz: z.number() }),
  species: z.array(z.string()),
  type: z.array(z.number().int()),
  pos: z.array(z.number()),
});
export const EvaluationArtefactsSchema = z.object({
  gr: GrArtefactSchema.nullable(),
  adf: AdfArtefactSchema.nullable(),
  coordination: CoordinationArtefactSchema.nullable(),
  final: FrameArtefactSchema.nullable(),
});
export type GrArtefact = z.infer<typeof GrArtefactSchema>;
export type AdfArtefact = z.infer<typeof AdfArtefactSchema>;
export type CoordinationArtefact = z.infer<typeof CoordinationArtefactSchema>;
export type FrameArtefact = z.infer<typeof FrameArtefactSchema>;
export type EvaluationArtefacts = z.infer<typeof EvaluationArtefactsSchema>;

// --------------------------------------------------------------------------------------- progress

/** Where a running campaign is: baselines first, then the optimizer, then the final replicas of the best point. */
export const STAGES = ['idle', 'baselines', 'optimizer', 'final', 'finished'] as const;
export const StageSchema = z.enum(STAGES);

export const CampaignProgressSchema = z.object({
  campaignId: z.uuid(),
  status: CampaignStatusSchema,
  stage: StageSchema,
  /** Phase of the newest optimizer proposal (initial / bo / cg / replica / baseline), null before the first. */
  phase: PhaseSchema.nullable(),
  /** Optimizer evaluations finished (done + failed count against the budget). */
  done: z.number().int(),
  failed: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  budget: z.number().int(),
  baselines: z.object({ done: z.number().int(), total: z.number().int() }),
  final: z.object({ done: z.number().int(), total: z.number().int() }),
  /** Lowest R_χ of a finished optimizer evaluation, and which. */
  bestRChi: z.number().nullable(),
  bestEvaluationId: z.number().int().nullable(),
  /** Estimated wall time left, s; null when nothing has finished yet to time it by. */
  etaS: z.number().nullable(),
  stopReason: StopReasonSchema.nullable(),
});
export type CampaignProgress = z.infer<typeof CampaignProgressSchema>;

export const WorkerStatusSchema = z.object({
  campaignId: z.uuid(),
  workers: z.array(
    z.object({
      index: z.number().int(),
      evaluationId: z.number().int().nullable(),
      origin: OriginSchema.nullable(),
      phase: PhaseSchema.nullable(),
      /** MD stage of the running evaluation. */
      md: z.enum(['start', 'relax', 'production', 'analysis']).nullable(),
      step: z.number().int(),
      totalSteps: z.number().int(),
      temperature: z.number().nullable(), // K
      etaS: z.number().nullable(), // s
    }),
  ),
});
export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

/** One row of the campaign list. */
export const CampaignSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: CampaignStatusSchema,
  createdAt: isoTime,
  updatedAt: isoTime,
  strategy: z.enum(['bo', 'cg', 'random', 'cmaes']),
  preset: z.string().nullable(),
  /** Free parameter names, in the optimizer's coordinate order. */
  free: z.array(z.string()),
  referenceLabel: z.string(),
  referenceAbInitio: z.boolean().nullable(),
  budget: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  bestRChi: z.number().nullable(),
  bestEvaluationId: z.number().int().nullable(),
});
export type CampaignSummary = z.infer<typeof CampaignSummarySchema>;

/** Counts of a campaign's optimizer evaluations by status (the budget counts done + failed). */
export interface StatusCounts {
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  readonly queued: number;
}
