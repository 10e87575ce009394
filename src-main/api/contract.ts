/**
 * The workbench API contract: a zod input and output schema for every channel of channels.ts, a payload schema
 * for every event, and the GlassfitApi type the renderer programs against. Every transport (Electron IPC, the
 * HTTP/WS bridge, the CLI) parses inputs with these schemas before handlers.ts, the runner or the disk see them.
 *
 * Plain data only, JSON-safe (numbers, strings, arrays, objects): the bridge sends it as JSON, IPC by structured
 * clone. Typed arrays are number arrays here. R_χ and χ are fractions; parameter values metal units; times ISO
 * 8601 UTC. Errors: a handler rejects with an ApiError (code + one-line message) for bad input, an unknown id or
 * a refused action; transports relay `{code, message}`.
 *
 * Stability: this file is what the UI builds on; change it additively only (new optional fields, new channels).
 */
import { z } from 'zod';
import type { Channel, EventName } from './channels.ts';
import {
  BuiltinNameSchema,
  CampaignInfoSchema,
  CampaignProgressSchema,
  CampaignStatusSchema,
  CampaignSummarySchema,
  CampaignProtocolSchema,
  EvaluationArtefactsSchema,
  EvaluationRecordSchema,
  EvaluationStatusSchema,
  ForceFieldSchema,
  MdTimeSchema,
  OriginSchema,
  SearchSettingsSchema,
  BackendSchema,
  ExecutionSettingsSchema,
  LammpsSettingsSchema,
  SlurmSettingsSchema,
  PhaseSchema,
  WorkerStatusSchema,
} from '../../src-worker/campaign/records.ts';
import { ParameterSpaceSchema, DimensionSchema } from '../../src-worker/params/space.ts';
import { ReferenceProvenanceSchema } from '../../src-worker/evaluate/reference.ts';
import { BoSettingsSchema, CgSettingsSchema, CmaesSettingsSchema, TrustRegionSettingsSchema } from '../../src-worker/optimize/strategy.ts';
import { CostRangeSchema, EvaluationSpecJsonSchema, KernelSchema, ProtocolSchema } from '../../src-worker/evaluate/spec.ts';
import { PAPER_PROTOCOL } from '../../src-worker/md/protocol.ts';
import { bounded, GLASS_BOUNDS, PROTOCOL_BOUNDS, SETTING_BOUNDS } from '../../src-worker/settings-bounds.ts';
import { MAX_FILE_BYTES } from '../../src-worker/io/limits.ts';

const PAPER_TEMPERATURE = PAPER_PROTOCOL.temperature;

// ------------------------------------------------------------------------------------------ errors

export const API_ERROR_CODES = ['bad-input', 'not-found', 'conflict', 'internal'] as const;
export const ApiErrorSchema = z.object({ code: z.enum(API_ERROR_CODES), message: z.string() });
export type ApiErrorShape = z.infer<typeof ApiErrorSchema>;

/** What a handler rejects with: bad-input (a one-line reason), not-found (unknown id), conflict (e.g. deleting a running campaign). */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorShape['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }
}

// ---------------------------------------------------------------------------------- shared pieces

const id = z.uuid();
const evaluationId = z.number().int().positive();
const numbers = z.array(z.number());

/** g(r) curves for a plot: r bin centres (Å) and g per pair ('SiSi', 'SiO', 'OO'). */
export const GrCurvesSchema = z.object({ r: numbers, pairs: z.array(z.string()), g: z.record(z.string(), numbers) });
/** Angle distributions for a plot: θ (degrees), p per triplet ('OSiO', 'SiOSi'; 1/degree). */
export const AdfCurvesSchema = z.object({ theta: numbers, triplets: z.array(z.string()), p: z.record(z.string(), numbers) });

