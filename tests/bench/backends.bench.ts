/**
 * Backends benchmark (issue 13 §4): the same evaluations (4 parameter sets × 2 seeds, 648 atoms) through each
 * backend and payload — threads (the JS engine), lammps (local `lmp`), slurm with the 'js' and the 'lammps' payload
 * when a SLURM controller answers — with `--workers` evaluations at once on each. Prints the wall time per backend,
 * the wall time per evaluation, SLURM's overhead per evaluation over the same payload run locally (goal < 5 % at
 * the paper's protocol), and the R_χ agreement of the JS engine and LAMMPS on the same candidates (same potential and
 * start, other velocities) beside the JS engine's own seed-to-seed spread. Nothing is asserted: figures to read.
 *
 *   npm run bench:backends [-- --relax-ps 2 --prod-ps 2 --start-steps 2000 --workers 2 --poll-s 1 --json]
 *                          [-- --only threads,slurm/js,slurm/js-tsx]
 *
 * Start a single-node SLURM first to include it (scripts/ci-slurm.sh start DIR; export SLURM_CONF=DIR/slurm.conf).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPool } from '../../src-main/runner/pool.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { createLammpsEvaluator } from '../../src-main/runner/lammps-evaluator.ts';
import { createSlurmEvaluator } from '../../src-main/runner/slurm-evaluator.ts';
import { openStore } from '../../src-main/store/store.ts';
import { loadDefaultReference } from '../../src-main/reference/load.ts';
import { buildCampaign, baselineEvaluation } from '../../src-worker/campaign/setup.ts';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { builtinForceField, type BuiltinName } from '../../src-worker/params/sets.ts';
import { DEFAULT_EXECUTION } from '../../src-worker/campaign/records.ts';
import { PAPER_PROTOCOL } from '../../src-worker/md/protocol.ts';
import { DEFAULT_MINIMIZE } from '../../src-worker/md/minimize.ts';
import { SILICA } from '../../src-worker/species.ts';
import { DEFAULT_COST_RANGE } from '../../src-worker/evaluate/cost.ts';
import type { EvaluationResult, EvaluationSpec } from '../../src-worker/evaluate/spec.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';

const { values: a } = parseArgs({
  options: {
    'relax-ps': { type: 'string', default: '1' },
    'prod-ps': { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    'poll-s': { type: 'string', default: '1' },
    'start-steps': { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
    // A subset of rows: threads, lammps, slurm/js, slurm/js-tsx (the js payload through bin/glassfit.mjs and tsx
    // instead of the bundle: what the bundle saves), slurm/lammps. Default all but slurm/js-tsx.
    only: { type: 'string', default: 'threads,lammps,slurm/js,slurm/lammps' },
  },
});
const workers = Number(a.workers);
const only = new Set(String(a.only).split(','));
for (const o of only) if (!['threads', 'lammps', 'slurm/js', 'slurm/js-tsx', 'slurm/lammps'].includes(o)) throw new Error(`--only: unknown row '${o}'`);
// The SLURM rows' overhead is over the same payload run locally: those need their local row.
if ((only.has('slurm/js') || only.has('slurm/js-tsx')) && !only.has('threads')) only.add('threads');
if (only.has('slurm/lammps')) only.add('lammps');
const SETS: BuiltinName[] = ['BKS', 'CHIK', 'ML', 'ML-ALL'];
const reference = loadDefaultReference();
const candidates: { name: string; ff: ForceField; spec: EvaluationSpec }[] = SETS.flatMap((name) =>
  [1, 2].map((seed) => ({
    name: `${name}/s${seed}`,
    ff: builtinForceField(name),
    spec: {
      species: SILICA,
      protocol: { ...PAPER_PROTOCOL, atoms: 648, relax: Number(a['relax-ps']), production: Number(a['prod-ps']) },
      reference,
      costRange: DEFAULT_COST_RANGE,
      seed,
      kernel: 'table',
      // The protocol's soft start is 2000 steps after up to 1000 FIRE iterations; --start-steps shortens both for a quick look.
      ...(a['start-steps'] !== '2000' ? { softStart: { steps: Number(a['start-steps']), minimize: { ...DEFAULT_MINIMIZE, maxIterations: Math.max(10, Math.round(Number(a['start-steps']) / 2)) } } } : {}),
    },
  })),
);

type Evaluate = (c: (typeof candidates)[number], k: number) => Promise<EvaluationResult>;

/** All candidates, at most `workers` at once; wall seconds and the results in candidate order. */
async function runAll(evaluate: Evaluate): Promise<{ wallS: number; results: EvaluationResult[] }> {
  const t0 = performance.now();
  const results: EvaluationResult[] = new Array(candidates.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let k = next++; k < candidates.length; k = next++) results[k] = await evaluate(candidates[k], k);
    }),
  );
  return { wallS: (performance.now() - t0) / 1000, results };
}

/** SLURM takes the whole batch at once (one array, at most `workers` tasks running): the runner's way. */
async function runBatch(evaluate: Evaluate): Promise<{ wallS: number; results: EvaluationResult[] }> {
  const t0 = performance.now();
  const results = await Promise.all(candidates.map((c, k) => evaluate(c, k)));
  return { wallS: (performance.now() - t0) / 1000, results };
}

const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const slurmUp = have('sinfo') && /^(idle|mix|alloc)/.test(spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim() ?? '');
const dir = mkdtempSync(join(tmpdir(), 'glassfit-bench-backends-'));
const rows: { backend: string; wallS: number; perEvalS: number; overheadPct: number | null; rchi: (number | null)[] }[] = [];
const rchiOf = (r: EvaluationResult) => (r.status === 'done' ? r.rChi : null);

