/**
 * Science benchmark (issue 11 §5): real campaigns — the real MD engine, runner and store — against a panel of
 * references with known provenance, to tell which search strategy finds forcefields better than the built-ins,
 * how many MD runs it wastes and how early it gets there. It prints figures and asserts nothing.
 *
 *   npm run bench:science [-- --quick] [-- --json] [-- --refs CHIK,teter] [-- --strategies physics,paper]
 *                         [-- --budget N] [-- --workers N] [-- --seed N] [-- --db FILE] [-- --preset ml]
 * (--strategies none: only the built-ins' R_χ per reference)
 *
 * References: `CHIK` (the built-in CHIK liquid, known answer) and every folder of tests/fixtures/science/ (a
 * LAMMPS liquid of a potential that is none of the built-ins: scripts/make-reference.ts, PROVENANCE.md each).
 * Protocol: 648 atoms, 5 ps relax + 5 ps production (--atoms, --relax-ps, --prod-ps change it).
 * Strategies (campaign options as `glassfit campaign new` takes them):
 *   physics               new-campaign defaults: wall coordinates, physics screen, early stop, trust region, CG reserve 0.2
 *   paper                 the paper's scheme: --coordinates paper --no-screen --no-early-stop --no-tr --cg-reserve 0
 *   physics-cg, physics-no-tr, physics-no-screen, physics-paper-coords   one mechanism of `physics` off each
 *                         (physics-cg: the paper's CG refinement instead of the least-squares one)
 *   physics-tr-restart    `physics` with --tr-collapse restart (a collapsed trust region restarts instead of handing over to CG)
 *   cmaes, random         the other strategies, with the physics defaults (screen, wall coordinates, early stop)
 * Per reference a `builtins` campaign (random search with budget 1) runs the five built-in sets as baselines
 * under the same protocol. Final replicas are off (0): they re-score the answer and do not change the search.
 *
 * Every campaign lives in one SQLite database (default .bench/science.sqlite) under a name made of reference,
 * strategy, budget, seed and protocol: a killed bench resumes where it stopped (finished campaigns are read, not
 * re-run; an unfinished one is resumed by the runner, its running evaluations re-queued). Ctrl-C pauses.
 * --quick: CHIK and one other reference (teter, else the first fixture), physics vs paper, budget 40, 2 workers.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, int } from '../../src-main/cli/args.ts';
import { splitOptions } from '../../src-main/cli/potential-arg.ts';
import { newCampaignInput, runWithProgress } from '../../src-main/cli/commands/campaign.ts';
import { createApi } from '../../src-main/api/handlers.ts';
import { parseInput } from '../../src-main/api/contract.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { openStore, type Store } from '../../src-main/store/store.ts';
import { BUILTIN_NAMES } from '../../src-worker/params/sets.ts';
import { MD_RUN_STATUSES, type EvaluationRecord } from '../../src-worker/campaign/records.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Committed reference liquids (scripts/make-reference.ts): one folder each, its g(r) table `gr_<name>.csv`. */
export const SCIENCE_FIXTURES = join(ROOT, 'tests/fixtures/science');

/** Campaign options of each strategy, in `glassfit campaign new`'s vocabulary (newCampaignInput reads them). */
const STRATEGIES: Record<string, Record<string, string | boolean>> = {
  physics: {},
  paper: { coordinates: 'paper', 'no-screen': true, 'no-early-stop': true, 'no-tr': true, 'cg-reserve': '0' },
  'physics-cg': { refine: 'cg' },
  'physics-no-tr': { 'no-tr': true },
  'physics-tr-restart': { 'tr-collapse': 'restart' },
  'physics-no-screen': { 'no-screen': true },
  'physics-paper-coords': { coordinates: 'paper' },
  cmaes: { strategy: 'cmaes' },
  random: { strategy: 'random' },
};
const CHECKPOINTS = [50, 100, 200];

interface Reference {
  readonly name: string;
  /** g(r) table file; null = the built-in CHIK liquid. */
  readonly file: string | null;
}

