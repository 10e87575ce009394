/**
 * MD speed benchmark (`npm run bench:md [-- --atoms 24000] [--steps N] [--kernel exact|table] [--repeats R]
 * [--no-lammps] [--threads T] [--skin Å] [--table-coarse K] [--table-loop wasm|js|compare]`): the 3000-atom BKS liquid (tests/fixtures/lammps/configs/BKS_liquid.data, 2×2×2 replicas
 * for 24000 atoms) run NVT at 3600 K, 1 fs, 2 Å skin, neighbour check every step — the setup of LAMMPS's own
 * timing (lammps-inputs/in.bench, style hyb). When `lmp` is on the PATH the same system (same positions and
 * velocities) also runs in LAMMPS on one rank in two forms, interleaved with ours: the exact hybrid/overlay
 * form (`ratio`) and LAMMPS's fastest form of this potential, `pair_style table linear 16384` of our own
 * exact pair energy with the charges folded in (io/lammps-export.ts lammpsTable; `ratio_table`). This
 * machine's timings drift by up to ±40 % between runs, so only a ratio taken in one run means much; medians
 * of the repeats. With --threads T > 1 our run splits its pair loop over T threads (md/force-team.ts) and a
 * one-thread run is interleaved too (`thread_speedup`), and so is the same T-thread team with one thread active
 * (`team_chunk_overhead`: its T chunks summed on one core, what core sharing costs a run that gets no extra core).
 * The table kernel's pair loop runs in WebAssembly (md/table-loop.ts); `--table-loop js` runs the JavaScript loop
 * instead, and `--table-loop compare` interleaves a JavaScript-loop run too (`js_loop_us_per_atom_step`, `wasm_gain`).
 * Prints one JSON line; asserts nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readLammpsData, writeLammpsData } from '../../src-worker/io/lammps-data.ts';
import { frameToSystem, systemToFrame } from '../../src-worker/io/configuration.ts';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { createRng } from '../../src-worker/rng.ts';
import { maxwellBoltzmann } from '../../src-worker/md/velocities.ts';
import { createSystem, type System } from '../../src-worker/md/system.ts';
import { createMdState, defaultLimits, runSegment } from '../../src-worker/md/run.ts';
import { createNoseHooverChain } from '../../src-worker/md/thermostat.ts';
import { DEFAULT_KERNEL, KERNEL_NAMES, preparePotential, type KernelName } from '../../src-worker/md/engine.ts';
import { neighborsPerAtom } from '../../src-worker/md/neighbor.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { lammpsTable } from '../../src-worker/io/lammps-export.ts';
import { buckDsfTable, prepareBuckDsfTable, setTableLoopKind, TABLE_INTERVALS, TABLE_R_MIN, TABLE_SPLIT_R, type TableLoopKind } from '../../src-worker/md/buck-dsf-table.ts';
import { Worker } from 'node:worker_threads';
import { closeForceTeam, createForceTeam, MAX_THREADS, setActive } from '../../src-worker/md/force-team.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../fixtures/lammps');

const { values } = parseArgs({
  options: {
    atoms: { type: 'string', default: '3000' },
    steps: { type: 'string' },
    kernel: { type: 'string', default: DEFAULT_KERNEL },
    repeats: { type: 'string', default: '3' },
    'no-lammps': { type: 'boolean', default: false },
    'table-points': { type: 'string', default: '16384' },
    'table-coarse': { type: 'string' },
    'table-loop': { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: '1' },
    skin: { type: 'string', default: '2.0' },
  },
});
const atoms = Number(values.atoms);
const rep = Math.round(Math.cbrt(atoms / 3000));
if (!(rep >= 1 && rep * rep * rep * 3000 === atoms)) throw new Error(`--atoms must be 3000·k³ (3000, 24000, 81000, …), got ${values.atoms}`);
const steps = Number(values.steps ?? (atoms <= 3000 ? 1000 : 250));
const repeats = Number(values.repeats);
const kernel = values.kernel as KernelName;
const threads = Number(values.threads);
const skin = Number(values.skin);
// --table-coarse K: our table kernel with its grid K times coarser beyond TABLE_SPLIT_R (1 = one uniform grid, the
// table before the split); default: the kernel's own (TABLE_COARSE).
const coarse = values['table-coarse'] === undefined ? null : Number(values['table-coarse']);
if (coarse !== null && !(Number.isInteger(coarse) && coarse >= 1)) throw new Error('--table-coarse must be a positive integer');
if (coarse !== null && kernel !== 'table') throw new Error('--table-coarse applies to the table kernel only');
if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) throw new Error(`--threads must be an integer in [1, ${MAX_THREADS}]`);
if (!KERNEL_NAMES.includes(kernel)) throw new Error(`--kernel must be one of ${KERNEL_NAMES.join(', ')}`);
const loopArg = values['table-loop'] as string;
if (!['wasm', 'js', 'compare'].includes(loopArg)) throw new Error('--table-loop must be wasm, js or compare');
const loopKind: TableLoopKind = loopArg === 'js' ? 'js' : 'wasm';

// --- the system: BKS liquid, Maxwell–Boltzmann velocities at 3600 K (the fixture has none), replicated
const data = readLammpsData(readFileSync(join(fixtures, 'configs/BKS_liquid.data'), 'utf8'), 'BKS_liquid.data', { species: SILICA });
const ff = builtinForceField('BKS');
const base = frameToSystem(data.frame, SILICA, ff);
maxwellBoltzmann(base, 3600, createRng(1));

function replicate(s: System, k: number): System {
  const n = s.n * k * k * k;
  const type = new Int32Array(n);
  const pos = new Float64Array(3 * n);
  const vel = new Float64Array(3 * n);
  let a = 0;
  // Same order as LAMMPS `replicate`: image by image, atoms in order within each.
  for (let iz = 0; iz < k; iz++)
    for (let iy = 0; iy < k; iy++)
      for (let ix = 0; ix < k; ix++)
        for (let i = 0; i < s.n; i++, a++) {
          type[a] = s.type[i];
          pos[3 * a] = s.pos[3 * i] + ix * s.box.lx;
          pos[3 * a + 1] = s.pos[3 * i + 1] + iy * s.box.ly;
          pos[3 * a + 2] = s.pos[3 * i + 2] + iz * s.box.lz;
          vel.set(s.vel.subarray(3 * i, 3 * i + 3), 3 * a);
        }
  const r = createSystem(s.species, type, pos, { lx: k * s.box.lx, ly: k * s.box.ly, lz: k * s.box.lz });
  r.vel.set(vel);
  return r;
}

interface Ours {
  seconds: number;
  cpuSeconds: number; // process CPU time: steadier than wall time when other work shares the cores
  pairsPerStep: number;
  neighborsPerAtom: number;
  builds: number;
}

function runOurs(threads: number, active = threads, loop: TableLoopKind = loopKind): Ours {
  setTableLoopKind(loop);
  const sys = replicate(base, rep);
  const prepared = coarse === null ? preparePotential(SILICA, ff, kernel) : { pot: buckDsfTable, table: prepareBuckDsfTable(SILICA, ff, TABLE_INTERVALS, TABLE_R_MIN, TABLE_SPLIT_R, coarse) };
  const md = createMdState(sys, prepared.pot, prepared.table, skin);
  if (threads > 1) {
    md.team = createForceTeam(threads, (data) => new Worker(nodeWorkerEntry(), { workerData: data }));
    setActive(md.team, active);
  }
  const chain = createNoseHooverChain(md.dof, 3600, 0.1);
  const ctx = silentContext(() => performance.now());
  const limits = defaultLimits(3600);
  // Warm-up: lets V8 optimise the loops before the clock starts (LAMMPS's setup is not timed either).
  let f = runSegment(md, { kind: 'nvt', chain }, 0.001, 50, { phase: 'production', limits, ctx });
  if (f) throw new Error(`benchmark run failed: ${JSON.stringify(f)}`);
  let pairs = 0;
  const builds0 = md.nl.builds;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f = runSegment(md, { kind: 'nvt', chain }, 0.001, steps, {
    phase: 'production',
    limits,
    ctx,
    onStep: () => {
      pairs += md.nl.pairsInCutoff;
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  if (md.team) closeForceTeam(md.team);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (f) throw new Error(`benchmark run failed: ${JSON.stringify(f)}`);
  return { seconds, cpuSeconds, pairsPerStep: pairs / steps, neighborsPerAtom: neighborsPerAtom(md.nl), builds: md.nl.builds - builds0 };
}

// --- LAMMPS, if present: same data (positions and velocities), the exact form (in.bench, hyb) and the table form
const haveLmp = !values['no-lammps'] && spawnSync('lmp', ['-h'], { stdio: 'ignore' }).status === 0;
let lmpDir: string | null = null;
if (haveLmp) {
  lmpDir = mkdtempSync(join(tmpdir(), 'glassfit-bench-'));
  mkdirSync(join(lmpDir, 'potentials'));
  copyFileSync(join(fixtures, 'lammps-inputs/potentials/BKS.lmp'), join(lmpDir, 'potentials/BKS.lmp'));
  writeFileSync(
    join(lmpDir, 'bench.data'),
    writeLammpsData(systemToFrame(base), { title: 'glassfit bench: BKS liquid + MB velocities 3600 K', species: SILICA, charges: ff.charge }),
  );
  // Same system, thermostat, skin and neighbour policy in both forms; only the pair style differs.
  const { include, table } = lammpsTable(ff, SILICA, { date: new Date().toISOString() }, { tableFile: 'pair.table', points: Number(values['table-points']) });
  writeFileSync(join(lmpDir, 'table.lmp'), include);
  writeFileSync(join(lmpDir, 'pair.table'), table);
  for (const [name, pot] of [
    ['in.hyb', 'include potentials/BKS.lmp'],
    ['in.table', 'include table.lmp'],
  ])
    writeFileSync(
      join(lmpDir, name),
      [
        `# glassfit benchmark twin of lammps-inputs/in.bench (${name === 'in.hyb' ? 'style hyb' : 'style table: pair_style table linear'})`,
        'units metal',
        'atom_style charge',
        'boundary p p p',
        'read_data bench.data',
        `replicate ${rep} ${rep} ${rep}`,
        pot,
        `neighbor ${skin} bin`,
        'neigh_modify delay 0 every 1 check yes',
        'fix nvt all nvt temp 3600.0 3600.0 0.1',
        'timestep 0.001',
        `thermo ${steps}`,
        `run ${steps}`,
        '',
      ].join('\n'),
    );
}

interface Lammps {
  seconds: number;
  cpuSeconds: number; // loop time × LAMMPS's "% CPU use"
  pairSeconds: number;
  neighborsPerAtom: number;
}

function runLammps(input: 'in.hyb' | 'in.table'): Lammps {
  const dir = lmpDir as string;
  const log = execFileSync('lmp', ['-in', input, '-log', 'none', '-nocite'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const loop = /Loop time of ([\d.eE+-]+) on 1 procs for (\d+) steps with (\d+) atoms/.exec(log);
  if (!loop) throw new Error(`cannot find the loop time in LAMMPS's output:\n${log.slice(-2000)}`);
  const pair = /^Pair\s*\|\s*[\d.eE+-]+\s*\|\s*([\d.eE+-]+)/m.exec(log);
  const neigh = /Ave neighs\/atom = ([\d.eE+-]+)/.exec(log);
  const cpuUse = /([\d.]+)% CPU use/.exec(log);
  const seconds = Number(loop[1]);
  return { seconds, cpuSeconds: cpuUse ? (seconds * Number(cpuUse[1])) / 100 : NaN, pairSeconds: pair ? Number(pair[1]) : NaN, neighborsPerAtom: neigh ? Number(neigh[1]) : NaN };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

const ours: Ours[] = [];
const oursSingle: Ours[] = []; // with --threads > 1: the one-thread baseline, interleaved
const oursOneActive: Ours[] = []; // with --threads > 1: the T-thread team with one thread active (its T chunks on one core)
const oursJs: Ours[] = []; // with --table-loop compare: the JavaScript pair loop, interleaved
const lammps: Lammps[] = [];
const lammpsTab: Lammps[] = [];
for (let r = 0; r < repeats; r++) {
  ours.push(runOurs(threads));
  if (threads > 1) oursSingle.push(runOurs(1));
  if (threads > 1) oursOneActive.push(runOurs(threads, 1));
  if (loopArg === 'compare') oursJs.push(runOurs(threads, threads, 'js'));
  if (haveLmp) {
    lammps.push(runLammps('in.hyb'));
    lammpsTab.push(runLammps('in.table'));
  }
}
if (lmpDir) rmSync(lmpDir, { recursive: true, force: true });

const n = atoms;
const usOurs = (median(ours.map((o) => o.seconds)) * 1e6) / (steps * n);
const result: Record<string, unknown> = {
  atoms: n,
  steps,
  us_per_atom_step: Number(usOurs.toFixed(3)),
  cpu_us_per_atom_step: Number(((median(ours.map((o) => o.cpuSeconds)) * 1e6) / (steps * n)).toFixed(3)),
  pairs_per_s: Math.round(median(ours.map((o) => o.pairsPerStep / (o.seconds / steps)))),
  neighbors_per_atom: Number(median(ours.map((o) => o.neighborsPerAtom)).toFixed(2)),
  kernel: coarse === null ? kernel : `table, --table-coarse ${coarse}`,
  table_loop: kernel === 'table' ? loopKind : 'n/a',
  threads,
  skin,
  neighbor_builds: median(ours.map((o) => o.builds)),
  repeats,
  runs_us_per_atom_step: ours.map((o) => Number(((o.seconds * 1e6) / (steps * n)).toFixed(3))),
};
if (threads > 1) {
  const us1 = (median(oursSingle.map((o) => o.seconds)) * 1e6) / (steps * n);
  Object.assign(result, {
    single_thread_us_per_atom_step: Number(us1.toFixed(3)),
    thread_speedup: Number((us1 / usOurs).toFixed(3)),
    // What a run pays for being able to change its threads mid-run (force-team.ts chunks) when it has one core.
    team_one_active_us_per_atom_step: Number(((median(oursOneActive.map((o) => o.seconds)) * 1e6) / (steps * n)).toFixed(3)),
    team_chunk_overhead: Number((median(oursOneActive.map((o) => o.seconds)) / median(oursSingle.map((o) => o.seconds)) - 1).toFixed(3)),
    single_thread_runs_us_per_atom_step: oursSingle.map((o) => Number(((o.seconds * 1e6) / (steps * n)).toFixed(3))),
  });
}
if (oursJs.length) {
  const usJ = (median(oursJs.map((o) => o.seconds)) * 1e6) / (steps * n);
  Object.assign(result, { js_loop_us_per_atom_step: Number(usJ.toFixed(3)), wasm_gain: Number((usJ / usOurs - 1).toFixed(3)) });
}
if (haveLmp) {
  const usL = (median(lammps.map((l) => l.seconds)) * 1e6) / (steps * n);
  Object.assign(result, {
    lammps_us_per_atom_step: Number(usL.toFixed(3)),
    ratio: Number((usOurs / usL).toFixed(3)),
    lammps_cpu_us_per_atom_step: Number(((median(lammps.map((l) => l.cpuSeconds)) * 1e6) / (steps * n)).toFixed(3)),
    cpu_ratio: Number((median(ours.map((o) => o.cpuSeconds)) / median(lammps.map((l) => l.cpuSeconds))).toFixed(3)),
    lammps_pair_ms_per_step: Number(((median(lammps.map((l) => l.pairSeconds)) * 1000) / steps).toFixed(2)),
    lammps_neighbors_per_atom: median(lammps.map((l) => l.neighborsPerAtom)),
    lammps_runs_us_per_atom_step: lammps.map((l) => Number(((l.seconds * 1e6) / (steps * n)).toFixed(3))),
    lammps_form: 'hybrid/overlay coul/dsf 0.25 8.0 buck 8.0 mie/cut 8.0 (exact)',
  });
  const usT = (median(lammpsTab.map((l) => l.seconds)) * 1e6) / (steps * n);
  Object.assign(result, {
    lammps_table_us_per_atom_step: Number(usT.toFixed(3)),
    ratio_table: Number((usOurs / usT).toFixed(3)),
    cpu_ratio_table: Number((median(ours.map((o) => o.cpuSeconds)) / median(lammpsTab.map((l) => l.cpuSeconds))).toFixed(3)),
    lammps_table_runs_us_per_atom_step: lammpsTab.map((l) => Number(((l.seconds * 1e6) / (steps * n)).toFixed(3))),
    lammps_table_form: `pair_style table linear ${values['table-points']} (whole pair energy, charges folded in)`,
  });
} else result.lammps = values['no-lammps'] ? 'skipped (--no-lammps)' : 'lmp not on PATH';
console.log(JSON.stringify(result));