/** src-worker/evaluate/reference.ts ReferencePreview as data. */
export const ReferencePreviewSchema = z.object({
  hash: z.string(),
  provenance: ReferenceProvenanceSchema,
  pairs: z.array(z.string()),
  rRange: z.tuple([z.number(), z.number()]), // Å
  points: z.number().int(),
  dr: z.number(), // Å
  peaks: z.record(z.string(), z.object({ r: z.number(), g: z.number() }).nullable()),
  firstMinimum: z.record(z.string(), z.number().nullable()), // Å
  bondCutoffs: z.record(z.string(), z.number()).nullable(), // Å
  angles: z.record(z.string(), z.object({ mean: z.number(), peak: z.number() })).nullable(), // degrees
  coordination: z.array(z.object({ centre: z.string(), neighbour: z.string(), mean: z.number(), fractions: z.record(z.string(), z.number()) })).nullable(),
  warnings: z.array(z.string()),
});
export type ReferencePreview = z.infer<typeof ReferencePreviewSchema>;

/** LAMMPS dump type → species name, e.g. {"1": "Si", "2": "O"}. */
const TypeMapSchema = z.record(z.string().regex(/^\d{1,9}$/), z.string().regex(/^[A-Z][a-z]?$/, 'must be an element symbol such as Si'));

/** A file's name as the user's system gave it (shown and stored; control characters are stripped where it is written). */
const FileNameSchema = z.string().min(1).max(255);
/** A file's text: no larger than any reader accepts (io/limits.ts). */
const FileTextSchema = z.string().max(MAX_FILE_BYTES, `is larger than ${MAX_FILE_BYTES / 2 ** 20} MB, the most glassfit reads; subsample the frames of a long trajectory`);

/** A name a user gives (campaigns): one line of text, as it goes into file headers and lists. */
// eslint-disable-next-line no-control-regex
const NameSchema = z.string().trim().min(1).max(200).regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/, 'must be one line of text without control characters');

// ------------------------------------------------------------------------------------------ inputs

export const ReferenceInputSchema = z.discriminatedUnion('kind', [
  /** The built-in CHIK liquid (classical MD, a stand-in — not AIMD). */
  z.object({ kind: z.literal('builtin') }),
  /** A user file's contents: g(r) table (r,SiSi,SiO,OO) or trajectory (LAMMPS dump, extended XYZ, XDATCAR/POSCAR). */
  z.object({ kind: z.literal('file'), fileName: FileNameSchema, text: FileTextSchema, typeMap: TypeMapSchema.optional() }),
]);

/**
 * The optimizer part of a new campaign: the strategy, the budget (optimizer evaluations, failed ones included)
 * and optional strategy settings (strategy.ts schemas; defaults filled and frozen at creation). `dim` comes from
 * the space. For 'cg' without `start`, CG starts at the centre of the box.
 */
/**
 * A settings object whose fields are each optional with their defaults removed: what the user leaves out stays
 * out, so that the schema's paper defaults do not overwrite what campaign/setup.ts gives new campaigns
 * (NEW_CAMPAIGN_BO's trust region, NEW_CAMPAIGN_CG's reserve); parseOptimizerSettings fills the rest at creation.
 * (A `.partial()` keeps zod's defaults: `bo: { plateau: 50 }` turned the trust region off.)
 */
function choicesOf<T extends z.ZodRawShape>(schema: z.ZodObject<T>): z.ZodType<Partial<z.output<z.ZodObject<T>>>, Partial<z.input<z.ZodObject<T>>>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(schema.shape) as [string, z.ZodType][]) shape[k] = (v instanceof z.ZodDefault || v instanceof z.ZodPrefault ? (v.unwrap() as z.ZodType) : v).optional();
  return z.object(shape) as unknown as z.ZodType<Partial<z.output<z.ZodObject<T>>>, Partial<z.input<z.ZodObject<T>>>>;
}

export const OptimizerInputSchema = z.object({
  strategy: z.enum(['bo', 'cg', 'random', 'cmaes']),
  budget: bounded(SETTING_BOUNDS.budget),
  bo: BoSettingsSchema.partial().extend({ trustRegion: choicesOf(TrustRegionSettingsSchema).optional() }).optional(),
  cg: choicesOf(CgSettingsSchema).optional(),
  cmaes: CmaesSettingsSchema.partial().optional(),
  start: z.array(z.number().min(0).max(1)).optional(),
});
export type OptimizerInput = z.input<typeof OptimizerInputSchema>;

