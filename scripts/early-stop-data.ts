/**
 * The data behind early stopping (src-worker/evaluate/early-stop.ts, documented in src-worker/evaluate/README.md):
 * for a panel of forcefields — the built-in sets, random points of the ML preset box and points part-way between
 * a built-in set and such a random point — run the benchmark protocol (648 atoms, 5 ps relax + 5 ps production,
 * built-in CHIK reference, table kernel) and record along the run the R_χ of the g(r) of the last 0.5, 1 and 2 ps
 * (every 0.25 ps from 1 ps on, relaxation included) and of the production g(r) so far, next to the run's final R_χ.
 *
 *   node bin/run-ts.mjs scripts/early-stop-data.ts [--out early-stop-data.json] [--random 12] [--between 9] [--fractions 0.15,0.3,0.5]
 *        [--atoms 648] [--relax-ps 5] [--prod-ps 5] [--seed 1] [--only BKS,CHIK] [--summary] [--replay 0.0704,0.0127]
 *
 * Every finished run is appended to --out at once (a JSON array), so a run cut short keeps what it did; runs
 * already in --out are skipped. `--summary` only reads --out and prints the table the design was chosen from;
 * `--replay` replays early stopping with today's defaults (early-stop.ts) on the stored runs for each incumbent
 * given: the threshold, which runs it stops and where, and whether it stops any that end within the tolerance.
 * `--cost` times what watching costs: one BKS run of the given protocol with a watcher that files a window frame
 * every protocol.sampleEvery steps throughout, its own time measured apart; prints µs per window frame and per
 * MD step and the share of the default plan (3 windows) in the run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadDefaultReference } from '../src-main/reference/load.ts';
import { PAPER_PROTOCOL, silentContext, type Watcher } from '../src-worker/md/protocol.ts';
import { SILICA } from '../src-worker/species.ts';
import { runLiquid } from '../src-worker/md/engine.ts';
import { stepsOf } from '../src-worker/md/run.ts';
import { describeFailure } from '../src-worker/md/failure.ts';
import type { ForceField } from '../src-worker/md/forcefield.ts';
import { BUILTIN_NAMES, builtinForceField } from '../src-worker/params/sets.ts';
import { presetSpace } from '../src-worker/params/presets.ts';
import { fromUnit, toUnit } from '../src-worker/params/space.ts';
import { createRng, uniform } from '../src-worker/rng.ts';
import { structureSpecFor } from '../src-worker/evaluate/reference.ts';
import { DEFAULT_COST_RANGE, rChi } from '../src-worker/evaluate/cost.ts';
import { createStructureAccumulator, structureObserver } from '../src-worker/analysis/structure.ts';
import { rdfResult } from '../src-worker/analysis/rdf.ts';
import { addWindowFrame, closeWindowBlock, createRdfWindow, windowRdf } from '../src-worker/analysis/rdf-window.ts';
import { DEFAULT_EARLY_STOP, earlyStopThreshold } from '../src-worker/evaluate/early-stop.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'early-stop-data.json' },
    random: { type: 'string', default: '12' },
    between: { type: 'string', default: '9' },
    fractions: { type: 'string', default: '0.15,0.3,0.5' },
    atoms: { type: 'string', default: '648' },
    'relax-ps': { type: 'string', default: '5' },
    'prod-ps': { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    summary: { type: 'boolean', default: false },
    replay: { type: 'string' },
    cost: { type: 'boolean', default: false },
  },
});

/** One look along the run: time (ps since the start of relaxation) and R_χ of the windows (fractions). */
interface Look {
  readonly t: number;
  readonly w05: number;
  readonly w1: number;
  readonly w2: number | null;
  readonly prod: number | null; // production g(r) so far
}
interface Row {
  readonly name: string;
  readonly seed: number;
  readonly u: number[] | null;
  readonly final: number | null;
  readonly failure: string | null;
  readonly looks: Look[];
  readonly wallS: number;
}

const out = values.out;
const rows: Row[] = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Row[]) : [];

if (values.summary || values.replay) {
  if (values.summary) summary(rows);
  if (values.replay) replay(rows, values.replay.split(',').map(Number));
  process.exit(0);
}

const reference = loadDefaultReference();
if (values.cost) {
  cost();
  process.exit(0);
}
const protocol = { ...PAPER_PROTOCOL, atoms: Number(values.atoms), relax: Number(values['relax-ps']), production: Number(values['prod-ps']) };
const dt = protocol.timestep;
const BLOCK = stepsOf(0.25, dt); // steps per block of the moving window
const space = presetSpace('ML');
const seed = Number(values.seed);

