import { describe, expect, it } from 'vitest';
import { boCgState, clearOptimizerMemos, propose, stop } from '../../src-worker/optimize/optimizer.ts';
import { simulate } from '../../src-worker/optimize/simulate.ts';
import { parseOptimizerSettings, type Observation } from '../../src-worker/optimize/strategy.ts';
import { trueValue, TWO_BASIN_2D } from '../../src-worker/optimize/testfunctions.ts';

describe('BO → CG hand-over (paper Sec. 2.4–2.5)', () => {
  const settings = parseOptimizerSettings({ strategy: 'bo', dim: 2, budget: 400, bo: { plateau: 15 } });

  it('runs BO to its plateau, measures the incumbent with replicas, refines it by CG and stops converged', () => {
    const r = simulate(settings, TWO_BASIN_2D, 1);
    const phases = r.history.map((o) => o.phase);
    const firstCg = phases.findIndex((p) => p === 'replica' || p === 'cg');
    expect(firstCg).toBeGreaterThan(0);
    expect(phases.slice(0, firstCg).every((p) => p === 'initial' || p === 'bo')).toBe(true);
    expect(phases.slice(firstCg).every((p) => p === 'replica' || p === 'cg')).toBe(true);
    expect(r.stopReason?.kind).toBe('converged');
    expect(r.stopReason?.detail).toMatch(/^CG refinement/);
    const boPart = r.history.slice(0, firstCg);
    const st = boCgState(r.history, [], settings as never);
    if (st.phase !== 'cg') throw new Error('expected the CG phase');
    // The CG start is an evaluated BO point, repeated as replicas, in the global basin.
    expect(boPart.some((o) => o.u[0] === st.start.u[0] && o.u[1] === st.start.u[1])).toBe(true);
    expect(r.history.filter((o) => o.phase === 'replica').every((o) => o.u[0] === st.start.u[0] && o.u[1] === st.start.u[1])).toBe(true);
    expect(trueValue(TWO_BASIN_2D, st.cg.x)).toBeLessThan(0.1);
    expect(trueValue(TWO_BASIN_2D, st.cg.x)).toBeLessThanOrEqual(trueValue(TWO_BASIN_2D, st.start.u) + 0.005);
  });

  it('waits for running BO evaluations before handing over, and replays the CG phase from stored points', () => {
    const r = simulate(settings, TWO_BASIN_2D, 2, {
      onEval: (h) => h.some((o) => o.phase === 'cg') && h.filter((o) => o.phase === 'cg').length >= 5,
    });
    const firstCg = r.history.findIndex((o) => o.phase === 'replica');
    const atPlateau = r.history.slice(0, firstCg);
    // At the plateau with a BO evaluation still running, nothing is proposed.
    const running = { u: [0.5, 0.5], phase: 'bo' as const };
    expect(propose(settings, atPlateau, [running], 2, 2)).toEqual([]);
    // Once CG began, the next proposals follow from the stored history alone, memos or not.
    const next = propose(settings, r.history, [], 4, 2);
    const stored = JSON.parse(JSON.stringify(r.history)) as Observation[];
    clearOptimizerMemos();
    expect(propose(settings, stored, [], 4, 2)).toEqual(next);
    expect(next.every((p) => p.phase === 'cg')).toBe(true);
    expect(stop(settings, stored)).toBeNull();
  });

  it('without CG, stops at the plateau', () => {
    const s = parseOptimizerSettings({ strategy: 'bo', dim: 2, budget: 400, bo: { plateau: 10 }, cg: { enabled: false } });
    const r = simulate(s, TWO_BASIN_2D, 3);
    expect(r.stopReason?.kind).toBe('plateau');
    expect(r.history.length).toBeLessThan(400);
  });
});