/** Protocol fields to override (default: the paper's protocol), the kernel, the R_χ r-range and a shortened soft start. */
export const ProtocolInputSchema = ProtocolSchema.partial().extend({
  kernel: KernelSchema.optional(),
  costRange: CostRangeSchema.optional(),
  softStart: EvaluationSpecJsonSchema.shape.softStart,
});

/**
 * A preset laid out for the campaign's reference, built by the handler once the reference is read: wall
 * coordinates bounded by its peaks (params/presets.ts) or the paper's, with bound overrides by name.
 */
export const PresetShapeSchema = z.object({
  preset: z.string().min(1),
  coordinates: z.enum(['wall', 'paper']).default('wall'),
  bounds: z.record(z.string(), z.object({ lower: z.number(), upper: z.number() })).optional(),
});

/** What a new campaign may choose of its search settings (records.ts SearchSettings); the rest takes the defaults. */
export const SearchInputSchema = SearchSettingsSchema.partial().extend({
  earlyStop: SearchSettingsSchema.shape.earlyStop.partial().optional(),
});

/** What a campaign may choose of its execution settings; the rest takes DEFAULT_EXECUTION (or the stored ones, for an edit). */
export const ExecutionInputSchema = z.object({ backend: BackendSchema.optional(), lammps: LammpsSettingsSchema.partial().optional(), slurm: SlurmSettingsSchema.partial().optional() });

export const NewCampaignInputSchema = z.object({
  name: NameSchema,
  reference: ReferenceInputSchema,
  /** The search space: a preset's default (builtins.get / presets.space) with the user's edits. Checked by validateSpace. Give it or `shape`. */
  space: ParameterSpaceSchema.optional(),
  /** Instead of `space`: a preset shaped by the reference (what `campaign new --preset` sends). */
  shape: PresetShapeSchema.optional(),
  /** The preset the space came from, for labels only. */
  preset: z.string().nullable().optional(),
  protocol: ProtocolInputSchema.optional(),
  optimizer: OptimizerInputSchema,
  /** Worker threads (default: one per core; at most 4 per core of this machine, checked by the handler). */
  workers: bounded(SETTING_BOUNDS.workers).optional(),
  /** Default: a random seed, stored with the campaign. */
  seed: z.number().int().nonnegative().max(0x7fffffff).optional(),
  /** Built-in sets evaluated under the same protocol (default ['BKS', 'CHIK']). */
  baselines: z.array(BuiltinNameSchema).optional(),
  /** Extra runs of the best point at the end (default 3). */
  finalReplicas: z.number().int().min(0).max(20).optional(),
  /** Physics screen and early stopping (default: both on, with builtins.get's defaultSearch tunables). */
  search: SearchInputSchema.optional(),
  /** Where the evaluations run (default threads; records.ts ExecutionSettings). */
  execution: ExecutionInputSchema.optional(),
  /** Start running at once (default false: the campaign is a draft). */
  start: z.boolean().optional(),
}).refine((x) => (x.space === undefined) !== (x.shape === undefined), {
  message: 'give either space or shape (a preset), not both or neither',
  path: ['space'],
  // Run even when other fields fail, so one answer names every bad field.
  when: (p) => typeof p.value === 'object' && p.value !== null,
});
export type NewCampaignInput = z.input<typeof NewCampaignInputSchema>;

export const EvaluationQuerySchema = z.object({
  campaignId: id,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(5000).default(100),
  /** 'index' = seq (creation order). */
  sort: z.enum(['index', 'rChi', 'phase', 'status', 'duration']).default('index'),
  order: z.enum(['asc', 'desc']).default('asc'),
  /** Only these origins / statuses (default all). */
  origin: z.array(OriginSchema).optional(),
  status: z.array(EvaluationStatusSchema).optional(),
});

// ----------------------------------------------------------------------------------------- outputs

