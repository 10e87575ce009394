/**
 * `glassfit campaign new|run|status|list|export`: fitting campaigns from the command line, stored in one SQLite
 * database (--db, default the desktop app's). `new`, `status`, `list` and `export` go through the workbench API
 * handlers, so they check and answer exactly as the app does; `run` drives the same campaign runner the app
 * embeds, with a progress line, and pauses cleanly on Ctrl-C (resume with `run` again).
 */
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse, int, num } from '../args.ts';
import { CliError } from '../errors.ts';
import { checkOutput, readTextFile, writeOutput } from '../files.ts';
import { SETTING_BOUNDS, settingProblem, workersProblem } from '../../../src-worker/settings-bounds.ts';
import { splitOptions } from '../potential-arg.ts';
import { PROTOCOL_OPTIONS, costRangeFromOptions, protocolFromOptions, protocolHelp, softStartSteps } from '../protocol-args.ts';
import { countsText, formatValues, pct, progressPrinter, progressText, referenceText } from '../campaign-print.ts';
import { createApi } from '../../api/handlers.ts';
import { ApiError, ExecutionInputSchema, parseInput, type Api, type EventSink, type NewCampaignInput } from '../../api/contract.ts';
import { defaultDbPath } from '../../paths.ts';
import { openStore, type Store } from '../../store/store.ts';
import { StoreError } from '../../store/db.ts';
import { startCampaign, type RunOutcome } from '../../runner/runner.ts';
import { nodeWorkerEntry } from '../../runner/worker-path.ts';
import { PAPER_PROTOCOL } from '../../../src-worker/md/protocol.ts';
import { DEFAULT_KERNEL, KERNEL_NAMES, type KernelName } from '../../../src-worker/md/engine.ts';
import { DEFAULT_COST_RANGE } from '../../../src-worker/evaluate/cost.ts';
import { COORDINATES, PRESET_NAMES, PRESETS, customSpace, type Coordinates, type PresetName } from '../../../src-worker/params/presets.ts';
import { BUILTIN_NAMES, BUILTIN_SETS, silicaForceField } from '../../../src-worker/params/sets.ts';
import { parseTypeMap } from '../../../src-worker/io/lammps-dump.ts';
import type { ParameterSpaceSpec } from '../../../src-worker/params/space.ts';
import { DEFAULT_BASELINES, DEFAULT_BUDGET, DEFAULT_FINAL_REPLICAS } from '../../../src-worker/campaign/setup.ts';
import { exportForceField, rChiWithReplicas } from '../../../src-worker/campaign/export.ts';
import { BACKENDS, EXECUTABLE_PATTERN, mdRuns, type Backend } from '../../../src-worker/campaign/records.ts';
import { backendLabel } from '../../runner/backend.ts';
import { searchWarnings } from '../../../src-worker/campaign/advice.ts';

const BACKEND_HELP = `  --backend threads|lammps|slurm
                         where each evaluation's MD runs (default threads): threads = glassfit's
                         engine in worker threads; lammps = one local LAMMPS process per evaluation
                         (same start, potential, protocol and early stop; results carry engine
                         'lammps <version>'); slurm = each batch one sbatch --array
                         (docs/cluster.md)
  --lammps-command EXE   the LAMMPS executable (default lmp)
  --mpi-ranks K          MPI ranks per LAMMPS evaluation: K > 1 runs mpirun -np K (default 1)
  --slurm-payload js|lammps
                         what each SLURM task runs: js = glassfit evaluate --spec (the same engine
                         and numbers as threads), lammps = the LAMMPS job (default js)
  --partition P --account A
                         sbatch --partition / --account (default: the cluster's)
  --slurm-time T         sbatch --time per evaluation, e.g. 30, 2:00:00 (default 1:00:00)
  --module M             module load M in each job (repeatable)
  --slurm-dir DIR        job folders, on a file system the nodes see (default beside the database)
  --max-in-flight N      evaluations submitted at once, the optimizer's batch size (default 16)
  --poll-s S             seconds between squeue polls (default 30; sites ask for ≥ 30)
  --ssh-host [USER@]HOST submit through ssh to this login node (one reused connection; job folders
                         copied by rsync); needs --remote-dir. '' = sbatch here again
  --ssh-port N --ssh-key FILE
                         ssh port and private key (default: ssh's own, ~/.ssh/config)
  --remote-dir DIR       the job folders on the cluster, seen by its compute nodes
  --node-glassfit CMD    how the nodes run glassfit for the js payload, e.g. 'glassfit' or
                         'node /opt/glassfit/bin/glassfit.mjs' (default: this installation's path,
                         which the nodes then need to see). '' = the default again`;

