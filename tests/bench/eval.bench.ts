/**
 * Whole-evaluation benchmark (`npm run bench:eval [-- --atoms 3000] [--relax-ps 10] [--prod-ps 10]
 * [--threads T] [--repeats R] [--no-lammps]`): one evaluation of CHIK against the built-in CHIK reference —
 * random start, minimisation + capped soft start, NVT relax, NVT production with g(r), angles and
 * coordination every 10 steps, R_χ — timed end to end (evaluate/evaluate.ts, in this thread), against
 * LAMMPS running the same protocol from the same random start (shared/lammps-fixtures in.protocol:
 * `minimize`, nve/limit + temp/berendsen, `fix nvt`, `compute rdf` averaged every 10 steps) in its exact
 * hybrid/overlay form and in its fastest form (`pair_style table linear 16384` of our exact pair energy),
 * interleaved. LAMMPS's time is its process's wall time (start-up and input included, as ours includes the
 * liquid's construction).
 *
 * Share of analysis: the structure accumulator (analysis/structure.ts, as the evaluator configures and feeds
 * it: g(r) from the MD neighbour list) timed on the evaluation's final configuration, × the number of
 * production samples, over the evaluation's wall time; the cell-list g(r) it replaced is timed beside it.
 * With --threads T > 1 the evaluation's MD runs on T threads (md/force-team.ts; the helpers' start-up is
 * inside the time, as for one `glassfit evaluate`) and a one-thread evaluation is interleaved
 * (`thread_speedup`). Prints one JSON line; asserts nothing. Default: 648 atoms, the paper's 10 + 10 ps.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { createRng } from '../../src-worker/rng.ts';
import { PAPER_PROTOCOL, silentContext } from '../../src-worker/md/protocol.ts';
import { boxForDensity, randomInsertion, silicaCounts, SILICA_MIN_DISTANCES } from '../../src-worker/md/start.ts';
import { closeForceTeam, createForceTeam, MAX_THREADS } from '../../src-worker/md/force-team.ts';
import { evaluate } from '../../src-worker/evaluate/evaluate.ts';
import { preparePotential } from '../../src-worker/md/engine.ts';
import { computeForces, createMdState } from '../../src-worker/md/run.ts';
import type { NeighborList } from '../../src-worker/md/neighbor.ts';
import { structureSpecFor } from '../../src-worker/evaluate/reference.ts';
import { DEFAULT_COST_RANGE } from '../../src-worker/evaluate/cost.ts';
import type { EvaluationSpec } from '../../src-worker/evaluate/spec.ts';
import { accumulateStructure, createStructureAccumulator } from '../../src-worker/analysis/structure.ts';
import { systemToFrame, frameToSystem } from '../../src-worker/io/configuration.ts';
import { writeLammpsData } from '../../src-worker/io/lammps-data.ts';
import { lammpsInclude, lammpsTable } from '../../src-worker/io/lammps-export.ts';
import { loadDefaultReference } from '../../src-main/reference/load.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';

const { values } = parseArgs({
  options: {
    atoms: { type: 'string', default: '648' },
    'relax-ps': { type: 'string', default: String(PAPER_PROTOCOL.relax) },
    'prod-ps': { type: 'string', default: String(PAPER_PROTOCOL.production) },
    threads: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    'no-lammps': { type: 'boolean', default: false },
  },
});
const atoms = Number(values.atoms);
const threads = Number(values.threads);
if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) throw new Error(`--threads must be an integer in [1, ${MAX_THREADS}]`);
const repeats = Number(values.repeats);
const seed = Number(values.seed);
const protocol = { ...PAPER_PROTOCOL, atoms, relax: Number(values['relax-ps']), production: Number(values['prod-ps']) };
const nRelax = Math.round(protocol.relax / protocol.timestep);
const nProd = Math.round(protocol.production / protocol.timestep);
const ff = builtinForceField('CHIK');
const reference = loadDefaultReference();
const spec: EvaluationSpec = { species: SILICA, protocol, reference, costRange: DEFAULT_COST_RANGE, seed, kernel: 'table' };

interface Ours {
  seconds: number;
  analysisShare: number;
  analysisMsPerSample: number;
  cellsMsPerSample: number;
  usPerAtomStep: number; // the MD's own figure (relax + production)
  rChi: number;
}

function runOurs(threads: number): Ours {
  const team = threads > 1 ? createForceTeam(threads, (data) => new Worker(nodeWorkerEntry(), { workerData: data })) : undefined;
  const t0 = performance.now();
  const r = evaluate(ff, spec, silentContext(() => performance.now()), team ? { team } : {});
  const seconds = (performance.now() - t0) / 1000;
  if (team) closeForceTeam(team);
  if (r.status !== 'done') throw new Error(`benchmark evaluation did not finish: ${r.status === 'failed' ? r.reason : r.status}`);
  // Analysis cost per sample, on the final configuration, as the evaluator configures the accumulator and
  // feeds it (g(r) from the MD neighbour list); the cell-list g(r) it replaced beside it.
  const sys = frameToSystem(r.final, SILICA, ff);
  const prepared = preparePotential(SILICA, ff, 'table');
  const md = createMdState(sys, prepared.pot, prepared.table, protocol.skin);
  if (computeForces(md)) throw new Error('the final configuration has no finite forces');
  const acc = createStructureAccumulator(SILICA, structureSpecFor(reference, SILICA));
  const perSample = (list?: NeighborList) => {
    for (let k = 0; k < 20; k++) accumulateStructure(acc, sys.type, sys.pos, sys.box, list); // warm-up
    const m = 200;
    const a0 = performance.now();
    for (let k = 0; k < m; k++) accumulateStructure(acc, sys.type, sys.pos, sys.box, list);
    return (performance.now() - a0) / 1000 / m;
  };
  const perSampleS = perSample(md.nl);
  const cellsS = perSample();
  const samples = Math.floor(nProd / protocol.sampleEvery);
  return { seconds, analysisShare: (perSampleS * samples) / seconds, analysisMsPerSample: perSampleS * 1000, cellsMsPerSample: cellsS * 1000, usPerAtomStep: r.timings.usPerAtomStep, rChi: r.rChi };
}

// --- LAMMPS: the same random start (engine.ts runLiquid's insertion: seed stream 0), in.protocol's steps
const haveLmp = !values['no-lammps'] && spawnSync('lmp', ['-h'], { stdio: 'ignore' }).status === 0;
let dir: string | null = null;
if (haveLmp) {
  dir = mkdtempSync(join(tmpdir(), 'glassfit-bench-eval-'));
  // Both forms from the exporter (io/lammps-export.ts; tests/export checks them against LAMMPS).
  writeFileSync(join(dir, 'exact.lmp'), lammpsInclude(ff, SILICA, { date: new Date().toISOString() }));
  const counts = silicaCounts(atoms);
  const start = randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, protocol.densityGcm3), createRng(seed, 0), SILICA_MIN_DISTANCES);
  writeFileSync(join(dir, 'start.data'), writeLammpsData(systemToFrame(start), { title: 'glassfit bench:eval random start', species: SILICA, charges: ff.charge }));
  const { include, table } = lammpsTable(ff, SILICA, { date: new Date().toISOString() }, { tableFile: 'pair.table', points: 16384 });
  writeFileSync(join(dir, 'table.lmp'), include);
  writeFileSync(join(dir, 'pair.table'), table);
  const T = protocol.temperature;
  for (const [name, pot] of [
    ['in.hyb', 'include exact.lmp'],
    ['in.table', 'include table.lmp'],
  ])
    writeFileSync(
      join(dir, name),
      [
        '# glassfit bench:eval twin of lammps-inputs/in.protocol (no dumps)',
        'units metal',
        'atom_style charge',
        'boundary p p p',
        'read_data start.data',
        pot,
        'neighbor 2.0 bin',
        'neigh_modify delay 0 every 1 check yes',
        'thermo_style custom step temp pe',
        'minimize 1.0e-8 1.0e-6 2000 20000',
        'reset_timestep 0',
        `velocity all create ${T} ${7919 * seed + 11} mom yes rot yes dist gaussian`,
        'timestep 0.0005',
        'fix lim all nve/limit 0.05',
        `fix ber all temp/berendsen ${T} ${T} 0.02`,
        'thermo 1000',
        'run 2000',
        'unfix lim',
        'unfix ber',
        'reset_timestep 0',
        'timestep 0.001',
        `fix nvt all nvt temp ${T} ${T} ${protocol.tDamp}`,
        `run ${nRelax}`,
        'reset_timestep 0',
        'compute rdf all rdf 400 1 1 1 2 2 2 cutoff 8.0',
        `fix rdf all ave/time ${protocol.sampleEvery} ${nProd / protocol.sampleEvery} ${nProd} c_rdf[*] file rdf.dat mode vector`,
        `run ${nProd}`,
        '',
      ].join('\n'),
    );
}

function runLammps(input: string): number {
  const t0 = performance.now();
  execFileSync('lmp', ['-in', input, '-log', 'none', '-nocite', '-screen', 'none'], { cwd: dir as string, encoding: 'utf8', maxBuffer: 64 << 20 });
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

const ours: Ours[] = [];
const single: Ours[] = []; // with --threads > 1: the one-thread evaluation, interleaved
const hyb: number[] = [];
const tab: number[] = [];
for (let r = 0; r < repeats; r++) {
  ours.push(runOurs(threads));
  if (threads > 1) single.push(runOurs(1));
  if (haveLmp) {
    hyb.push(runLammps('in.hyb'));
    tab.push(runLammps('in.table'));
  }
}
if (dir) rmSync(dir, { recursive: true, force: true });

const s = median(ours.map((o) => o.seconds));
const result: Record<string, unknown> = {
  atoms,
  protocol: `minimise + 2000 capped steps of 0.5 fs, ${protocol.relax} ps relax + ${protocol.production} ps production, g(r)/angles every ${protocol.sampleEvery} steps`,
  threads,
  repeats,
  seconds: Number(s.toFixed(2)),
  analysis_share: Number(median(ours.map((o) => o.analysisShare)).toFixed(4)),
  analysis_ms_per_sample: Number(median(ours.map((o) => o.analysisMsPerSample)).toFixed(3)),
  analysis_cell_list_ms_per_sample: Number(median(ours.map((o) => o.cellsMsPerSample)).toFixed(3)),
  md_ms_per_step: Number(((median(ours.map((o) => o.usPerAtomStep)) * atoms) / 1000).toFixed(3)),
  rchi_percent: Number((100 * ours[0].rChi).toFixed(3)),
  runs_seconds: ours.map((o) => Number(o.seconds.toFixed(2))),
};
if (threads > 1) {
  const s1 = median(single.map((o) => o.seconds));
  Object.assign(result, { single_thread_seconds: Number(s1.toFixed(2)), thread_speedup: Number((s1 / s).toFixed(3)), single_thread_runs_seconds: single.map((o) => Number(o.seconds.toFixed(2))) });
}
if (haveLmp) {
  Object.assign(result, {
    lammps_seconds: Number(median(hyb).toFixed(2)),
    ratio: Number((s / median(hyb)).toFixed(3)),
    lammps_table_seconds: Number(median(tab).toFixed(2)),
    ratio_table: Number((s / median(tab)).toFixed(3)),
    lammps_runs_seconds: hyb.map((x) => Number(x.toFixed(2))),
    lammps_table_runs_seconds: tab.map((x) => Number(x.toFixed(2))),
  });
} else result.lammps = values['no-lammps'] ? 'skipped (--no-lammps)' : 'lmp not on PATH';
console.log(JSON.stringify(result));
