/**
 * The optimizer's ask/tell vocabulary and settings. A strategy is a pure function of the evaluated points so far
 * (in proposal order), the proposals still running, the settings and a seed: the campaign runner asks it for q
 * proposals, runs MD on them, and tells it results by appending observations to the history. Nothing is kept
 * between calls, so a campaign resumed from its stored points gets exactly the proposal it would have got.
 *
 * Points live in the unit cube [0,1]^d of the parameter space (params/space.ts maps them to forcefields).
 */
import { z } from 'zod';
import { bounded, SETTING_BOUNDS } from '../settings-bounds.ts';

export const PHASES = ['initial', 'bo', 'cg', 'replica', 'baseline'] as const;
export type Phase = (typeof PHASES)[number];

/** A point of [0,1]^d; stored and sent as a plain number array (exact through JSON). */
export type UnitPoint = readonly number[] | Float64Array;

/** Meta tags let a replayable strategy (CG, CMA-ES) recognise its own proposals: e.g. {role: 'fd', it: 3, k: 2, side: -1}. */
export type ProposalMeta = Readonly<Record<string, string | number>>;

export interface Proposal {
  readonly u: UnitPoint; // [d] in [0,1]^d
  readonly phase: Phase;
  readonly meta?: ProposalMeta;
}

/**
 * How an evaluation ended. done: a full run, y = R_χ. failed: the MD blew up (or the parameters were unusable),
 * y = null. screened: the physics screen rejected the point before MD (physics/screen.ts), y = null, no MD time.
 * stopped: the run was stopped early as hopeless, y = the R_χ of the structure gathered so far (noisier and
 * biased high: a lower-fidelity observation of a point already known to be far worse than the incumbent).
 */
export const OBSERVATION_STATUSES = ['done', 'failed', 'screened', 'stopped'] as const;
export type ObservationStatus = (typeof OBSERVATION_STATUSES)[number];

export interface Observation extends Proposal {
  /** The objective (R_χ as a fraction); null for a failed or screened evaluation; the partial R_χ of a stopped one. */
  readonly y: number | null;
  /** Known variance of y when the evaluator measured it (e.g. from replicas), in y's units squared. */
  readonly yVar?: number;
  /** Absent: 'done' when y is a number, 'failed' when it is null (histories written before screening existed). */
  readonly status?: ObservationStatus;
  /**
   * R_χ as a vector (evaluate/cost.ts rChiResiduals: |residual|² = y²) for a done run, when the strategy asks for
   * it (`needsResiduals`): the least-squares refinement models every g(r) bin.
   */
  readonly residual?: ArrayLike<number>;
}

export function statusOf(o: Observation): ObservationStatus {
  return o.status ?? (o.y === null ? 'failed' : 'done');
}

/**
 * Meta of the campaign's baseline runs (built-in sets that are points of the space) that the runner puts first
 * in the history, phase 'initial', so the model learns from them: {origin: 'baseline', label: 'BKS'}. They are
 * extra to the budget, like screened points.
 */
export const BASELINE_META_ORIGIN = 'baseline';

/** Whether a history entry is one of the campaign's baselines given to the model (not one of the optimizer's points). */
export function isBaseline(p: Proposal): boolean {
  return p.meta?.origin === BASELINE_META_ORIGIN;
}

/**
 * Whether an entry of the history used the optimizer's budget: the budget counts MD runs the optimizer asked
 * for. A screened point ran no MD; a campaign baseline is the campaign's, not the optimizer's.
 */
export function usesBudget(o: Observation): boolean {
  return statusOf(o) !== 'screened' && !isBaseline(o);
}

/** MD runs of the budget used by the history. */
export function budgetUsed(history: readonly Observation[]): number {
  let n = 0;
  for (const o of history) if (usesBudget(o)) n++;
  return n;
}

