import { beforeAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import type { Progress, RunContext } from '../../src-worker/md/protocol.ts';
import { createPool } from '../../src-main/runner/pool.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { evaluate } from '../../src-worker/evaluate/evaluate.ts';
import { evaluateReplicas, meanRdf, replicaSeeds, spread, summarizeReplicas } from '../../src-worker/evaluate/replicas.ts';
import {
  ENGINE_VERSION,
  EvaluationSummarySchema,
  specFromJson,
  specToJson,
  summarizeResult,
  type DoneResult,
  type EvaluationResult,
  type EvaluationSpec,
  type Evaluator,
} from '../../src-worker/evaluate/spec.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import { builtin, collapsingForceField, QUICK_START, reference, smallSpec, SMALL_ATOMS } from './small.ts';

function recordingContext(onReport?: (p: Progress) => void): RunContext & { reports: Progress[]; cancel: () => void } {
  let cancelled = false;
  const reports: Progress[] = [];
  return {
    now: () => performance.now(),
    reportIntervalMs: 0,
    report: (p) => {
      reports.push(p);
      onReport?.(p);
    },
    isCancelled: () => cancelled,
    reports,
    cancel: () => void (cancelled = true),
  };
}

function done(r: EvaluationResult): DoneResult {
  if (r.status !== 'done') throw new Error(`expected a finished evaluation, got: ${r.reason}`);
  return r;
}

/** Let the test runner's own messages through between long synchronous evaluations. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

// The reduced protocol of the comparison below: 0.5 ps relax + 1 ps production of 648 atoms. Its two runs go
// to worker threads (the same evaluate, as the pool tests check): in parallel on two cores, and without
// blocking this test runner's event loop for the tens of seconds they take on a busy machine.
const compareSpec = smallSpec({ relax: 0.5, production: 1.0 }, { softStart: { ...QUICK_START, steps: 300 } });
const tiny = smallSpec({ relax: 0.05, production: 0.05 }, { softStart: { ...QUICK_START, steps: 100 } });
const tinyCtx = recordingContext();
let chik: DoneResult;
let bks: DoneResult;
let collapsed: EvaluationResult;

beforeAll(async () => {
  const pool = createPool({ entry: nodeWorkerEntry(), size: 2 });
  try {
    const runs = Promise.all([pool.evaluate(builtin('chik'), compareSpec), pool.evaluate(builtin('bks'), compareSpec)]);
    collapsed = evaluate(collapsingForceField(), { ...tiny, seed: 11 }, recordingContext());
    [chik, bks] = (await runs).map(done);
  } finally {
    await pool.close();
  }
});

describe('evaluate: MD liquid → structure → R_χ', () => {
  it('scores the CHIK liquid clearly closer to the CHIK reference than BKS, both in plausible ranges', () => {
    // Full protocol, LAMMPS: BKS 7.5 % against this reference, a second CHIK seed ≈ 0.5 %. A 648-atom,
    // 1 ps run adds sampling noise of a few %, mostly in g_SiSi (216 Si atoms): seeds 7 and 8 gave CHIK
    // 3.8–4.7 %, BKS 6.3–7.6 %. The bounds are wide; the order is not.
    expect(chik.rChi).toBeLessThan(bks.rChi);
    expect(chik.rChi).toBeGreaterThan(0.01);
    expect(chik.rChi).toBeLessThan(0.07);
    expect(bks.rChi).toBeGreaterThan(0.04);
    expect(bks.rChi).toBeLessThan(0.12);
    // The Si–O peak, sampled by 1296 Si–O neighbours per frame, is the least noisy and the clearest
    // difference (BKS's is sharper; seeds 7, 8: χ_SiO CHIK 2.8–3.7 %, BKS 7.9–9.4 %).
    expect(chik.chiByPair.SiO).toBeLessThan(0.6 * bks.chiByPair.SiO);
  });

  it('reports χ per pair consistent with R_χ and the structure it sampled', () => {
    expect(Object.keys(chik.chiByPair)).toEqual(['SiSi', 'SiO', 'OO']);
    const chi2 = Object.values(chik.chiByPair).map((c) => c * c);
    expect(chik.rChi).toBeCloseTo(Math.sqrt(chi2.reduce((a, b) => a + b, 0) / 3), 14);
    // g(r) on the reference's own grid, one sample every 10 production steps.
    expect(chik.rdf.r).toEqual(reference.r);
    expect(chik.rdf.frames).toBe(100);
    expect(chik.bondCutoffs).toEqual({ SiO: 2.3 }); // the cut-off the reference's ADF was computed with
    expect(chik.adf?.triplets).toEqual(['OSiO', 'SiOSi']);
    expect(chik.adf!.mean.OSiO).toBeGreaterThan(105);
    expect(chik.adf!.mean.OSiO).toBeLessThan(112);
    const si = chik.coordination.find((c) => c.centre === 'Si' && c.neighbour === 'O')!;
    expect(si.mean).toBeGreaterThan(3.8);
    expect(si.mean).toBeLessThan(4.2);
    expect(chik.final.n).toBe(SMALL_ATOMS);
    expect(chik.final.box.lx).toBeCloseTo(21.4, 1);
    expect(chik.final.vel?.length).toBe(3 * SMALL_ATOMS);
    expect(Math.abs(chik.run.meanTemperature - 3600)).toBeLessThan(250);
    expect(chik.run.steps).toBe(1500);
    expect(chik.timings.usPerAtomStep).toBeGreaterThan(0);
    expect(chik.timings.wallS).toBeGreaterThan(0);
    expect(chik).toMatchObject({ seed: 7, kernel: 'table', engineVersion: ENGINE_VERSION, referenceHash: reference.hash });
  });

  it('reports progress: phases in order, steps rising to the total, an ETA that ends at zero', () => {
    const result = evaluate(builtin('chik'), tiny, tinyCtx);
    expect(result.status).toBe('done');
    const r = tinyCtx.reports;
    expect(r.length).toBeGreaterThan(5);
    const order = ['start', 'relax', 'production', 'analysis'];
    expect([...new Set(r.map((p) => p.phase))]).toEqual(order);
    for (let i = 1; i < r.length; i++) {
      // The closing 'analysis' report may repeat the engine's last step.
      if (i < r.length - 1) expect(r[i].step).toBeGreaterThan(r[i - 1].step);
      else expect(r[i].step).toBeGreaterThanOrEqual(r[i - 1].step);
      expect(order.indexOf(r[i].phase)).toBeGreaterThanOrEqual(order.indexOf(r[i - 1].phase));
    }
    expect(r.every((p) => p.totalSteps === 100 + 100 && Number.isFinite(p.etaS) && p.etaS >= 0)).toBe(true);
    expect(r[r.length - 1]).toMatchObject({ phase: 'analysis', step: 200, etaS: 0 });
    expect(r.every((p) => Number.isFinite(p.temperature) && p.potentialEnergy < 0)).toBe(true);
  });

  it('is deterministic: the same seed gives the identical R_χ, g(r) and final configuration', async () => {
    const spec = tiny;
    const a = done(evaluate(builtin('chik'), spec, recordingContext()));
    await breathe();
    const b = done(evaluate(builtin('chik'), spec, recordingContext()));
    expect(b.rChi).toBe(a.rChi);
    expect(b.chiByPair).toEqual(a.chiByPair);
    expect(b.rdf.g.SiO).toEqual(a.rdf.g.SiO);
    expect(b.final.pos).toEqual(a.final.pos);
  });
});

describe('evaluate: failures are results', () => {
  it('returns a blow-up as a failed result with the reason and the configuration', () => {
    const r = collapsed;
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(['non-finite', 'too-close', 'temperature-runaway', 'lost-atom']).toContain(r.failure.kind);
    expect(r.failure.step).toBeGreaterThan(0);
    expect(r.reason).toMatch(/^MD blew up at step \d+: /);
    expect(r.final?.n).toBe(SMALL_ATOMS);
    expect(r).toMatchObject({ seed: 11, engineVersion: ENGINE_VERSION, referenceHash: reference.hash });
  });

  it('returns unusable parameters as invalid-parameters, without running MD', () => {
    const chikFf = builtin('chik');
    const bad: ForceField = { ...chikFf, pair: { ...chikFf.pair, SiO: { ...chikFf.pair.SiO, rho: -0.2 } } };
    const r = evaluate(bad, smallSpec(), recordingContext());
    expect(r).toMatchObject({ status: 'failed', failure: { kind: 'invalid-parameters', step: 0 } });
    if (r.status === 'failed') expect(r.reason).toMatch(/^invalid parameters: rho_SiO = -0.2 is negative/);
    // A cut-off the box cannot hold (edge ≤ cut-off + skin) is the parameters against this box: also a result.
    const long = evaluate({ ...chikFf, cutoff: 20, dsf: { alpha: 0.25, cutoff: 20 } }, smallSpec(), recordingContext());
    expect(long.status).toBe('failed');
    if (long.status === 'failed') expect(long.reason).toMatch(/invalid parameters: 648 atoms at 2.2 g\/cm³: box edge x = 21\.\d+ Å is too small for the cut-off 20 Å \+ skin 2 Å/);
  });

  it('stops promptly when cancelled, as a failed result of kind cancelled', () => {
    let cancelAt = -1;
    const ctx = recordingContext((p) => {
      if (p.phase === 'relax' && cancelAt < 0) {
        cancelAt = p.step;
        ctx.cancel();
      }
    });
    const r = evaluate(builtin('chik'), smallSpec({ relax: 5, production: 5 }), ctx);
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.failure.kind).toBe('cancelled');
    expect(r.reason).toMatch(/^run cancelled at step \d+$/);
    // The engine polls every 100 steps: far less than the 10 000 steps of this protocol.
    expect(r.failure.step - cancelAt).toBeLessThanOrEqual(200);
    const before = recordingContext();
    before.cancel();
    expect(evaluate(builtin('chik'), smallSpec(), before)).toMatchObject({ status: 'failed', failure: { kind: 'cancelled', step: 0 } });
  });

  it('throws for a malformed spec, naming the problem', () => {
    expect(() => evaluate(builtin('chik'), smallSpec({ production: 0.005 }), recordingContext())).toThrow(/gives no structure sample every 10 steps/);
    expect(() => evaluate(builtin('chik'), smallSpec({ atoms: 649 }), recordingContext())).toThrow(/multiple of 3/);
    expect(() => evaluate(builtin('chik'), smallSpec({}, { costRange: { rMin: 9, rMax: 10 } }), recordingContext())).toThrow(/no r-grid point in the cost range/);
  });
});

describe('replicas', () => {
  it('derives distinct, reproducible seeds, the base seed first; a longer list keeps the shorter one', () => {
    const s3 = replicaSeeds(1, 3);
    expect(s3[0]).toBe(1);
    expect(new Set(s3).size).toBe(3);
    expect(replicaSeeds(1, 3)).toEqual(s3);
    expect(replicaSeeds(1, 5).slice(0, 3)).toEqual(s3);
    expect(replicaSeeds(2, 3)).not.toEqual(s3);
    expect(s3.every((s) => Number.isSafeInteger(s) && s >= 0)).toBe(true);
    expect(() => replicaSeeds(1, 0)).toThrow(/positive integer/);
  });

  it('gives mean ± sample standard deviation', () => {
    const s = spread([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.sd).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(spread([0.07]).sd).toBeNull();
  });

  it('summarises finished replicas and lists failed ones with their reasons', () => {
    const s = summarizeReplicas([chik, bks, collapsed]);
    expect(s).toMatchObject({ replicas: 3, done: 2 });
    expect(s.rChi!.mean).toBeCloseTo((chik.rChi + bks.rChi) / 2, 15);
    expect(s.rChi!.sd).toBeCloseTo(Math.abs(chik.rChi - bks.rChi) / Math.SQRT2, 15);
    expect(s.chiByPair.OO.values).toEqual([chik.chiByPair.OO, bks.chiByPair.OO]);
    expect(s.failed).toHaveLength(1);
    expect(s.failed[0].seed).toBe(11);
    expect(s.failed[0].reason).toMatch(/MD blew up/);
    const g = meanRdf([chik, bks]);
    expect(g.g.SiO[80]).toBeCloseTo((chik.rdf.g.SiO[80] + bks.rdf.g.SiO[80]) / 2, 14);
    expect(g.frames).toBe(200);
  });

  it('runs k seeds through an Evaluator and returns them in replica order, with a spread between seeds', async () => {
    const seen: number[] = [];
    const inProcess: Evaluator = {
      evaluate: async (ff, spec) => {
        seen.push(spec.seed);
        await breathe();
        return evaluate(ff, spec, recordingContext());
      },
    };
    const spec = { ...tiny, seed: 3 };
    const { results, summary } = await evaluateReplicas(inProcess, builtin('chik'), spec, 2);
    expect(results.map((r) => r.seed)).toEqual(replicaSeeds(3, 2));
    expect(seen).toEqual(replicaSeeds(3, 2));
    expect(summary.done).toBe(2);
    expect(summary.rChi!.sd).toBeGreaterThan(0);
  });
});

describe('serialised forms', () => {
  it('round-trips a spec through JSON and validates a result summary', () => {
    const spec: EvaluationSpec = compareSpec;
    const back = specFromJson(JSON.parse(JSON.stringify(specToJson(spec))));
    expect(back.reference.hash).toBe(spec.reference.hash);
    expect(back.reference.g.SiO).toEqual(spec.reference.g.SiO);
    expect({ ...back, reference: null }).toEqual({ ...spec, reference: null });
    const summary = EvaluationSummarySchema.parse(JSON.parse(JSON.stringify(summarizeResult(chik))));
    expect(summary).toMatchObject({ status: 'done', rChi: chik.rChi, seed: 7, failure: null });
    expect(() => specFromJson({ ...specToJson(spec), protocol: { ...spec.protocol, atoms: -3 } })).toThrow();
  });
});
