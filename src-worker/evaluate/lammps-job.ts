/**
 * One evaluation as a LAMMPS job (issue 13, backend `lammps`): the files LAMMPS needs for the same protocol the
 * JS engine runs, and the EvaluationResult made from what LAMMPS writes back. Pure text in, text out, so the
 * process that runs it (src-main/runner/lammps-evaluator.ts locally, a batch job elsewhere) only moves files.
 *
 * The job is glassfit's, only the MD is LAMMPS's:
 * - start configuration: glassfit's own random insertion (md/start.ts, seed stream 0 like runLiquid), written as
 *   a data file (this LAMMPS has no `create_atoms … overlap`);
 * - potential: glassfit's exact export (io/lammps-export.ts: coul/dsf + buck + mie/cut, equal to 1e-13);
 * - protocol: the LAMMPS protocol the JS engine reproduces (shared/lammps-fixtures in.protocol): minimise, soft
 *   start (fix nve/limit + temp/berendsen at 0.5 fs), NVT relax, NVT production with `compute rdf` on the
 *   reference's own grid averaged by `fix ave/time` every protocol.sampleEvery steps;
 * - score: glassfit's R_χ of that g(r) against the reference; bond angles and coordination by glassfit's analysis
 *   of production frames LAMMPS dumped (this LAMMPS has no `compute adf`), with the reference's bond cut-offs.
 * Velocities come from LAMMPS's own generator (`velocity create`), so a LAMMPS run and a JS run of one seed share
 * their start but not their trajectory: agreement is within the seed noise, never to round-off.
 *
 * Early stopping (spec.earlyStop, early-stop.ts) works here too, inside the LAMMPS input so that it needs nothing
 * but LAMMPS and awk on a cluster node: the relaxation and the production run in segments; before each checkpoint
 * a `fix ave/time … ave window` averages `compute rdf` over the checkpoint's window (the JS watcher's samples:
 * every protocol.sampleEvery steps of the last windowPs), and after it `shell awk` computes that window's R_χ
 * against the reference (the same sum as cost.ts, over the cost range) and writes 1 when it exceeds the
 * threshold; LAMMPS reads it (`variable … file`) and, on 1, dumps the configuration and quits. glassfit then
 * scores the window's g(r) with its own R_χ and stores the run as 'stopped', as for the JS engine. A checkpoint
 * whose window would straddle the relaxation/production boundary (where the input resets the timestep) is not
 * looked at on this backend; with the default checkpoints (30/50/70 %) and 1-ps window none does.
 */
import { pairList, type SpeciesTable } from '../species.ts';
import type { ForceField } from '../md/forcefield.ts';
import { boxForDensity, randomInsertion, silicaCounts, SILICA_MIN_DISTANCES, defaultSoftStart } from '../md/start.ts';
import { createRng } from '../rng.ts';
import { stepsOf } from '../md/run.ts';
import { systemToFrame, frameToSystem } from '../io/configuration.ts';
import { writeLammpsData } from '../io/lammps-data.ts';
import { readLammpsDump } from '../io/lammps-dump.ts';
import { commentLine, lammpsInclude } from '../io/lammps-export.ts';
import { accumulateStructure, createStructureAccumulator, structureResult } from '../analysis/structure.ts';
import type { PartialRdf } from '../analysis/rdf.ts';
import { structureSpecFor } from './reference.ts';
import { rChi } from './cost.ts';
import { describeEarlyStop, earlyStopPlan } from './early-stop.ts';
import { chiInPairOrder, parameterProblems, specProblems } from './evaluate.ts';
import type { EarlyStopDetail, EvaluationResult, EvaluationSpec, FailedResult, EvaluationFailure } from './spec.ts';

/** File names inside a job folder (the input refers to them relative to LAMMPS's working folder). */
export const LAMMPS_FILES = {
  input: 'in.glassfit',
  start: 'start.data',
  potential: 'potential.lmp',
  log: 'log.lammps',
  rdf: 'rdf.dat',
  thermo: 'thermo_avg.dat',
  frames: 'frames.dump',
  final: 'final.dump',
  /** The g(r) of the last early-stop window (fix ave/time … overwrite: one block). */
  window: 'window.rdf',
  /** The reference in the cost range, `bin column g_ref` per line, and the awk program that scores a window. */
  windowRef: 'early_stop_ref.txt',
  windowAwk: 'early_stop.awk',
} as const;