export const AppInfoSchema = z.object({
  version: z.string(),
  engineVersion: z.string(),
  dbPath: z.string(),
  cores: z.number().int(),
  defaultWorkers: z.number().int(),
  /** µs per atom-step of one worker, for time estimates: the median of this database's finished evaluations, or a documented default. */
  usPerAtomStep: z.number(),
  usPerAtomStepSource: z.enum(['measured', 'default']),
});

export const BuiltinsSchema = z.object({
  potentials: z.array(
    z.object({
      name: BuiltinNameSchema,
      label: z.string(),
      source: z.string(),
      lammpsChecked: z.boolean(),
      /** Paper-named values: qSi, A_SiO, rho_SiO, C_SiO, … (e, eV, Å, eV·Å⁶). */
      values: z.record(z.string(), z.number()),
      params: ForceFieldSchema,
    }),
  ),
  presets: z.array(z.object({ name: z.string(), label: z.string(), description: z.string(), space: ParameterSpaceSchema })),
  /** Each parameter kind's default bounds and why (for the bounds table's hints). */
  bounds: z.array(DimensionSchema.extend({ why: z.string() })),
  /** The paper's protocol (3000 atoms, 10 + 10 ps) with the default kernel and r-range. */
  protocol: CampaignProtocolSchema,
  optimizer: z.object({
    strategies: z.array(z.object({ name: z.enum(['bo', 'cg', 'random', 'cmaes']), label: z.string(), description: z.string() })),
    defaultBudget: z.number().int(),
    /** A new campaign's BO and CG settings (the paper's, with the trust region and CG reserve new campaigns get). */
    bo: BoSettingsSchema,
    cg: CgSettingsSchema,
    cmaes: CmaesSettingsSchema,
  }),
  defaultBaselines: z.array(BuiltinNameSchema),
  defaultFinalReplicas: z.number().int(),
  /** A new campaign's search settings when it chooses none (screen and early stop on). */
  defaultSearch: SearchSettingsSchema.optional(),
  reference: z.object({ preview: ReferencePreviewSchema, curves: GrCurvesSchema, adf: AdfCurvesSchema.nullable() }),
});

export const CampaignGetSchema = z.object({
  campaign: CampaignInfoSchema,
  progress: CampaignProgressSchema,
  /** MD hours used and saved by early stopping. */
  mdTime: MdTimeSchema.optional(),
  /** Evaluations per engine that produced them (`glassfit <version>`, `lammps <version>`), first used first: more than one means R_χ from different trajectories. */
  engines: z.array(z.object({ engine: z.string(), n: z.number().int() })).optional(),
});

export const EvaluationPageSchema = z.object({ total: z.number().int(), rows: z.array(EvaluationRecordSchema) });

export const EvaluationDetailSchema = z.object({
  record: EvaluationRecordSchema,
  artefacts: EvaluationArtefactsSchema,
});

/** An evaluated point projected for a surrogate plot. */
const SurrogatePointSchema = z.object({
  evaluationId: z.number().int(),
  seq: z.number().int(),
  phase: PhaseSchema,
  /** done, failed, screened (no MD) or stopped (rChi is then the partial R_χ). */
  status: EvaluationStatusSchema.optional(),
  rChi: z.number().nullable(),
  x: z.number(),
  y: z.number().optional(),
});

export const SliceRequestSchema = z.object({ campaignId: id, param: z.string().min(1), points: z.number().int().min(2).max(1001).optional() });
/** GP posterior along one free parameter through BO's answer (paper Fig. 2); x in the parameter's unit. */
export const SliceResultSchema = z
  .object({
    param: z.string(),
    unit: z.string(),
    scale: z.enum(['linear', 'log']),
    x: numbers,
    mean: numbers, // R_χ (the posterior median for a log model)
    lower: numbers, // 2.5 % quantile
    upper: numbers, // 97.5 %
    ei: numbers, // expected improvement (Eq. 5) in the GP's output units
    feasible: numbers, // p(the run does not blow up)
    incumbent: z.number(), // R_χ
    /** The point the slice passes through: every free parameter's value. */
    through: z.record(z.string(), z.number()),
    points: z.array(SurrogatePointSchema),
  })
  .nullable();

