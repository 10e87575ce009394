import { describe, expect, it } from 'vitest';
import { acquisitionOf, boData, designPoint, feasibility, fitSurrogate, initialDesignSize } from '../../src-worker/optimize/bo.ts';
import { cgReplay } from '../../src-worker/optimize/cg.ts';
import { clearOptimizerMemos, propose, stop } from '../../src-worker/optimize/optimizer.ts';
import { simulate } from '../../src-worker/optimize/simulate.ts';
import { parseOptimizerSettings, type BoOptimizerSettings, type CgOptimizerSettings, type Observation } from '../../src-worker/optimize/strategy.ts';
import { ACKLEY_2D, COLLAPSE_2D, evaluateNoisy, trueValue, TWO_BASIN_2D } from '../../src-worker/optimize/testfunctions.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';

const bo = (dim: number, budget: number, bo: object = {}, cg: object = {}): BoOptimizerSettings =>
  parseOptimizerSettings({ strategy: 'bo', dim, budget, bo, cg }) as BoOptimizerSettings;

/** A noisy history of n random points of a test function, the first five labelled as the initial design. */
function historyOf(n: number, seed: number, tf = ACKLEY_2D): Observation[] {
  const r = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const u = Array.from({ length: tf.dim }, () => uniform(r));
    return { u, phase: i < 5 ? ('initial' as const) : ('bo' as const), y: evaluateNoisy(tf, u, r) };
  });
}
const D5 = { initial: { size: 5 } };

