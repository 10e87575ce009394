/**
 * Optimizer benchmark (issue 5 §4): for each synthetic R_χ-like function and each method (BO, random search,
 * CMA-ES, CG alone from a start) over 10 seeds (BO) or 50 (the cheap baselines), the median number of evaluations until the noise-free value
 * of an evaluated point reaches the function's target (budget + 1 when never), and the median best noise-free
 * value after the budget; then the time of one GP fit + one q = 4 batch proposal with 200, 1000 and 2000 points
 * in the history (7-D), cold (nothing memoised: a resumed campaign) and warm (one new point since the last
 * proposal: the campaign's steady state). Prints a table, or one JSON object with --json. --quick: half the seeds.
 *
 *   npm run bench:opt [-- --json] [-- --quick]
 *
 * Seeds run in parallel on worker threads (one per core, at most 2); timings run alone afterwards and report
 * medians of wall and CPU time (on a shared machine the CPU time is the better guess of an idle machine's wall
 * time). Nothing here is asserted: the figures are for reading.
 */
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { randomPoint } from '../../src-worker/optimize/baselines.ts';
import { sobolPoints } from '../../src-worker/optimize/design.ts';
import { clearOptimizerMemos, propose } from '../../src-worker/optimize/optimizer.ts';
import { evalsToTarget, simulate } from '../../src-worker/optimize/simulate.ts';
import { parseOptimizerSettings, type Observation, type OptimizerSettingsInput } from '../../src-worker/optimize/strategy.ts';
import { ACKLEY_7D, evaluateNoisy, TEST_FUNCTIONS, type TestFunction } from '../../src-worker/optimize/testfunctions.ts';
import { createRng, normal, uniform } from '../../src-worker/rng.ts';

const METHODS = ['bo', 'random', 'cmaes', 'cg'] as const;
type Method = (typeof METHODS)[number];

/**
 * Evaluation budgets: 1/p for the target's quantile p (random search reaches the target within the budget with
 * probability 1 − 1/e ≈ 63 %; its expected median is ln 2/p: 69 in 2-D, 139 in 7-D).
 */
const budgetOf = (tf: TestFunction): number => (tf.dim === 2 ? 100 : 200);

interface Job {
  readonly fn: string;
  readonly method: Method;
  readonly seed: number;
}
interface JobResult extends Job {
  readonly evals: number;
  readonly best: number;
  readonly used: number;
  readonly wallMs: number;
}

function settingsFor(tf: TestFunction, method: Method, seed: number): OptimizerSettingsInput {
  const common = { dim: tf.dim, budget: budgetOf(tf) };
  switch (method) {
    case 'bo':
      return { strategy: 'bo', ...common };
    case 'random':
      return { strategy: 'random', ...common };
    case 'cmaes':
      return { strategy: 'cmaes', ...common };
    case 'cg':
      // The paper's Sec. 4.1 runs CG from a given start: the function's own (BKS for two-basin) or a seeded random one.
      return { strategy: 'cg', ...common, start: tf.start ? [...tf.start] : randomPoint(tf.dim, seed, 0) };
  }
}

