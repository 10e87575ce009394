/**
 * `glassfit glass`: make glasses with a potential — liquid at the campaign temperature, linear cooling at a
 * rate to 300 K at 0 GPa, relaxation and sampling at 300 K, 0 GPa (src-worker/glass/quench.ts) — for K
 * replicas, and report their properties with error bars and the agreement of the neutron F(Q) with the
 * built-in measurement (resources/experiment/). --json prints one object; --out-dir writes the curves as CSV
 * and each replica's final configuration.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse, int, num } from '../args.ts';
import { writeOutput } from '../files.ts';
import { CliError } from '../errors.ts';
import { formatDuration, statusLine } from '../terminal.ts';
import { resolvePotential, splitOptions } from '../potential-arg.ts';
import { KERNEL_NAMES, type KernelName } from '../../../src-worker/md/engine.ts';
import { describeFailure } from '../../../src-worker/md/failure.ts';
import { formatConfiguration } from '../../../src-worker/io/configuration.ts';
import { DEFAULT_QUENCH, quenchProblems, runQuench, type QuenchOptions, type QuenchProgress } from '../../../src-worker/glass/quench.ts';
import { experimentCurves, glassProperties, summarize, type GlassProperties, type GlassSummary } from '../../../src-worker/glass/properties.ts';
import { EXPERIMENT_DENSITY, EXPERIMENT_FQ_SOURCE, FQ_RCHI_RANGE } from '../../../src-worker/glass/experiment.ts';
import { glassCsv } from '../../../src-worker/glass/export.ts';
import { loadExperimentFq } from '../../glass/experiment.ts';
import type { RunContext } from '../../../src-worker/md/protocol.ts';
import { Worker } from 'node:worker_threads';
import { closeForceTeam, createForceTeam } from '../../../src-worker/md/force-team.ts';
import { nodeWorkerEntry } from '../../runner/worker-path.ts';
import { defaultThreadsPerEvaluation } from '../../runner/idle-cores.ts';
import { SETTING_BOUNDS, settingProblem } from '../../../src-worker/settings-bounds.ts';

const D = DEFAULT_QUENCH;
export const help = `usage: glassfit glass --potential <name|file.json> [options]

Makes a glass: random liquid at the campaign density and temperature (soft start, NVT), linear cooling to
${D.finalTemperature} K under NPT at 0 GPa, NPT relaxation and sampling at ${D.finalTemperature} K, 0 GPa. Reports density, g(r), neutron F(Q)/S(Q)/T(r),
FSDP, Si–O–Si and O–Si–O angles, coordination and Qn, with standard errors over replicas, and Wright's R_χ of
F(Q) against the measured F(Q) of vitreous silica (${EXPERIMENT_FQ_SOURCE}) over Q = ${FQ_RCHI_RANGE[0]}–${FQ_RCHI_RANGE[1]} Å⁻¹.
Experimental density: ${EXPERIMENT_DENSITY} g/cm³.

options:
  --potential NAME|FILE  built-in set (bks, chik, ml, ml-sio, ml-all) or JSON parameter file
  --rate K_PER_PS        cooling rate (default ${D.rate})
  --atoms N              atoms, a multiple of 3 (default ${D.atoms})
  --replicas K           independent glasses from different random liquids (default 1)
  --temp K               liquid temperature, the campaign's (default ${D.liquidTemperature})
  --density G_CM3        density of the starting liquid (default ${D.densityGcm3})
  --liquid-ps PS         NVT liquid before cooling (default ${D.liquidPs})
  --relax-ps PS          NPT at ${D.finalTemperature} K before sampling (default ${D.relaxPs})
  --sample-ps PS         NPT at ${D.finalTemperature} K, sampled every ${D.sampleEvery} steps (default ${D.samplePs})
  --start-steps N        soft-start steps of 0.5 fs (default ${D.startSteps})
  --seed N               seed of replica 1; replica k uses seed + k − 1 (default 1)
  --kernel exact|table   pair kernel (default ${D.kernel})
  --threads T            threads of each replica's MD (table kernel; default the idle cores: cores less the
                         load average); the same glass to round-off, so a seed's glass on another number of
                         threads is another replica with the same statistics
  --out-dir DIR          write fq.csv, tr.csv, gr.csv, adf.csv, summary.json and glass-<k>.extxyz there
  --force                overwrite files in --out-dir
  --json                 print one JSON object (density, fq_rchi, fsdp_q, mean_SiOSi, … with *_err)
  --quiet                no progress line
`;

export async function run(argv: string[]): Promise<number> {
  const { values: raw } = parse(argv, {
    potential: { type: 'string' },
    rate: { type: 'string' },
    atoms: { type: 'string' },
    replicas: { type: 'string' },
    temp: { type: 'string' },
    density: { type: 'string' },
    'liquid-ps': { type: 'string' },
    'relax-ps': { type: 'string' },
    'sample-ps': { type: 'string' },
    'start-steps': { type: 'string' },
    seed: { type: 'string' },
    kernel: { type: 'string' },
    threads: { type: 'string' },
    'out-dir': { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  const { str: v, flag } = splitOptions(raw);
  const pot = await resolvePotential(v.potential);
  if (pot.species.species.map((s) => s.name).join(',') !== 'Si,O') throw new CliError('glass making is built for SiO2 (species Si, O) only');
  const kernel = (v.kernel ?? D.kernel) as KernelName;
  if (!KERNEL_NAMES.includes(kernel)) throw new CliError(`--kernel must be one of ${KERNEL_NAMES.join(', ')}, got '${v.kernel}'`);
  const opts: QuenchOptions = {
    ...D,
    rate: num(v.rate, 'rate', D.rate),
    atoms: int(v.atoms, 'atoms', D.atoms, 3),
    liquidTemperature: num(v.temp, 'temp', D.liquidTemperature),
    densityGcm3: num(v.density, 'density', D.densityGcm3),
    liquidPs: num(v['liquid-ps'], 'liquid-ps', D.liquidPs),
    relaxPs: num(v['relax-ps'], 'relax-ps', D.relaxPs),
    samplePs: num(v['sample-ps'], 'sample-ps', D.samplePs),
    startSteps: int(v['start-steps'], 'start-steps', D.startSteps, 0),
    kernel,
  };
  const problems = quenchProblems(opts);
  if (problems.length > 0) throw new CliError(problems.join('; '));
  const replicas = int(v.replicas, 'replicas', 1, 1);
  const threads = int(v.threads, 'threads', defaultThreadsPerEvaluation(1), 1);
  const threadsWhy = settingProblem(SETTING_BOUNDS.threads, threads);
  if (threadsWhy) throw new CliError(`--threads ${v.threads}: ${threadsWhy}`);
  const seed = int(v.seed, 'seed', 1);
  const outDir = v['out-dir'];
  const force = flag.force === true;
  const experiment = loadExperimentFq();

  const progress = progressLine(flag.quiet === true, replicas);
  const ctx: RunContext = { now: () => performance.now(), reportIntervalMs: progress.intervalMs, isCancelled: () => false, report: () => {} };
  const props: GlassProperties[] = [];
  const wall: number[] = [];
  if (outDir) mkdirSync(outDir, { recursive: true });
  const team = threads > 1 ? createForceTeam(threads, (data) => new Worker(nodeWorkerEntry(), { workerData: data })) : undefined;
  try {
    for (let k = 0; k < replicas; k++) {
      const r = runQuench(pot.ff, opts, seed + k, ctx, progress.report, k, pot.species, team ? { team } : {});
      if (!r.ok) {
        progress.finish();
        console.error(`glassfit: replica ${k + 1}, ${r.stage}: ${describeFailure(r.failure)}`);
        if (outDir) {
          const path = join(outDir, `glass-${k + 1}.failed.extxyz`);
          writeOutput(path, formatConfiguration(r.sys, path, pot.ff, { info: { potential: pot.name, failure: describeFailure(r.failure) } }), { force, what: 'the failure configuration' });
          console.error(`the configuration at the failure is in ${path}`);
        }
        return 3;
      }
      wall.push(r.wallMs / 1000);
      props.push(glassProperties(r.sample, experiment));
      if (outDir) {
        const path = join(outDir, `glass-${k + 1}.extxyz`);
        writeOutput(path, formatConfiguration(r.sys, path, pot.ff, { info: { potential: pot.name, rate_K_per_ps: String(opts.rate), seed: String(seed + k), units: 'metal' } }), { force, what: 'the glass configuration' });
      }
    }
  } finally {
    if (team) closeForceTeam(team);
  }
  progress.finish();
  const summary = summarize(props);
  const report = jsonReport(pot.name, opts, replicas, threads, summary, wall);
  if (outDir) {
    const files = glassCsv(summary, experimentCurves(experiment, summary.curves.r));
    for (const [name, text] of Object.entries(files)) writeOutput(join(outDir, name), text, { force, what: name });
    writeOutput(join(outDir, 'summary.json'), JSON.stringify(report, null, 1) + '\n', { force, what: 'summary.json' });
  }
  if (flag.json) console.log(JSON.stringify(report));
  else printSummary(pot.name, opts, summary, wall);
  return 0;
}

const round = (x: number, d = 4): number | null => (Number.isFinite(x) ? Number(x.toPrecision(d + 2)) : null);

/** The --json object: the issue's four keys first, every scalar with its standard error. */
function jsonReport(potential: string, o: QuenchOptions, replicas: number, threads: number, s: GlassSummary, wall: number[]): Record<string, unknown> {
  const sc = s.scalars;
  const out: Record<string, unknown> = {
    potential,
    density: round(sc.density.mean),
    fq_rchi: round(sc.fqRchi.mean),
    fsdp_q: round(sc.fsdpQ.mean),
    mean_SiOSi: round(sc.meanSiOSi.mean),
    density_err: round(sc.density.err),
    fq_rchi_err: round(sc.fqRchi.err),
    fsdp_q_err: round(sc.fsdpQ.err),
    mean_SiOSi_err: round(sc.meanSiOSi.err),
    fsdp_fwhm: round(sc.fsdpFwhm.mean),
    fsdp_fwhm_err: round(sc.fsdpFwhm.err),
    mean_OSiO: round(sc.meanOSiO.mean),
    mean_OSiO_err: round(sc.meanOSiO.err),
    r_SiO: round(sc.rSiO.mean),
    r_OO: round(sc.rOO.mean),
    r_SiSi: round(sc.rSiSi.mean),
    z_Si: round(sc.zSi.mean),
    z_Si_err: round(sc.zSi.err),
    si_fourfold: round(sc.siFourFold.mean),
    qn: s.qn.map((q) => round(q.mean)),
    qn_err: s.qn.map((q) => round(q.err)),
    pressure_GPa: round(sc.pressureGPa.mean),
    temperature_K: round(sc.temperature.mean),
    experiment: { density: EXPERIMENT_DENSITY, fq: EXPERIMENT_FQ_SOURCE, fq_rchi_q_range: FQ_RCHI_RANGE },
    replicas,
    atoms: o.atoms,
    rate_K_per_ps: o.rate,
    liquid_temperature_K: o.liquidTemperature,
    kernel: o.kernel,
    threads,
    wall_s_per_replica: wall.map((w) => round(w, 3)),
  };
  return out;
}