// The panel: built-ins (two seeds for BKS and CHIK: the seed-to-seed spread), random points of the box, and
// points part-way (t of --fractions) from BKS, CHIK or ML towards a random point — the mediocre middle.
const panel: { name: string; seed: number; u: number[] | null; ff: ForceField }[] = [];
for (const b of BUILTIN_NAMES) panel.push({ name: b, seed, u: null, ff: builtinForceField(b) });
for (const b of ['BKS', 'CHIK'] as const) panel.push({ name: b, seed: seed + 1, u: null, ff: builtinForceField(b) });
const rng = createRng(20240611, 0);
const randomU = Array.from({ length: Math.max(Number(values.random), 3) }, () => Array.from({ length: space.free.length }, () => uniform(rng)));
randomU.slice(0, Number(values.random)).forEach((u, k) => panel.push({ name: `random-${k + 1}`, seed, u, ff: fromUnit(space, u) }));
const anchors = (['BKS', 'CHIK', 'ML'] as const).map((b) => ({ b, u: Array.from(toUnit(space, builtinForceField(b)), (x) => Math.min(1, Math.max(0, x))) }));
for (let k = 0; k < Number(values.between); k++) {
  const a = anchors[k % 3];
  const target = randomU[k % randomU.length];
  const fr = values.fractions.split(',').map(Number);
  const t = fr[Math.floor(k / 3) % fr.length];
  const u = a.u.map((x, i) => x + t * (target[i] - x));
  panel.push({ name: `${a.b}→random-${(k % randomU.length) + 1}@${t}`, seed, u, ff: fromUnit(space, u) });
}
const only = values.only?.split(',');

for (const p of panel) {
  if (only && !only.includes(p.name)) continue;
  if (rows.some((r) => r.name === p.name && r.seed === p.seed)) continue;
  const t0 = performance.now();
  const sspec = structureSpecFor(reference, SILICA);
  const acc = createStructureAccumulator(SILICA, sspec);
  const win = createRdfWindow(SILICA, sspec.rdf, 8);
  const nRelax = stepsOf(protocol.relax, dt);
  const looks: Look[] = [];
  const score = (g: Parameters<typeof rChi>[1]) => rChi(reference, g, DEFAULT_COST_RANGE).rChi;
  const watcher: Watcher = {
    every: protocol.sampleEvery,
    from: protocol.sampleEvery,
    look(step, sys) {
      addWindowFrame(win, sys.type, sys.pos, sys.box);
      if (step % BLOCK === 0) {
        closeWindowBlock(win);
        if (win.filed >= 4) {
          looks.push({
            t: step * dt,
            w05: score(windowRdf(win, 2)),
            w1: score(windowRdf(win, 4)),
            w2: win.filed >= 8 ? score(windowRdf(win, 8)) : null,
            prod: step > nRelax && acc.rdf.frames > 0 ? score(rdfResult(acc.rdf)) : null,
          });
        }
      }
      return false;
    },
  };
  const run = runLiquid(p.ff, { protocol, seed: p.seed, kernel: 'table', species: SILICA, watcher }, [structureObserver(acc, protocol.sampleEvery)], silentContext(() => performance.now()));
  const final = run.ok ? score(rdfResult(acc.rdf)) : null;
  const row: Row = { name: p.name, seed: p.seed, u: p.u, final, failure: run.ok ? null : describeFailure(run.failure), looks, wallS: (performance.now() - t0) / 1000 };
  rows.push(row);
  writeFileSync(out, JSON.stringify(rows, null, 1));
  console.log(`${p.name.padEnd(28)} seed ${p.seed}  ${final === null ? `failed: ${row.failure}` : `R_χ ${(100 * final).toFixed(2)} %`}  (${row.wallS.toFixed(0)} s, ${looks.length} looks)`);
}
summary(rows);

/** Per run: final R_χ and, at a few times, the ratio partial / final of each window. */
function summary(all: readonly Row[]): void {
  const times = [2, 3, 4, 5, 6, 7, 8, 9];
  const fmt = (x: number | null | undefined) => (x === null || x === undefined ? '   —  ' : x.toFixed(2).padStart(6));
  const ok = all.filter((r) => r.final !== null).sort((a, b) => a.final! - b.final!);
  for (const key of ['w1', 'w05', 'w2', 'prod'] as const) {
    console.log(`\npartial R_χ (${key}) / final R_χ at t ps (relax ends at 5 ps)`);
    console.log(`${'run'.padEnd(30)} final %  ${times.map((t) => `t=${t}`.padStart(6)).join(' ')}`);
    for (const r of ok) {
      const at = (t: number) => r.looks.find((l) => Math.abs(l.t - t) < 1e-9);
      console.log(`${`${r.name} s${r.seed}`.padEnd(30)} ${(100 * r.final!).toFixed(2).padStart(7)}  ${times.map((t) => fmt(at(t)?.[key] === undefined || at(t)?.[key] === null ? null : at(t)![key]! / r.final!)).join(' ')}`);
    }
  }
  const failed = all.filter((r) => r.final === null);
  if (failed.length) console.log(`\nfailed runs: ${failed.map((r) => `${r.name} (${r.failure})`).join('; ')}`);
}

