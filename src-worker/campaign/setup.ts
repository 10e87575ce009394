/**
 * Building a campaign from what a user chose (space, protocol, optimizer, baselines) and turning its stored
 * record back into what the runner needs (evaluation specs, new evaluation rows). Shared by the API handlers
 * and the CLI so that both check the same things and freeze the same defaults. Environment-free.
 *
 * Everything a campaign will ever need is checked here, before anything is stored: the space (validateSpace),
 * the protocol against the reference (specProblems), the box against the cut-offs, the optimizer settings.
 * Each problem is reported in one line naming it.
 */
import { DEFAULT_KERNEL, type KernelName } from '../md/engine.ts';
import { PAPER_PROTOCOL, type Protocol } from '../md/protocol.ts';
import type { ForceField } from '../md/forcefield.ts';
import { referenceFromJson, referenceProblems, referenceToJson, type Reference } from '../evaluate/reference.ts';
import { DEFAULT_COST_RANGE, type CostRange } from '../evaluate/cost.ts';
import { parameterProblems, specProblems } from '../evaluate/evaluate.ts';
import type { EarlyStopSpec, EvaluationSpec, SoftStartOverrides } from '../evaluate/spec.ts';
import { allParamNames, fixedFromForceField, fromUnit, parseParamName, parseSpace, toUnit, unitToValue, wallValues, type ParameterSpaceSpec } from '../params/space.ts';
import { pairList, type PairName } from '../species.ts';
import { SETTING_BOUNDS, settingProblem } from '../settings-bounds.ts';
import { BUILTIN_NAMES, builtinForceField, type BuiltinName } from '../params/sets.ts';
import { parseOptimizerSettings, type Phase, type Proposal } from '../optimize/strategy.ts';
import { DEFAULT_EARLY_STOP, type EarlyStopSettings } from '../evaluate/early-stop.ts';
import {
  DEFAULT_EXECUTION,
  ExecutionSettingsSchema,
  type Backend,
  type ExecutionSettings,
  type LammpsSettings,
  type SlurmSettings,
  SCHEMA_VERSION,
  SearchSettingsSchema,
  type CampaignProtocol,
  type CampaignRecord,
  type EvaluationRecord,
  type Origin,
  type SearchSettings,
} from './records.ts';

/** A problem with a campaign's settings: one line naming it. */
export class CampaignSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CampaignSetupError';
  }
}

/** What a new evaluation row needs; id, seq, seed and status are the store's. */
export interface NewEvaluation {
  readonly origin: Origin;
  readonly phase: Phase;
  readonly label: string | null;
  readonly params: ForceField;
  readonly values: Readonly<Record<string, number>>;
  readonly u: readonly number[];
  readonly meta: Readonly<Record<string, string | number>> | null;
  readonly kernel: KernelName;
}

export interface OptimizerChoice {
  readonly strategy: 'bo' | 'cg' | 'random' | 'cmaes';
  readonly budget: number;
  readonly bo?: Record<string, unknown>;
  readonly cg?: Record<string, unknown>;
  readonly cmaes?: Record<string, unknown>;
  readonly start?: readonly number[];
}

export interface ProtocolChoice extends Partial<Protocol> {
  readonly kernel?: KernelName;
  readonly costRange?: CostRange;
  readonly softStart?: SoftStartOverrides;
}

export interface CampaignChoice {
  readonly name: string;
  readonly reference: Reference;
  readonly space: unknown; // parsed and validated here
  readonly preset?: string | null;
  readonly protocol?: ProtocolChoice;
  readonly optimizer: OptimizerChoice;
  readonly workers: number;
  readonly seed: number;
  readonly baselines?: readonly string[];
  readonly finalReplicas?: number;
  /** BO's design starts with the built-in sets that are points of the space (default true; baselines among them are used, not run twice). */
  readonly seedBuiltins?: boolean;
  /** Physics screen and early stopping: on unless turned off; tunables override DEFAULT_EARLY_STOP. */
  readonly search?: SearchChoice;
  /** Where the evaluations run: threads unless chosen (records.ts ExecutionSettings). */
  readonly execution?: ExecutionChoice;
}

