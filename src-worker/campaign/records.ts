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
import {
  CostRangeSchema,
  EarlyStopDetailSchema,
  EvaluationFailureSchema,
  EvaluationSpecJsonSchema,
  KernelSchema,
  ProtocolSchema,
  SpeciesTableSchema,
} from '../evaluate/spec.ts';
import { ParameterSpaceSchema } from '../params/space.ts';
import { OptimizerSettingsSchema, PHASES } from '../optimize/strategy.ts';
import { BUILTIN_NAMES } from '../params/sets.ts';
import { bounded, SETTING_BOUNDS } from '../settings-bounds.ts';

/** Bumped with every store migration that changes what a record holds (src-main/store/migrations.ts). */
export const SCHEMA_VERSION = 3;

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

/**
 * queued, running: waiting or in a worker. done: MD ran to the end, rChi is its R_χ. failed: no R_χ (an MD
 * blow-up, invalid parameters, a worker crash). screened: the physics screen rejected the point before any MD
 * (no MD time, no R_χ, `screen` says which rule). stopped: MD ran and was ended early as hopeless, rChi is the
 * PARTIAL R_χ at the stop (`earlyStop` says where and against which threshold).
 */
export const EVALUATION_STATUSES = ['queued', 'running', 'done', 'failed', 'screened', 'stopped'] as const;
export const EvaluationStatusSchema = z.enum(EVALUATION_STATUSES);
export type EvaluationStatus = z.infer<typeof EvaluationStatusSchema>;
/** Finished evaluations: results stored once, never re-run. */
export const FINISHED_STATUSES: readonly EvaluationStatus[] = ['done', 'failed', 'screened', 'stopped'];
/** Finished evaluations that ran MD: what a campaign's budget counts (a screened point costs no MD and is free). */
export const MD_RUN_STATUSES: readonly EvaluationStatus[] = ['done', 'failed', 'stopped'];

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

/**
 * How the campaign searches beyond its optimizer: the physics screen before MD (src-worker/physics/screen.ts) and
 * early stopping of hopeless runs (src-worker/evaluate/early-stop.ts). New campaigns have both on; a campaign
 * stored before they existed reads as both off (store migration 2), so it keeps its meaning.
 */
export const SearchSettingsSchema = z.object({
  /** Reject physically hopeless candidates before MD (status 'screened', no budget used). */
  screen: z.boolean(),
  /** The campaign ends ('exhausted') when this many optimizer proposals in a row are screened: the optimizer is stuck in rejected space. */
  maxScreenedInARow: z.number().int().positive(),
  earlyStop: z.object({
    enabled: z.boolean(),
    /** A run whose final R_χ would be within this factor of the incumbent's is never stopped (the design goal the margins are sized for). */
    tolerance: z.number().min(1),
    /** Relative seed-to-seed sd of R_χ when the campaign has no replicas to measure it (fraction of R_χ). */
    noiseRel: z.number().nonnegative(),
    /** Checkpoints (fractions of relax + production) and the g(r) window before each, ps. */
    checkpoints: z.array(z.number().gt(0).max(1)).min(1),
    windowPs: z.number().positive(),
  }),
});
export type SearchSettings = z.infer<typeof SearchSettingsSchema>;

/**
 * Where a campaign's MD evaluations run (issue 13). `threads`: glassfit's own engine in a pool of worker threads
 * (the default, and what every campaign stored before schema 3 reads as). `lammps`: each evaluation is a local
 * LAMMPS process running the same protocol on glassfit's start configuration and exported potential; its results
 * carry engine `lammps <version>`, so they are never mixed silently with the JS engine's. `slurm`: each batch of
 * evaluations the runner dispatches is one `sbatch --array` whose tasks run either `glassfit evaluate --spec`
 * (payload 'js': the JS engine on the nodes, identical numbers) or the LAMMPS job (payload 'lammps'). Editable while
 * the campaign is not running (`campaign set`); the optimizer and the store stay on this machine either way.
 */
export const BACKENDS = ['threads', 'lammps', 'slurm'] as const;
export const BackendSchema = z.enum(BACKENDS);
export type Backend = z.infer<typeof BackendSchema>;