function runJob(job: Job): JobResult {
  const tf = TEST_FUNCTIONS.find((f) => f.name === job.fn) as TestFunction;
  const s = parseOptimizerSettings(settingsFor(tf, job.method, job.seed));
  const t0 = performance.now();
  const r = simulate(s, tf, job.seed);
  const finite = r.trueValues.filter(Number.isFinite);
  return {
    ...job,
    evals: evalsToTarget(r.trueValues, tf.target, s.budget),
    best: finite.length ? Math.min(...finite) : NaN,
    used: r.history.length,
    wallMs: performance.now() - t0,
  };
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

/**
 * A 7-D history of n points shaped like a long BO run: a 70-point Sobol design, then half uniform points and
 * half a tight cloud around the optimum (BO concentrates there, which is what makes kernel matrices hard).
 */
function syntheticHistory(n: number, seed: number): Observation[] {
  const tf = ACKLEY_7D;
  const d = tf.dim;
  const r = createRng(seed);
  const design = sobolPoints(d, 70, seed);
  const opt = tf.optimum.x.map((v, k) => (v - tf.lower[k]) / (tf.upper[k] - tf.lower[k]));
  const out: Observation[] = [];
  for (let i = 0; i < n; i++) {
    let u: number[];
    if (i < 70) u = Array.from(design.subarray(i * d, i * d + d));
    else if (i % 2) u = Array.from({ length: d }, () => uniform(r));
    else u = opt.map((c) => Math.min(1, Math.max(0, c + 0.05 * normal(r))));
    out.push({ u, phase: i < 70 ? 'initial' : 'bo', y: evaluateNoisy(tf, u, r) });
  }
  return out;
}

interface Timing {
  readonly cold: Record<string, number>;
  readonly warm: Record<string, number>;
  readonly coldCpu: Record<string, number>;
  readonly warmCpu: Record<string, number>;
}

/** Wall and CPU time of a call, ms. CPU time is what the call would take on an idle machine (roughly). */
function timed(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

function timeProposals(sizes: readonly number[], reps: number): Timing {
  const t: Timing = { cold: {}, warm: {}, coldCpu: {}, warmCpu: {} };
  const q = 4;
  for (const n of sizes) {
    const s = parseOptimizerSettings({ strategy: 'bo', dim: 7, budget: 10 * n, bo: { initial: { size: 70 }, plateau: 10 * n } });
    const cold: { wall: number; cpu: number }[] = [];
    const warm: { wall: number; cpu: number }[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const h = syntheticHistory(n + 1, 100 + rep);
      clearOptimizerMemos();
      cold.push(timed(() => propose(s, h.slice(0, n), [], q, rep)));
      warm.push(timed(() => propose(s, h, [], q, rep))); // one new observation since the last proposal
    }
    const key = String(n);
    t.cold[key] = Math.round(median(cold.map((c) => c.wall)));
    t.coldCpu[key] = Math.round(median(cold.map((c) => c.cpu)));
    t.warm[key] = Math.round(median(warm.map((c) => c.wall)));
    t.warmCpu[key] = Math.round(median(warm.map((c) => c.cpu)));
  }
  clearOptimizerMemos();
  return t;
}

async function runPool(jobs: Job[], workers: number): Promise<JobResult[]> {
  const results: JobResult[] = [];
  let next = 0;
  const self = fileURLToPath(import.meta.url);
  await Promise.all(
    Array.from({ length: Math.min(workers, jobs.length) }, async () => {
      const w = new Worker(new URL('../../bin/run-ts.mjs', import.meta.url), { argv: [self] });
      await new Promise<void>((resolve, reject) => {
        const feed = (): void => {
          if (next >= jobs.length) {
            void w.terminate().then(() => resolve());
            return;
          }
          w.postMessage(jobs[next++]);
        };
        w.on('message', (r: JobResult) => {
          results.push(r);
          if (!process.argv.includes('--json')) process.stderr.write('.');
          feed();
        });
        w.on('error', reject);
        feed();
      });
    }),
  );
  if (!process.argv.includes('--json')) process.stderr.write('\n');
  return results;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const quick = process.argv.includes('--quick');
  // BO runs take seconds each, the baselines milliseconds: the baselines get five times as many seeds, which
  // makes their medians (the yardstick) far less noisy. Seeds 1…n are shared, so BO's seeds are a subset.
  const seedsOf = (m: Method): number => (m === 'bo' ? 1 : 5) * (quick ? 5 : 10);
  const jobs: Job[] = [];
  // Slow jobs first, so the two workers finish together.
  for (const method of METHODS) for (const tf of [...TEST_FUNCTIONS].sort((a, b) => b.dim - a.dim)) for (let seed = 1; seed <= seedsOf(method); seed++) jobs.push({ fn: tf.name, method, seed });
  jobs.sort((a, b) => Number(b.method === 'bo') - Number(a.method === 'bo'));
  const workers = Math.max(1, Math.min(2, availableParallelism()));
  const t0 = performance.now();
  const results = await runPool(jobs, workers);
  const runsS = (performance.now() - t0) / 1000;
  const timing = timeProposals([200, 1000, 2000], quick ? 1 : 3);

  const functions = TEST_FUNCTIONS.map((tf) => {
    const methods: Record<string, { median_evals: number; best_after_budget: number; reached: number; seeds: number; median_wall_ms: number }> = {};
    for (const m of METHODS) {
      const rs = results.filter((r) => r.fn === tf.name && r.method === m);
      methods[m] = {
        median_evals: median(rs.map((r) => r.evals)),
        best_after_budget: +median(rs.map((r) => r.best)).toPrecision(4),
        reached: rs.filter((r) => r.evals <= budgetOf(tf)).length,
        seeds: rs.length,
        median_wall_ms: Math.round(median(rs.map((r) => r.wallMs))),
      };
    }
    return { name: tf.name, dim: tf.dim, budget: budgetOf(tf), target: tf.target, optimum: tf.optimum.value, methods };
  });
  const out = {
    functions,
    proposal_ms: timing.cold,
    proposal_ms_warm: timing.warm,
    proposal_cpu_ms: timing.coldCpu,
    proposal_cpu_ms_warm: timing.warmCpu,
    proposal_q: 4,
    proposal_dim: 7,
    md_evaluation_budget_ms: 0.02 * 300_000, // 2 % of a ~5 min default MD evaluation
    runs_wall_s: +runsS.toFixed(1),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, workers },
  };
  if (json) {
    console.log(JSON.stringify(out));
    return;
  }
  const pad = (v: unknown, n: number): string => String(v).padEnd(n);
  console.log(`optimizer benchmark: medians over ${seedsOf('bo')} seeds (BO) and ${seedsOf('random')} (baselines); q = 1; noise 2 % relative`);
  console.log(`${pad('function', 14)}${pad('dim', 5)}${pad('budget', 8)}${pad('target', 9)}${pad('method', 8)}${pad('evals→target', 14)}${pad('reached', 9)}${pad('best', 9)}`);
  for (const f of functions) {
    for (const m of METHODS) {
      const r = f.methods[m];
      console.log(`${pad(f.name, 14)}${pad(f.dim, 5)}${pad(f.budget, 8)}${pad(f.target, 9)}${pad(m, 8)}${pad(r.median_evals, 14)}${pad(`${r.reached}/${r.seeds}`, 9)}${pad(r.best_after_budget, 9)}`);
    }
    const ratio = f.methods.bo.median_evals / f.methods.random.median_evals;
    console.log(`${pad('', 14)}BO / random = ${ratio.toFixed(2)} (goal ≤ 0.33)`);
  }
  console.log(`GP fit + one q = 4 batch, 7-D, median ms, wall (CPU) (cold = nothing memoised; warm = one new point): goal < ${out.md_evaluation_budget_ms} ms`);
  for (const n of ['200', '1000', '2000']) console.log(`  n = ${pad(n, 6)} cold ${pad(`${timing.cold[n]} (${timing.coldCpu[n]})`, 16)} warm ${timing.warm[n]} (${timing.warmCpu[n]})`);
  console.log(`runs: ${out.runs_wall_s} s on ${workers} worker(s); ${out.machine.cpus} × ${out.machine.model}, node ${out.machine.node}`);
}

if (isMainThread) await main();
else parentPort?.on('message', (job: Job) => parentPort?.postMessage(runJob(job)));