/** Production frames dumped for the angle distributions (the last is the final configuration). */
export const ANGLE_FRAMES = 10;

/** Line LAMMPS prints when the job is complete: a run without it did not finish, whatever the exit code says. */
const DONE_MARK = 'GLASSFIT JOB DONE';
/** Lines the input prints at each stage, for progress: `GLASSFIT STAGE <stage> <first step> <total steps>`. */
export const STAGE_MARK = 'GLASSFIT STAGE';
/** Line LAMMPS prints before it quits at a checkpoint: `GLASSFIT EARLY STOP <protocol step>`. */
const STOP_MARK = 'GLASSFIT EARLY STOP';

/**
 * R_χ of the last block of a `fix ave/time … mode vector` window file against the reference lines `bin column
 * g_ref` (cost.ts's sum, per column then averaged): prints 1 when it exceeds thr (or cannot be computed), else 0,
 * then R_χ, one per line. Any POSIX awk (mawk, gawk, busybox).
 */
const WINDOW_AWK = `# glassfit early stop: R_chi of a LAMMPS rdf window against the reference (usage: awk -v thr=X -f this ref window)
NR == FNR { if ($0 !~ /^#/ && NF == 3) { ref[$1 "," $2] = $3; if (!($2 in cols)) { cols[$2] = 1; ncol++ } } next }
/^#/ { next }
NF == 2 { for (c in cols) { num[c] = 0; den[c] = 0 } next }
{ for (c in cols) { k = $1 "," c; if (k in ref) { d = ref[k] - $c; num[c] += d * d; den[c] += ref[k] * ref[k] } } }
END {
  s = 0; bad = (ncol == 0)
  for (c in cols) { if (den[c] > 0) s += num[c] / den[c]; else bad = 1 }
  r = bad ? -1 : sqrt(s / ncol)
  print ((bad || r > thr) ? 1 : 0)
  printf "%.10g\\n", r
}
`;

/** One early-stop checkpoint as the LAMMPS input runs it: its stage, its step in the stage's own timesteps. */
export interface LammpsCheckpoint {
  readonly atStep: number; // protocol step (relax + production, 1-based), as EarlyStopDetail.atStep
  readonly stage: 'relax' | 'production';
  readonly t: number; // LAMMPS timestep within the stage at the window's end
}

export interface LammpsPlan {
  readonly atoms: number;
  readonly softSteps: number;
  readonly relaxSteps: number;
  readonly prodSteps: number;
  readonly samples: number; // g(r) samples over production
  readonly dumpEvery: number; // steps between angle frames
  readonly totalSteps: number; // soft + relax + production
  /** Early-stop checkpoints the input looks at (empty without spec.earlyStop), and the window in steps. */
  readonly checkpoints: readonly LammpsCheckpoint[];
  readonly windowSteps: number;
}

export interface LammpsJob {
  readonly plan: LammpsPlan;
  /** File name → content, all written into one job folder. */
  readonly files: Readonly<Record<string, string>>;
}

/** A positive LAMMPS velocity seed (< 2^31) from the evaluation's seed. */
export function lammpsVelocitySeed(seed: number): number {
  const m = 2147483646;
  return 1 + (((seed * 7919 + 11) % m) + m) % m;
}

/**
 * The job's files for (ff, spec). Throws for a malformed spec (as evaluate() does); returns null with the
 * problems when the parameters are unusable, which the caller stores as a failed evaluation without running LAMMPS.
 */
