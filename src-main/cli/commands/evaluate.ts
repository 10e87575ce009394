/**
 * `glassfit evaluate`: R_χ of one potential against a reference structure (default: the built-in CHIK
 * liquid, a classical-MD stand-in), by the paper's protocol or a shorter one, with replicas run in parallel
 * on the worker pool. Prints the per-pair χ and R_χ table in percent (mean ± sd over replicas) or one JSON
 * object, writes the mean g(r) and angle distributions as CSV, and draws a progress line with ETA on stderr.
 */
import { availableParallelism } from 'node:os';
import { checkOutput, fileSource, readInWorker, writeOutput } from '../files.ts';
import { JobFileError, runJob } from '../../payload/evaluate-job.ts';
import { parse, int } from '../args.ts';
import { CliError } from '../errors.ts';
import { resolvePotential, splitOptions } from '../potential-arg.ts';
import { formatDuration, statusLine } from '../terminal.ts';
import { PROTOCOL_OPTIONS, costRangeFromOptions, protocolFromOptions, protocolHelp, softStartSteps } from '../protocol-args.ts';
import { loadDefaultReference } from '../../reference/load.ts';
import { createPool } from '../../runner/pool.ts';
import { nodeWorkerEntry } from '../../runner/worker-path.ts';
import { coreSharing } from '../../runner/idle-cores.ts';
import { PS_PER_FS } from '../../../src-worker/units.ts';
import type { Progress } from '../../../src-worker/md/protocol.ts';
import { DEFAULT_KERNEL, KERNEL_NAMES, type KernelName } from '../../../src-worker/md/engine.ts';
import { parseTypeMap } from '../../../src-worker/io/lammps-dump.ts';
import { writeAdfCsv, writeGrCsv } from '../../../src-worker/io/gr-table.ts';
import type { Reference } from '../../../src-worker/evaluate/reference.ts';
import { DEFAULT_COST_RANGE } from '../../../src-worker/evaluate/cost.ts';
import { parameterProblems, specProblems } from '../../../src-worker/evaluate/evaluate.ts';
import { evaluateReplicas, meanAdf, meanRdf, type ReplicaSummary, type Spread } from '../../../src-worker/evaluate/replicas.ts';
import type { DoneResult, EvaluationResult, EvaluationSpec } from '../../../src-worker/evaluate/spec.ts';
import { ENGINE_VERSION } from '../../../src-worker/evaluate/spec.ts';
import { SETTING_BOUNDS, settingProblem, workersProblem, type SettingBound } from '../../../src-worker/settings-bounds.ts';

export const help = `usage: glassfit evaluate --potential <name|file.json> [options]

Runs the MD protocol for the potential (random start, soft start, NVT relax, NVT production), samples the
partial g(r), bond angles and coordination, and prints χ per pair and R_χ against the reference, in %:
  χ²_ab = Σ_r (g_ref − g_md)² / Σ_r g_ref²,   R_χ = sqrt(mean over pairs of χ²_ab)   (paper Eqs. 2–3)
With --replicas k the same parameters run with k derived seeds in parallel: mean ± standard deviation.
The default reference is the built-in CHIK liquid at 3600 K: classical MD (LAMMPS), a stand-in for your
own ab initio data, not AIMD.

options:
  --potential NAME|FILE  built-in set (bks, chik, ml, ml-sio, ml-all) or JSON parameter file
  --reference FILE       g(r) table (r,SiSi,SiO,OO) or trajectory (LAMMPS dump, extended XYZ, XDATCAR)
                         (default: the built-in CHIK stand-in)
  --type-map 1=Si,2=O    LAMMPS dump atom type → species, for a dump reference
  --replicas K           independent runs with derived seeds (default 1)
  --workers N            worker threads (default min(K, cores) = min(K, ${availableParallelism()}))
  --threads T            threads per replica's MD, fixed (default: the idle cores — cores − load average —
                         shared among the replicas running at each moment, so the last one runs on all
                         of them; same result to round-off)
${protocolHelp()}
  --start-ps PS          soft start after the random insertion: capped MD at 0.5 fs, ps (default 1)
  --seed N               base seed (default 1); replica seeds derive from it
  --kernel exact|table   pair kernel (default ${DEFAULT_KERNEL})
  --rmin A --rmax A      r-range of the R_χ sums, Å (default ${DEFAULT_COST_RANGE.rMin}–${DEFAULT_COST_RANGE.rMax}, the whole reference grid)
  --gr-out FILE.csv      write g(r) (mean over finished replicas): columns r,SiSi,SiO,OO
  --adf-out FILE.csv     write bond-angle distributions (pooled over replicas): theta,OSiO,SiOSi
  --force                replace --gr-out / --adf-out if they exist
  --json                 print one JSON object (R_χ and χ in %)
  --quiet                no progress line

batch mode (what a SLURM task of a campaign runs; see docs/cluster.md):
  glassfit evaluate --spec JOB.json --result RESULT.json
                         one evaluation of the job file (spec + forcefield, written by the campaign runner)
                         in this process; the whole result (R_χ, g(r), angles, final configuration) goes
                         to RESULT.json, written whole (temporary file + rename), so its presence means done

exit status: 0 when every replica finished, 3 when one blew up (the reason is printed), 2 for bad input,
130 when interrupted.`;

