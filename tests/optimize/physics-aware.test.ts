import { describe, expect, it } from 'vitest';
import { boStarts, designProgress, fitSurrogate, trustRegionBox, trustRegionState } from '../../src-worker/optimize/bo.ts';
import { boCgState, propose, stop } from '../../src-worker/optimize/optimizer.ts';
import { budgetUsed, parseOptimizerSettings, remainingBudget, type BoOptimizerSettings, type Observation } from '../../src-worker/optimize/strategy.ts';
import { ACKLEY_2D, evaluateNoisy } from '../../src-worker/optimize/testfunctions.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';

const bo = (dim: number, budget: number, b: object = {}, cg: object = {}): BoOptimizerSettings =>
  parseOptimizerSettings({ strategy: 'bo', dim, budget, bo: b, cg }) as BoOptimizerSettings;

function noisyHistory(n: number, seed: number, designSize: number): Observation[] {
  const r = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const u = Array.from({ length: 2 }, () => uniform(r));
    return { u, phase: i < designSize ? ('initial' as const) : ('bo' as const), y: evaluateNoisy(ACKLEY_2D, u, r), ...(i < designSize ? { meta: { role: 'design', index: i } } : {}) };
  });
}

describe('budget counts MD runs', () => {
  it('screened points and campaign baselines are free', () => {
    const h: Observation[] = [
      { u: [0.1, 0.1], phase: 'initial', y: 0.2, meta: { origin: 'baseline' } },
      { u: [0.2, 0.2], phase: 'initial', y: null, status: 'screened', meta: { role: 'design', index: 0 } },
      { u: [0.3, 0.3], phase: 'initial', y: 0.3, meta: { role: 'design', index: 1 } },
      { u: [0.4, 0.4], phase: 'initial', y: null, status: 'failed', meta: { role: 'design', index: 2 } },
      { u: [0.5, 0.5], phase: 'bo', y: 0.9, status: 'stopped' },
    ];
    expect(budgetUsed(h)).toBe(3);
    expect(remainingBudget(h, [{ u: [0.6, 0.6], phase: 'bo' }], 5)).toBe(1);
    expect(stop(bo(2, 3), h)?.kind).toBe('budget');
    expect(stop(bo(2, 4), h)).toBeNull();
  });
});

describe('initial design with screened points and baseline seeds', () => {
  it('a screened design point is never proposed again; the design runs until n0 points ran MD', () => {
    const s = bo(2, 40, { initial: { size: 4 } });
    const first = propose(s, [], [], 4, 9);
    expect(first.map((p) => p.meta?.index)).toEqual([0, 1, 2, 3]);
    const h: Observation[] = first.map((p, i) => ({ ...p, y: i % 2 ? 0.3 : null, ...(i % 2 ? {} : { status: 'screened' as const }) }));
    expect(designProgress(h, [])).toEqual({ next: 4, count: 2 });
    const more = propose(s, h, [], 3, 9);
    expect(more.map((p) => [p.phase, p.meta?.index])).toEqual([
      ['initial', 4],
      ['initial', 5],
      ['bo', undefined],
    ]);
  });
  it('baseline observations count toward the design size but not the Sobol index', () => {
    const base: Observation = { u: [0.5, 0.5], phase: 'initial', y: 0.2, meta: { origin: 'baseline' } };
    expect(designProgress([base], [])).toEqual({ next: 0, count: 1 });
    const s = bo(2, 40, { initial: { size: 3 } });
    expect(propose(s, [base], [], 2, 9).map((p) => p.meta?.index)).toEqual([0, 1]);
  });
});

describe('feasibility constraint', () => {
  it('BO proposals respect it; an infeasible half-plane is never proposed', () => {
    const s = bo(2, 60, { initial: { size: 8 } });
    const feasible = (u: ArrayLike<number>) => u[0] > 0.4;
    const h = noisyHistory(12, 3, 8).map((o) => ({ ...o, u: [0.45 + 0.55 * o.u[0], o.u[1]] }));
    const p = propose(s, h, [], 3, 4, feasible);
    expect(p.length).toBe(3);
    for (const x of p) expect(x.u[0]).toBeGreaterThan(0.4);
  });
});