export const MapRequestSchema = z.object({ campaignId: id, px: z.string().min(1), py: z.string().min(1), n: z.number().int().min(2).max(201).optional() });
/** GP posterior mean over two free parameters (paper Figs. 3–4), the evaluated points, the BO and CG paths. */
export const MapResultSchema = z
  .object({
    px: z.string(),
    py: z.string(),
    units: z.tuple([z.string(), z.string()]),
    scales: z.tuple([z.enum(['linear', 'log']), z.enum(['linear', 'log'])]),
    x: numbers, // [nx]
    y: numbers, // [ny]
    mean: numbers, // [ny·nx], row-major (y index slow), R_χ
    sd: numbers, // [ny·nx], GP output units
    through: z.record(z.string(), z.number()),
    points: z.array(SurrogatePointSchema),
    /** Best-so-far sequence of the BO part (phases initial, bo). */
    boPath: z.array(SurrogatePointSchema),
    /** The CG part in proposal order (phases cg, replica). */
    cgPath: z.array(SurrogatePointSchema),
    /**
     * BO's trust region (bo.trustRegion) projected on the two parameters, in their units: the box the next BO
     * proposal is searched in, its side (unit-cube units) and whether it has collapsed (the hand-over to CG).
     * Absent when the campaign's BO has none.
     */
    trustRegion: z
      .object({ x: z.tuple([z.number(), z.number()]), y: z.tuple([z.number(), z.number()]), length: z.number(), collapsed: z.boolean() })
      .optional(),
  })
  .nullable();

/**
 * Parameter importance (Optuna Dashboard's view) from the GP surrogate: first-order and total Sobol indices of
 * the posterior mean over the search box (src-worker/campaign/importance.ts), per free parameter, on the GP's
 * own output scale ('log': log R_χ).
 */
export const ImportanceResultSchema = z
  .object({
    params: z.array(z.object({ name: z.string(), first: z.number(), total: z.number() })),
    scale: z.enum(['log', 'none']),
    /** Evaluated points the GP was fitted on. */
    points: z.number().int(),
    /** Base samples of the estimator. */
    samples: z.number().int(),
  })
  .nullable();

export const ReferencePreviewResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), preview: ReferencePreviewSchema, curves: GrCurvesSchema, adf: AdfCurvesSchema.nullable() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

export const ReferenceGetSchema = z.object({
  hash: z.string(),
  provenance: ReferenceProvenanceSchema,
  curves: GrCurvesSchema,
  adf: AdfCurvesSchema.nullable(),
  coordination: z.array(z.object({ centre: z.string(), neighbour: z.string(), mean: z.number().nullable(), fractions: numbers })).nullable(),
});

const SpreadSchema = z.object({ mean: z.number(), sd: z.number().nullable(), n: z.number().int() });
export const CompareRowSchema = z.object({
  campaignId: id,
  campaignName: z.string(),
  /** 'best' = the campaign's best point (mean over it and its final replicas), 'baseline' = a built-in set under the campaign's protocol. */
  kind: z.enum(['best', 'baseline']),
  label: z.string(),
  evaluationIds: z.array(z.number().int()),
  rChi: SpreadSchema,
  chiByPair: z.record(z.string(), SpreadSchema),
  values: z.record(z.string(), z.number()),
});
export const CompareResultSchema = z.object({ rows: z.array(CompareRowSchema) });

export const ExportFileSchema = z.object({ fileName: z.string(), text: z.string() });
/** `fileName`/`text` is the main file (the include file); `files` lists every file to write (the table variant adds its table). */
export const ExportLammpsSchema = ExportFileSchema.extend({ files: z.array(ExportFileSchema) });

/** A preset's space for a reference: wall coordinates bounded by the reference's peaks (or the paper's), with each bound's reason. */
export const PresetSpaceRequestSchema = z.object({
  preset: z.string().min(1),
  coordinates: z.enum(['wall', 'paper']).default('wall'),
  reference: ReferenceInputSchema,
});
const LandmarkSchema = z.object({ contact: z.number(), empty: z.number(), peak: z.number(), peakHeight: z.number() }); // Å, Å, Å, g
export const PresetSpaceResultSchema = z.object({
  space: ParameterSpaceSchema,
  /** Why each free parameter's bounds are what they are. */
  reasons: z.record(z.string(), z.string()),
  /** The reference's landmarks per pair the bounds and the screen are built on. */
  landmarks: z.record(z.string(), LandmarkSchema),
});