/** Batch mode: one job file in, one result file out, the JS engine in this thread (payload/evaluate-job.ts). */
function batch(specPath: string, resultPath: string | undefined): number {
  if (!resultPath) throw new CliError('--spec needs --result <file>');
  try {
    return runJob(specPath, resultPath);
  } catch (e) {
    if (e instanceof JobFileError) throw new CliError(e.message);
    throw e;
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values: raw } = parse(argv, {
    spec: { type: 'string' },
    result: { type: 'string' },
    potential: { type: 'string' },
    reference: { type: 'string' },
    'type-map': { type: 'string' },
    replicas: { type: 'string' },
    workers: { type: 'string' },
    threads: { type: 'string' },
    ...PROTOCOL_OPTIONS,
    'start-ps': { type: 'string' },
    seed: { type: 'string' },
    kernel: { type: 'string' },
    rmin: { type: 'string' },
    rmax: { type: 'string' },
    'gr-out': { type: 'string' },
    'adf-out': { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  const { str: values, flag } = splitOptions(raw);
  if (values.spec !== undefined) return batch(values.spec, values.result);
  if (values.result !== undefined) throw new CliError('--result goes with --spec (batch mode)');
  const pot = await resolvePotential(values.potential);
  const force = flag.force === true;
  checkOutput(values['gr-out'], { force, what: '--gr-out' });
  checkOutput(values['adf-out'], { force, what: '--adf-out' });
  const kernel = (values.kernel ?? DEFAULT_KERNEL) as KernelName;
  if (!KERNEL_NAMES.includes(kernel)) throw new CliError(`--kernel must be one of ${KERNEL_NAMES.join(', ')}, got '${values.kernel}'`);
  const replicas = boundedInt(values.replicas, 'replicas', 1, SETTING_BOUNDS.replicas);
  const workers = boundedInt(values.workers, 'workers', Math.min(replicas, availableParallelism()), SETTING_BOUNDS.workers);
  const tooMany = workersProblem(workers, availableParallelism());
  if (tooMany) throw new CliError(`--workers: ${tooMany}`);
  const poolSize = Math.min(workers, replicas);
  // --threads fixes the threads per run; without it the idle cores are shared among the runs going at each moment.
  const cores = values.threads === undefined ? coreSharing(SETTING_BOUNDS.threads.max, poolSize) : { threadsPerEvaluation: boundedInt(values.threads, 'threads', 1, SETTING_BOUNDS.threads) };
  const protocol = protocolFromOptions(values);
  const costRange = costRangeFromOptions(values);
  const reference = await readReference(values.reference, values['type-map']);

  // The soft start is given in ps, as for `glassfit md`; the spec counts its steps of 0.5 fs.
  const steps = softStartSteps(values['start-ps'], protocol.temperature);
  const softStart = steps === undefined ? undefined : { steps };
  const spec: EvaluationSpec = { species: pot.species, protocol, reference, costRange, seed: int(values.seed, 'seed', 1), kernel, ...(softStart ? { softStart } : {}) };
  // Set-up problems are the user's input, reported before any worker starts.
  const problems = [...specProblems(spec)];
  if (problems.length === 0) problems.push(...parameterProblems(pot.ff, spec));
  if (problems.length > 0) throw new CliError(problems.join('; '));

  const pool = createPool({ entry: nodeWorkerEntry(), size: poolSize, ...cores });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const line = progressLine(flag.quiet === true, replicas);
  const t0 = performance.now();
  let out: { results: EvaluationResult[]; summary: ReplicaSummary };
  try {
    out = await evaluateReplicas(pool, pot.ff, spec, replicas, { onProgress: line.update, signal: abort.signal });
  } finally {
    line.finish();
    process.off('SIGINT', onSigint);
    await pool.close();
  }
  const wallS = (performance.now() - t0) / 1000;
  const { results, summary } = out;
  const done = results.filter((r): r is DoneResult => r.status === 'done');

  if (values['gr-out'] && done.length > 0) {
    const g = meanRdf(done);
    writeOutput(values['gr-out'], writeGrCsv(g.r, g.pairs, g.g), { force, what: '--gr-out' });
  }
  const adf = meanAdf(done);
  if (values['adf-out'] && adf) writeOutput(values['adf-out'], writeAdfCsv(adf.theta, adf.triplets, adf.p), { force, what: '--adf-out' });

  const report = jsonReport(pot.name, reference, spec, summary, results, wallS);
  if (flag.json) console.log(JSON.stringify(report));
  else console.log(textReport(pot.name, reference, spec, summary, results, wallS, values['gr-out'] && done.length > 0 ? values['gr-out'] : undefined, values['adf-out'] && adf ? values['adf-out'] : undefined));
  for (const f of summary.failed) console.error(`glassfit: replica with seed ${f.seed}: ${f.reason}`);
  if (abort.signal.aborted) return 130;
  return summary.failed.length > 0 ? 3 : 0;
}

/** The built-in reference, or the user's file read (and its usability checked) in the parse worker. */
async function readReference(path: string | undefined, typeMapArg: string | undefined): Promise<Reference> {
  if (path === undefined) return loadDefaultReference();
  let typeMap: Record<number, string> | undefined;
  try {
    typeMap = typeMapArg !== undefined ? parseTypeMap(typeMapArg) : undefined;
  } catch (e) {
    throw new CliError(`--type-map: ${(e as Error).message}`);
  }
  return readInWorker({ kind: 'reference', ...fileSource(path), options: typeMap ? { typeMap } : {} }, 'reference');
}

/** An integer option within a bound of settings-bounds.ts, refused with its reason. */
function boundedInt(value: string | undefined, name: string, dflt: number, bound: SettingBound): number {
  const x = int(value, name, dflt, 1);
  const why = settingProblem(bound, x);
  if (why) throw new CliError(`--${name} ${value}: ${why}`);
  return x;
}

const pct = (x: number) => 100 * x;

function spreadPct(s: Spread | null | undefined): { mean: number | null; sd: number | null } {
  if (!s || s.n === 0) return { mean: null, sd: null };
  return { mean: pct(s.mean), sd: s.sd === null ? null : pct(s.sd) };
}

function jsonReport(potential: string, reference: Reference, spec: EvaluationSpec, summary: ReplicaSummary, results: readonly EvaluationResult[], wallS: number) {
  const pairs = Object.keys(summary.chiByPair);
  return {
    potential,
    reference: { name: reference.provenance.name, hash: reference.hash, abInitio: reference.provenance.abInitio ?? null },
    units: 'percent',
    rchi: spreadPct(summary.rChi).mean,
    rchiSd: spreadPct(summary.rChi).sd,
    chi: Object.fromEntries(pairs.map((p) => [p, spreadPct(summary.chiByPair[p]).mean])),
    chiSd: Object.fromEntries(pairs.map((p) => [p, spreadPct(summary.chiByPair[p]).sd])),
    replicas: summary.replicas,
    done: summary.done,
    failed: summary.failed.map((f) => ({ seed: f.seed, kind: f.failure.kind, step: f.failure.step, reason: f.reason })),
    runs: results.map((r) =>
      r.status === 'done'
        ? { seed: r.seed, status: r.status, rchi: pct(r.rChi), chi: Object.fromEntries(Object.entries(r.chiByPair).map(([p, v]) => [p, pct(v)])), wallS: r.timings.wallS, usPerAtomStep: r.timings.usPerAtomStep, meanTemperatureK: r.run.meanTemperature }
        : { seed: r.seed, status: r.status, reason: r.reason, wallS: r.timings.wallS },
    ),
    protocol: { ...spec.protocol, timestepFs: spec.protocol.timestep / PS_PER_FS },
    costRangeA: spec.costRange,
    kernel: results.find((r) => r.status === 'done')?.kernel ?? spec.kernel,
    baseSeed: spec.seed,
    wallS,
    engineVersion: ENGINE_VERSION,
  };
}

function textReport(
  potential: string,
  reference: Reference,
  spec: EvaluationSpec,
  summary: ReplicaSummary,
  results: readonly EvaluationResult[],
  wallS: number,
  grOut: string | undefined,
  adfOut: string | undefined,
): string {
  const p = spec.protocol;
  const fmt = (s: Spread | null | undefined) => {
    if (!s || s.n === 0) return '—';
    return s.sd === null ? pct(s.mean).toFixed(2) : `${pct(s.mean).toFixed(2)} ± ${pct(s.sd).toFixed(2)}`;
  };
  const seeds = results.map((r) => r.seed).join(', ');
  const lines = [`${potential} against ${reference.provenance.name}`];
  if (reference.provenance.abInitio === false) lines.push('  (the reference is classical MD, a stand-in for ab initio data — not AIMD)');
  lines.push(
    `protocol: ${p.atoms} atoms, ${p.densityGcm3} g/cm³, ${p.temperature} K, ${p.timestep / PS_PER_FS} fs, ${p.relax} ps relax + ${p.production} ps production, sample every ${p.sampleEvery} steps; kernel ${spec.kernel}`,
    `replicas: ${summary.replicas} (seed${summary.replicas > 1 ? 's' : ''} ${seeds}), ${summary.done} finished; r-range ${spec.costRange.rMin}–${spec.costRange.rMax} Å`,
    '',
    `  ${'pair'.padEnd(6)} ${'χ (%)'.padStart(14)}`,
  );
  for (const [pair, s] of Object.entries(summary.chiByPair)) lines.push(`  ${pair.padEnd(6)} ${fmt(s).padStart(14)}`);
  const r = summary.rChi;
  const rel = r && r.sd !== null && r.mean > 0 ? `   (relative spread ${((100 * r.sd) / r.mean).toFixed(1)} %)` : '';
  lines.push(`  ${'R_χ'.padEnd(6)} ${fmt(r).padStart(14)}${rel}`, '');
  const done = results.filter((x): x is DoneResult => x.status === 'done');
  if (done.length > 0) {
    const per = done.reduce((a, x) => a + x.timings.wallS, 0) / done.length;
    const us = done.reduce((a, x) => a + x.timings.usPerAtomStep, 0) / done.length;
    lines.push(`wall time: ${formatDuration(per)} per evaluation (${us.toFixed(2)} µs per atom-step), ${formatDuration(wallS)} in all`);
  }
  if (grOut) lines.push(`wrote g(r) to ${grOut}`);
  if (adfOut) lines.push(`wrote angle distributions to ${adfOut}`);
  return lines.join('\n');
}

/** One progress line for all replicas: fraction of all steps done and the longest ETA among running ones. */
function progressLine(quiet: boolean, replicas: number): { update: (replica: number, p: Progress) => void; finish: () => void } {
  const line = statusLine();
  const intervalMs = line.tty ? 500 : 10_000;
  const latest = new Map<number, Progress>();
  let lastDraw = -Infinity;
  return {
    update(replica, p) {
      latest.set(replica, p);
      if (quiet) return;
      const now = performance.now();
      if (now - lastDraw < intervalMs) return;
      lastDraw = now;
      let step = 0;
      let total = 0;
      let eta = 0;
      for (const q of latest.values()) {
        step += q.step;
        total += q.totalSteps;
        if (q.step < q.totalSteps && Number.isFinite(q.etaS)) eta = Math.max(eta, q.etaS);
      }
      // Replicas still queued count with the length of one that has started; the ETA covers running ones.
      const queued = replicas - latest.size;
      total += (queued * total) / latest.size;
      const phases = [...new Set([...latest.values()].map((q) => q.phase))].join('/');
      const text =
        `evaluating ${replicas} replica${replicas > 1 ? 's' : ''}: ${phases} ${((100 * step) / total).toFixed(1)} %  ` +
        `ETA ${formatDuration(eta)}${queued > 0 ? ` (+ ${queued} queued)` : ''}`;
      line.draw(text);
    },
    finish: () => line.finish(),
  };
}