/** An executable as spawn() takes it (no shell): a name on PATH or a path, no spaces or shell characters. */
export const EXECUTABLE_PATTERN = /^[A-Za-z0-9._/+-]{1,400}$/;

export const LammpsSettingsSchema = z.object({
  /** The LAMMPS executable ('lmp' for Debian's package, 'lmp_mpi' on many clusters). */
  command: z.string().regex(EXECUTABLE_PATTERN, "must be one executable name or path (letters, digits, '.', '_', '/', '+', '-')"),
  /** MPI ranks per evaluation: 1 runs `lmp` alone, K > 1 `mpirun -np K lmp`. */
  mpiRanks: z.number().int().min(1).max(256),
});
export type LammpsSettings = z.infer<typeof LammpsSettingsSchema>;

/** A word SLURM takes as a partition, account or module name (no spaces or shell characters). */
const SLURM_WORD = /^[A-Za-z0-9._/+-]{1,200}$/;
const slurmWord = z.string().regex(SLURM_WORD, "must be one word (letters, digits, '.', '_', '/', '+', '-')");

export const SlurmSettingsSchema = z.object({
  /** What each array task runs: 'js' = `glassfit evaluate --spec` (the JS engine), 'lammps' = the LAMMPS job. */
  payload: z.enum(['js', 'lammps']),
  partition: slurmWord.nullable(),
  account: slurmWord.nullable(),
  /** sbatch --time: minutes, MM:SS, HH:MM:SS or D-HH:MM:SS. */
  timeLimit: z.string().regex(/^(\d+-)?\d+(:\d\d){0,2}$/, 'must be a SLURM time such as 30, 1:00:00 or 1-00:00:00'),
  /** `module load` these before the payload (e.g. lammps/2021). */
  modules: z.array(slurmWord),
  /** A folder the compute nodes see (a shared file system); null: beside the database. */
  workDir: z.string().min(1).nullable(),
  /** Evaluations submitted and not yet collected, at most: the runner's batch size. */
  maxInFlight: z.number().int().min(1).max(10_000),
  /** Seconds between polls (one squeue for all jobs per poll); sites ask for ≥ 30. */
  pollS: z.number().min(0.2).max(3600),
  /**
   * Reach the cluster through `ssh <sshHost>` (one reused connection, files by rsync) instead of running sbatch
   * here. Optional, so campaigns stored before read unchanged (absent = local). sshKey: a private key file (ssh -i);
   * remoteDir: the work folder on the cluster, seen by its compute nodes (required with sshHost).
   */
  sshHost: z.string().regex(/^[A-Za-z0-9._@-]{1,200}$/, "must be a host name or user@host (letters, digits, '.', '_', '-', '@')").nullable().optional(),
  sshPort: z.number().int().min(1).max(65535).nullable().optional(),
  sshKey: z.string().min(1).nullable().optional(),
  remoteDir: z.string().regex(/^[A-Za-z0-9._/+-]{1,400}$/, "must be a path of letters, digits, '.', '_', '/', '+', '-'").nullable().optional(),
  /**
   * The command that runs glassfit on the compute nodes for the 'js' payload, as words ('glassfit' from a global
   * npm install, 'node /opt/glassfit/bin/glassfit.mjs'); null or absent: this installation's own node and
   * bin/glassfit.mjs, which the nodes then need at the same path (a shared file system).
   */
  glassfit: z
    .string()
    .max(400)
    .regex(/^[A-Za-z0-9._/+=:~-]+( [A-Za-z0-9._/+=:~-]+)*$/, "must be words of letters, digits, '.', '_', '/', '+', '=', ':', '~', '-' separated by single spaces")
    .nullable()
    .optional(),
});
export type SlurmSettings = z.infer<typeof SlurmSettingsSchema>;

export const ExecutionSettingsSchema = z.object({
  backend: BackendSchema,
  lammps: LammpsSettingsSchema,
  slurm: SlurmSettingsSchema,
});
export type ExecutionSettings = z.infer<typeof ExecutionSettingsSchema>;

/** What a new campaign runs on unless it says otherwise, and what migration 3 gives every stored campaign. */
export const DEFAULT_EXECUTION: ExecutionSettings = {
  backend: 'threads',
  lammps: { command: 'lmp', mpiRanks: 1 },
  slurm: { payload: 'js', partition: null, account: null, timeLimit: '1:00:00', modules: [], workDir: null, maxInFlight: 16, pollS: 30 },
};

