/**
 * Early stopping of hopeless runs: the moving g(r) window against LAMMPS's compute rdf, the checkpoint plan, the
 * MD run's watcher hook, and the evaluator on small liquids — a forcefield that is obviously wrong against the
 * reference stops at a checkpoint with status 'stopped' and its partial R_χ, the same spec gives the same
 * decision twice, and a good forcefield with a generous threshold runs to the end exactly as without a watcher.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLammpsDump } from '../../src-worker/io/lammps-dump.ts';
import { frameTypes } from '../../src-worker/io/trajectory.ts';
import { SILICA } from '../../src-worker/species.ts';
import { accumulateRdf, createRdfAccumulator, DEFAULT_RDF_SPEC, rdfResult } from '../../src-worker/analysis/rdf.ts';
import { addWindowFrame, closeWindowBlock, createRdfWindow, windowFull, windowRdf } from '../../src-worker/analysis/rdf-window.ts';
import { earlyStopPlan, earlyStopThreshold, DEFAULT_EARLY_STOP, PARTIAL_RATIO_MAX, WINDOW_NOISE } from '../../src-worker/evaluate/early-stop.ts';
import { createPool, type WorkerPool } from '../../src-main/runner/pool.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import {
  EvaluationSpecJsonSchema,
  specFromJson,
  specToJson,
  summarizeResult,
  EvaluationSummarySchema,
  type EvaluationResult,
  type EvaluationSpec,
} from '../../src-worker/evaluate/spec.ts';
import { PAPER_PROTOCOL, silentContext, type Watcher } from '../../src-worker/md/protocol.ts';
import { runLiquid } from '../../src-worker/md/engine.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import { agreesTo6Digits, csvColumns, fixtureText } from '../analysis/fixtures.ts';
import { builtin, smallSpec } from './small.ts';

const frames = readLammpsDump(fixtureText('trajectory/traj_BKS_20frames.dump'), 'traj_BKS_20frames.dump');
const lammps = csvColumns('trajectory/gr_BKS_20frames.csv');

describe('g(r) over a moving window of blocks', () => {
  it('over all 20 frames in 10 blocks equals LAMMPS compute rdf to its printed digits', () => {
    const w = createRdfWindow(SILICA, DEFAULT_RDF_SPEC, 10);
    let types = new Int32Array(0) as Int32Array;
    frames.forEach((f, k) => {
      types = frameTypes(f, SILICA, types);
      addWindowFrame(w, types, f.pos, f.box);
      if (k % 2 === 1) closeWindowBlock(w);
    });
    expect(windowFull(w)).toBe(true);
    const g = windowRdf(w);
    expect(g.frames).toBe(20);
    for (const [pair, col] of [
      ['SiSi', 'g_SiSi'],
      ['SiO', 'g_SiO'],
      ['OO', 'g_OO'],
    ] as const) {
      const bad = g.g[pair].filter((x, i) => !agreesTo6Digits(x, lammps[col][i])).length;
      expect(bad).toBe(0);
    }
  });

  it('keeps only its last blocks: a 4-block ring after 20 frames holds frames 13–20, and `last` narrows it', () => {
    const w = createRdfWindow(SILICA, DEFAULT_RDF_SPEC, 4);
    const tail = createRdfAccumulator(SILICA, DEFAULT_RDF_SPEC);
    const last2 = createRdfAccumulator(SILICA, DEFAULT_RDF_SPEC);
    let types = new Int32Array(0) as Int32Array;
    frames.forEach((f, k) => {
      types = frameTypes(f, SILICA, types);
      addWindowFrame(w, types, f.pos, f.box);
      if (k % 2 === 1) closeWindowBlock(w);
      if (k >= 12) accumulateRdf(tail, types, f.pos, f.box);
      if (k >= 16) accumulateRdf(last2, types, f.pos, f.box);
    });
    const g = windowRdf(w);
    const ref = rdfResult(tail);
    expect(g.frames).toBe(8);
    for (const p of ref.pairs) for (let i = 0; i < ref.r.length; i++) expect(g.g[p][i]).toBeCloseTo(ref.g[p][i], 12);
    const g2 = windowRdf(w, 2);
    const ref2 = rdfResult(last2);
    expect(g2.frames).toBe(4);
    for (let i = 0; i < ref2.r.length; i++) expect(g2.g.SiO[i]).toBeCloseTo(ref2.g.SiO[i], 12);
  });
});

describe('the checkpoint plan', () => {
  const protocol = { ...PAPER_PROTOCOL, relax: 5, production: 5 }; // 10 000 steps of 1 fs
  it('rounds checkpoints to block ends of whole structure samples and keeps the window length', () => {
    const plan = earlyStopPlan({ threshold: 0.2, checkpoints: [0.4, 0.6, 0.8], windowPs: 1 }, protocol);
    expect(plan).toMatchObject({ blockSteps: 250, totalSteps: 10_000, relaxSteps: 5000, checkpoints: [4000, 6000, 8000] });
    expect(plan.windowPs).toBeCloseTo(1, 12);
  });
  it('drops checkpoints with less than a window before them or at the very end', () => {
    const plan = earlyStopPlan({ threshold: 0.2, checkpoints: [0.05, 0.5, 1], windowPs: 1 }, protocol);
    expect(plan.checkpoints).toEqual([5000]);
  });
  it('threshold: above the tolerated final R_χ, growing with the incumbent and its noise, never below the window noise floor', () => {
    const es = DEFAULT_EARLY_STOP;
    const t = earlyStopThreshold(0.05, 0.09, es, 648);
    expect(t).toBeGreaterThan(0.05 * es.tolerance * PARTIAL_RATIO_MAX);
    expect(earlyStopThreshold(0.1, 0.09, es, 648)).toBeGreaterThan(t);
    expect(earlyStopThreshold(0.05, 0.2, es, 648)).toBeGreaterThan(t);
    // A perfect forcefield still reads the noise of a short window: the threshold never drops below that floor,
    // and the floor is lower for a bigger system.
    const floor648 = Math.sqrt(WINDOW_NOISE / (648 * es.windowPs));
    expect(earlyStopThreshold(1e-9, 0, es, 648)).toBeCloseTo(floor648, 8);
    expect(earlyStopThreshold(1e-9, 0, es, 3000)).toBeLessThan(floor648);
  });
});

describe('spec JSON', () => {
  it('carries the early stop through JSON (a job gets its threshold with its spec) and rejects a bad one', () => {
    const spec = smallSpec({}, { earlyStop: { threshold: 0.25, checkpoints: [0.5, 0.75], windowPs: 0.1, incumbent: 0.08 } });
    const back = specFromJson(JSON.parse(JSON.stringify(specToJson(spec))));
    expect(back.earlyStop).toEqual(spec.earlyStop);
    const json = specToJson(spec);
    expect(EvaluationSpecJsonSchema.safeParse({ ...json, earlyStop: { ...json.earlyStop, checkpoints: [0.7, 0.5] } }).success).toBe(false);
    expect(EvaluationSpecJsonSchema.safeParse({ ...json, earlyStop: { ...json.earlyStop, checkpoints: [1.5] } }).success).toBe(false);
    expect(EvaluationSpecJsonSchema.safeParse({ ...json, earlyStop: { ...json.earlyStop, threshold: 0 } }).success).toBe(false);
    expect(specFromJson(specToJson(smallSpec())).earlyStop).toBeUndefined();
  });
});

describe('the MD run with a watcher', () => {
  it('calls it every `every` steps from `from` on, relaxation included, and ends the run where it says', () => {
    const spec = smallSpec({ relax: 0.05, production: 0.05 });
    const seen: number[] = [];
    const watcher: Watcher = {
      every: 10,
      from: 30,
      look(step) {
        seen.push(step);
        return step === 70;
      },
    };
    const run = runLiquid(builtin('bks'), { protocol: spec.protocol, seed: 3, kernel: 'table', species: SILICA, softStart: spec.softStart!, watcher }, [], silentContext());
    expect(run.ok).toBe(true);
    if (!run.ok) return;
    expect(seen).toEqual([30, 40, 50, 60, 70]);
    expect(run.stoppedAt).toBe(70);
    expect(run.stats.steps).toBe(70);
  });
});

/** BKS with its Si–O wall pushed out (ρ_SiO 0.2052 → 0.25 Å): a liquid, but Si–O bonds far too long; R_χ ≈ 0.8 on the small protocol. */
function stretchedBks(): ForceField {
  const bks = builtin('bks');
  return { ...bks, pair: { ...bks.pair, SiO: { ...bks.pair.SiO, rho: 0.25 } } };
}