/** The physics screen's verdict on a box before a campaign starts: the physical fraction, reasons, the built-ins. */
export const ScreenPreviewRequestSchema = z.object({
  space: ParameterSpaceSchema,
  reference: ReferenceInputSchema,
  temperature: z.number().positive().default(PAPER_TEMPERATURE),
  samples: z.number().int().min(10).max(20000).default(1000),
});
export const ScreenPreviewResultSchema = z.object({
  samples: z.number().int(),
  screened: z.number().int(),
  physicalFraction: z.number(),
  byRule: z.record(z.string(), z.number().int()),
  examples: z.array(z.object({ rule: z.string(), reason: z.string() })),
  /** Each built-in set: whether it is a point of the space, and whether the screen passes it. */
  builtins: z.array(z.object({ name: BuiltinNameSchema, inSpace: z.boolean(), ok: z.boolean(), reason: z.string().nullable() })),
});

// ------------------------------------------------------------------------------------------- glass

/** Which forcefield a glass is made with: a built-in set, an evaluation's parameters, or a parameter file's text. */
export const GlassPotentialSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('builtin'), name: BuiltinNameSchema }),
  z.object({ kind: z.literal('evaluation'), evaluationId }),
  z.object({ kind: z.literal('file'), fileName: FileNameSchema, text: FileTextSchema }),
]);

/**
 * A glass job (src-worker/glass/quench.ts): defaults are DEFAULT_QUENCH's (3000 atoms, 10 K/ps, 10 + 10 + 10 ps);
 * the liquid temperature is the evaluation's campaign's, else the quench default. Stage lengths are for short
 * tests and previews.
 */
export const GlassStartInputSchema = z.object({
  potential: GlassPotentialSchema,
  rate: bounded(GLASS_BOUNDS.rate).optional(),
  atoms: bounded(PROTOCOL_BOUNDS.atoms).refine((n) => n % 3 === 0, 'must be a multiple of 3 (SiO2)').optional(),
  replicas: bounded(GLASS_BOUNDS.replicas).optional(),
  seed: bounded(GLASS_BOUNDS.seed).optional(),
  liquidPs: bounded(GLASS_BOUNDS.stagePs).optional(),
  relaxPs: bounded(GLASS_BOUNDS.stagePs).optional(),
  samplePs: bounded(GLASS_BOUNDS.stagePs).positive().optional(),
  startSteps: bounded(SETTING_BOUNDS.softStartSteps).optional(),
});
export type GlassStartInput = z.input<typeof GlassStartInputSchema>;

export const GlassStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
const GlassStageSchema = z.enum(['start', 'liquid', 'cool', 'relax', 'sample']);
export const GlassProgressSchema = z.object({
  jobId: id,
  status: GlassStatusSchema,
  stage: GlassStageSchema.nullable(),
  replica: z.number().int(), // 0-based
  replicas: z.number().int(),
  fraction: z.number(), // 0…1 of all replicas' steps
  temperature: z.number().nullable(), // K
  etaS: z.number().nullable(), // s
});

const StatOf = z.object({ mean: z.number().nullable(), err: z.number().nullable() }); // mean ± standard error over replicas
export const GlassResultSchema = z.object({
  replicas: z.number().int(),
  /** density g/cm³, pressureGPa, temperature K, fqRchi %, fsdpQ/fsdpFwhm Å⁻¹, rSiO/rOO/rSiSi Å, meanSiOSi/meanOSiO °, zSi, zO, siFourFold. */
  scalars: z.record(z.string(), StatOf),
  qn: z.array(StatOf), // Q0…Q4
  curves: z.object({
    q: numbers, fq: numbers, sq: numbers, // Å⁻¹, barn, —
    r: numbers, g: z.record(z.string(), numbers), gTotal: numbers, tr: numbers, // Å, —, —, barn Å⁻²
    theta: numbers, pSiOSi: numbers, pOSiO: numbers, // °, 1/°
  }),
  /** The measured F(Q) (barn) and its T(r) at the measured density, g/cm³. */
  experiment: z.object({ q: numbers, fq: numbers, r: numbers, tr: numbers, density: z.number() }).nullable(),
  wallS: numbers,
});