export function lammpsJob(ff: ForceField, spec: EvaluationSpec): LammpsJob | { readonly invalid: string } {
  const issues = specProblems(spec);
  if (issues.length > 0) throw new Error(`evaluation spec: ${issues.join('; ')}`);
  const bad = parameterProblems(ff, spec);
  if (bad.length > 0) return { invalid: bad.join('; ') };
  const p = spec.protocol;
  const species = spec.species;
  const counts = silicaCounts(p.atoms);
  const box = boxForDensity(species, counts, p.densityGcm3);
  const sys = randomInsertion(species, counts, box, createRng(spec.seed, 0), SILICA_MIN_DISTANCES);
  const { vel: _unused, ...start } = systemToFrame(sys);
  const soft = { ...defaultSoftStart(p.temperature), ...(spec.softStart ?? {}) };
  const relaxSteps = stepsOf(p.relax, p.timestep);
  const prodSteps = stepsOf(p.production, p.timestep);
  const samples = Math.floor(prodSteps / p.sampleEvery);
  // Angle frames on the g(r) sampling lattice, ending at the last production step.
  const dumpEvery = Math.max(1, Math.floor(prodSteps / ANGLE_FRAMES));
  const grid = spec.reference.grid;
  const pairs = pairList(species);
  const skin = p.skin;
  const cut = Math.max(ff.cutoff, ff.dsf.cutoff);
  const ghost = Math.max(cut, grid.rMax) + skin + 0.5;
  const num = (x: number) => String(x);
  const minimizeIters = soft.minimize.maxIterations;
  const every = p.sampleEvery;
  const total = soft.steps + relaxSteps + prodSteps;
  const rdfCompute = `compute         rdf all rdf ${grid.nBins} ${pairs.map((q) => `${q.ti + 1} ${q.tj + 1}`).join(' ')} cutoff ${num(grid.rMax)}`;
  const { checkpoints, windowSteps } = lammpsCheckpoints(spec, relaxSteps);
  // One stage's `run`, cut at its checkpoints: run to the window, average the window, score it, maybe quit.
  const stageRuns = (stage: 'relax' | 'production', steps: number): string[] => {
    const out: string[] = [];
    let cur = 0;
    for (const c of checkpoints.filter((k) => k.stage === stage)) {
      const from = c.t - windowSteps;
      if (from > cur) out.push(`run             ${from - cur}`);
      const k = c.atStep;
      out.push(
        `fix             w${k} all ave/time ${every} 1 ${every} c_rdf[*] file ${LAMMPS_FILES.window} mode vector ave window ${windowSteps / every} format " %.10g"`,
        `run             ${windowSteps}`,
        `unfix           w${k}`,
        `shell           awk -v thr=${num(spec.earlyStop!.threshold)} -f ${LAMMPS_FILES.windowAwk} ${LAMMPS_FILES.windowRef} ${LAMMPS_FILES.window} > stop_${k}.txt`,
        `variable        stop${k} file stop_${k}.txt`,
        `if              "\${stop${k}} == 1" then "print '${STOP_MARK} ${k}'" "write_dump all custom ${LAMMPS_FILES.final} id type x y z vx vy vz modify sort id format float %.17g" "quit 0"`,
      );
      cur = c.t;
    }
    if (steps > cur) out.push(`run             ${steps - cur}`);
    return out;
  };
  const lines = [
    commentLine(`glassfit evaluation: seed ${spec.seed}, reference ${spec.reference.provenance.name} (${spec.reference.hash.slice(0, 19)})`),
    `# protocol: ${p.atoms} atoms, ${p.densityGcm3} g/cm^3, ${p.temperature} K, soft start ${soft.steps} x ${soft.timestep} ps, relax ${relaxSteps} + production ${prodSteps} steps of ${p.timestep} ps`,
    ...(spec.earlyStop ? [`# early stop: R_chi of the last ${windowSteps} steps above ${num(spec.earlyStop.threshold)} at protocol steps ${checkpoints.map((c) => c.atStep).join(', ') || '(none fits)'}`] : []),
    'units           metal',
    'atom_style      charge',
    'boundary        p p p',
    `read_data       ${LAMMPS_FILES.start}`,
    `include         ${LAMMPS_FILES.potential}`,
    `neighbor        ${num(skin)} bin`,
    'neigh_modify    delay 0 every 1 check yes',
    `comm_modify     cutoff ${num(ghost)}`,
    'thermo_style    custom step temp pe',
    'thermo_modify   flush yes norm no',
    `print           "${STAGE_MARK} start 0 ${total}"`,
    `minimize        ${num(soft.minimize.energyTolerance)} 1.0e-6 ${minimizeIters} ${10 * minimizeIters}`,
    'reset_timestep  0',
    `velocity        all create ${num(p.temperature)} ${lammpsVelocitySeed(spec.seed)} mom yes rot yes dist gaussian`,
    `timestep        ${num(soft.timestep)}`,
    `fix             lim all nve/limit ${num(soft.xlimit)}`,
    `fix             ber all temp/berendsen ${num(p.temperature)} ${num(p.temperature)} ${num(soft.berendsenTau)}`,
    `thermo          ${Math.max(1, Math.min(1000, Math.floor(soft.steps / 4) || 1))}`,
    `run             ${soft.steps}`,
    'unfix           lim',
    'unfix           ber',
    `print           "${STAGE_MARK} relax ${soft.steps} ${total}"`,
    'reset_timestep  0',
    `timestep        ${num(p.timestep)}`,
    `fix             nvt all nvt temp ${num(p.temperature)} ${num(p.temperature)} ${num(p.tDamp)}`,
    // Computed only when a fix asks for it: the relaxation's early-stop windows and the production.
    rdfCompute,
    `thermo          ${Math.max(1, Math.min(1000, Math.floor(relaxSteps / 10) || 1))}`,
    ...stageRuns('relax', relaxSteps),
    `print           "${STAGE_MARK} production ${soft.steps + relaxSteps} ${total}"`,
    'reset_timestep  0',
    `fix             rdf all ave/time ${every} ${samples} ${samples * every} c_rdf[*] file ${LAMMPS_FILES.rdf} mode vector`,
    `fix             avg all ave/time ${every} ${samples} ${samples * every} c_thermo_temp c_thermo_pe file ${LAMMPS_FILES.thermo}`,
    `dump            frames all custom ${dumpEvery} ${LAMMPS_FILES.frames} id type x y z`,
    'dump_modify     frames sort id format float %.10g',
    `thermo          ${Math.max(1, Math.min(1000, Math.floor(prodSteps / 10) || 1))}`,
    ...stageRuns('production', prodSteps),
    'undump          frames',
    `write_dump      all custom ${LAMMPS_FILES.final} id type x y z vx vy vz modify sort id format float %.17g`,
    `print           "${DONE_MARK}"`,
  ];
  const files: Record<string, string> = {
    [LAMMPS_FILES.input]: lines.join('\n') + '\n',
    [LAMMPS_FILES.start]: writeLammpsData(start, { species, charges: ff.charge, title: `glassfit random start, seed ${spec.seed}` }),
    [LAMMPS_FILES.potential]: lammpsInclude(ff, species, { date: new Date(0).toISOString(), notes: ['written for one glassfit evaluation'] }),
  };
  if (checkpoints.length > 0) {
    files[LAMMPS_FILES.windowAwk] = WINDOW_AWK;
    files[LAMMPS_FILES.windowRef] = windowReference(spec);
  }
  const plan: LammpsPlan = { atoms: p.atoms, softSteps: soft.steps, relaxSteps, prodSteps, samples, dumpEvery, totalSteps: total, checkpoints, windowSteps };
  return { plan, files };
}