export const ProposalSchema = z.object({
  u: z.array(z.number().min(0).max(1)),
  phase: z.enum(PHASES),
  meta: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export const ObservationSchema = ProposalSchema.extend({
  y: z.number().nullable(),
  yVar: z.number().nonnegative().optional(),
  status: z.enum(OBSERVATION_STATUSES).optional(),
});

/**
 * Which points may be evaluated at all: the campaign's physics screen over the unit cube (built by the optimizer
 * service from the parameter space and the screen context). A strategy that knows it never proposes a point it
 * rejects, except where a point is proposed to be stored as screened (design points; the runner screens every
 * proposal anyway). A pure function of u, so proposals stay a pure function of their arguments.
 */
export type Feasible = (u: ArrayLike<number>) => boolean;

export type StopReason = {
  readonly kind: 'budget' | 'plateau' | 'converged' | 'failed';
  readonly detail: string;
};

/** Same (history, pending, q, settings, seed) ⇒ same proposals. Fewer than q (even none) means "wait for results". */
export interface Strategy<S> {
  readonly name: OptimizerSettings['strategy'];
  propose(history: readonly Observation[], pending: readonly Proposal[], q: number, settings: S, seed: number, feasible?: Feasible): Proposal[];
  /** `feasible`: the same screen propose got (a strategy whose state depends on it must see it here too). */
  stop(history: readonly Observation[], settings: S, feasible?: Feasible): StopReason | null;
}

/** The GP surrogate. */
export const GpSettingsSchema = z.object({
  /**
   * 'log' models log y: R_χ is positive, its noise is roughly relative (~2 %, paper Sec. 2.4), and bad forcefields
   * reach R_χ ≫ 1 — on a log scale the noise is homoscedastic and the bad region does not dominate the fit.
   * Needs y > 0. 'none' models y itself (the paper).
   */
  outputTransform: z.enum(['log', 'none']).default('log'),
  /**
   * 'auto': points with a known yVar use it; for the others the noise variance is fixed to the pooled variance
   * of replicas (repeated evaluations of one point) once those give ≥ 3 degrees of freedom, and learned
   * otherwise. 'learned' always learns it; 'replicas' requires replicas and fails without them.
   */
  noise: z.enum(['auto', 'learned', 'replicas']).default('auto'),
  /** Floor of the noise standard deviation, relative to y (in log units for 'log'): 1e-3 = 0.1 %, half the smallest seed-to-seed spread measured for R_χ. */
  noiseFloorRel: z.number().positive().default(1e-3),
  /** Starts of the likelihood maximisation (at most 2 when the fit uses more than 150 points). */
  restarts: z.number().int().min(1).default(3),
  /** Hyper-parameters are fitted on at most this many points (the best quarter plus an even spread of the rest); O(m³) per likelihood evaluation. */
  fitSubset: z.number().int().min(20).default(200),
  /** Hyper-parameters are refitted at every new point up to this many points… */
  refitAlways: z.number().int().min(2).default(60),
  /** …and beyond it only when the data grew by this fraction since the last refit (the model itself is rebuilt every time). */
  refitGrowth: z.number().min(0).default(0.1),
});
export type GpSettings = z.infer<typeof GpSettingsSchema>;

export const AcquisitionSettingsSchema = z.object({
  /** Scrambled-Sobol candidates screened per proposal (beyond 300 points through a cheap exact upper bound; halved beyond 1000 points, see bo.ts). */
  rawSamples: z.number().int().min(1).default(512),
  /** Gaussian perturbations (sd 0.05) around each of the 5 best points, per dimension (halved beyond 1000 points). */
  localSamplesPerDim: z.number().int().min(0).default(16),
  /** Best candidates refined by projected L-BFGS on log-EI (beyond 1000 points at most 2, of at most 15 steps: each step costs two O(n²) solves). */
  restarts: z.number().int().min(1).default(4),
  maxIter: z.number().int().min(1).default(40),
  /**
   * The incumbent R_χ(Ξ̂) of Eq. 5. 'observed': the lowest observed value, as in the paper. Under noise it is
   * biased low, which keeps EI exploring; 'mean' (the lowest posterior mean over evaluated points) is the
   * textbook noise-robust choice but exploits harder, and in the benchmark it let BO stall on re-sampling a
   * local minimum (noisy Ackley 2-D and 7-D: one seed in ten each), so it is the option, not the default.
   * Either way the point handed to CG and reported as BO's answer is the one with the lowest posterior mean.
   */
  incumbent: z.enum(['mean', 'observed']).default('observed'),
});
export type AcquisitionSettings = z.infer<typeof AcquisitionSettingsSchema>;

export const InitialDesignSchema = z.object({
  /** Points in the initial design; null = from the budget: clamp(10 % of budget, 2d + 2, 10d). */
  size: z.number().int().min(1).nullable().default(null),
  design: z.enum(['sobol', 'lhs']).default('sobol'),
  /** Points evaluated first (e.g. a known forcefield such as BKS, via toUnit), before the space-filling design. */
  include: z.array(z.array(z.number().min(0).max(1))).default([]),
});

export const CgSettingsSchema = z.object({
  /** Run the CG refinement after BO (strategy 'bo' only). */
  enabled: z.boolean().default(true),
  /**
   * The refinement: 'cg', the paper's conjugate gradients on R_χ (cg.ts); 'ls', a trust-region Gauss–Newton on
   * the g(r) residuals, whose model is fitted to the runs already made (ls.ts). The rest of these settings
   * (replicas, starts, budget shares) apply to both; fd*, line and tolerance settings to 'cg' only, ls* to 'ls'.
   */
  method: z.enum(['cg', 'ls']).default('cg'),
  /** 'ls': first trust-region radius, unit-cube 2-norm… */
  lsRadius: z.number().positive().max(1).default(0.1),
  /** …its largest value… */
  lsRadiusMax: z.number().positive().max(2).default(0.3),
  /** …and the radius below which it restarts from its centre with lsRadius (noise shrinks it too early)… */
  lsRadiusMin: z.number().positive().default(0.01),
  /** …at most this many times; then it has converged. */
  lsRestarts: z.number().int().min(0).default(2),
  /** 'ls': iterations at most (one MD run or none each; 'cg' has maxIterations, each of 2d + 3 runs). */
  lsMaxIterations: z.number().int().min(1).default(1000),
  /** Extra evaluations of the start point: they measure the noise that sizes FD steps and tolerances. */
  replicas: z.number().int().min(0).default(3),
  /** Relative noise assumed when replicas give no estimate (paper: ~2 %). */
  noiseRel: z.number().positive().default(0.02),
  fd: z.enum(['central', 'forward']).default('central'),
  /** First finite-difference step, unit-cube units; adapted per coordinate against the noise afterwards. */
  fdStep: z.number().positive().max(0.25).default(0.02),
  fdStepMin: z.number().positive().default(1e-3),
  fdStepMax: z.number().positive().max(0.25).default(0.1),
  /** A difference smaller than this many noise sds is noise: the step of that coordinate doubles. */
  fdSignal: z.number().positive().default(3),
  /** First trial step of the line search, unit-cube length. */
  initialStep: z.number().positive().default(0.05),
  /** Trial points per direction (paper: 3). */
  maxLineSteps: z.number().int().min(1).default(3),
  /**
   * Fraction of the budget kept for the refinement: BO hands over to CG once no more than this is left, even
   * before its plateau (the paper's 100-iteration plateau is never reached within a few hundred evaluations).
   * 0 = the paper's rule alone.
   */
  reserve: z.number().min(0).max(1).default(0),
  /**
   * CG chains, run one after another from distinct BO points (bo.ts `boStarts`): the first from BO's answer, each
   * further one from the best measured point of another basin, if BO found one. Each chain but the last gets an equal share
   * of the budget left at the hand-over; a chain that converges early passes its rest on. 1 = the paper's single
   * refinement.
   */
  starts: z.number().int().min(1).max(8).default(1),
  /** A further start lies at least this far (unit-cube Euclidean distance) from every start before it… */
  startSeparation: z.number().positive().default(0.4),
  /** …and its measured R_χ is at most this multiple of the answer's. */
  startWithin: z.number().min(1).default(1.5),
  /** Consecutive calm iterations that end the refinement (paper: 10). */
  patience: z.number().int().min(1).default(10),
  /** Calm: the accepted point moved less than this (unit-cube max-norm)… */
  positionTol: z.number().positive().default(0.01),
  /** …R_χ changed less than this (null: 2√2 noise sds)… */
  valueTol: z.number().positive().nullable().default(null),
  /** …and the squared gradient (y units per unit-cube length, squared) is below this (null: 4× its pure-noise expectation). */
  gradTol: z.number().positive().nullable().default(null),
  maxIterations: z.number().int().min(1).default(100),
});
export type CgSettings = z.infer<typeof CgSettingsSchema>;

/**
 * A TuRBO-like trust region (Eriksson et al. 2019) for the BO phase: EI is maximised inside a box around the
 * incumbent (the evaluated point with the lowest posterior mean) whose side is `length` × the GP's relative
 * length-scales; the box doubles after `successTol` improvements in a row and halves after `failureTol`
 * non-improvements. A pure function of the history (replayed). Off in the schema's default so that campaigns
 * stored before it existed keep their meaning; new campaigns switch it on (campaign/setup.ts).
 */
export const TrustRegionSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  /** Side of the first box, unit-cube units (TuRBO: 0.8 of a unit cube; the reference-shaped box is already tight). */
  initial: z.number().positive().max(2).default(0.4),
  /** Below this side the region has collapsed: BO hands over to CG (or restarts the region without CG). */
  min: z.number().positive().default(1 / 64),
  max: z.number().positive().max(2).default(1),
  successTol: z.number().int().min(1).default(3),
  /** null: max(4, ⌈d/2⌉). */
  failureTol: z.number().int().min(1).nullable().default(null),
  /** An observation improves on the best if it is lower by more than this fraction (about the noise of one run). */
  improveRel: z.number().min(0).default(0.02),
  /**
   * What a collapse does. 'cg': BO hands over to the CG refinement (the first collapse ends BO). 'restart'
   * (TuRBO's answer): the next `restartSteps` BO runs maximise EI over the whole box, then the region starts again
   * at `initial` around the incumbent of that moment; CG comes only at the plateau or the budget's CG reserve.
   */
  onCollapse: z.enum(['cg', 'restart']).default('cg'),
  /** Global BO runs after a collapse with onCollapse 'restart'; null: the dimension d. */
  restartSteps: z.number().int().min(1).nullable().default(null),
});
export type TrustRegionSettings = z.infer<typeof TrustRegionSettingsSchema>;

