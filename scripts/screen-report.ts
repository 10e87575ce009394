/**
 * The physics screen's report (issue 11, item 1): how much of a parameter box it rejects, and whether it
 * rejects the right things — measured with the real MD engine, not assumed.
 *
 *   node bin/run-ts.mjs scripts/screen-report.ts [--points 1000] [--md-in 100] [--md-out 50] [--atoms 648]
 *        [--relax-ps 5] [--prod-ps 5] [--workers 2] [--seed 1] [--preset ML] [--json] [--out report.json]
 *
 * 1. `--points` uniform random points of the preset's default box (the paper's coordinates): fraction screened,
 *    by rule, and the screen's cost per candidate.
 * 2. `--md-in` of the screened-in points run in MD against the built-in reference: fraction that still fail
 *    (blow up). Goal < 10 %.
 * 3. `--md-out` of the screened-out points run anyway: how many reach an R_χ below BKS's under the same protocol
 *    (BKS run with the same seeds). Goal 0.
 * It prints figures; it asserts nothing (tests/physics/screen.test.ts checks the rules).
 */
import { writeFileSync } from 'node:fs';
import { parse, int, num } from '../src-main/cli/args.ts';
import { splitOptions } from '../src-main/cli/potential-arg.ts';
import { loadDefaultReference } from '../src-main/reference/load.ts';
import { createPool } from '../src-main/runner/pool.ts';
import { nodeWorkerEntry } from '../src-main/runner/worker-path.ts';
import { PAPER_PROTOCOL } from '../src-worker/md/protocol.ts';
import { DEFAULT_KERNEL } from '../src-worker/md/engine.ts';
import { DEFAULT_COST_RANGE } from '../src-worker/evaluate/cost.ts';
import type { EvaluationResult, EvaluationSpec } from '../src-worker/evaluate/spec.ts';
import { presetSpace, PRESET_NAMES, type PresetName } from '../src-worker/params/presets.ts';
import { fromUnit } from '../src-worker/params/space.ts';
import { builtinForceField } from '../src-worker/params/sets.ts';
import { createRng, deriveSeed, uniform } from '../src-worker/rng.ts';
import { SILICA } from '../src-worker/species.ts';
import { screenContextFor, screenForceField, SCREEN_RULES } from '../src-worker/physics/screen.ts';
import { referenceLandmarks } from '../src-worker/physics/reference-features.ts';
import type { ForceField } from '../src-worker/md/forcefield.ts';

const { values: rawOpts } = parse(process.argv.slice(2), {
  points: { type: 'string' },
  'md-in': { type: 'string' },
  'md-out': { type: 'string' },
  atoms: { type: 'string' },
  'relax-ps': { type: 'string' },
  'prod-ps': { type: 'string' },
  workers: { type: 'string' },
  seed: { type: 'string' },
  preset: { type: 'string' },
  coordinates: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
});
const { str: opts, flag } = splitOptions(rawOpts as Record<string, unknown>);
const nPoints = int(opts.points, 'points', 1000, 1);
const nIn = int(opts['md-in'], 'md-in', 100, 0);
const nOut = int(opts['md-out'], 'md-out', 50, 0);
const seed = int(opts.seed, 'seed', 1, 0);
const preset = (typeof opts.preset === 'string' ? opts.preset : 'ML') as PresetName;
if (!PRESET_NAMES.includes(preset)) throw new Error(`unknown preset ${preset}`);
const protocol = {
  ...PAPER_PROTOCOL,
  atoms: int(opts.atoms, 'atoms', 648, 3),
  relax: num(opts['relax-ps'], 'relax-ps', 5),
  production: num(opts['prod-ps'], 'prod-ps', 5),
};
const workers = int(opts.workers, 'workers', 2, 1);
const log = (s: string) => {
  if (!flag.json) console.log(s);
};

const reference = loadDefaultReference();
const coordinates = opts.coordinates === 'wall' ? 'wall' : 'paper';
const space = presetSpace(preset, { coordinates, landmarks: referenceLandmarks(reference) });
const ctx = screenContextFor({ species: SILICA, reference, temperature: protocol.temperature });

// 1. The box.
const rng = createRng(seed);
const points: { u: number[]; ff: ForceField; rule: string | null; reason: string | null }[] = [];
let screenUs = 0;
for (let i = 0; i < nPoints; i++) {
  const u = Array.from({ length: space.free.length }, () => uniform(rng));
  const ff = fromUnit(space, u);
  const t0 = performance.now();
  const v = screenForceField(ff, ctx);
  screenUs += (performance.now() - t0) * 1000;
  points.push({ u, ff, rule: v.ok ? null : v.rule, reason: v.ok ? null : v.reason });
}
const byRule = Object.fromEntries(SCREEN_RULES.map((r) => [r, points.filter((p) => p.rule === r).length]));
const screenedIn = points.filter((p) => p.rule === null);
const screenedOut = points.filter((p) => p.rule !== null);
log(`preset ${preset} (${coordinates} coordinates), ${nPoints} uniform points of the default box (seed ${seed}), reference: ${reference.provenance.name}`);
log(`  screened out ${screenedOut.length} (${((100 * screenedOut.length) / nPoints).toFixed(1)} %): ${SCREEN_RULES.map((r) => `${r} ${byRule[r]}`).join(', ')}`);
log(`  screen cost ${(screenUs / nPoints).toFixed(1)} µs per candidate`);