export const GlassJobSchema = z.object({
  jobId: id,
  /** What the glass was made with, for legends: 'BKS', 'campaign X: evaluation 12', a file name. */
  label: z.string(),
  /** K/ps, atoms, replicas, seed, K, and each stage's length (ps; the soft start in steps). */
  settings: z.object({
    rate: z.number(),
    atoms: z.number().int(),
    replicas: z.number().int(),
    seed: z.number().int(),
    liquidTemperature: z.number(),
    liquidPs: z.number(),
    relaxPs: z.number(),
    samplePs: z.number(),
    startSteps: z.number().int(),
  }),
  progress: GlassProgressSchema,
  result: GlassResultSchema.nullable(),
  /** Why a failed job failed (the replica, stage and MD failure). */
  error: z.string().nullable(),
  /** The measured data's source and licence line, for figure captions. */
  experimentSource: z.string(),
  experimentDensity: z.number(),
  rchiRange: z.tuple([z.number(), z.number()]),
  /** When it was started (ISO time); glasses are stored in the workbench's database and listed by glass.list. */
  createdAt: z.string(),
});

/** A glass job without its curves: what the list shows (glass.get gives the rest). */
export const GlassSummarySchema = GlassJobSchema.omit({ result: true }).extend({ hasResult: z.boolean() });

// ---------------------------------------------------------------------------------------- channels

const none = z.undefined();

export const requests = {
  'app.info': { input: none, output: AppInfoSchema },
  'builtins.get': { input: none, output: BuiltinsSchema },
  'campaigns.list': { input: none, output: z.array(CampaignSummarySchema) },
  'campaigns.get': { input: z.object({ id }), output: CampaignGetSchema },
  'campaigns.create': { input: NewCampaignInputSchema, output: z.object({ id }) },
  'campaigns.control': { input: z.object({ id, action: z.enum(['resume', 'pause', 'stop']) }), output: z.object({ status: CampaignStatusSchema }) },
  /** A copy of the settings (no evaluations) as a draft; `seed` default: the original's (pass a new one for other runs). */
  'campaigns.duplicate': { input: z.object({ id, name: NameSchema.optional(), seed: z.number().int().nonnegative().max(0x7fffffff).optional() }), output: z.object({ id }) },
  'campaigns.delete': { input: z.object({ id, confirm: z.literal(true) }), output: z.object({}) },
  /** Change where a campaign's evaluations run (backend, LAMMPS command and ranks); refused while it runs or once finished. */
  'campaigns.setExecution': { input: z.object({ id, execution: ExecutionInputSchema }), output: z.object({ execution: ExecutionSettingsSchema }) },
  'evaluations.page': { input: EvaluationQuerySchema, output: EvaluationPageSchema },
  'evaluations.detail': { input: z.object({ id: evaluationId }), output: EvaluationDetailSchema },
  'surrogate.slice': { input: SliceRequestSchema, output: SliceResultSchema },
  'surrogate.map': { input: MapRequestSchema, output: MapResultSchema },
  'surrogate.importance': { input: z.object({ campaignId: id }), output: ImportanceResultSchema },
  'reference.preview': { input: z.object({ fileName: FileNameSchema, text: FileTextSchema, typeMap: TypeMapSchema.optional() }), output: ReferencePreviewResultSchema },
  'reference.get': { input: z.object({ campaignId: id }), output: ReferenceGetSchema },
  'compare.get': { input: z.object({ campaignIds: z.array(id).min(1).max(20) }), output: CompareResultSchema },
  'export.lammps': { input: z.object({ evaluationId, variant: z.enum(['include', 'table']).default('include') }), output: ExportLammpsSchema },
  'export.table': { input: z.object({ campaignId: id, format: z.enum(['json', 'csv']) }), output: ExportFileSchema },
  'presets.space': { input: PresetSpaceRequestSchema, output: PresetSpaceResultSchema },
  'screen.preview': { input: ScreenPreviewRequestSchema, output: ScreenPreviewResultSchema },
  /** Make a glass in a worker thread; progress comes as 'glass.progress' events. */
  'glass.start': { input: GlassStartInputSchema, output: z.object({ jobId: id }) },
  'glass.get': { input: z.object({ jobId: id }), output: GlassJobSchema },
  'glass.cancel': { input: z.object({ jobId: id }), output: z.object({ status: GlassStatusSchema }) },
  /** Every glass made with this database, oldest first (a glass outlives the window that started it). */
  'glass.list': { input: none, output: z.array(GlassSummarySchema) },
  /** Forget a glass (cancelled first if it is still being made). */
  'glass.delete': { input: z.object({ jobId: id }), output: z.object({ deleted: z.boolean() }) },
} as const satisfies Record<Channel, { input: z.ZodType; output: z.ZodType }>;