export const BoSettingsSchema = z.object({
  initial: InitialDesignSchema.prefault({}),
  trustRegion: TrustRegionSettingsSchema.prefault({}),
  /** Stop (or hand over to CG) when the best value has not improved for this many BO iterations (paper: 100). */
  plateau: z.number().int().min(1).default(100),
  /** An observation improves on the best only if it is lower by more than this fraction of |best|. */
  plateauRelTol: z.number().min(0).default(0.005),
  gp: GpSettingsSchema.prefault({}),
  acquisition: AcquisitionSettingsSchema.prefault({}),
});
export type BoSettings = z.infer<typeof BoSettingsSchema>;

export const CmaesSettingsSchema = z.object({
  /** Initial step size, unit-cube units (Hansen: about a third of the range). */
  sigma0: z.number().positive().default(0.3),
  /** Population λ; null = 4 + ⌊3 ln d⌋. */
  popsize: z.number().int().min(2).nullable().default(null),
  /** Initial mean; null = the centre of the box. */
  start: z.array(z.number().min(0).max(1)).nullable().default(null),
});

const common = {
  /** Free parameters (the unit cube's dimension), from the parameter space. */
  dim: z.number().int().min(1),
  /** Evaluations in all, failed ones included; bounded with its reason in settings-bounds.ts. */
  budget: bounded(SETTING_BOUNDS.budget),
};