export interface ExecutionChoice {
  readonly backend?: Backend;
  readonly lammps?: Partial<LammpsSettings>;
  readonly slurm?: Partial<SlurmSettings>;
}

/** Execution settings from a choice (defaults for what it leaves out); the one check `campaign new` and `campaign set` share. */
export function executionSettings(choice: ExecutionChoice = {}, base: ExecutionSettings = DEFAULT_EXECUTION): ExecutionSettings {
  const r = ExecutionSettingsSchema.safeParse({
    backend: choice.backend ?? base.backend,
    lammps: { ...base.lammps, ...(choice.lammps ?? {}) },
    slurm: { ...base.slurm, ...(choice.slurm ?? {}) },
  });
  if (!r.success) throw new CampaignSetupError(`execution settings: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const s = r.data.slurm;
  // The job folders must be somewhere the cluster sees: over ssh that is a folder there, which glassfit cannot guess.
  if (s.sshHost && !s.remoteDir) throw new CampaignSetupError(`execution settings: slurm.remoteDir: ssh host ${s.sshHost} needs a work folder on the cluster (--remote-dir DIR)`);
  if (!s.sshHost && (s.sshPort || s.sshKey || s.remoteDir)) throw new CampaignSetupError('execution settings: slurm.sshHost: --ssh-port, --ssh-key and --remote-dir need --ssh-host');
  return r.data;
}

export interface SearchChoice {
  readonly screen?: boolean;
  readonly maxScreenedInARow?: number;
  readonly earlyStop?: { readonly enabled?: boolean } & Partial<EarlyStopSettings>;
}

/** Proposals screened in a row after which the campaign ends as exhausted (the optimizer keeps asking for rejected points). */
export const DEFAULT_MAX_SCREENED_IN_A_ROW = 2000;

/** The search settings of a new campaign: screen and early stop on, with the defaults for what is not chosen. */
export function searchSettings(choice: SearchChoice = {}): SearchSettings {
  const es = choice.earlyStop ?? {};
  const r = SearchSettingsSchema.safeParse({
    screen: choice.screen ?? true,
    maxScreenedInARow: choice.maxScreenedInARow ?? DEFAULT_MAX_SCREENED_IN_A_ROW,
    earlyStop: {
      enabled: es.enabled ?? true,
      tolerance: es.tolerance ?? DEFAULT_EARLY_STOP.tolerance,
      noiseRel: es.noiseRel ?? DEFAULT_EARLY_STOP.noiseRel,
      checkpoints: [...(es.checkpoints ?? DEFAULT_EARLY_STOP.checkpoints)],
      windowPs: es.windowPs ?? DEFAULT_EARLY_STOP.windowPs,
    },
  });
  if (!r.success) throw new CampaignSetupError(`search settings: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const cps = r.data.earlyStop.checkpoints;
  if (cps.some((x, k) => k > 0 && x <= cps[k - 1])) throw new CampaignSetupError(`search settings: early-stop checkpoints must be ascending, got ${cps.join(', ')}`);
  return r.data;
}

export const DEFAULT_BASELINES: readonly BuiltinName[] = ['BKS', 'CHIK'];

/**
 * What a new 'bo' campaign gets beyond the schema's defaults (which stay the paper's, so that stored campaigns keep
 * their meaning): the trust region, a share of the budget kept for the refinement, the refinement from two starts
 * (BO's answer and the best point of another basin, when BO found one), and the least-squares refinement on the
 * g(r) residuals instead of the paper's CG. Measured choices: see
 * src-worker/optimize/README.md (bench:science).
 */
export const NEW_CAMPAIGN_BO = { trustRegion: { enabled: true } } as const;
export const NEW_CAMPAIGN_CG = { reserve: 0.2, starts: 2, method: 'ls' } as const;
export const DEFAULT_FINAL_REPLICAS = 3;
export const DEFAULT_BUDGET = 300;

/**
 * The pairs whose g(r) a fit of this space needs in its reference: the pair of every free A, ρ or C, and every
 * pair of a species whose charge is free — with its neutralising partner (SiO2: q_O = −q_Si/2), whose charge
 * moves too. Without them R_χ cannot see what the free parameters change.
 */
export function neededPairs(space: ParameterSpaceSpec): PairName[] {
  const pairs = pairList(space.species);
  const need = new Set<PairName>();
  for (const d of space.free) {
    const p = parseParamName(space.species, d.name);
    if (!p) continue;
    if (p.kind === 'q') {
      for (const q of pairs) {
        const names = [space.species.species[q.ti].name, space.species.species[q.tj].name];
        if (names.includes(p.species) || names.includes(space.chargeBalance)) need.add(q.name);
      }
    } else need.add(p.pair);
  }
  return pairs.map((q) => q.name).filter((n) => need.has(n));
}

/** Paper-named values of every parameter of a forcefield (charges but the balancing one, then A, ρ, C per pair). */
export function valuesOf(space: ParameterSpaceSpec, ff: ForceField): Record<string, number> {
  const v = fixedFromForceField(space.species, ff, allParamNames(space.species, space.chargeBalance));
  // Free wall coordinates (rmin_SiO, rwall_OO) next to the A they derive; a set without such a wall has none.
  for (const [name, r] of Object.entries(wallValues(space, ff))) if (Number.isFinite(r)) v[name] = r;
  return v;
}

function evaluationSpecOf(protocol: CampaignProtocol, species: CampaignRecord['species'], reference: Reference, seed: number, earlyStop?: EarlyStopSpec | null): EvaluationSpec {
  const { kernel, costRange, softStart, ...md } = protocol;
  return { species, protocol: md, reference, costRange, seed, kernel, ...(softStart ? { softStart } : {}), ...(earlyStop ? { earlyStop } : {}) };
}

/**
 * Check the choice and build the campaign record (status 'draft') with its baseline evaluations. Throws a
 * CampaignSetupError naming the first problems.
 */
export function buildCampaign(choice: CampaignChoice, ids: { id: string; now: string }): { record: CampaignRecord; initial: NewEvaluation[] } {
  let space: ParameterSpaceSpec;
  try {
    space = parseSpace(choice.space);
  } catch (e) {
    throw new CampaignSetupError((e as Error).message);
  }
  if (space.free.length === 0) throw new CampaignSetupError('invalid parameter space: no free parameter to fit');
  const species = space.species;
  const names = species.species.map((s) => s.name);
  if (choice.reference.species.join(',') !== names.join(',')) {
    throw new CampaignSetupError(`the reference is for species ${choice.reference.species.join(', ')}, the parameter space for ${names.join(', ')}`);
  }
  const { kernel = DEFAULT_KERNEL, costRange = DEFAULT_COST_RANGE, softStart, ...md } = choice.protocol ?? {};
  const protocol: CampaignProtocol = { ...PAPER_PROTOCOL, ...md, kernel, costRange, ...(softStart ? { softStart } : {}) };
  const spec = evaluationSpecOf(protocol, species, choice.reference, choice.seed);
  const problems = specProblems(spec);
  if (problems.length) throw new CampaignSetupError(`protocol: ${problems.join('; ')}`);
  // The reference must hold what this fit needs, before anything is stored (specProblems checked its values).
  const need = neededPairs(space);
  const refIssues = referenceProblems(choice.reference, { costRange: spec.costRange, needPairs: need, needWhy: `the free parameters ${space.free.map((d) => d.name).join(', ')}` });
  if (refIssues.length) throw new CampaignSetupError(`reference ${choice.reference.provenance.name}: ${refIssues.join('; ')}`);
  // The box must hold the cut-offs whatever the parameters: check one point of the space.
  const centre = fromUnit(space, new Array<number>(space.free.length).fill(0.5));
  const boxIssues = parameterProblems(centre, spec);
  if (boxIssues.length) throw new CampaignSetupError(`protocol: ${boxIssues.join('; ')}`);

  const workersIssue = settingProblem(SETTING_BOUNDS.workers, choice.workers);
  if (workersIssue) throw new CampaignSetupError(`workers: ${workersIssue}`);
  if (!Number.isSafeInteger(choice.seed) || choice.seed < 0) throw new CampaignSetupError(`seed must be a non-negative integer, got ${choice.seed}`);
  const baselines = (choice.baselines ?? DEFAULT_BASELINES).map((b) => {
    const name = BUILTIN_NAMES.find((k) => k.toLowerCase() === b.toLowerCase());
    if (!name) throw new CampaignSetupError(`unknown baseline '${b}' (built-in sets: ${BUILTIN_NAMES.join(', ')})`);
    return name;
  });
  if (new Set(baselines).size !== baselines.length) throw new CampaignSetupError(`baselines repeat: ${baselines.join(', ')}`);
  if (baselines.length && names.join(',') !== 'Si,O') throw new CampaignSetupError(`built-in baselines are silica sets; the space's species are ${names.join(', ')}`);
  // The built-ins that are points of the space seed BO's design (issue 11): a baseline among them enters the model
  // as an observation once it has run (campaign/search.ts); the others are the design's first points.
  const seeds = (choice.seedBuiltins ?? true) ? builtinsInSpace(space).filter((b) => !baselines.includes(b)) : [];
  const o = choice.optimizer;
  const dim = space.free.length;
  const raw: Record<string, unknown> = { strategy: o.strategy, dim, budget: o.budget };
  if (o.strategy === 'bo') {
    const bo = o.bo as { trustRegion?: object; initial?: { include?: number[][] } } | undefined;
    const cg = o.cg ?? {};
    const given = bo?.initial?.include ?? [];
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, k) => Math.abs(x - b[k]) < 1e-12);
    const seeded = seeds.map((b) => Array.from(toUnit(space, builtinForceField(b)))).filter((u) => !given.some((g) => same(g, u)));
    const include = [...seeded, ...given];
    Object.assign(raw, {
      bo: { ...bo, initial: { ...(bo?.initial ?? {}), include }, trustRegion: { ...NEW_CAMPAIGN_BO.trustRegion, ...(bo?.trustRegion ?? {}) } },
      cg: { reserve: NEW_CAMPAIGN_CG.reserve, starts: NEW_CAMPAIGN_CG.starts, method: NEW_CAMPAIGN_CG.method, ...cg },
    });
  }
  if (o.strategy === 'cg') Object.assign(raw, { start: o.start ?? new Array<number>(dim).fill(0.5), cg: o.cg ?? {} });
  if (o.strategy === 'cmaes') Object.assign(raw, { cmaes: o.cmaes ?? {} });
  let optimizer: CampaignRecord['optimizer'];
  try {
    optimizer = parseOptimizerSettings(raw);
  } catch (e) {
    throw new CampaignSetupError((e as Error).message);
  }

  const finalReplicas = choice.finalReplicas ?? DEFAULT_FINAL_REPLICAS;
  if (!Number.isInteger(finalReplicas) || finalReplicas < 0) throw new CampaignSetupError(`final replicas must be a non-negative integer, got ${finalReplicas}`);
  const name = choice.name.trim();
  if (!name) throw new CampaignSetupError('a campaign needs a name');
  const search = searchSettings(choice.search);

  const refJson = referenceToJson(choice.reference);
  const record: CampaignRecord = {
    id: ids.id,
    name,
    createdAt: ids.now,
    updatedAt: ids.now,
    status: 'draft',
    species: { species: species.species.map((s) => ({ ...s })) },
    reference: { hash: refJson.hash, provenance: refJson.provenance, data: refJson },
    preset: choice.preset ?? null,
    space,
    protocol,
    optimizer,
    workers: choice.workers,
    seed: choice.seed,
    baselines,
    finalReplicas,
    search,
    execution: executionSettings(choice.execution),
    stopReason: null,
    schemaVersion: SCHEMA_VERSION,
  };
  const initial = baselines.map((b) => baselineEvaluation(record, b));
  return { record, initial };
}