export const help = `usage: glassfit campaign <new|run|set|status|list|export> [options]

  campaign new [options]                    create a campaign; prints its id
  campaign run <id>                         run or resume it (Ctrl-C pauses; run again to resume)
  campaign set <id> [--backend …] [LAMMPS and SLURM options of new]
                                            change where a campaign that is not running evaluates
  campaign status <id> [--json]             counts by status and the best point so far
  campaign list [--json]                    every campaign of the database
  campaign export <id> --format lammps|json|csv|forcefield --out <file> [--force]
                                            lammps: the best evaluation's LAMMPS include file
                                            (--evaluation <id> for another, --variant table for
                                            pair_style table + its table file beside --out);
                                            json/csv: every evaluation; forcefield: a parameter file
                                            for --potential. An existing file is replaced only with
                                            --force, the database never; files are written whole
                                            (temporary file + rename)

Every command takes --db <file> (default: the desktop app's database,
  ${defaultDbPath()}).
An <id> may be abbreviated to a unique prefix of at least 4 characters.

campaign new options:
  --name TEXT            campaign name (default: preset and reference)
  --reference FILE       g(r) table (r,SiSi,SiO,OO) or trajectory (LAMMPS dump, extended XYZ, XDATCAR)
                         (default: the built-in CHIK liquid — classical MD, a stand-in, not AIMD)
  --type-map 1=Si,2=O    LAMMPS dump atom type → species, for a dump reference
  --preset NAME          ${PRESET_NAMES.map((n) => n.toLowerCase()).join(', ')} (default ml)
${PRESET_NAMES.map((n) => `                           ${n.toLowerCase().padEnd(8)} ${PRESETS[n].description}`).join('\n')}
  --free a,b,…           custom free parameters instead of a preset (others fixed at BKS), e.g. qSi,A_SiO,rho_SiO
  --bounds NAME=LO:HI    change a free parameter's bounds (repeatable), e.g. --bounds qSi=1.6:2.4
  --coordinates wall|paper
                         wall (default): each free A is searched as its pair's wall position (rmin_SiO: the
                         Si–O potential minimum; rwall_OO: where the O–O repulsion is 1 eV), bounded by the
                         reference's first peaks; paper: A, ρ, C in the paper's default bounds
  --no-tr                no trust region in the BO phase (the paper's global EI)
  --tr-collapse cg|restart
                         when the trust region collapses: hand over to CG (default), or restart it
                         after d global BO runs and keep CG for the budget's reserve (TuRBO's restart)
  --cg-reserve F         fraction of the budget kept for the CG refinement (default 0.2; 0 = paper's plateau rule)
  --cg-starts N          CG chains after BO, one after another: BO's answer, then the best points of other
                         basins BO found, each with an equal share of the rest of the budget (default 2; 1 =
                         the paper's single refinement)
  --refine ls|cg         the refinement after BO: ls (default), a trust-region Gauss–Newton on the g(r)
                         residuals whose model is fitted to the runs already made (one run per step); cg,
                         the paper's conjugate gradients on R_χ (2 runs per parameter per gradient)
  --strategy S           bo (BO then CG, the paper), cg, random, cmaes (default bo)
  --budget N             optimizer MD runs, failed and early-stopped ones included; screened
                         candidates cost no MD and are not counted (default ${DEFAULT_BUDGET})
  --plateau N            BO: stop or hand over to CG after N iterations without improvement (default 100)
  --no-cg                BO: no CG refinement after the plateau
  --workers N            worker threads (default one per core: ${availableParallelism()})
  --seed N               campaign seed (default random; stored)
  --baselines A,B|none   built-in sets run under the same protocol for comparison (default ${DEFAULT_BASELINES.join(',')})
  --final-replicas K     extra runs of the best point with other seeds at the end (default ${DEFAULT_FINAL_REPLICAS})
  --no-screen            run MD on every proposal (default: a physics screen rejects hopeless
                         candidates before MD; they are stored as 'screened')
  --no-early-stop        run every evaluation to its end (default: a run clearly worse than the
                         best so far is stopped early and stored as 'stopped' with its partial R_χ)
${protocolHelp()}
  --start-ps PS          soft start after the random insertion: capped MD at 0.5 fs, ps (default 1)
  --kernel exact|table   pair kernel (default ${DEFAULT_KERNEL})
${BACKEND_HELP}
  --rmin A --rmax A      r-range of the R_χ sums, Å (default ${DEFAULT_COST_RANGE.rMin}–${DEFAULT_COST_RANGE.rMax})
  --json                 print {"id": …}

campaign run options:
  --workers N            worker threads for this run (default the campaign's)
  --quiet                no progress output

exit status: 0 done (finished, or run and stopped), 2 bad input, 1 other errors, 130 paused by Ctrl-C.`;


const DB_OPTION = { db: { type: 'string' } } as const;

const BACKEND_OPTIONS = {
  backend: { type: 'string' },
  'lammps-command': { type: 'string' },
  'mpi-ranks': { type: 'string' },
  'slurm-payload': { type: 'string' },
  partition: { type: 'string' },
  account: { type: 'string' },
  'slurm-time': { type: 'string' },
  module: { type: 'string', multiple: true },
  'slurm-dir': { type: 'string' },
  'max-in-flight': { type: 'string' },
  'poll-s': { type: 'string' },
  'ssh-host': { type: 'string' },
  'ssh-port': { type: 'string' },
  'ssh-key': { type: 'string' },
  'remote-dir': { type: 'string' },
  'node-glassfit': { type: 'string' },
} as const;

type BackendValues = { [K in keyof typeof BACKEND_OPTIONS]?: K extends 'module' ? string[] : string };