export const OptimizerSettingsSchema = z.discriminatedUnion('strategy', [
  z.object({ strategy: z.literal('bo'), ...common, bo: BoSettingsSchema.prefault({}), cg: CgSettingsSchema.prefault({}) }),
  z.object({ strategy: z.literal('cg'), ...common, start: z.array(z.number().min(0).max(1)), cg: CgSettingsSchema.prefault({}) }),
  z.object({ strategy: z.literal('random'), ...common }),
  z.object({ strategy: z.literal('cmaes'), ...common, cmaes: CmaesSettingsSchema.prefault({}) }),
]);
export type OptimizerSettings = z.infer<typeof OptimizerSettingsSchema>;
export type OptimizerSettingsInput = z.input<typeof OptimizerSettingsSchema>;
export type BoOptimizerSettings = Extract<OptimizerSettings, { strategy: 'bo' }>;
export type CgOptimizerSettings = Extract<OptimizerSettings, { strategy: 'cg' }>;
export type RandomOptimizerSettings = Extract<OptimizerSettings, { strategy: 'random' }>;
export type CmaesOptimizerSettings = Extract<OptimizerSettings, { strategy: 'cmaes' }>;

/** Parse settings (filling defaults); throws an error naming each bad field. */
export function parseOptimizerSettings(raw: unknown): OptimizerSettings {
  const r = OptimizerSettingsSchema.safeParse(raw);
  if (!r.success) throw new Error(`invalid optimizer settings: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const s = r.data;
  if (s.strategy === 'cg' && s.start.length !== s.dim) throw new Error(`invalid optimizer settings: start has ${s.start.length} coordinates, dim is ${s.dim}`);
  if (s.strategy === 'cmaes' && s.cmaes.start && s.cmaes.start.length !== s.dim) throw new Error(`invalid optimizer settings: cmaes.start has ${s.cmaes.start.length} coordinates, dim is ${s.dim}`);
  if (s.strategy === 'bo') for (const p of s.bo.initial.include) if (p.length !== s.dim) throw new Error(`invalid optimizer settings: an initial.include point has ${p.length} coordinates, dim is ${s.dim}`);
  return s;
}

/** Whether the strategy reads `Observation.residual` (the runner then loads the g(r) of each done run). */
export function needsResiduals(s: OptimizerSettings): boolean {
  return s.strategy === 'bo' && s.cg.enabled && s.cg.method === 'ls';
}

/** Checks every point of a history/pending list has d coordinates in [0,1]; throws naming the first bad one. */
export function checkPoints(list: readonly Proposal[], d: number, what: string): void {
  list.forEach((p, i) => {
    if (p.u.length !== d) throw new Error(`${what}[${i}] has ${p.u.length} coordinates, the space has ${d}`);
    for (let k = 0; k < d; k++) {
      const v = p.u[k];
      if (!(v >= 0 && v <= 1)) throw new Error(`${what}[${i}].u[${k}] = ${v} is outside [0, 1]`);
    }
  });
}

/** Remaining MD runs: the budget minus the runs made (budgetUsed) and those running (every pending proposal counts). */
export function remainingBudget(history: readonly Observation[], pending: readonly Proposal[], budget: number): number {
  let p = 0;
  for (const x of pending) if (!isBaseline(x)) p++;
  return Math.max(0, budget - budgetUsed(history) - p);
}

/** The budget stop every strategy shares. */
export function budgetStop(history: readonly Observation[], budget: number): StopReason | null {
  const used = budgetUsed(history);
  return used >= budget ? { kind: 'budget', detail: `all ${budget} MD evaluations used` } : null;
}