/** Where a campaign's evaluations run, in one line (CLI `campaign show`, the runner's log, the workbench header). */
export function backendLabel(campaign: { readonly execution: ExecutionSettings }, workers: number): string {
  const e = campaign.execution;
  const ranks = `${e.lammps.mpiRanks} rank${e.lammps.mpiRanks > 1 ? 's' : ''}`;
  if (e.backend === 'lammps') return `lammps (${e.lammps.command}, ${ranks} per evaluation, ${workers} at once)`;
  if (e.backend === 'slurm') {
    const s = e.slurm;
    const where = [s.partition && `partition ${s.partition}`, s.account && `account ${s.account}`, `time limit ${s.timeLimit}`, s.modules.length ? `modules ${s.modules.join(' ')}` : null]
      .filter(Boolean)
      .join(', ');
    const via = s.sshHost ? ` via ssh ${s.sshHost}${s.sshPort ? `:${s.sshPort}` : ''} in ${s.remoteDir ?? '?'}` : '';
    const js = s.glassfit ? `glassfit's engine, run as '${s.glassfit}'` : "glassfit's engine";
    return `slurm${via} (payload ${s.payload === 'js' ? js : `LAMMPS ${e.lammps.command}, ${ranks}`}; ${where}; at most ${s.maxInFlight} in flight, poll every ${s.pollS} s)`;
  }
  return `threads (${workers} workers, glassfit's engine)`;
}

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
  /** Physics screen and early stopping (frozen at creation like the optimizer settings). */
  search: SearchSettingsSchema,
  /** Where the evaluations run (threads or LAMMPS) and how; editable while the campaign is not running. */
  execution: ExecutionSettingsSchema,
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

/** Why the physics screen rejected a candidate: the rule's name and one line a user can read. */
export const ScreenDetailSchema = z.object({ rule: z.string().min(1), message: z.string() });
export type ScreenDetail = z.infer<typeof ScreenDetailSchema>;

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
  /** One line a user can read: why it failed, was screened or was stopped. */
  error: z.string().nullable(),
  /** For a screened evaluation: the screen's rule and its message. */
  screen: ScreenDetailSchema.nullable(),
  /** For a stopped evaluation: where it stopped, its partial R_χ and the threshold it exceeded. */
  earlyStop: EarlyStopDetailSchema.nullable(),
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
  /** Optimizer evaluations by status; the budget counts the MD runs (done + failed + stopped), never the screened. */
  done: z.number().int(),
  failed: z.number().int(),
  screened: z.number().int(),
  stopped: z.number().int(),
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

/**
 * MD time a campaign used and the time early stopping saved it, in hours of one worker (the store computes it:
 * store.ts mdTime).
 */
export const MdTimeSchema = z.object({
  /** Σ wall time of every evaluation that ran MD (done, failed, stopped; all origins). */
  mdHours: z.number(),
  /**
   * Estimated time the stopped runs would still have taken: per stopped run, the steps it did not run
   * (totalSteps − atStep) at its own measured µs per atom-step. The soft start and the analysis are not counted.
   */
  mdHoursSaved: z.number(),
  stoppedRuns: z.number().int(),
});
export type MdTime = z.infer<typeof MdTimeSchema>;

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
  screened: z.number().int(),
  stopped: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  bestRChi: z.number().nullable(),
  bestEvaluationId: z.number().int().nullable(),
});
export type CampaignSummary = z.infer<typeof CampaignSummarySchema>;

/** Counts of a campaign's evaluations of one origin by status (the budget counts the MD runs: done + failed + stopped). */
export type StatusCounts = Readonly<Record<EvaluationStatus, number>>;

/** Evaluations that ran MD: the budget's measure. */
export function mdRuns(c: Pick<StatusCounts, 'done' | 'failed' | 'stopped'>): number {
  return c.done + c.failed + c.stopped;
}

/** Finished evaluations of any kind. */
export function finished(c: Pick<StatusCounts, 'done' | 'failed' | 'screened' | 'stopped'>): number {
  return c.done + c.failed + c.screened + c.stopped;
}