/** The execution choice of the backend options (undefined when none is given); the schema checks the rest. */
export function executionFromOptions(values: BackendValues): NewCampaignInput['execution'] {
  const backend = values.backend;
  if (backend !== undefined && !(BACKENDS as readonly string[]).includes(backend)) throw new CliError(`--backend must be ${BACKENDS.join(', ').replace(/, (\w+)$/, ' or $1')}, got '${backend}'`);
  const lammps: { command?: string; mpiRanks?: number } = {};
  if (values['lammps-command'] !== undefined) {
    if (!EXECUTABLE_PATTERN.test(values['lammps-command'])) throw new CliError(`--lammps-command must be one executable name or path, got '${values['lammps-command']}'`);
    lammps.command = values['lammps-command'];
  }
  if (values['mpi-ranks'] !== undefined) lammps.mpiRanks = int(values['mpi-ranks'], 'mpi-ranks', 1, 1);
  const slurm: Record<string, unknown> = {};
  const payload = values['slurm-payload'];
  if (payload !== undefined) {
    if (payload !== 'js' && payload !== 'lammps') throw new CliError(`--slurm-payload must be js or lammps, got '${payload}'`);
    slurm.payload = payload;
  }
  if (values.partition !== undefined) slurm.partition = values.partition === '' ? null : values.partition;
  if (values.account !== undefined) slurm.account = values.account === '' ? null : values.account;
  if (values['slurm-time'] !== undefined) slurm.timeLimit = values['slurm-time'];
  if (values.module !== undefined) slurm.modules = values.module.filter((m) => m !== '');
  if (values['slurm-dir'] !== undefined) slurm.workDir = values['slurm-dir'] === '' ? null : resolve(values['slurm-dir']);
  if (values['max-in-flight'] !== undefined) slurm.maxInFlight = int(values['max-in-flight'], 'max-in-flight', 16, 1);
  if (values['poll-s'] !== undefined) slurm.pollS = num(values['poll-s'], 'poll-s', 30, (x) => x >= 0.2);
  if (values['ssh-host'] !== undefined) slurm.sshHost = values['ssh-host'] === '' ? null : values['ssh-host'];
  if (values['ssh-port'] !== undefined) slurm.sshPort = values['ssh-port'] === '' ? null : int(values['ssh-port'], 'ssh-port', 22, 1);
  if (values['ssh-key'] !== undefined) slurm.sshKey = values['ssh-key'] === '' ? null : resolve(values['ssh-key']);
  if (values['remote-dir'] !== undefined) slurm.remoteDir = values['remote-dir'] === '' ? null : values['remote-dir'];
  if (values['node-glassfit'] !== undefined) slurm.glassfit = values['node-glassfit'].trim() === '' ? null : values['node-glassfit'].trim().split(/\s+/).join(' ');
  // Leaving ssh ('--ssh-host ""') forgets its other settings too.
  if (slurm.sshHost === null) Object.assign(slurm, { sshPort: null, sshKey: null, remoteDir: null });
  if (backend === undefined && Object.keys(lammps).length === 0 && Object.keys(slurm).length === 0) return undefined;
  const choice = {
    ...(backend ? { backend: backend as Backend } : {}),
    ...(Object.keys(lammps).length ? { lammps } : {}),
    ...(Object.keys(slurm).length ? { slurm } : {}),
  };
  // Checked here too, so a bad --slurm-time is one line before the database is opened.
  const r = ExecutionInputSchema.safeParse(choice);
  if (!r.success) throw new CliError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

function dbPath(values: { readonly db?: string }): string {
  return resolve(values.db ?? defaultDbPath());
}

/** The API over an existing database (every command but `new`). */
async function openApi(path: string, mustExist: boolean, emit: EventSink = () => {}): Promise<Api> {
  try {
    return await createApi({ dbPath: path, workerEntry: nodeWorkerEntry(), emit, mustExist });
  } catch (e) {
    if (e instanceof StoreError) throw new CliError(e.message);
    throw e;
  }
}

/** API errors as CLI errors: bad input exits 2, the rest 1. */
async function call<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError) throw new CliError(e.message, e.code === 'bad-input' || e.code === 'not-found' ? 2 : 1);
    throw e;
  }
}

function resolveId(store: Store, arg: string | undefined): string {
  if (!arg) throw new CliError('a campaign id is required (see glassfit campaign list)');
  try {
    return store.resolveCampaignId(arg);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'new':
      return newCampaign(rest);
    case 'run':
      return runCampaign(rest);
    case 'set':
      return setCampaign(rest);
    case 'status':
      return status(rest);
    case 'list':
      return list(rest);
    case 'export':
      return exportCampaign(rest);
    case undefined:
      throw new CliError(`campaign needs a subcommand: new, run, status, list or export\n${help}`);
    default:
      throw new CliError(`unknown campaign subcommand '${sub}' (new, run, status, list, export)`);
  }
}

// ------------------------------------------------------------------------------------------------ new

function presetName(arg: string): PresetName {
  const p = PRESET_NAMES.find((n) => n.toLowerCase() === arg.toLowerCase());
  if (!p) throw new CliError(`unknown preset '${arg}' (${PRESET_NAMES.map((n) => n.toLowerCase()).join(', ')})`);
  return p;
}

