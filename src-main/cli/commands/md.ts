/**
 * `glassfit md`: run the MD protocol for one potential — random insertion at the density + soft start (or a
 * configuration file), NVT relax, NVT production — with a progress line on stderr (steps/s, ETA), and write
 * the final configuration (.extxyz or .data, by extension).
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { parse, int } from '../args.ts';
import { checkOutput, fileSource, readInWorker, writeOutput } from '../files.ts';
import { protocolFromOptions, softStartSteps } from '../protocol-args.ts';
import { CliError } from '../errors.ts';
import { formatDuration, statusLine } from '../terminal.ts';
import { resolvePotential, splitOptions } from '../potential-arg.ts';
import { PAPER_PROTOCOL, type Progress, type Protocol, type RunContext } from '../../../src-worker/md/protocol.ts';
import { KERNEL_NAMES, DEFAULT_KERNEL, runLiquid, type KernelName } from '../../../src-worker/md/engine.ts';
import { describeFailure } from '../../../src-worker/md/failure.ts';
import { formatConfiguration, formatOf, frameToSystem } from '../../../src-worker/io/configuration.ts';
import { boxProblem } from '../../../src-worker/md/neighbor.ts';
import { boxForDensity, silicaCounts } from '../../../src-worker/md/start.ts';
import { PS_PER_FS } from '../../../src-worker/units.ts';
import type { System } from '../../../src-worker/md/system.ts';
import { closeForceTeam, createForceTeam } from '../../../src-worker/md/force-team.ts';
import { SETTING_BOUNDS, settingProblem } from '../../../src-worker/settings-bounds.ts';
import { nodeWorkerEntry } from '../../runner/worker-path.ts';
import { defaultThreadsPerEvaluation } from '../../runner/idle-cores.ts';

export const help = `usage: glassfit md --potential <name|file.json> [options]

Runs the paper's protocol (random start at the density, soft start, NVT relax, NVT production) and writes
the final configuration. Defaults: 3000 atoms, 2.2 g/cm³, 3600 K, 1 fs, 10 ps + 10 ps.

options:
  --potential NAME|FILE  built-in set (bks, chik, ml, ml-sio, ml-all) or JSON parameter file
  --atoms N              number of atoms, a multiple of 3 for SiO2 (default ${PAPER_PROTOCOL.atoms})
  --density G_CM3        mass density, g/cm³ (default ${PAPER_PROTOCOL.densityGcm3})
  --config FILE          start from this configuration (.extxyz or .data; last frame) instead of a random one
  --temp K               temperature (default ${PAPER_PROTOCOL.temperature})
  --relax-ps PS          NVT relaxation, ps (default ${PAPER_PROTOCOL.relax})
  --prod-ps PS           NVT production, ps (default ${PAPER_PROTOCOL.production})
  --dt-fs FS             timestep, fs (default ${PAPER_PROTOCOL.timestep / PS_PER_FS})
  --tdamp-ps PS          Nosé–Hoover damping time, ps (default ${PAPER_PROTOCOL.tDamp})
  --start-ps PS          soft start after a random insertion: capped MD at 0.5 fs, ps (default 1)
  --skin A               neighbour-list skin, Å (default ${PAPER_PROTOCOL.skin})
  --seed N               seed of the random start and velocities (default 1)
  --kernel exact|table   pair kernel (default ${DEFAULT_KERNEL})
  --threads T            threads for the run (table kernel; default the idle cores: cores less the load
                         average; same result to round-off)
  --out FILE             final configuration, .extxyz or .data (default md-final.extxyz)
  --force                replace --out if it exists
  --quiet                no progress line
`;

export async function run(argv: string[]): Promise<number> {
  const { values: raw } = parse(argv, {
    potential: { type: 'string' },
    atoms: { type: 'string' },
    density: { type: 'string' },
    config: { type: 'string' },
    temp: { type: 'string' },
    'relax-ps': { type: 'string' },
    'prod-ps': { type: 'string' },
    'dt-fs': { type: 'string' },
    'tdamp-ps': { type: 'string' },
    'start-ps': { type: 'string' },
    skin: { type: 'string' },
    seed: { type: 'string' },
    kernel: { type: 'string' },
    threads: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    quiet: { type: 'boolean' },
  });
  const { str: values, flag } = splitOptions(raw);
  const pot = await resolvePotential(values.potential);
  const kernel = (values.kernel ?? DEFAULT_KERNEL) as KernelName;
  if (!KERNEL_NAMES.includes(kernel)) throw new CliError(`--kernel must be one of ${KERNEL_NAMES.join(', ')}, got '${values.kernel}'`);
  const threads = int(values.threads, 'threads', defaultThreadsPerEvaluation(1), 1);
  const threadsWhy = settingProblem(SETTING_BOUNDS.threads, threads);
  if (threadsWhy) throw new CliError(`--threads ${values.threads}: ${threadsWhy}`);
  const out = values.out ?? 'md-final.extxyz';
  try {
    formatOf(out);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  // The same bounds as the API and the forms (settings-bounds.ts); md samples nothing, so 0 ps production is fine.
  const protocol: Protocol = protocolFromOptions(values, PAPER_PROTOCOL, { allowZeroProduction: true });
  const force = flag.force === true;
  checkOutput(out, { force, what: '--out' });
  const seed = int(values.seed, 'seed', 1);
  const softStartStepsN = softStartSteps(values['start-ps'] ?? '1', protocol.temperature) as number;

  let start: System | undefined;
  if (values.config) {
    const frame = await readInWorker({ kind: 'configuration', ...fileSource(values.config), fileName: values.config, species: pot.species, index: -1 }, 'configuration');
    try {
      start = frameToSystem(frame, pot.species, pot.ff, values.config);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  } else {
    if (pot.species.species.map((s) => s.name).join(',') !== 'Si,O')
      throw new CliError('a random start is built for SiO2 only; give --config for other species');
    try {
      const box = boxForDensity(pot.species, silicaCounts(protocol.atoms), protocol.densityGcm3);
      const problem = boxProblem(box, Math.max(pot.ff.cutoff, pot.ff.dsf.cutoff), protocol.skin);
      if (problem) throw new Error(`${protocol.atoms} atoms at ${protocol.densityGcm3} g/cm³: ${problem}`);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  if (start) {
    const problem = boxProblem(start.box, Math.max(pot.ff.cutoff, pot.ff.dsf.cutoff), protocol.skin);
    if (problem) throw new CliError(`${values.config}: ${problem}`);
  }

  const ctx = progressContext(flag.quiet === true, start ? start.n : protocol.atoms);
  const softStart = { steps: softStartStepsN };
  const team = threads > 1 ? createForceTeam(threads, (data) => new Worker(nodeWorkerEntry(), { workerData: data })) : undefined;
  let result: ReturnType<typeof runLiquid>;
  try {
    result = runLiquid(pot.ff, { protocol, seed, kernel, species: pot.species, softStart, ...(start ? { start } : {}), ...(team ? { team } : {}) }, [], ctx);
  } finally {
    if (team) closeForceTeam(team);
  }
  ctx.finish();
  const sys = result.sys;
  if (!result.ok) {
    console.error(`glassfit: ${describeFailure(result.failure)}`);
    if (sys) {
      const failedOut = out.replace(/(\.[^./]+)$/, '.failed$1');
      const wrote = writeOutput(failedOut, formatConfiguration(sys, failedOut, pot.ff, { info: { potential: pot.name, failure: describeFailure(result.failure) } }), { force, what: 'the failure configuration' });
      console.error(`the configuration at the failure is in ${wrote}`);
    }
    return 3;
  }
  if (!sys) throw new Error('runLiquid returned no system');
  const s = result.stats;
  writeOutput(
    out,
    formatConfiguration(sys, out, pot.ff, {
      energy: s.finalPotentialEnergy,
      info: { potential: pot.name, temperature_K: String(protocol.temperature), seed: String(seed), kernel: result.kernel, units: 'metal' },
    }),
    { force, what: '--out' },
  );
  console.log(
    JSON.stringify({
      potential: pot.name,
      atoms: sys.n,
      kernel: result.kernel,
      steps: s.steps,
      mean_temperature_K: s.meanTemperature,
      mean_potential_energy_eV: s.meanPotentialEnergy,
      final_potential_energy_eV: s.finalPotentialEnergy,
      wall_s: s.wallMs / 1000,
      us_per_atom_step: s.usPerAtomStep,
      out,
    }),
  );
  return 0;
}

/** A RunContext that draws a progress line on stderr: rewritten in place on a terminal, every 10 s otherwise. */
function progressContext(quiet: boolean, atoms: number): RunContext & { finish(): void } {
  const line = statusLine();
  let last: { t: number; step: number } | null = null;
  let stepsPerS = NaN;
  return {
    now: () => performance.now(),
    reportIntervalMs: quiet ? Infinity : line.tty ? 500 : 10_000,
    isCancelled: () => false,
    report(p: Progress) {
      if (quiet) return;
      const t = performance.now();
      if (last && t > last.t && p.step > last.step) stepsPerS = ((p.step - last.step) * 1000) / (t - last.t);
      last = { t, step: p.step };
      const eta = Number.isFinite(p.etaS) ? formatDuration(p.etaS) : '?';
      line.draw(
        `${p.phase.padEnd(10)} step ${p.step}/${p.totalSteps}  T ${p.temperature.toFixed(0)} K  PE ${(p.potentialEnergy / atoms).toFixed(4)} eV/atom` +
          `  ${Number.isFinite(stepsPerS) ? stepsPerS.toFixed(1) : '–'} steps/s  ETA ${eta}`,
      );
    },
    finish: () => line.finish(),
  };
}