try {
  let threads: Awaited<ReturnType<typeof runAll>> | null = null;
  if (only.has('threads')) {
    const pool = createPool({ entry: nodeWorkerEntry(), size: workers });
    threads = await runAll((c) => pool.evaluate(c.ff, c.spec));
    await pool.close();
    rows.push({ backend: 'threads', wallS: threads.wallS, perEvalS: threads.wallS / candidates.length, overheadPct: null, rchi: threads.results.map(rchiOf) });
  }

  let lammps: Awaited<ReturnType<typeof runAll>> | null = null;
  if (have('lmp') && only.has('lammps')) {
    const ev = createLammpsEvaluator({ lammps: DEFAULT_EXECUTION.lammps, workDir: join(dir, 'lammps') });
    lammps = await runAll((c) => ev.evaluate(c.ff, c.spec));
    rows.push({ backend: 'lammps', wallS: lammps.wallS, perEvalS: lammps.wallS / candidates.length, overheadPct: null, rchi: lammps.results.map(rchiOf) });
  }

  if (slurmUp) {
    // Job rows point at stored evaluations: a scratch campaign holds one per candidate.
    const store = openStore(join(dir, 'bench.sqlite'));
    const { record } = buildCampaign(
      { name: 'bench', reference, space: presetSpace('BKS-2D'), optimizer: { strategy: 'random', budget: 1 }, workers, seed: 1, baselines: [] },
      { id: crypto.randomUUID(), now: new Date().toISOString() },
    );
    store.createCampaign(record, []);
    for (const row of ['slurm/js', 'slurm/js-tsx', 'slurm/lammps'] as const) {
      if (!only.has(row) || (row === 'slurm/lammps' && !lammps)) continue;
      const payload = row === 'slurm/lammps' ? 'lammps' : 'js';
      const evals = store.addEvaluations(record.id, candidates.map(() => baselineEvaluation(record, 'BKS')));
      const ev = createSlurmEvaluator({
        db: store.db,
        campaignId: record.id,
        slurm: { ...DEFAULT_EXECUTION.slurm, payload, maxInFlight: workers, pollS: Number(a['poll-s']) },
        lammps: DEFAULT_EXECUTION.lammps,
        workDir: join(dir, row.replace('/', '-')),
        ...(row === 'slurm/js-tsx' ? { bundle: false } : {}),
      });
      const local = payload === 'js' ? threads! : lammps!;
      const r = await runBatch((c, k) => ev.evaluate(c.ff, c.spec, { evaluationId: evals[k].id }));
      await ev.close();
      rows.push({ backend: row, wallS: r.wallS, perEvalS: r.wallS / candidates.length, overheadPct: (100 * (r.wallS - local.wallS)) / local.wallS, rchi: r.results.map(rchiOf) });
    }
    store.close();
  }

  // JS against LAMMPS on the same candidate and seed; the JS engine's own seed-to-seed spread for scale.
  const js = threads ? threads.results.map(rchiOf) : [];
  const lmp = lammps && threads ? lammps.results.map(rchiOf) : null;
  const diff = lmp ? js.map((x, k) => (x !== null && lmp[k] !== null ? Math.abs(x - lmp[k]!) * 100 : null)).filter((x): x is number => x !== null) : [];
  const seedSpread = SETS.map((_, s) => (js[2 * s] !== null && js[2 * s + 1] !== null ? Math.abs(js[2 * s]! - js[2 * s + 1]!) * 100 : null)).filter((x): x is number => x !== null);
  const mean = (v: number[]) => (v.length ? v.reduce((p, q) => p + q, 0) / v.length : NaN);
  const summary = {
    protocol: `648 atoms, ${a['start-steps']}-step soft start, ${a['relax-ps']} + ${a['prod-ps']} ps, ${workers} at once, ${candidates.length} evaluations`,
    slurm: slurmUp ? 'on' : 'no controller answered: slurm rows skipped',
    rows,
    agreement: lmp ? { meanAbsPoints: mean(diff), maxAbsPoints: Math.max(...diff), jsSeedSpreadMeanPoints: mean(seedSpread) } : null,
  };
  if (a.json) console.log(JSON.stringify(summary, null, 1));
  else {
    console.log(`backends: ${summary.protocol}; slurm ${summary.slurm}`);
    console.log('backend        wall s   s/eval   overhead vs local   R_χ % per candidate');
    for (const r of rows)
      console.log(
        `${r.backend.padEnd(13)} ${r.wallS.toFixed(1).padStart(7)} ${r.perEvalS.toFixed(2).padStart(8)}   ${r.overheadPct === null ? '—'.padStart(17) : `${r.overheadPct.toFixed(1)} %`.padStart(17)}   ${r.rchi.map((x) => (x === null ? 'fail' : (100 * x).toFixed(2))).join(' ')}`,
      );
    console.log(`candidates: ${candidates.map((c) => c.name).join(' ')}`);
    if (summary.agreement)
      console.log(
        `R_χ JS vs LAMMPS, same candidate and start: mean |Δ| ${summary.agreement.meanAbsPoints.toFixed(2)} points, max ${summary.agreement.maxAbsPoints.toFixed(2)}; JS seed 1 vs seed 2: mean |Δ| ${summary.agreement.jsSeedSpreadMeanPoints.toFixed(2)} points`,
      );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