/**
 * The early-stop checkpoints of earlyStopPlan (the JS watcher's) that a LAMMPS input can look at: each becomes a
 * LAMMPS timestep within its stage, and is kept when its whole window lies in that stage on the g(r) sampling
 * lattice.
 */
export function lammpsCheckpoints(spec: EvaluationSpec, relaxSteps: number): { checkpoints: LammpsCheckpoint[]; windowSteps: number } {
  if (!spec.earlyStop) return { checkpoints: [], windowSteps: 0 };
  const plan = earlyStopPlan(spec.earlyStop, spec.protocol);
  const windowSteps = Math.round(plan.windowPs / spec.protocol.timestep);
  const every = spec.protocol.sampleEvery;
  const checkpoints: LammpsCheckpoint[] = [];
  for (const at of plan.checkpoints) {
    const stage = at <= relaxSteps ? 'relax' : 'production';
    const t = stage === 'relax' ? at : at - relaxSteps;
    if (t >= windowSteps && t % every === 0 && windowSteps % every === 0) checkpoints.push({ atStep: at, stage, t });
  }
  return { checkpoints, windowSteps };
}

/** The reference inside the cost range as `bin column g_ref` lines: LAMMPS's 1-based bin and its g column. */
function windowReference(spec: EvaluationSpec): string {
  const ref = spec.reference;
  const order = pairList(spec.species).map((q) => q.name);
  const dr = ref.grid.rMax / ref.grid.nBins;
  const out = ['# bin column g_ref (glassfit early stop; columns of compute rdf in fix ave/time mode vector)'];
  for (const name of ref.pairs) {
    const col = 3 + 2 * order.indexOf(name);
    const g = ref.g[name];
    for (let i = 0; i < ref.r.length; i++) {
      if (ref.r[i] < spec.costRange.rMin || ref.r[i] > spec.costRange.rMax) continue;
      // ref.r are bin centres of the grid (possibly a sub-range of it); g is indexed like ref.r.
      out.push(`${Math.round(ref.r[i] / dr - 0.5) + 1} ${col} ${g[i]}`);
    }
  }
  return out.join('\n') + '\n';
}