/**
 * Whether a forcefield is a point of the space: its unit coordinates lie in [0, 1]^d and the space maps them back
 * to the same forcefield (fixed parameters, switched-off pairs and derived A included, to 1e-9 relative).
 */
export function inSpace(space: ParameterSpaceSpec, ff: ForceField): boolean {
  const u = toUnit(space, ff);
  for (const x of u) if (!(x >= 0 && x <= 1)) return false;
  const back = fromUnit(space, u);
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  for (const [sp, q] of Object.entries(ff.charge)) if (!close(back.charge[sp] ?? NaN, q)) return false;
  for (const [pair, p] of Object.entries(ff.pair)) {
    const b = back.pair[pair];
    if (!b || !close(b.A, p.A) || !close(b.rho, p.rho) || !close(b.C, p.C) || !close(b.D, p.D)) return false;
  }
  return true;
}

/**
 * A built-in set under the campaign's protocol (origin and phase 'baseline'); its u may lie outside [0, 1].
 * meta.inSpace = 1 marks a set that is a point of the space: the optimizer takes its result as an observation
 * (the campaign's baselines seed the model instead of running twice).
 */
export function baselineEvaluation(c: CampaignRecord, name: BuiltinName): NewEvaluation {
  const ff = builtinForceField(name);
  const u = Array.from(toUnit(c.space, ff));
  return { origin: 'baseline', phase: 'baseline', label: name, params: ff, values: valuesOf(c.space, ff), u, meta: { inSpace: inSpace(c.space, ff) ? 1 : 0 }, kernel: c.protocol.kernel };
}