describe('settings', () => {
  it('fill defaults and name bad fields', () => {
    const s = parseOptimizerSettings({ strategy: 'bo', dim: 7, budget: 300 });
    if (s.strategy !== 'bo') throw new Error();
    expect(s.bo.plateau).toBe(100);
    expect(s.cg.maxLineSteps).toBe(3);
    expect(s.cg.patience).toBe(10);
    expect(s.bo.gp.outputTransform).toBe('log');
    expect(() => parseOptimizerSettings({ strategy: 'bo', dim: 0, budget: 300 })).toThrow(/dim/);
    expect(() => parseOptimizerSettings({ strategy: 'cg', dim: 2, budget: 10, start: [0.5] })).toThrow(/start has 1 coordinates, dim is 2/);
    expect(() => parseOptimizerSettings({ strategy: 'simplex', dim: 2, budget: 10 })).toThrow(/invalid optimizer settings/);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('reject history points outside the unit cube or of the wrong dimension', () => {
    const s = parseOptimizerSettings({ strategy: 'random', dim: 2, budget: 10 });
    expect(() => propose(s, [{ u: [0.5, 1.5], phase: 'baseline', y: 1 }], [], 1, 1)).toThrow(/history\[0\]\.u\[1\] = 1.5 is outside/);
    expect(() => propose(s, [{ u: [0.5], phase: 'baseline', y: 1 }], [], 1, 1)).toThrow(/has 1 coordinates/);
  });
});

describe('CG from several starts (cg.starts)', () => {
  // Two basins: BO's answer lies in one, the other has its own best point; a 2-start refinement must refine both.
  const base = { strategy: 'bo', dim: 2, budget: 120, bo: { plateau: 12 } } as const;
  const two = parseOptimizerSettings({ ...base, cg: { starts: 2, startSeparation: 0.2, startWithin: 3 } });

  it('runs a second chain from a distinct BO point within its share of the budget, tagged chain 1, and replays it', () => {
    const r = simulate(two, TWO_BASIN_2D, 4);
    const st = boCgState(r.history, [], two as never);
    if (st.phase !== 'cg') throw new Error('expected the CG phase');
    expect(st.chains.length).toBe(2);
    const [c0, c1] = st.chains;
    const dist = Math.hypot(c0.start.u[0] - c1.start.u[0], c0.start.u[1] - c1.start.u[1]);
    expect(dist).toBeGreaterThanOrEqual(0.2);
    // Both starts are evaluated BO points; chain 1's runs carry meta.chain = 1, chain 0's none.
    const boPart = r.history.filter((o) => o.phase === 'initial' || o.phase === 'bo');
    for (const c of [c0, c1]) expect(boPart.some((o) => o.u[0] === c.start.u[0] && o.u[1] === c.start.u[1])).toBe(true);
    const cgRuns = r.history.filter((o) => o.phase === 'cg' || o.phase === 'replica');
    const ones = cgRuns.filter((o) => o.meta?.chain === 1);
    expect(ones.length).toBeGreaterThan(0);
    expect(cgRuns.filter((o) => o.meta?.chain === undefined).length).toBe(c0.used);
    expect(ones.length).toBe(c1.used);
    // Chain 0 stays within its share (half of what BO left) and chain 1 starts only after chain 0 ended.
    const left = two.budget - boPart.length;
    expect(c0.used).toBeLessThanOrEqual(Math.floor(left / 2));
    const firstOne = r.history.findIndex((o) => o.meta?.chain === 1);
    expect(r.history.slice(firstOne).every((o) => o.meta?.chain === 1)).toBe(true);
    // Replicas of chain 1's start measure its noise too.
    expect(ones.filter((o) => o.phase === 'replica').every((o) => o.u[0] === c1.start.u[0] && o.u[1] === c1.start.u[1])).toBe(true);
    // Stop: either the budget, or both chains converged with both named.
    if (r.stopReason?.kind === 'converged') expect(r.stopReason.detail).toMatch(/from 2 starts/);
    // Mid-way through chain 1, the proposal is a pure function of the stored history.
    const cut = r.history.slice(0, firstOne + 3);
    const next = propose(two, cut, [], 2, 4);
    clearOptimizerMemos();
    expect(propose(two, JSON.parse(JSON.stringify(cut)) as Observation[], [], 2, 4)).toEqual(next);
    expect(next.every((p) => p.meta?.chain === 1)).toBe(true);
  });

  it('with one start (the schema default) behaves as the single refinement', () => {
    const one = parseOptimizerSettings({ ...base });
    const r = simulate(one, TWO_BASIN_2D, 4);
    const st = boCgState(r.history, [], one as never);
    if (st.phase !== 'cg') throw new Error('expected the CG phase');
    expect(st.chains.length).toBe(1);
    expect(st.chains[0].share).toBeNull();
    expect(r.history.every((o) => o.meta?.chain === undefined)).toBe(true);
  });
});