export const events = {
  'campaigns.changed': z.object({}),
  'campaign.progress': CampaignProgressSchema,
  'evaluation.changed': EvaluationRecordSchema,
  'worker.status': WorkerStatusSchema,
  'glass.progress': GlassProgressSchema,
} as const satisfies Record<EventName, z.ZodType>;

export type Requests = typeof requests;
export type Input<C extends Channel> = z.input<Requests[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<Requests[C]['input']>;
export type Output<C extends Channel> = z.output<Requests[C]['output']>;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What the renderer sees as `window.glassfit` (preload) or gets from the bridge client. */
export type GlassfitApi = {
  readonly [C in Channel]: (input: Input<C>) => Promise<Output<C>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The Electron-free implementation every transport calls: inputs already parsed by `requests[c].input`. */
export type Handlers = {
  readonly [C in Channel]: (input: ParsedInput<C>) => Promise<Output<C>>;
};

/** Where handlers and the runner push events (IPC webContents.send, WebSocket broadcast, CLI printer). */
export type EventSink = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** How a transport opens the backend: `await createApi(options)` in handlers.ts. */
export interface ApiOptions {
  /** The SQLite database (created with its folder if missing, unless mustExist). */
  readonly dbPath: string;
  /** Refuse to create the database (CLI commands that only read). Default false. */
  readonly mustExist?: boolean;
  /** The worker script: nodeWorkerEntry() under Node, out/main/worker.js in Electron. */
  readonly workerEntry: string | URL;
  /** The parse worker that reads uploaded files (src-main/parse/client.ts): default its Node bootstrap; Electron passes out/main/parse-worker.js. */
  readonly parseWorkerEntry?: string | URL;
  /** Receives every event (progress, evaluation changes, worker status, list changes). */
  readonly emit: EventSink;
  /** resources/reference of this installation (default: the checkout's). */
  readonly referenceDir?: string;
  /** resources/experiment of this installation, the measured glass data (default: the checkout's). */
  readonly experimentDir?: string;
  /** Shown by app.info (default: package.json's version). */
  readonly version?: string;
}

/** An open backend: the handlers every transport calls, and close() (pauses running campaigns — resumable — and closes the database). */
export interface Api {
  readonly handlers: Handlers;
  readonly dbPath: string;
  close(): Promise<void>;
}

/** Parse a channel's input; bad input becomes an ApiError('bad-input') with a one-line message naming each field. */
export function parseInput<C extends Channel>(channel: C, raw: unknown): ParsedInput<C> {
  const r = requests[channel].input.safeParse(raw);
  if (!r.success) throw new ApiError('bad-input', `${channel}: ${r.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')}`);
  return r.data as ParsedInput<C>;
}

export { CampaignStatusSchema, EvaluationRecordSchema, CampaignProgressSchema, WorkerStatusSchema, CampaignSummarySchema, CampaignInfoSchema };