/** The built-in sets that are points of a space, in BUILTIN_NAMES order: the seeds of its initial design. */
export function builtinsInSpace(space: ParameterSpaceSpec): BuiltinName[] {
  if (space.species.species.map((x) => x.name).join(',') !== 'Si,O') return [];
  return BUILTIN_NAMES.filter((n) => inSpace(space, builtinForceField(n)));
}

/** An optimizer proposal as a new evaluation: u, phase and meta exactly as proposed. */
export function proposalEvaluation(c: CampaignRecord, p: Proposal): NewEvaluation {
  const u = Array.from(p.u);
  const ff = fromUnit(c.space, u);
  const values = valuesOf(c.space, ff);
  // A free wall coordinate is stored as searched: read back from the potential it could name another stationary
  // point (a candidate whose U′ = 0 at r_min is a barrier top has its minimum in an inner well near 1 Å).
  c.space.free.forEach((d, i) => {
    const w = parseParamName(c.space.species, d.name);
    if (w && (w.kind === 'rmin' || w.kind === 'rwall')) values[d.name] = unitToValue(d, u[i]);
  });
  return { origin: 'optimizer', phase: p.phase, label: null, params: ff, values, u, meta: p.meta ? { ...p.meta } : null, kernel: c.protocol.kernel };
}

/** k more runs of the best point with other seeds (origin 'final', phase 'replica', meta.of = the point's id). */
export function finalEvaluations(c: CampaignRecord, best: EvaluationRecord, k: number): NewEvaluation[] {
  return Array.from({ length: k }, (_, i) => ({
    origin: 'final' as const,
    phase: 'replica' as const,
    label: 'best',
    params: best.params as ForceField,
    values: best.values,
    u: best.u,
    meta: { of: best.id, replica: i + 1 },
    kernel: c.protocol.kernel,
  }));
}

/** The campaign's reference as the evaluator uses it (hash re-checked). */
export function campaignReference(c: CampaignRecord): Reference {
  return referenceFromJson(c.reference.data);
}

/** The evaluation spec of one stored evaluation (its own seed), with the early stop the runner chose at dispatch. */
export function specFor(c: CampaignRecord, reference: Reference, seed: number, earlyStop?: EarlyStopSpec | null): EvaluationSpec {
  return evaluationSpecOf(c.protocol, c.species, reference, seed, earlyStop);
}