/** The LAMMPS version from its log or screen output ('29 Sep 2021 - Update 2'), or from `lmp -h`; null when absent. */
export function lammpsVersion(text: string): string | null {
  const m = /^LAMMPS \(([^)]+)\)/m.exec(text) ?? /Massively Parallel Simulator - (.+)$/m.exec(text);
  return m ? m[1].trim() : null;
}

/** The engine a LAMMPS result carries: never the JS engine's ENGINE_VERSION, so the two are never mixed silently. */
export function lammpsEngine(version: string | null): string {
  return `lammps ${version ?? 'unknown version'}`;
}

/** The last block of a `fix ave/time … mode vector` file: one array per column after the row index. */
export function readAveTimeVector(text: string, file: string): number[][] {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  let k = 0;
  let last: number[][] | null = null;
  while (k < lines.length) {
    const head = lines[k].trim().split(/\s+/).map(Number);
    if (head.length !== 2 || !head.every(Number.isFinite)) throw new Error(`${file}: line '${lines[k].slice(0, 80)}' is not a 'step rows' block header`);
    const rows = head[1];
    if (k + rows >= lines.length) throw new Error(`${file}: block at step ${head[0]} announces ${rows} rows, the file ends after ${lines.length - k - 1}`);
    const cols: number[][] = [];
    for (let i = 1; i <= rows; i++) {
      const v = lines[k + i].trim().split(/\s+/).slice(1).map(Number);
      if (!v.every(Number.isFinite)) throw new Error(`${file}: non-numeric value in row ${i} of the block at step ${head[0]}`);
      v.forEach((x, c) => (cols[c] ??= []).push(x));
    }
    last = cols;
    k += rows + 1;
  }
  if (!last) throw new Error(`${file}: no data block (did the production run at all?)`);
  return last;
}

/** The last data line of a scalar `fix ave/time` file: [step, values…]. */
export function readAveTimeScalars(text: string, file: string): number[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new Error(`${file}: no data line`);
  const v = lines[lines.length - 1].trim().split(/\s+/).map(Number);
  if (!v.every(Number.isFinite)) throw new Error(`${file}: non-numeric values in its last line`);
  return v;
}

/** compute rdf's g columns (1st, 3rd, … after r) as a PartialRdf on the reference's grid. */
export function rdfFromLammps(text: string, spec: EvaluationSpec, frames: number, file: string = LAMMPS_FILES.rdf): PartialRdf {
  const cols = readAveTimeVector(text, file);
  const grid = spec.reference.grid;
  const pairs = pairList(spec.species);
  if (cols.length !== 1 + 2 * pairs.length) throw new Error(`${file}: ${cols.length} columns, expected r and (g, coord) for ${pairs.length} pairs`);
  if (cols[0].length !== grid.nBins) throw new Error(`${file}: ${cols[0].length} bins, the reference grid has ${grid.nBins}`);
  const g: Record<string, Float64Array> = {};
  pairs.forEach((q, k) => (g[q.name] = Float64Array.from(cols[1 + 2 * k])));
  // Bin centres from the grid, not the file's printed r (six digits): the same doubles as the reference's.
  const dr = grid.rMax / grid.nBins;
  const r = Float64Array.from({ length: grid.nBins }, (_, i) => (i + 0.5) * dr);
  return { r, dr, rMax: grid.rMax, pairs: pairs.map((q) => q.name), g, frames };
}

/** What a finished (or failed) LAMMPS job left in its folder; a file LAMMPS never wrote is null. */
export interface LammpsOutputs {
  readonly log: string | null;
  readonly rdf: string | null;
  readonly thermo: string | null;
  readonly frames: string | null;
  readonly final: string | null;
  /** The last early-stop window's g(r) (LAMMPS_FILES.window); absent or null when the job had none. */
  readonly window?: string | null;
  /** The process's exit: code, or the signal that ended it. */
  readonly exit: { readonly code: number | null; readonly signal: string | null };
  /** Everything it printed (stdout and stderr), for the error line when the log has none. */
  readonly output: string;
}