function printSummary(potential: string, o: QuenchOptions, s: GlassSummary, wall: number[]): void {
  const sc = s.scalars;
  const pm = (st: { mean: number; err: number }, d: number, unit = '') =>
    `${st.mean.toFixed(d)}${Number.isFinite(st.err) ? ` ± ${st.err.toFixed(d)}` : ''}${unit}`;
  const lines = [
    `${potential} glass: ${o.atoms} atoms, ${o.liquidTemperature} → ${o.finalTemperature} K at ${o.rate} K/ps, 0 GPa; ${s.replicas} replica(s), ± standard error`,
    `  density            ${pm(sc.density, 4, ' g/cm³')}   (experiment ${EXPERIMENT_DENSITY})`,
    `  F(Q) R_χ           ${pm(sc.fqRchi, 2, ' %')}   (Q ${FQ_RCHI_RANGE[0]}–${FQ_RCHI_RANGE[1]} Å⁻¹, ${EXPERIMENT_FQ_SOURCE})`,
    `  FSDP               ${pm(sc.fsdpQ, 3, ' Å⁻¹')}, FWHM ${pm(sc.fsdpFwhm, 3, ' Å⁻¹')}`,
    `  Si–O–Si, O–Si–O    ${pm(sc.meanSiOSi, 2, '°')}, ${pm(sc.meanOSiO, 2, '°')}`,
    `  r(Si–O, O–O, Si–Si) ${sc.rSiO.mean.toFixed(3)}, ${sc.rOO.mean.toFixed(3)}, ${sc.rSiSi.mean.toFixed(3)} Å`,
    `  Z(Si), 4-fold Si   ${pm(sc.zSi, 3)}, ${pm(sc.siFourFold, 3)}`,
    `  Q0…Q4              ${s.qn.map((q) => q.mean.toFixed(3)).join(' ')}`,
    `  at ${pm(sc.temperature, 1, ' K')}, ${pm(sc.pressureGPa, 3, ' GPa')}; wall ${wall.map((w) => formatDuration(w)).join(', ')}`,
  ];
  console.log(lines.join('\n'));
}

function progressLine(quiet: boolean, replicas: number) {
  const line = statusLine();
  return {
    intervalMs: quiet ? Infinity : line.tty ? 500 : 10_000,
    report: (p: QuenchProgress) => {
      if (quiet) return;
      // The replicas left run as long as this one will have: elapsed + ETA = ETA·total/(total − done).
      const perRun = p.totalSteps > p.step ? (p.etaS * p.totalSteps) / (p.totalSteps - p.step) : 0;
      const eta = Number.isFinite(p.etaS) ? formatDuration(p.etaS + (replicas - p.replica - 1) * perRun) : '?';
      line.draw(`replica ${p.replica + 1}/${replicas} ${p.stage.padEnd(7)} step ${p.step}/${p.totalSteps}  T ${p.temperature.toFixed(0)} K  ETA ${eta}`);
    },
    finish: () => line.finish(),
  };
}