describe('trust region', () => {
  const s = bo(2, 200, { initial: { size: 5 }, trustRegion: { enabled: true, initial: 0.4, successTol: 2, failureTol: 3, min: 0.06, improveRel: 0.01 } }, { enabled: false });
  const at = (y: number | null, phase: 'initial' | 'bo' = 'bo', status?: Observation['status']): Observation => ({ u: [0.5, 0.5], phase, y, ...(status ? { status } : {}) });
  it('doubles after successes, halves after failures, collapses below the minimum', () => {
    const design = [at(1, 'initial'), at(0.9, 'initial')];
    expect(trustRegionState([...design, at(0.8), at(0.7)], s).length).toBeCloseTo(0.8, 12);
    expect(trustRegionState([...design, at(2), at(null), at(0.895)], s).length).toBeCloseTo(0.2, 12); // within improveRel: no success
    const fails = Array.from({ length: 9 }, () => at(5));
    const st = trustRegionState([...design, ...fails], s);
    expect(st.collapsed).toBe(true);
    expect(st.length).toBeCloseTo(0.4, 12); // restarted
    // Screened points are no run and leave the region as it was.
    expect(trustRegionState([...design, at(null, 'bo', 'screened'), at(null, 'bo', 'screened')], s).failures).toBe(0);
  });
  it('proposes inside the box around the answer, scaled by the length-scales', () => {
    const h = noisyHistory(20, 5, 5);
    const sur = fitSurrogate(h, s, 7)!;
    const st = trustRegionState(h, s);
    const box = trustRegionBox(sur, st.length);
    const p = propose(s, h, [], 2, 7);
    for (const x of p) for (let k = 0; k < 2; k++) {
      expect(x.u[k]).toBeGreaterThanOrEqual(box.lower[k] - 1e-12);
      expect(x.u[k]).toBeLessThanOrEqual(box.upper[k] + 1e-12);
    }
    expect(p[0].meta).toMatchObject({ role: 'tr' });
  });
  it('a collapse hands over to CG', () => {
    const withCg = bo(2, 200, { initial: { size: 2 }, trustRegion: { enabled: true, failureTol: 1, min: 0.2, initial: 0.4 } });
    const h = [...noisyHistory(2, 1, 2), at(9), at(9)];
    expect(boCgState(h, [], withCg).phase).toBe('cg');
    expect(boCgState(h, [], bo(2, 200, { initial: { size: 2 } })).phase).toBe('bo');
  });
  it("onCollapse 'restart': d global BO runs, then the region again; no hand-over to CG", () => {
    const restart = bo(2, 200, { initial: { size: 2 }, trustRegion: { enabled: true, failureTol: 1, min: 0.2, initial: 0.4, onCollapse: 'restart' } });
    const h = [...noisyHistory(2, 1, 2), at(9), at(9)]; // two failures: 0.4 → 0.2 → 0.1 < min, a collapse
    const st = trustRegionState(h, restart);
    expect(st).toMatchObject({ collapsed: true, collapses: 1, global: true });
    expect(boCgState(h, [], restart).phase).toBe('bo');
    // The global runs (d = 2) leave the region's counters alone; after them the region is back.
    expect(trustRegionState([...h, at(9)], restart)).toMatchObject({ global: true, failures: 0 });
    expect(trustRegionState([...h, at(9), at(9)], restart)).toMatchObject({ global: false, collapses: 1, failures: 0 });
    expect(trustRegionState([...h, at(9), at(9), at(9)], restart)).toMatchObject({ global: false, failures: 0, length: 0.2 });
    // During the global phase proposals are EI's over the whole box (no 'tr' role).
    const p = propose(restart, h, [], 1, 3);
    expect(p[0].meta?.role).not.toBe('tr');
  });
  it('the CG reserve hands over when that much budget is left', () => {
    const h = noisyHistory(16, 2, 5);
    expect(boCgState(h, [], bo(2, 20, { initial: { size: 5 } }, { reserve: 0.2 })).phase).toBe('cg');
    expect(boCgState(h, [], bo(2, 22, { initial: { size: 5 } }, { reserve: 0.2 })).phase).toBe('bo');
  });
});

describe("BO's answer is a fully measured point", () => {
  it('a run stopped early never becomes the hand-over point or the trust region centre, however low its mean', () => {
    const h = noisyHistory(20, 5, 20);
    // A stopped run whose partial value lies below every full run (the case the rule is for: a partial R_χ is a
    // different, noisier measurement, and CG must not refine around it).
    const stoppedU = [0.5, 0.5];
    const withStopped: Observation[] = [...h, { u: stoppedU, phase: 'bo', y: 0.5 * Math.min(...h.map((o) => o.y as number)), status: 'stopped' }];
    const sur = fitSurrogate(withStopped, bo(2, 60), 3)!;
    const i = sur.answerIndex;
    expect(sur.data.full[i]).toBe(1);
    expect(Array.from(sur.data.X.subarray(2 * i, 2 * i + 2))).not.toEqual(stoppedU);
    // Only stopped runs: the answer falls back to the lowest mean.
    const onlyStopped: Observation[] = h.slice(0, 5).map((o) => ({ ...o, status: 'stopped' as const }));
    expect(fitSurrogate(onlyStopped, bo(2, 60), 3)!.answerIndex).toBeGreaterThanOrEqual(0);
  });
});

describe('CG starts in other basins (boStarts)', () => {
  it('after the answer: the best measured full-length points far enough apart and good enough, never a stopped run', () => {
    const s = bo(2, 60);
    const h: Observation[] = [
      { u: [0.2, 0.2], phase: 'initial', y: 0.05 },
      { u: [0.25, 0.2], phase: 'initial', y: 0.055 }, // same basin: 0.05 from the answer
      { u: [0.9, 0.9], phase: 'initial', y: 0.04, status: 'stopped' }, // a partial value: never a start
      { u: [0.8, 0.3], phase: 'initial', y: 0.07 }, // another basin, within 1.5×
      { u: [0.3, 0.9], phase: 'initial', y: 0.2 }, // far, but 4× worse
      { u: [0.5, 0.5], phase: 'initial', y: null },
    ];
    const starts = boStarts(h, s, 1, 3, { separation: 0.4, within: 1.5 });
    expect(starts.length).toBe(2);
    expect(starts[1].u).toEqual([0.8, 0.3]);
    expect(starts[1].y).toBeCloseTo(0.07, 12);
    const far = Math.hypot(starts[0].u[0] - 0.8, starts[0].u[1] - 0.3);
    expect(far).toBeGreaterThanOrEqual(0.4);
    // A looser quality bound admits the far, worse point; k = 1 is the answer alone.
    expect(boStarts(h, s, 1, 3, { separation: 0.4, within: 5 }).map((p) => p.u)).toContainEqual([0.3, 0.9]);
    expect(boStarts(h, s, 1, 1, { separation: 0.4, within: 5 }).length).toBe(1);
  });
});