if (nIn === 0 && nOut === 0) {
  if (flag.json) console.log(JSON.stringify({ preset, coordinates, seed, points: nPoints, screened: screenedOut.length, byRule, screenUsPerCandidate: screenUs / nPoints }));
  process.exit(0);
}

// 2. and 3. MD.
const spec = (s: number): EvaluationSpec => ({ species: SILICA, protocol, reference, costRange: DEFAULT_COST_RANGE, seed: s, kernel: DEFAULT_KERNEL });
const pool = createPool({ entry: nodeWorkerEntry(), size: workers });
interface Run {
  readonly group: 'in' | 'out' | 'bks';
  readonly index: number;
  readonly rule: string | null;
  readonly status: string;
  readonly rChi: number | null;
  readonly reason: string | null;
  readonly wallS: number;
}
async function run(group: Run['group'], index: number, ff: ForceField, rule: string | null, s: number): Promise<Run> {
  const r: EvaluationResult = await pool.evaluate(ff, spec(s));
  const done = r.status === 'done';
  const line: Run = { group, index, rule, status: r.status, rChi: done ? r.rChi : null, reason: done ? null : r.reason, wallS: r.timings.wallS };
  log(`  [${group} ${index}] ${rule ?? ''} ${r.status} ${done ? (100 * r.rChi).toFixed(2) + ' %' : r.reason} (${r.timings.wallS.toFixed(0)} s)`);
  return line;
}
const jobs: Promise<Run>[] = [];
const seeds = [deriveSeed(seed, 7, 1), deriveSeed(seed, 7, 2)];
for (const [k, s] of seeds.entries()) jobs.push(run('bks', k, builtinForceField('BKS'), null, s));
screenedIn.slice(0, nIn).forEach((p, i) => jobs.push(run('in', i, p.ff, null, seeds[i % 2])));
screenedOut.slice(0, nOut).forEach((p, i) => jobs.push(run('out', i, p.ff, p.rule, seeds[i % 2])));
const runs = await Promise.all(jobs);
await pool.close();

const bks = runs.filter((r) => r.group === 'bks' && r.rChi !== null).map((r) => r.rChi as number);
const bksBest = bks.length ? Math.min(...bks) : NaN;
const ins = runs.filter((r) => r.group === 'in');
const outs = runs.filter((r) => r.group === 'out');
const inFailed = ins.filter((r) => r.status === 'failed').length;
const outBelowBks = outs.filter((r) => r.rChi !== null && r.rChi < bksBest);
const summary = {
  preset,
  seed,
  protocol: { atoms: protocol.atoms, relaxPs: protocol.relax, productionPs: protocol.production },
  points: nPoints,
  screened: screenedOut.length,
  screenedFraction: screenedOut.length / nPoints,
  byRule,
  screenUsPerCandidate: screenUs / nPoints,
  bksRChi: bks,
  screenedIn: { run: ins.length, failed: inFailed, failedFraction: ins.length ? inFailed / ins.length : null, rChi: ins.map((r) => r.rChi) },
  screenedOut: {
    run: outs.length,
    failed: outs.filter((r) => r.status === 'failed').length,
    belowBks: outBelowBks.length,
    bestRChi: outs.reduce((m, r) => (r.rChi !== null && r.rChi < m ? r.rChi : m), Infinity),
    rChi: outs.map((r) => ({ rule: r.rule, rChi: r.rChi, status: r.status })),
  },
  mdWallS: runs.reduce((s, r) => s + r.wallS, 0),
};
log(`BKS under the same protocol: ${bks.map((x) => (100 * x).toFixed(2) + ' %').join(', ')}`);
log(`screened-in points run in MD: ${ins.length}, failed ${inFailed} (${ins.length ? ((100 * inFailed) / ins.length).toFixed(1) : '-'} %, goal < 10 %)`);
log(`screened-out points run anyway: ${outs.length}, reaching R_χ below BKS (${(100 * bksBest).toFixed(2)} %): ${outBelowBks.length} (goal 0); best ${(100 * summary.screenedOut.bestRChi).toFixed(2)} %`);
if (flag.json) console.log(JSON.stringify(summary));
if (typeof opts.out === 'string') writeFileSync(opts.out, JSON.stringify(summary, null, 1));