/** --bounds NAME=LO:HI, each checked for form here and for sense (lower < upper, signs) by validateSpace. */
function parseBounds(list: readonly string[]): Record<string, { lower: number; upper: number }> {
  const out: Record<string, { lower: number; upper: number }> = {};
  for (const b of list) {
    const m = /^\s*([A-Za-z]+(?:_[A-Za-z]+)?)\s*=\s*([^:]+):(.+)$/.exec(b);
    if (!m) throw new CliError(`--bounds '${b}' must look like NAME=LO:HI, e.g. qSi=1.6:2.4`);
    const lower = Number(m[2]);
    const upper = Number(m[3]);
    if (!Number.isFinite(lower) || !Number.isFinite(upper)) throw new CliError(`--bounds '${b}': bounds must be numbers`);
    out[m[1]] = { lower, upper };
  }
  return out;
}

/**
 * The space from --free (the paper's coordinates around BKS), or, for --preset, the preset to shape by the
 * reference (the API builds it once the reference is read: wall coordinates bounded by its peaks unless
 * --coordinates paper). --bounds apply either way; a bound for a fixed parameter is an error.
 */
export function spaceFromOptions(
  preset: string | undefined,
  free: string | undefined,
  bounds: readonly string[],
  coordinates: Coordinates = 'wall',
): { space?: ParameterSpaceSpec; shape?: { preset: string; coordinates: Coordinates; bounds?: Record<string, { lower: number; upper: number }> }; preset: string | null } {
  const b = parseBounds(bounds);
  if (free !== undefined) {
    if (preset !== undefined) throw new CliError('give either --preset or --free, not both');
    const names = free.split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw new CliError('--free needs at least one parameter name');
    let space: ParameterSpaceSpec;
    try {
      space = customSpace({ free: names, base: silicaForceField(BUILTIN_SETS.BKS), bounds: b });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    for (const name of Object.keys(b)) {
      if (!space.free.some((d) => d.name === name)) throw new CliError(`--bounds ${name}: not a free parameter of this space (free: ${space.free.map((d) => d.name).join(', ')})`);
    }
    return { space, preset: null };
  }
  const p = presetName(preset ?? 'ml');
  return { shape: { preset: p, coordinates, ...(Object.keys(b).length ? { bounds: b } : {}) }, preset: p };
}

function baselineList(arg: string | undefined): string[] {
  if (arg === undefined) return [...DEFAULT_BASELINES];
  if (arg.trim().toLowerCase() === 'none') return [];
  return arg.split(',').map((s) => {
    const name = BUILTIN_NAMES.find((n) => n.toLowerCase() === s.trim().toLowerCase());
    if (!name) throw new CliError(`--baselines: unknown set '${s.trim()}' (${BUILTIN_NAMES.join(', ')}, or none)`);
    return name;
  });
}

export const NEW_OPTIONS = {
  ...DB_OPTION,
  name: { type: 'string' },
  reference: { type: 'string' },
  'type-map': { type: 'string' },
  preset: { type: 'string' },
  free: { type: 'string' },
  bounds: { type: 'string', multiple: true },
  coordinates: { type: 'string' },
  'no-tr': { type: 'boolean' },
  'tr-collapse': { type: 'string' },
  'cg-reserve': { type: 'string' },
  'cg-starts': { type: 'string' },
  refine: { type: 'string' },
  strategy: { type: 'string' },
  budget: { type: 'string' },
  plateau: { type: 'string' },
  'no-cg': { type: 'boolean' },
  workers: { type: 'string' },
  seed: { type: 'string' },
  baselines: { type: 'string' },
  'final-replicas': { type: 'string' },
  'no-screen': { type: 'boolean' },
  'no-early-stop': { type: 'boolean' },
  ...PROTOCOL_OPTIONS,
  'start-ps': { type: 'string' },
  kernel: { type: 'string' },
  ...BACKEND_OPTIONS,
  rmin: { type: 'string' },
  rmax: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The API input of `campaign new` from its options (the demo builds on it). */
export function newCampaignInput(raw: Record<string, unknown>): NewCampaignInput {
  const { bounds, module, ...scalar } = raw;
  const { str: values, flag } = splitOptions(scalar);
  const strategy = values.strategy ?? 'bo';
  if (!['bo', 'cg', 'random', 'cmaes'].includes(strategy)) throw new CliError(`--strategy must be bo, cg, random or cmaes, got '${strategy}'`);
  const kernel = (values.kernel ?? DEFAULT_KERNEL) as KernelName;
  if (!KERNEL_NAMES.includes(kernel)) throw new CliError(`--kernel must be one of ${KERNEL_NAMES.join(', ')}, got '${values.kernel}'`);
  const protocol = protocolFromOptions(values, PAPER_PROTOCOL);
  const steps = softStartSteps(values['start-ps'], protocol.temperature);
  const softStart = steps === undefined ? undefined : { steps };
  const costRange = costRangeFromOptions(values);
  let reference: NewCampaignInput['reference'] = { kind: 'builtin' };
  if (values.reference !== undefined) {
    // Read here, parsed in the parse worker by the API handler.
    const text = readTextFile(values.reference, 'reference');
    let typeMap: Record<string, string> | undefined;
    if (values['type-map'] !== undefined) {
      try {
        typeMap = Object.fromEntries(Object.entries(parseTypeMap(values['type-map'])).map(([k, v]) => [k, v]));
      } catch (e) {
        throw new CliError(`--type-map: ${(e as Error).message}`);
      }
    }
    reference = { kind: 'file', fileName: basename(values.reference), text, ...(typeMap ? { typeMap } : {}) };
  }
  const coordinates = (values.coordinates ?? 'wall') as Coordinates;
  if (!COORDINATES.includes(coordinates)) throw new CliError(`--coordinates must be ${COORDINATES.join(' or ')}, got '${values.coordinates}'`);
  const { space, shape, preset } = spaceFromOptions(values.preset, values.free, (bounds as string[] | undefined) ?? [], coordinates);
  const plateau = values.plateau === undefined ? undefined : int(values.plateau, 'plateau', 100, 1);
  const collapseArg = values['tr-collapse'];
  if (collapseArg !== undefined && collapseArg !== 'cg' && collapseArg !== 'restart') throw new CliError(`--tr-collapse must be cg or restart, got '${collapseArg}'`);
  const onCollapse = collapseArg as 'cg' | 'restart' | undefined;
  const trustRegion = flag['no-tr'] ? { enabled: false } : onCollapse ? { onCollapse } : undefined;
  const bo = strategy === 'bo' ? { ...(plateau !== undefined ? { plateau } : {}), ...(trustRegion ? { trustRegion } : {}) } : undefined;
  const reserve = values['cg-reserve'] === undefined ? undefined : num(values['cg-reserve'], 'cg-reserve', 0, (x) => x >= 0 && x <= 1);
  const starts = values['cg-starts'] === undefined ? undefined : int(values['cg-starts'], 'cg-starts', 2, 1);
  if (starts !== undefined && starts > 8) throw new CliError(`--cg-starts must be at most 8, got ${starts}`);
  const refine = values.refine;
  if (refine !== undefined && refine !== 'ls' && refine !== 'cg') throw new CliError(`--refine must be ls or cg, got '${refine}'`);
  const method = refine as 'ls' | 'cg' | undefined;
  const cg =
    strategy === 'bo' && (flag['no-cg'] || reserve !== undefined || starts !== undefined || method !== undefined)
      ? {
          ...(flag['no-cg'] ? { enabled: false } : {}),
          ...(reserve !== undefined ? { reserve } : {}),
          ...(starts !== undefined ? { starts } : {}),
          ...(method !== undefined ? { method } : {}),
        }
      : undefined;
  const refLabel = values.reference !== undefined ? basename(values.reference) : 'built-in CHIK liquid';
  return {
    name: values.name ?? `${preset ?? 'custom'} vs ${refLabel} (${new Date().toISOString().slice(0, 16).replace('T', ' ')})`,
    reference,
    ...(space ? { space } : { shape }),
    preset,
    protocol: { ...protocol, kernel, costRange, ...(softStart ? { softStart } : {}) },
    optimizer: { strategy: strategy as 'bo', budget: int(values.budget, 'budget', DEFAULT_BUDGET, 1), ...(bo && Object.keys(bo).length ? { bo } : {}), ...(cg ? { cg } : {}) },
    workers: int(values.workers, 'workers', availableParallelism(), 1),
    ...(values.seed !== undefined ? { seed: int(values.seed, 'seed', 0, 0) } : {}),
    baselines: baselineList(values.baselines) as NewCampaignInput['baselines'],
    finalReplicas: int(values['final-replicas'], 'final-replicas', DEFAULT_FINAL_REPLICAS, 0),
    search: { screen: !flag['no-screen'], earlyStop: { enabled: !flag['no-early-stop'] } },
    ...((execution) => (execution ? { execution } : {}))(executionFromOptions({ ...values, module: module as string[] | undefined })),
  };
}

async function newCampaign(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, NEW_OPTIONS, true);
  if (positionals.length) throw new CliError(`unexpected argument '${positionals[0]}'`);
  // Everything is checked before the database is opened: bad input never touches the file.
  const input = newCampaignInput(values as Record<string, unknown>);
  const parsed = (() => {
    try {
      return parseInput('campaigns.create', input);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  })();
  const api = await openApi(dbPath(values as { db?: string }), false);
  try {
    const { id } = await call(api.handlers['campaigns.create'](parsed));
    // Said before anything runs: settings that do something a newcomer may not expect (advice.ts).
    const o = parsed.optimizer;
    const dim = parsed.space?.free.length ?? (await api.handlers['campaigns.get']({ id })).campaign.space.free.length;
    for (const w of searchWarnings({ strategy: o.strategy, budget: o.budget, designSize: o.bo?.initial?.size ?? null, cgEnabled: o.cg?.enabled }, dim))
      console.error(`glassfit: warning: ${w}`);
    if ((values as { json?: boolean }).json) console.log(JSON.stringify({ id }));
    else {
      const { campaign } = await api.handlers['campaigns.get']({ id });
      console.log(id);
      console.error(
        `created campaign '${campaign.name}' in ${api.dbPath}: ${campaign.space.free.length} free parameters (${campaign.space.free.map((d) => d.name).join(', ')}), ` +
          `${campaign.optimizer.strategy}, budget ${campaign.optimizer.budget}; run it with: glassfit campaign run ${id.slice(0, 8)} --db ${api.dbPath}`,
      );
    }
  } finally {
    await api.close();
  }
  return 0;
}

// ------------------------------------------------------------------------------------------------ run

export interface RunResult {
  readonly outcome: RunOutcome;
  readonly interrupted: boolean;
}

/** Run a campaign to its end (or a pause) with progress output; Ctrl-C pauses. The demo uses it too. */
export async function runWithProgress(store: Store, id: string, opts: { workers?: number; quiet?: boolean; onStart?: () => void }): Promise<RunResult> {
  const info = store.campaignInfo(id);
  const printer = progressPrinter(info, opts.quiet === true);
  let interrupted = false;
  let run;
  try {
    run = startCampaign({ store, campaignId: id, workerEntry: nodeWorkerEntry(), emit: printer.sink, ...(opts.workers ? { workers: opts.workers } : {}) });
  } catch (e) {
    if (e instanceof StoreError) throw new CliError(e.message, 1);
    throw e;
  }
  opts.onStart?.();
  const onSigint = () => {
    if (interrupted) {
      // A second Ctrl-C quits at once; the rows still running are re-queued by the next run, as after a crash.
      process.stderr.write('glassfit: quitting without waiting; running evaluations are re-run on resume\n');
      process.exit(130);
    }
    interrupted = true;
    printer.finish();
    process.stderr.write('glassfit: pausing: running evaluations stop and go back to the queue; their MD so far is lost, they start again on resume…\n');
    void run.pause();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const outcome = await run.done;
    printer.finish();
    return { outcome, interrupted };
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

function openStoreForCli(path: string): Store {
  try {
    return openStore(path, { mustExist: true });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** Finished evaluations per engine (status shows them, so LAMMPS and JS results are never mixed silently). */
function engineCounts(path: string, id: string): { engine: string; n: number }[] {
  const store = openStoreForCli(path);
  try {
    return store.engines(id);
  } finally {
    store.close();
  }
}

/** The full campaign id for a (possibly short) id argument, looked up in the database at path. */
function resolveIdIn(path: string, arg: string | undefined): string {
  const store = openStoreForCli(path);
  try {
    return resolveId(store, arg);
  } finally {
    store.close();
  }
}

async function runCampaign(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...DB_OPTION, workers: { type: 'string' }, quiet: { type: 'boolean' } }, true);
  const v = values as { db?: string; workers?: string; quiet?: boolean };
  if (positionals.length > 1) throw new CliError(`unexpected argument '${positionals[1]}'`);
  const workers = v.workers === undefined ? undefined : int(v.workers, 'workers', 1, 1);
  if (workers !== undefined) {
    const why = settingProblem(SETTING_BOUNDS.workers, workers) ?? workersProblem(workers, availableParallelism());
    if (why) throw new CliError(`--workers: ${why}`);
  }
  const store = openStoreForCli(dbPath(v));
  try {
    const id = resolveId(store, positionals[0]);
    const info = store.campaignInfo(id);
    if (info.status === 'finished') {
      console.log(`campaign ${id} is already finished (${info.stopReason?.detail ?? 'done'}); see glassfit campaign status ${id.slice(0, 8)}`);
      return 0;
    }
    const announce = () => {
      if (!v.quiet) console.error(`running campaign '${info.name}' (${id}) on ${backendLabel(info, workers ?? info.workers)}; Ctrl-C pauses (running evaluations start again on resume)`);
    };
    const { outcome, interrupted } = await runWithProgress(store, id, { ...(workers ? { workers } : {}), quiet: v.quiet === true, onStart: announce });
    const p = store.counts(id, 'optimizer');
    const best = store.best(id);
    if (!v.quiet) {
      console.error(`campaign ${outcome.status}: ${countsText(p, info.optimizer.budget)}, best R_χ ${pct(best?.rChi)}` + (outcome.stopReason ? ` — ${outcome.stopReason.detail}` : ''));
    }
    if (outcome.error) throw new CliError(`the campaign was paused: ${outcome.error.message}`, 1);
    if (interrupted) {
      console.error(`paused; resume with: glassfit campaign run ${id.slice(0, 8)} --db ${store.path}`);
      return 130;
    }
    return 0;
  } finally {
    store.close();
  }
}

// ------------------------------------------------------------------------------------------------ set

async function setCampaign(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...DB_OPTION, ...BACKEND_OPTIONS }, true);
  const v = values as { db?: string } & BackendValues;
  if (positionals.length > 1) throw new CliError(`unexpected argument '${positionals[1]}'`);
  const execution = executionFromOptions(v);
  if (!execution) throw new CliError('campaign set needs something to change: --backend, a LAMMPS or a SLURM option (see glassfit campaign --help)');
  const path = dbPath(v);
  const id = resolveIdIn(path, positionals[0]);
  const api = await openApi(path, true);
  try {
    const { execution: now } = await call(api.handlers['campaigns.setExecution']({ id, execution }));
    const { campaign } = await api.handlers['campaigns.get']({ id });
    console.error(`campaign '${campaign.name}' now evaluates on ${backendLabel({ execution: now }, campaign.workers)}`);
    return 0;
  } finally {
    await api.close();
  }
}

// --------------------------------------------------------------------------------------------- status

async function status(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...DB_OPTION, json: { type: 'boolean' } }, true);
  const v = values as { db?: string; json?: boolean };
  if (positionals.length > 1) throw new CliError(`unexpected argument '${positionals[1]}'`);
  const path = dbPath(v);
  const api = await openApi(path, true);
  try {
    const id = resolveIdIn(path, positionals[0]);
    const { campaign: c, progress: p, mdTime } = await call(api.handlers['campaigns.get']({ id }));
    const best = p.bestEvaluationId !== null ? (await api.handlers['evaluations.detail']({ id: p.bestEvaluationId })).record : null;
    // Baselines and final replicas are few whatever the budget; the best point's spread needs only those.
    const all = (await api.handlers['evaluations.page']({ campaignId: id, offset: 0, limit: 5000, sort: 'index', order: 'asc', origin: ['baseline', 'final'] })).rows;
    const spread = best ? rChiWithReplicas(best, all) : null;
    const baselines = all.filter((e) => e.origin === 'baseline').map((e) => ({ label: e.label, status: e.status, rchi: e.rChi, evaluationId: e.id }));
    const engines = engineCounts(path, id);
    if (v.json) {
      console.log(
        JSON.stringify({
          id: c.id,
          name: c.name,
          status: c.status,
          stage: p.stage,
          counts: { done: p.done, failed: p.failed, screened: p.screened, stopped: p.stopped, running: p.running, queued: p.queued },
          budget: p.budget,
          search: c.search,
          execution: c.execution,
          engines,
          mdHours: mdTime?.mdHours ?? null,
          mdHoursSaved: mdTime?.mdHoursSaved ?? null,
          best: best && { evaluationId: best.id, rchi: best.rChi, rchiMean: spread?.value ?? null, rchiSd: spread?.sd ?? null, replicas: spread?.n ?? 0, params: best.values, forcefield: best.params },
          baselines,
          stopReason: c.stopReason,
          units: { rchi: 'fraction (0.0877 = 8.77 %)', params: 'e, eV, Å, eV·Å⁶', mdHours: 'hours of one worker (saved: estimated from the steps stopped runs did not run)' },
        }),
      );
      return 0;
    }
    const lines = [
      `${c.name}  (${c.id})`,
      `  status     ${c.status}${c.stopReason ? ` — ${c.stopReason.detail}` : ''}`,
      `  reference  ${referenceText(c.reference.provenance)}`,
      `  space      ${c.preset ?? 'custom'}: ${c.space.free.map((d) => `${d.name} ∈ [${d.lower}, ${d.upper}] ${d.unit}`).join(', ')}`,
      `  protocol   ${c.protocol.atoms} atoms, ${c.protocol.temperature} K, ${c.protocol.relax} + ${c.protocol.production} ps, kernel ${c.protocol.kernel}`,
      `  optimizer  ${c.optimizer.strategy}, budget ${c.optimizer.budget}, ${c.workers} workers, seed ${c.seed}`,
      `  search     physics screen ${c.search.screen ? 'on' : 'off'}, early stop ${c.search.earlyStop.enabled ? 'on' : 'off'}`,
      `  backend    ${backendLabel(c, c.workers)}`,
      `  engines    ${engines.length ? engines.map((e) => `${e.engine} (${e.n})`).join(', ') : 'none yet'}`,
      `  counts     done ${p.done}, failed ${p.failed}, screened ${p.screened}, stopped ${p.stopped}, running ${p.running}, queued ${p.queued}`,
      `  progress   ${progressText(p)}`,
    ];
    if (mdTime) lines.push(`  MD time    ${mdTime.mdHours.toFixed(2)} h${mdTime.stoppedRuns ? `; early stopping saved about ${mdTime.mdHoursSaved.toFixed(2)} h over ${mdTime.stoppedRuns} stopped runs` : ''}`);
    if (best) {
      const sp = spread && spread.n > 1 && spread.sd !== null ? ` (mean ${pct(spread.value)} ± ${pct(spread.sd)} over ${spread.n} runs)` : '';
      const free = c.space.free.map((d) => d.name);
      const held = Object.keys(best.values).filter((k) => !free.includes(k));
      lines.push(`  best       evaluation ${best.id}: R_χ ${pct(best.rChi)}${sp}`, `             ${formatValues(best.values, free)}`, `             held: ${formatValues(best.values, held)}`);
    }
    for (const b of baselines) lines.push(`  baseline   ${String(b.label).padEnd(6)} ${b.status === 'done' ? `R_χ ${pct(b.rchi)}` : b.status}`);
    console.log(lines.join('\n'));
    if (engines.length > 1)
      console.error(`glassfit: warning: this campaign's results come from ${engines.length} engines (${engines.map((e) => e.engine).join(', ')}): their R_χ differ within the seed noise, not to round-off; compare like with like (export --format csv has an engine column)`);
    return 0;
  } finally {
    await api.close();
  }
}