/** The last thermo line (step temp pe) of a log: step 0 and NaN values when it has none. */
function lastThermo(text: string): { step: number; temp: number; pe: number } {
  let last = { step: 0, temp: NaN, pe: NaN };
  for (const m of text.matchAll(/^\s*(\d+)\s+([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*$/gm)) last = { step: Number(m[1]), temp: Number(m[2]), pe: Number(m[3]) };
  return last;
}

/** The protocol step of the early stop the input printed (a line of its own, not the `if` command's echo), or null. */
function earlyStopStep(text: string): number | null {
  const m = new RegExp(`^${STOP_MARK} (\\d+)\\s*$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** LAMMPS's own error line ('ERROR: Lost atoms: …'), without its source location, or null. */
export function lammpsError(text: string): string | null {
  const m = /^ERROR(?: on proc \d+)?: (.*)$/m.exec(text);
  return m ? m[1].replace(/\s*\([^()]*\.cpp:\d+\)\s*$/, '').trim() : null;
}

function failed(spec: EvaluationSpec, failure: EvaluationFailure, reason: string, wallS: number, engine: string): FailedResult {
  return { status: 'failed', failure, reason, timings: { wallS }, seed: spec.seed, kernel: 'exact', referenceHash: spec.reference.hash, engineVersion: engine };
}

/** A failed result for parameters the job never ran with (lammpsJob's `invalid`). */
export function lammpsInvalidResult(spec: EvaluationSpec, message: string, engine: string): FailedResult {
  return failed(spec, { kind: 'invalid-parameters', step: 0, message }, `invalid parameters: ${message}`, 0, engine);
}

/** A cancelled LAMMPS job (pause, stop): the runner puts it back in the queue. */
export function lammpsCancelledResult(spec: EvaluationSpec, wallS: number, engine: string): FailedResult {
  return failed(spec, { kind: 'cancelled', step: 0 }, 'run cancelled', wallS, engine);
}

/**
 * The result of a LAMMPS job from its outputs: 'done' with glassfit's R_χ of LAMMPS's g(r), or 'failed' with
 * LAMMPS's own error line (a blow-up is 'Lost atoms', 'Out of range atoms', a non-finite energy…) as the reason.
 */
export function lammpsResult(spec: EvaluationSpec, job: LammpsJob, out: LammpsOutputs, wallS: number): EvaluationResult {
  const text = out.log ?? out.output;
  const engine = lammpsEngine(lammpsVersion(text) ?? lammpsVersion(out.output));
  const done = text.includes(DONE_MARK) || out.output.includes(DONE_MARK);
  const stopAt = earlyStopStep(text) ?? earlyStopStep(out.output);
  if (!done && stopAt !== null && out.exit.code === 0) return lammpsStopped(spec, job, out, stopAt, wallS, engine);
  if (!done || out.exit.code !== 0) {
    const err = lammpsError(text) ?? lammpsError(out.output);
    const step = lastThermo(text).step;
    const how = out.exit.signal ? `killed by ${out.exit.signal}` : `exit status ${out.exit.code}`;
    const message = err ?? `LAMMPS ended without finishing the protocol (${how})`;
    return failed(spec, { kind: 'engine', step, message }, `LAMMPS failed near step ${step}: ${message}`, wallS, engine);
  }
  const species: SpeciesTable = spec.species;
  if (out.rdf === null || out.thermo === null || out.frames === null || out.final === null)
    return failed(spec, { kind: 'engine', step: job.plan.prodSteps, message: 'LAMMPS finished but an output file is missing' }, 'LAMMPS finished but an output file is missing', wallS, engine);
  const rdf = rdfFromLammps(out.rdf, spec, job.plan.samples);
  const cost = rChi(spec.reference, rdf, spec.costRange);
  const [, meanT, meanPe] = readAveTimeScalars(out.thermo, LAMMPS_FILES.thermo);
  const typeMap = typeMapOf(species);
  const structure = productionStructure(spec, out.frames).result;
  const finalFrame = readLammpsDump(out.final, LAMMPS_FILES.final, { typeMap }).at(-1)!;
  const mdSteps = job.plan.relaxSteps + job.plan.prodSteps;
  const chiByPair = chiInPairOrder(species, cost);
  return {
    status: 'done',
    rChi: cost.rChi,
    chiByPair,
    rdf,
    adf: structure.adf,
    coordination: structure.coordination,
    bondCutoffs: structure.bondCutoffs,
    final: finalFrame,
    run: { steps: mdSteps, meanTemperature: meanT, meanPotentialEnergy: meanPe },
    // Whole job (minimisation and soft start included) over relax + production atom-steps, as the JS engine reports it.
    timings: { wallS, usPerAtomStep: (wallS * 1e6) / (job.plan.atoms * Math.max(1, mdSteps)) },
    seed: spec.seed,
    kernel: 'exact',
    referenceHash: spec.reference.hash,
    engineVersion: engine,
  };
}

/** LAMMPS type number → species name. */
function typeMapOf(species: SpeciesTable): Record<number, string> {
  return Object.fromEntries(species.species.map((s, k) => [k + 1, s.name]));
}

/**
 * glassfit's structure analysis (angles, coordination) of the production frames LAMMPS dumped. LAMMPS also dumps
 * the production's step 0 (the end of the relaxation): it is skipped, so the angles are the production's, like the g(r).
 */
function productionStructure(spec: EvaluationSpec, frames: string): { result: ReturnType<typeof structureResult>; frames: number } {
  const species: SpeciesTable = spec.species;
  const acc = createStructureAccumulator(species, structureSpecFor(spec.reference, species));
  let n = 0;
  for (const fr of readLammpsDump(frames, LAMMPS_FILES.frames, { typeMap: typeMapOf(species) })) {
    if (fr.step === 0) continue;
    const sys = frameToSystem(fr, species, undefined, LAMMPS_FILES.frames);
    accumulateStructure(acc, sys.type, sys.pos, sys.box);
    n++;
  }
  return { result: structureResult(acc), frames: n };
}

/**
 * A job the input ended at an early-stop checkpoint: 'stopped' with glassfit's R_χ of the window LAMMPS averaged
 * (what the awk program judged), the angles of the production frames dumped so far and the configuration at the stop.
 */
function lammpsStopped(spec: EvaluationSpec, job: LammpsJob, out: LammpsOutputs, atStep: number, wallS: number, engine: string): EvaluationResult {
  const es = spec.earlyStop;
  const cp = job.plan.checkpoints.find((c) => c.atStep === atStep);
  if (!es || !cp) throw new Error(`LAMMPS stopped at step ${atStep}, which is not one of this job's early-stop checkpoints`);
  if (!out.window) throw new Error(`LAMMPS stopped at step ${atStep} but left no ${LAMMPS_FILES.window}`);
  if (!out.final) throw new Error(`LAMMPS stopped at step ${atStep} but left no ${LAMMPS_FILES.final}`);
  const species: SpeciesTable = spec.species;
  const frames = job.plan.windowSteps / spec.protocol.sampleEvery;
  const rdf = rdfFromLammps(out.window, spec, frames, LAMMPS_FILES.window);
  const cost = rChi(spec.reference, rdf, spec.costRange);
  const detail: EarlyStopDetail = {
    atStep,
    totalSteps: job.plan.relaxSteps + job.plan.prodSteps,
    partialRChi: cost.rChi,
    threshold: es.threshold,
    incumbent: es.incumbent ?? null,
    windowPs: job.plan.windowSteps * spec.protocol.timestep,
    frames,
    stage: cp.stage,
  };
  const typeMap = typeMapOf(species);
  const sspec = structureSpecFor(spec.reference, species);
  const prod = cp.stage === 'production' && out.frames ? productionStructure(spec, out.frames) : null;
  const sofar = prod && prod.frames > 0 ? prod.result : null;
  const last = lastThermo(out.log ?? out.output);
  const chiByPair = chiInPairOrder(species, cost);
  return {
    status: 'stopped',
    rChi: cost.rChi,
    chiByPair,
    rdf,
    adf: sofar ? sofar.adf : null,
    coordination: sofar ? sofar.coordination : [],
    bondCutoffs: sspec.bondCutoffs,
    final: readLammpsDump(out.final, LAMMPS_FILES.final, { typeMap }).at(-1)!,
    stop: detail,
    reason: describeEarlyStop(detail),
    // LAMMPS writes its production means only at the end: a stopped job reports its last thermo line.
    run: { steps: atStep, meanTemperature: last.temp, meanPotentialEnergy: last.pe },
    timings: { wallS, usPerAtomStep: (wallS * 1e6) / (job.plan.atoms * Math.max(1, atStep)) },
    seed: spec.seed,
    kernel: 'exact',
    referenceHash: spec.reference.hash,
    engineVersion: engine,
  };
}
