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
 * Early stopping is not applied on this backend yet: the job runs to its end and the result says 'done'.
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
import { parameterProblems, specProblems } from './evaluate.ts';
import type { EvaluationResult, EvaluationSpec, FailedResult, EvaluationFailure } from './spec.ts';

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
} as const;

/** Production frames dumped for the angle distributions (the last is the final configuration). */
export const ANGLE_FRAMES = 10;

/** Line LAMMPS prints when the job is complete: a run without it did not finish, whatever the exit code says. */
const DONE_MARK = 'GLASSFIT JOB DONE';
/** Lines the input prints at each stage, for progress: `GLASSFIT STAGE <stage> <first step> <total steps>`. */
export const STAGE_MARK = 'GLASSFIT STAGE';

export interface LammpsPlan {
  readonly atoms: number;
  readonly softSteps: number;
  readonly relaxSteps: number;
  readonly prodSteps: number;
  readonly samples: number; // g(r) samples over production
  readonly dumpEvery: number; // steps between angle frames
  readonly totalSteps: number; // soft + relax + production
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
  const lines = [
    commentLine(`glassfit evaluation: seed ${spec.seed}, reference ${spec.reference.provenance.name} (${spec.reference.hash.slice(0, 19)})`),
    `# protocol: ${p.atoms} atoms, ${p.densityGcm3} g/cm^3, ${p.temperature} K, soft start ${soft.steps} x ${soft.timestep} ps, relax ${relaxSteps} + production ${prodSteps} steps of ${p.timestep} ps`,
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
    `print           "${STAGE_MARK} start 0 ${soft.steps + relaxSteps + prodSteps}"`,
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
    `print           "${STAGE_MARK} relax ${soft.steps} ${soft.steps + relaxSteps + prodSteps}"`,
    'reset_timestep  0',
    `timestep        ${num(p.timestep)}`,
    `fix             nvt all nvt temp ${num(p.temperature)} ${num(p.temperature)} ${num(p.tDamp)}`,
    `thermo          ${Math.max(1, Math.min(1000, Math.floor(relaxSteps / 10) || 1))}`,
    `run             ${relaxSteps}`,
    `print           "${STAGE_MARK} production ${soft.steps + relaxSteps} ${soft.steps + relaxSteps + prodSteps}"`,
    'reset_timestep  0',
    `compute         rdf all rdf ${grid.nBins} ${pairs.map((q) => `${q.ti + 1} ${q.tj + 1}`).join(' ')} cutoff ${num(grid.rMax)}`,
    `fix             rdf all ave/time ${p.sampleEvery} ${samples} ${samples * p.sampleEvery} c_rdf[*] file ${LAMMPS_FILES.rdf} mode vector`,
    `fix             avg all ave/time ${p.sampleEvery} ${samples} ${samples * p.sampleEvery} c_thermo_temp c_thermo_pe file ${LAMMPS_FILES.thermo}`,
    `dump            frames all custom ${dumpEvery} ${LAMMPS_FILES.frames} id type x y z`,
    'dump_modify     frames sort id format float %.10g',
    `thermo          ${Math.max(1, Math.min(1000, Math.floor(prodSteps / 10) || 1))}`,
    `run             ${prodSteps}`,
    'undump          frames',
    `write_dump      all custom ${LAMMPS_FILES.final} id type x y z vx vy vz modify sort id format float %.17g`,
    `print           "${DONE_MARK}"`,
  ];
  const files: Record<string, string> = {
    [LAMMPS_FILES.input]: lines.join('\n') + '\n',
    [LAMMPS_FILES.start]: writeLammpsData(start, { species, charges: ff.charge, title: `glassfit random start, seed ${spec.seed}` }),
    [LAMMPS_FILES.potential]: lammpsInclude(ff, species, { date: new Date(0).toISOString(), notes: ['written for one glassfit evaluation'] }),
  };
  const plan: LammpsPlan = { atoms: p.atoms, softSteps: soft.steps, relaxSteps, prodSteps, samples, dumpEvery, totalSteps: soft.steps + relaxSteps + prodSteps };
  return { plan, files };
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
export function rdfFromLammps(text: string, spec: EvaluationSpec, frames: number): PartialRdf {
  const cols = readAveTimeVector(text, LAMMPS_FILES.rdf);
  const grid = spec.reference.grid;
  const pairs = pairList(spec.species);
  if (cols.length !== 1 + 2 * pairs.length) throw new Error(`${LAMMPS_FILES.rdf}: ${cols.length} columns, expected r and (g, coord) for ${pairs.length} pairs`);
  if (cols[0].length !== grid.nBins) throw new Error(`${LAMMPS_FILES.rdf}: ${cols[0].length} bins, the reference grid has ${grid.nBins}`);
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
  /** The process's exit: code, or the signal that ended it. */
  readonly exit: { readonly code: number | null; readonly signal: string | null };
  /** Everything it printed (stdout and stderr), for the error line when the log has none. */
  readonly output: string;
}

/** The step LAMMPS reached (last thermo line of the log), 0 when none. */
function lastStep(text: string): number {
  let step = 0;
  for (const m of text.matchAll(/^\s*(\d+)\s+[-+0-9.eE]+\s+[-+0-9.eE]+\s*$/gm)) step = Number(m[1]);
  return step;
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
  if (!done || out.exit.code !== 0) {
    const err = lammpsError(text) ?? lammpsError(out.output);
    const step = lastStep(text);
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
  const typeMap = Object.fromEntries(species.species.map((s, k) => [k + 1, s.name]));
  const sspec = structureSpecFor(spec.reference, species);
  const acc = createStructureAccumulator(species, sspec);
  // LAMMPS also dumps the production's step 0 (the end of the relaxation): the angles are the production's, like the g(r).
  for (const fr of readLammpsDump(out.frames, LAMMPS_FILES.frames, { typeMap })) {
    if (fr.step === 0) continue;
    const s = frameToSystem(fr, species, undefined, LAMMPS_FILES.frames);
    accumulateStructure(acc, s.type, s.pos, s.box);
  }
  const structure = structureResult(acc);
  const finalFrame = readLammpsDump(out.final, LAMMPS_FILES.final, { typeMap }).at(-1)!;
  const mdSteps = job.plan.relaxSteps + job.plan.prodSteps;
  const chiByPair = Object.fromEntries(pairList(species).flatMap(({ name }) => (name in cost.chi ? [[name, cost.chi[name]]] : [])));
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