// ----------------------------------------------------------------------------------------------- list

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...DB_OPTION, json: { type: 'boolean' } }, true);
  const v = values as { db?: string; json?: boolean };
  if (positionals.length) throw new CliError(`unexpected argument '${positionals[0]}'`);
  const api = await openApi(dbPath(v), true);
  try {
    const rows = await api.handlers['campaigns.list'](undefined);
    if (v.json) {
      console.log(JSON.stringify(rows));
      return 0;
    }
    if (rows.length === 0) {
      console.log(`no campaigns in ${api.dbPath}`);
      return 0;
    }
    // 'MD runs' is what the budget counts (done + failed + stopped); screened points are listed apart.
    console.log(
      `${'id'.padEnd(8)}  ${'status'.padEnd(8)}  ${'strategy'.padEnd(8)}  ${'MD runs'.padStart(9)}  ${'fail'.padStart(4)}  ${'stop'.padStart(4)}  ${'scrn'.padStart(5)}  ${'best R_χ'.padStart(9)}  ${'created'.padEnd(16)}  name`,
    );
    for (const r of rows) {
      console.log(
        `${r.id.slice(0, 8)}  ${r.status.padEnd(8)}  ${r.strategy.padEnd(8)}  ${`${mdRuns(r)}/${r.budget}`.padStart(9)}  ${String(r.failed).padStart(4)}  ${String(r.stopped).padStart(4)}  ${String(r.screened).padStart(5)}  ${pct(r.bestRChi).padStart(9)}  ${r.createdAt.slice(0, 16).replace('T', ' ')}  ${r.name}`,
      );
    }
    return 0;
  } finally {
    await api.close();
  }
}