describe('early stopping in the evaluator (648 atoms, 0.2 + 0.2 ps)', () => {
  const protocol = { relax: 0.2, production: 0.2 };
  const watch = (threshold: number): EvaluationSpec['earlyStop'] => ({ threshold, checkpoints: [0.5, 0.75], windowPs: 0.08, incumbent: 0.085 });
  const stopSpec = smallSpec(protocol, { earlyStop: watch(0.3) });
  // The runs go to worker threads, as in a campaign (the spec's early stop crosses the worker boundary), two at a
  // time, and without blocking this test runner's event loop for the tens of seconds they take on a busy machine.
  let pool: WorkerPool;
  let stoppedA: EvaluationResult, stoppedB: EvaluationResult, plain: EvaluationResult, watched: EvaluationResult;
  beforeAll(async () => {
    pool = createPool({ entry: nodeWorkerEntry(), size: 2 });
    [stoppedA, stoppedB, plain, watched] = await Promise.all([
      pool.evaluate(stretchedBks(), stopSpec),
      pool.evaluate(stretchedBks(), stopSpec),
      pool.evaluate(builtin('bks'), smallSpec(protocol)),
      pool.evaluate(builtin('bks'), smallSpec(protocol, { earlyStop: watch(1) })),
    ]);
  });
  afterAll(() => pool.close());

  it('stops an obviously wrong forcefield at the first checkpoint with its partial R_χ, and decides the same twice', () => {
    const a = stoppedA;
    expect(a.status).toBe('stopped');
    if (a.status !== 'stopped') return;
    const plan = earlyStopPlan(stopSpec.earlyStop!, stopSpec.protocol);
    expect(a.stop).toMatchObject({ atStep: plan.checkpoints[0], totalSteps: 400, threshold: 0.3, incumbent: 0.085, stage: 'relax' });
    expect(a.stop.partialRChi).toBeGreaterThan(0.3);
    expect(a.rChi).toBe(a.stop.partialRChi);
    expect(Object.keys(a.chiByPair)).toEqual(['SiSi', 'SiO', 'OO']);
    expect(a.rdf.frames).toBe(a.stop.frames);
    expect(a.stop.frames).toBeGreaterThan(0);
    expect(a.run.steps).toBe(a.stop.atStep);
    expect(a.adf).toBeNull(); // stopped in the relaxation: no production sampled
    expect(a.final.n).toBe(648);
    expect(a.reason).toMatch(/^stopped at 50 % of the run \(relax\): partial R_χ \d+\.\d % > threshold 30\.0 % \(incumbent 8\.5 %\)$/);
    const summary = EvaluationSummarySchema.parse(JSON.parse(JSON.stringify(summarizeResult(a))));
    expect(summary).toMatchObject({ status: 'stopped', rChi: a.rChi, stop: { atStep: a.stop.atStep } });

    const b = stoppedB;
    expect(b.status).toBe('stopped');
    if (b.status !== 'stopped') return;
    expect(b.stop).toEqual(a.stop);
    expect(b.chiByPair).toEqual(a.chiByPair);
  });

  it('lets a good forcefield under a generous threshold run to the end, with exactly the R_χ it has without a watcher', () => {
    expect(plain.status).toBe('done');
    expect(watched.status).toBe('done');
    if (plain.status !== 'done' || watched.status !== 'done') return;
    expect(watched.rChi).toBe(plain.rChi);
    expect(watched.chiByPair).toEqual(plain.chiByPair);
    expect(watched.run).toEqual(plain.run);
  });
});