/** Early stopping with the default settings replayed on the stored runs (1-ps windows at the default checkpoints). */
function replay(all: readonly Row[], incumbents: readonly number[]): void {
  const es = DEFAULT_EARLY_STOP;
  const atoms = Number(values.atoms);
  const runPs = Number(values['relax-ps']) + Number(values['prod-ps']);
  const times = es.checkpoints.map((f) => f * runPs);
  const ok = all.filter((r) => r.final !== null).sort((a, b) => a.final! - b.final!);
  for (const inc of incumbents) {
    const t = earlyStopThreshold(inc, es.noiseRel, es, atoms);
    console.log(`\nincumbent ${(100 * inc).toFixed(2)} %: threshold ${(100 * t).toFixed(2)} % (checkpoints at ${times.map((x) => x.toFixed(1)).join(', ')} ps)`);
    let wrong = 0;
    for (const r of ok) {
      const hit = times.map((x) => r.looks.find((l) => Math.abs(l.t - x) < 1e-9)).find((l) => l !== undefined && l.w1 > t);
      const within = r.final! <= es.tolerance * inc;
      if (hit && within) wrong++;
      const what = hit ? `stopped at ${hit.t} ps (window R_χ ${(100 * hit.w1).toFixed(1)} %), ${(100 * (1 - hit.t / runPs)).toFixed(0)} % of its MD saved` : 'runs to the end';
      console.log(`  ${`${r.name} s${r.seed}`.padEnd(28)} final ${(100 * r.final!).toFixed(2).padStart(6)} %  ${what}${hit && within ? '  <- WITHIN THE TOLERANCE' : ''}`);
    }
    console.log(`  runs ending within ${es.tolerance}× the incumbent that were stopped: ${wrong}`);
  }
}

/** What a window frame costs next to an MD step, measured in one run (same machine, same load). */
function cost(): void {
  const protocol = { ...PAPER_PROTOCOL, atoms: Number(values.atoms), relax: Number(values['relax-ps']), production: Number(values['prod-ps']) };
  const sspec = structureSpecFor(reference, SILICA);
  const win = createRdfWindow(SILICA, sspec.rdf, 4);
  const block = stepsOf(0.25, protocol.timestep);
  let frames = 0;
  let watchMs = 0;
  const watcher: Watcher = {
    every: protocol.sampleEvery,
    from: protocol.sampleEvery,
    look(step, sys) {
      const t = performance.now();
      addWindowFrame(win, sys.type, sys.pos, sys.box);
      if (step % block === 0) {
        closeWindowBlock(win);
        if (win.filed === 4) rChi(reference, windowRdf(win), DEFAULT_COST_RANGE);
      }
      frames++;
      watchMs += performance.now() - t;
      return false;
    },
  };
  const run = runLiquid(builtinForceField('BKS'), { protocol, seed: 1, kernel: 'table', species: SILICA, watcher }, [], silentContext(() => performance.now()));
  if (!run.ok) throw new Error('the BKS run failed');
  const steps = run.stats.steps;
  const stepUs = (1000 * (run.stats.wallMs - watchMs)) / steps;
  const frameUs = (1000 * watchMs) / frames;
  const es = DEFAULT_EARLY_STOP;
  const planFrames = es.checkpoints.length * stepsOf(es.windowPs, protocol.timestep) / protocol.sampleEvery;
  console.log(`${protocol.atoms} atoms: ${frameUs.toFixed(0)} µs per window frame (g(r) + R_χ at block ends), ${stepUs.toFixed(0)} µs per MD step (${frames} frames, ${steps} steps)`);
  console.log(`default plan (${es.checkpoints.length} windows of ${es.windowPs} ps): ${planFrames} frames = ${((100 * planFrames * frameUs) / (steps * stepUs)).toFixed(2)} % of the relax + production time of a ${protocol.relax} + ${protocol.production} ps run`);
}