// --------------------------------------------------------------------------------------------- export

async function exportCampaign(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...DB_OPTION, format: { type: 'string' }, out: { type: 'string' }, evaluation: { type: 'string' }, variant: { type: 'string' }, force: { type: 'boolean' } },
    true,
  );
  const v = values as { db?: string; format?: string; out?: string; evaluation?: string; variant?: string; force?: boolean };
  if (positionals.length > 1) throw new CliError(`unexpected argument '${positionals[1]}'`);
  const format = v.format;
  if (!format || !['lammps', 'json', 'csv', 'forcefield'].includes(format)) throw new CliError(`--format must be lammps, json, csv or forcefield, got '${format ?? ''}'`);
  if (!v.out) throw new CliError('--out <file> is required');
  const variant = v.variant ?? 'include';
  if (variant !== 'include' && variant !== 'table') throw new CliError(`--variant must be include or table, got '${variant}'`);
  if (v.variant !== undefined && format !== 'lammps') throw new CliError('--variant applies to --format lammps only');
  if (v.evaluation !== undefined && format !== 'lammps' && format !== 'forcefield') throw new CliError('--evaluation applies to --format lammps and forcefield only');
  const out = resolve(v.out);
  const path = dbPath(v);
  // Refused before the database is even opened: an existing file without --force, the database itself always.
  const writeOpts = { force: v.force === true, protect: [path], what: '--out' };
  checkOutput(out, writeOpts);
  const api = await openApi(path, true);
  try {
    const id = resolveIdIn(path, positionals[0]);
    if (format === 'json' || format === 'csv') {
      const f = await call(api.handlers['export.table']({ campaignId: id, format }));
      const wrote = writeOutput(out, f.text, writeOpts);
      console.error(`wrote ${format.toUpperCase()} of every evaluation to ${wrote}`);
      return 0;
    }
    let evaluationId: number;
    if (v.evaluation !== undefined) {
      evaluationId = int(v.evaluation, 'evaluation', 0, 1);
      const e = (await call(api.handlers['evaluations.detail']({ id: evaluationId }))).record;
      if (e.campaignId !== id) throw new CliError(`evaluation ${evaluationId} belongs to campaign ${e.campaignId}, not ${id}`);
    } else {
      const p = (await call(api.handlers['campaigns.get']({ id }))).progress;
      if (p.bestEvaluationId === null) throw new CliError(`campaign ${id} has no finished evaluation yet: nothing to export`);
      evaluationId = p.bestEvaluationId;
    }
    if (format === 'forcefield') {
      const { campaign } = await api.handlers['campaigns.get']({ id });
      const e = (await api.handlers['evaluations.detail']({ id: evaluationId })).record;
      const finals = (await api.handlers['evaluations.page']({ campaignId: id, offset: 0, limit: 5000, sort: 'index', order: 'asc', origin: ['final'] })).rows;
      const wrote = writeOutput(out, exportForceField(campaign, e, finals).text, writeOpts);
      console.error(`wrote the parameters of evaluation ${evaluationId} to ${wrote} (use it with --potential ${wrote})`);
      return 0;
    }
    const f = await call(api.handlers['export.lammps']({ evaluationId, variant }));
    // The table variant's include names its table file; it is written beside --out under that name. Every file
    // is checked before the first is written, so a refusal leaves nothing half-exported.
    const extras = f.files.slice(1).map((x) => ({ path: join(dirname(out), x.fileName), text: x.text }));
    for (const x of extras) checkOutput(x.path, { ...writeOpts, what: 'the table file' });
    const written = [writeOutput(out, f.text, writeOpts)];
    for (const x of extras) written.push(writeOutput(x.path, x.text, { ...writeOpts, what: 'the table file' }));
    console.error(`wrote the LAMMPS ${variant} file${written.length > 1 ? 's' : ''} of evaluation ${evaluationId}: ${written.join(', ')}`);
    return 0;
  } finally {
    await api.close();
  }
}