export function fixtureReferences(): Reference[] {
  if (!existsSync(SCIENCE_FIXTURES)) return [];
  return readdirSync(SCIENCE_FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SCIENCE_FIXTURES, d.name, `gr_${d.name}.csv`)))
    .map((d) => ({ name: d.name, file: join(SCIENCE_FIXTURES, d.name, `gr_${d.name}.csv`) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// ------------------------------------------------------------------------------------------ options

const { values: raw } = parse(process.argv.slice(2), {
  quick: { type: 'boolean' },
  json: { type: 'boolean' },
  refs: { type: 'string' },
  strategies: { type: 'string' },
  budget: { type: 'string' },
  workers: { type: 'string' },
  seed: { type: 'string' },
  db: { type: 'string' },
  preset: { type: 'string' },
  atoms: { type: 'string' },
  'relax-ps': { type: 'string' },
  'prod-ps': { type: 'string' },
});
const { str: opt, flag } = splitOptions(raw as Record<string, unknown>);
const quick = flag.quick === true;
const budget = int(opt.budget, 'budget', quick ? 40 : 200, 1);
const workers = int(opt.workers, 'workers', quick ? 2 : Math.min(2, availableParallelism()), 1);
const seed = int(opt.seed, 'seed', 1, 0);
const preset = opt.preset ?? 'ml';
const protocolOpts = { atoms: opt.atoms ?? '648', 'relax-ps': opt['relax-ps'] ?? '5', 'prod-ps': opt['prod-ps'] ?? '5' };
const dbFile = resolve(opt.db ?? join(ROOT, '.bench/science.sqlite'));

const allRefs: Reference[] = [{ name: 'CHIK', file: null }, ...fixtureReferences()];
function pickRefs(): Reference[] {
  if (opt.refs !== undefined) {
    return opt.refs.split(',').map((s) => {
      const r = allRefs.find((x) => x.name.toLowerCase() === s.trim().toLowerCase());
      if (!r) throw new Error(`--refs: unknown reference '${s.trim()}' (known: ${allRefs.map((x) => x.name).join(', ')})`);
      return r;
    });
  }
  // --quick: CHIK and a literature set nobody tuned (Teter) when the panel has it.
  return quick ? [allRefs[0], allRefs.find((x) => x.name === 'teter') ?? allRefs[1]].filter((x): x is Reference => x !== undefined) : allRefs;
}
const refs = pickRefs();
// --strategies none: only the built-ins under the protocol (a cheap first look at a new reference).
const strategyArg = opt.strategies ?? (quick ? 'physics,paper' : Object.keys(STRATEGIES).join(','));
const strategies = (strategyArg.trim().toLowerCase() === 'none' ? [] : strategyArg.split(',')).map((s) => {
  const k = s.trim();
  if (!(k in STRATEGIES)) throw new Error(`--strategies: unknown strategy '${k}' (known: ${Object.keys(STRATEGIES).join(', ')})`);
  return k;
});
const log = (s: string) => {
  if (!flag.json) console.error(s);
};

// ------------------------------------------------------------------------------------------ campaigns

const protocolTag = `${protocolOpts.atoms}at ${protocolOpts['relax-ps']}+${protocolOpts['prod-ps']}ps`;
const campaignName = (ref: string, strategy: string, b: number) => `bench:science ${ref} ${strategy} ${preset} b${b} s${seed} ${protocolTag}`;

/** The campaign's id under this name, created first if the database has none. */
async function ensureCampaign(ref: Reference, strategy: string, options: Record<string, string | boolean>, b: number): Promise<string> {
  const name = campaignName(ref.name, strategy, b);
  const api = await createApi({ dbPath: dbFile, workerEntry: nodeWorkerEntry(), emit: () => {}, mustExist: false });
  try {
    const found = (await api.handlers['campaigns.list'](undefined)).find((c) => c.name === name);
    if (found) return found.id;
    const input = newCampaignInput({
      name,
      preset,
      ...protocolOpts,
      budget: String(b),
      workers: String(workers),
      seed: String(seed),
      'final-replicas': '0',
      ...(ref.file ? { reference: ref.file } : {}),
      ...options,
    });
    const { id } = await api.handlers['campaigns.create'](parseInput('campaigns.create', input));
    return id;
  } finally {
    await api.close();
  }
}

/** Runs (or resumes) a campaign to its end; false when Ctrl-C paused it. */
async function runToEnd(id: string): Promise<boolean> {
  const store = openStore(dbFile, { mustExist: true });
  try {
    if (store.campaignInfo(id).status === 'finished') return true;
    const { outcome, interrupted } = await runWithProgress(store, id, { workers, quiet: flag.json === true });
    if (outcome.error) throw new Error(`campaign ${id} paused on an error: ${outcome.error.message}`);
    return !interrupted;
  } finally {
    store.close();
  }
}

// ------------------------------------------------------------------------------------------ figures

interface StrategyFigures {
  readonly strategy: string;
  readonly campaignId: string;
  readonly status: string;
  /** Best R_χ (fraction) among the optimizer's finished MD runs within the first N MD runs, by proposal order. */
  readonly bestAt: Record<string, number | null>;
  readonly best: number | null;
  readonly mdRuns: number;
  readonly done: number;
  readonly failed: number;
  readonly screened: number;
  readonly stopped: number;
  readonly mdHours: number;
  readonly mdHoursSaved: number;
  /** MD runs until the best so far was within 10 % of the final best (R_χ ≤ 1.1 × best). */
  readonly evalsToWithin10pct: number | null;
  readonly bestValues: Record<string, number> | null;
}

function strategyFigures(store: Store, strategy: string, id: string, b: number): StrategyFigures {
  const rows = store.evaluations(id).filter((e) => e.origin === 'optimizer').sort((x, y) => x.seq - y.seq);
  const md = rows.filter((e) => MD_RUN_STATUSES.includes(e.status));
  // Stopped runs carry a partial R_χ (a censored value): only runs that went to the end can be "the best".
  const trace: (number | null)[] = [];
  let best: EvaluationRecord | null = null;
  for (const e of md) {
    if (e.status === 'done' && e.rChi !== null && (best === null || e.rChi < (best.rChi as number))) best = e;
    trace.push(best?.rChi ?? null);
  }
  const bestAt: Record<string, number | null> = {};
  const finished = store.campaignInfo(id).status === 'finished';
  // A campaign that ended before k MD runs (converged, plateau) keeps its last best; an unfinished one has no figure yet.
  for (const k of [...CHECKPOINTS.filter((c) => c < b), b]) bestAt[String(k)] = md.length >= k ? trace[k - 1] : finished && trace.length ? trace[trace.length - 1] : null;
  const final = best?.rChi ?? null;
  const within = final === null ? null : trace.findIndex((v) => v !== null && v <= 1.1 * final) + 1;
  const count = (s: string) => rows.filter((e) => e.status === s).length;
  const t = store.mdTime(id);
  return {
    strategy,
    campaignId: id,
    status: store.campaignInfo(id).status,
    bestAt,
    best: final,
    mdRuns: md.length,
    done: count('done'),
    failed: count('failed'),
    screened: count('screened'),
    stopped: count('stopped'),
    mdHours: t.mdHours,
    mdHoursSaved: t.mdHoursSaved,
    evalsToWithin10pct: within === 0 ? null : within,
    bestValues: best?.values ?? null,
  };
}

/** R_χ of each built-in set (its baseline run), null when it failed. */
function builtinFigures(store: Store, id: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const e of store.evaluations(id).filter((r) => r.origin === 'baseline')) out[e.label ?? '?'] = e.status === 'done' ? e.rChi : null;
  return out;
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(2)}`);

// ------------------------------------------------------------------------------------------ main

mkdirSync(dirname(dbFile), { recursive: true });
log(`bench:science: ${refs.map((r) => r.name).join(', ')} × ${strategies.length ? strategies.join(', ') : 'built-ins only'}; preset ${preset}, budget ${budget}, ${workers} workers, seed ${seed}, ${protocolTag}; database ${dbFile}`);
const t0 = performance.now();
const results: { reference: string; file: string | null; builtins: Record<string, number | null>; builtinsCampaignId: string; strategies: StrategyFigures[] }[] = [];
let paused = false;
outer: for (const ref of refs) {
  const bid = await ensureCampaign(ref, 'builtins', { strategy: 'random', baselines: BUILTIN_NAMES.join(',') }, 1);
  log(`— ${ref.name}: the built-in sets under the same protocol (campaign ${bid.slice(0, 8)})`);
  if (!(await runToEnd(bid))) {
    paused = true;
    break;
  }
  const ids: [string, string][] = [];
  for (const s of strategies) {
    const id = await ensureCampaign(ref, s, STRATEGIES[s], budget);
    log(`— ${ref.name} / ${s} (campaign ${id.slice(0, 8)})`);
    if (!(await runToEnd(id))) {
      paused = true;
      break outer;
    }
    ids.push([s, id]);
  }
  const store = openStore(dbFile, { mustExist: true });
  try {
    results.push({ reference: ref.name, file: ref.file, builtins: builtinFigures(store, bid), builtinsCampaignId: bid, strategies: ids.map(([s, id]) => strategyFigures(store, s, id, budget)) });
  } finally {
    store.close();
  }
}
const wallH = (performance.now() - t0) / 3.6e6;

if (flag.json) {
  console.log(JSON.stringify({ bench: 'science', preset, budget, workers, seed, protocol: protocolOpts, database: dbFile, paused, wallHours: wallH, units: { rchi: 'fraction', mdHours: 'hours of one worker' }, references: results }));
} else {
  const cps = [...CHECKPOINTS.filter((c) => c < budget), budget].map(String);
  for (const r of results) {
    const bi = Object.entries(r.builtins).map(([k, v]) => `${k} ${pct(v)}`).join(', ');
    const bestBuiltin = Math.min(...Object.values(r.builtins).filter((v): v is number => v !== null));
    console.log(`\n${r.reference}${r.file ? ` (${r.file.slice(ROOT.length + 1)})` : ' (built-in)'} — built-ins R_χ %: ${bi}`);
    if (r.strategies.length === 0) continue;
    console.log(
      `${'strategy'.padEnd(21)} ${cps.map((c) => `@${c}`.padStart(7)).join(' ')} ${'vs best built-in'.padStart(16)} ${'MD runs'.padStart(7)} ${'failed'.padStart(6)} ${'screen'.padStart(6)} ${'stop'.padStart(5)} ${'MD h'.padStart(6)} ${'saved h'.padStart(7)} ${'to 10 %'.padStart(7)}`,
    );
    for (const s of r.strategies) {
      // Relative to the best built-in: −30 % is the issue's goal for a reference none of them made; + is worse.
      const d = s.best === null || !Number.isFinite(bestBuiltin) ? null : 100 * (s.best / bestBuiltin - 1);
      const vs = d === null ? '—' : `${d > 0 ? '+' : ''}${d.toFixed(0)} %`;
      console.log(
        `${s.strategy.padEnd(21)} ${cps.map((c) => pct(s.bestAt[c]).padStart(7)).join(' ')} ${vs.padStart(16)} ${String(s.mdRuns).padStart(7)} ${String(s.failed).padStart(6)} ${String(s.screened).padStart(6)} ${String(s.stopped).padStart(5)} ${s.mdHours.toFixed(2).padStart(6)} ${s.mdHoursSaved.toFixed(2).padStart(7)} ${String(s.evalsToWithin10pct ?? '—').padStart(7)}`,
      );
    }
  }
  console.log(`\nR_χ in %, best among the optimizer's completed MD runs after N MD runs (proposal order); 'to 10 %': MD runs until within 10 % of the final best. Wall time ${wallH.toFixed(2)} h.${paused ? ' PAUSED: run the same command again to resume.' : ''}`);
}
process.exit(paused ? 130 : 0);