describe("the paper's Fig. 7 claim: BO finds the global basin from a start in the wrong one, CG alone does not", () => {
  const start = TWO_BASIN_2D.start as number[];
  it('starts in the local basin', () => {
    expect(trueValue(TWO_BASIN_2D, start)).toBeGreaterThan(0.14);
  });
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}`, () => {
      const cgOnly = parseOptimizerSettings({ strategy: 'cg', dim: 2, budget: 200, start }) as CgOptimizerSettings;
      const c = simulate(cgOnly, TWO_BASIN_2D, seed);
      const end = cgReplay({ u: start, values: [], needStart: true }, c.history, cgOnly.cg);
      expect(end.status).toBe('converged');
      expect(trueValue(TWO_BASIN_2D, end.x)).toBeGreaterThan(0.13); // stuck in the local basin (its floor is 0.14)
      const b = simulate(bo(2, 40, { initial: { include: [start] } }, { enabled: false }), TWO_BASIN_2D, seed);
      expect(b.history[0].u).toEqual(start);
      const best = Math.min(...b.trueValues.filter(Number.isFinite));
      expect(best).toBeLessThan(0.1); // the global basin (0.09); no point of the local basin is below 0.138
    });
  }
});

describe('initial design', () => {
  it('has the documented size and is the seeded Sobol sequence after the included points', () => {
    expect(initialDesignSize(bo(2, 40))).toBe(6);
    expect(initialDesignSize(bo(7, 300))).toBe(30);
    expect(initialDesignSize(bo(7, 2000))).toBe(70);
    expect(initialDesignSize(bo(3, 100, { initial: { size: 12 } }))).toBe(12);
    const s = bo(3, 100, { initial: { include: [[0.1, 0.2, 0.3]] } });
    const p = propose(s, [], [], 4, 5);
    expect(p.map((x) => x.phase)).toEqual(['initial', 'initial', 'initial', 'initial']);
    expect(p[0].u).toEqual([0.1, 0.2, 0.3]);
    expect(p[2].u).toEqual(designPoint(s, 5, 2));
    expect(propose(s, [], p.slice(0, 2), 2, 5)).toEqual(p.slice(2));
  });

  it('LHS designs are stratified', () => {
    const s = bo(2, 100, { initial: { design: 'lhs', size: 10 } });
    const pts = propose(s, [], [], 10, 3);
    for (let k = 0; k < 2; k++) expect(new Set(pts.map((p) => Math.floor(p.u[k] * 10))).size).toBe(10);
  });
});

describe('proposals are a pure function of (history, pending, settings, seed)', () => {
  it('give the same points after a JSON round trip and after the memos are cleared', () => {
    const s = bo(2, 100, D5);
    const h = historyOf(15, 1);
    const pending = [{ u: [0.5, 0.5], phase: 'bo' as const }];
    const a = propose(s, h, pending, 3, 9);
    const stored = JSON.parse(JSON.stringify({ h, pending }));
    expect(propose(s, stored.h, stored.pending, 3, 9)).toEqual(a);
    clearOptimizerMemos();
    expect(propose(s, stored.h, stored.pending, 3, 9)).toEqual(a);
    expect(propose(s, h, pending, 3, 10)).not.toEqual(a); // the seed matters
  });

  it('asking for q at once equals asking one at a time with earlier ones pending', () => {
    const s = bo(2, 100, D5);
    const h = historyOf(12, 2);
    const batch = propose(s, h, [], 3, 4);
    const one = propose(s, h, [], 1, 4);
    const two = propose(s, h, one, 1, 4);
    const three = propose(s, h, [...one, ...two], 1, 4);
    expect([...one, ...two, ...three]).toEqual(batch);
  });

  it('a batch holds q distinct points (Kriging believer)', () => {
    const s = bo(2, 100, D5);
    const batch = propose(s, historyOf(20, 3), [], 4, 1);
    expect(batch).toHaveLength(4);
    expect(batch.every((p) => p.phase === 'bo')).toBe(true);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < i; j++) {
        const dist = Math.hypot(batch[i].u[0] - batch[j].u[0], batch[i].u[1] - batch[j].u[1]);
        expect(dist).toBeGreaterThan(1e-3);
      }
  });

  it('respects the budget', () => {
    const s = bo(2, 14, D5);
    expect(propose(s, historyOf(12, 4), [], 5, 1)).toHaveLength(2);
    expect(propose(s, historyOf(12, 4), [{ u: [0.2, 0.2], phase: 'bo' }], 5, 1)).toHaveLength(1);
    expect(stop(s, historyOf(14, 4))?.kind).toBe('budget');
  });
});

describe('failed evaluations', () => {
  it('enter the regression GP at a bounded value, never a penalty, and steer EI away through the classifier', () => {
    // A corner of failures next to good values: the classifier sees the labels, the GP the failures as the
    // worst observed value (or its own mean there, if higher).
    const r = createRng(7);
    const h: Observation[] = [];
    for (let i = 0; i < 60; i++) {
      const u = [uniform(r), uniform(r)];
      const fails = u[0] < 0.35 && u[1] < 0.35;
      h.push({ u, phase: i < 5 ? 'initial' : 'bo', y: fails ? null : 0.1 + 0.5 * ((u[0] - 0.35) ** 2 + (u[1] - 0.35) ** 2) });
    }
    const s = bo(2, 200, D5);
    const sur = fitSurrogate(h, s, 1);
    if (!sur) throw new Error('no surrogate');
    const data = boData(h, s);
    expect(data.nFailed).toBeGreaterThan(3);
    expect(data.n).toBe(60 - data.nFailed);
    expect(sur.gp.n).toBe(60);
    const worstFeasible = Math.log(Math.max(...h.filter((o) => o.y !== null).map((o) => o.y as number)));
    // The feasible rows are the observations; the failures sit at the worst one, nothing beyond it.
    for (let i = 0; i < data.n; i++) expect(sur.gp.y[i]).toBe(data.y[i]);
    for (let i = data.n; i < 60; i++) expect(sur.gp.y[i]).toBeCloseTo(worstFeasible, 12);
    // The surrogate no longer believes the failed corner could beat the incumbent.
    expect(acquisitionOf({ ...sur, classifier: null }).value(Float64Array.from([0.1, 0.1]))).toBeLessThan(acquisitionOf({ ...sur, classifier: null }).value(Float64Array.from([0.4, 0.4])) - 5);
    expect(feasibility(sur, [0.1, 0.1])).toBeLessThan(0.1);
    expect(feasibility(sur, [0.7, 0.7])).toBeGreaterThan(0.9);
    // log p(feasible) enters the acquisition: in the failed corner it costs more than a factor 10.
    const corner = Float64Array.from([0.12, 0.12]);
    expect(acquisitionOf(sur).value(corner)).toBeLessThan(acquisitionOf({ ...sur, classifier: null }).value(corner) - Math.log(10));
    const next = propose(s, h, [], 4, 3);
    expect(next.every((p) => p.phase === 'bo')).toBe(true);
    for (const p of next) expect(p.u[0] < 0.25 && p.u[1] < 0.25).toBe(false);
  });

  it('collapse-2d (64 % of the box blows up, the valley hugs the boundary): BO stays out of the collapse and finds the valley', () => {
    // The classifier alone (before the failures were imputed) proposed ~90 % failures here and stalled near 0.2.
    for (const seed of [1, 3]) {
      const s = bo(2, 40);
      const r = simulate(s, COLLAPSE_2D, seed);
      const boPhase = r.history.filter((o) => o.phase === 'bo');
      const failed = boPhase.filter((o) => o.y === null).length;
      expect(failed / boPhase.length, `seed ${seed}`).toBeLessThan(0.5);
      expect(Math.min(...r.trueValues.filter(Number.isFinite)), `seed ${seed}`).toBeLessThan(0.1);
    }
  }, 60_000);

  it('a design that fails entirely is extended instead of fitting a GP', () => {
    const s = bo(2, 50, { initial: { size: 4 } });
    const h: Observation[] = propose(s, [], [], 4, 1).map((p) => ({ ...p, y: null }));
    const next = propose(s, h, [], 2, 1);
    expect(next.map((p) => p.phase)).toEqual(['initial', 'initial']);
    expect(next[0].u).toEqual(designPoint(s, 1, 4));
  });
});

describe('noise', () => {
  it('is learned near its true level, and taken from replicas when there are enough', () => {
    const r = createRng(12);
    const h: Observation[] = [];
    for (let i = 0; i < 60; i++) {
      const u = [uniform(r), uniform(r)];
      h.push({ u, phase: 'bo', y: (0.1 + 0.2 * u[0] ** 2 + 0.1 * Math.sin(3 * u[1])) * Math.exp(0.02 * (2 * uniform(r) - 1) * Math.sqrt(3)) });
    }
    const s = bo(2, 200);
    const sur = fitSurrogate(h, s, 1);
    if (!sur) throw new Error('no surrogate');
    const sd = Math.sqrt(sur.gp.noiseVar); // log units: relative noise
    expect(sd).toBeGreaterThan(0.007);
    expect(sd).toBeLessThan(0.06);
    // Four replicas at each of two points: pooled variance of log y with 6 degrees of freedom fixes the noise.
    const reps: Observation[] = [];
    for (const u of [[0.2, 0.2], [0.8, 0.6]]) for (const y of [0.1, 0.104, 0.098, 0.101]) reps.push({ u, phase: 'replica', y: y * (u[0] > 0.5 ? 2 : 1) });
    const sur2 = fitSurrogate([...h, ...reps], s, 1);
    if (!sur2) throw new Error('no surrogate');
    const d = boData([...h, ...reps], s);
    expect(d.pooledDf).toBe(6);
    expect(sur2.gp.noiseVar).toBeCloseTo(d.pooledVar, 12);
    expect(d.n).toBe(62); // replicas merge into one point each
  });

  it("EI's incumbent: the lowest observation by default (the paper), the lowest posterior mean as an option; BO's answer is always the latter", () => {
    const h = historyOf(20, 8);
    const obs = fitSurrogate(h, bo(2, 100, D5), 1);
    const mean = fitSurrogate(h, bo(2, 100, { ...D5, acquisition: { incumbent: 'mean' } }), 1);
    if (!obs || !mean) throw new Error('no surrogate');
    expect(obs.best).toBe(Math.min(...obs.data.y));
    expect(mean.best).toBe(Math.min(...mean.meanAtData));
    expect(obs.answerIndex).toBe(mean.answerIndex);
    expect(mean.meanAtData[mean.answerIndex]).toBe(mean.best);
  });

  it('uses known yVar per point and refuses y ≤ 0 under the log transform', () => {
    const h = historyOf(10, 5).map((o, i) => ({ ...o, yVar: i === 0 ? 1e-4 : undefined }));
    const sur = fitSurrogate(h, bo(2, 50, D5), 1);
    if (!sur) throw new Error('no surrogate');
    const i0 = 0;
    expect(sur.gp.noise[i0]).toBeCloseTo(Math.max(1e-4 / (h[0].y as number) ** 2, 1e-6), 12);
    expect(() => propose(bo(2, 50, D5), [...h, { u: [0.3, 0.3], phase: 'bo', y: -0.1 }], [], 1, 1)).toThrow(/observation 10 has y = -0.1/);
    expect(propose(bo(2, 50, { ...D5, gp: { outputTransform: 'none' } }), [...h, { u: [0.3, 0.3], phase: 'bo', y: -0.1 }], [], 1, 1)).toHaveLength(1);
  });
});
