import { describe, expect, it } from 'vitest';
import { cgReplay } from '../../src-worker/optimize/cg.ts';
import { propose, stop } from '../../src-worker/optimize/optimizer.ts';
import { simulate } from '../../src-worker/optimize/simulate.ts';
import { parseOptimizerSettings, type CgOptimizerSettings, type Observation } from '../../src-worker/optimize/strategy.ts';
import type { TestFunction } from '../../src-worker/optimize/testfunctions.ts';

function quadratic(a: number[], c: number[], noiseRel: number): TestFunction {
  const d = a.length;
  return {
    name: 'quadratic',
    dim: d,
    lower: new Array(d).fill(0),
    upper: new Array(d).fill(1),
    noiseRel,
    f: (x) => 0.1 + x.reduce((s, v, k) => s + a[k] * (v - c[k]) ** 2, 0),
    optimum: { x: c, value: 0.1 },
    target: 0.1001,
    description: 'quadratic bowl',
  };
}

const cgSettings = (start: number[], budget: number, cg: object = {}): CgOptimizerSettings =>
  parseOptimizerSettings({ strategy: 'cg', dim: start.length, budget, start, cg }) as CgOptimizerSettings;

describe('conjugate gradient refinement', () => {
  it('converges to the minimum of a noisy, anisotropic quadratic', () => {
    const tf = quadratic([1, 10], [0.3, 0.7], 0.002);
    const s = cgSettings([0.8, 0.2], 600);
    const r = simulate(s, tf, 1);
    expect(r.stopReason?.kind).toBe('converged');
    const st = cgReplay({ u: s.start, values: [], needStart: true }, r.history, s.cg);
    expect(st.status).toBe('converged');
    expect(Math.abs(st.x[0] - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(st.x[1] - 0.7)).toBeLessThan(0.02);
    expect(tf.f(st.x)).toBeLessThan(0.1 + 2e-3);
    // The squared gradient ends near zero (the paper's Fig. 4(c)) after starting large.
    expect(st.iterations[0].gradSq).toBeGreaterThan(100 * st.iterations[st.iterations.length - 1].gradSq);
  });

  it('converges in 5-D with a condition number of 100', () => {
    const tf = quadratic([0.2, 1, 3, 8, 20], [0.4, 0.6, 0.5, 0.35, 0.55], 0.001);
    const s = cgSettings([0.1, 0.9, 0.9, 0.1, 0.2], 2000);
    const r = simulate(s, tf, 2, { q: 10 });
    const st = cgReplay({ u: s.start, values: [], needStart: true }, r.history, s.cg);
    expect(r.stopReason?.kind).toBe('converged');
    expect(tf.f(st.x)).toBeLessThan(0.1 + 2e-3);
  });

  it('tags its proposals and asks for a whole gradient at once', () => {
    const s = cgSettings([0.5, 0.5], 100);
    const first = propose(s, [], [], 50, 1);
    expect(first.map((p) => p.meta?.role)).toEqual(['start', 'replica', 'replica', 'replica', 'fd', 'fd', 'fd', 'fd']);
    expect(first.filter((p) => p.phase === 'replica')).toHaveLength(3);
    const fd = first.filter((p) => p.meta?.role === 'fd');
    expect(fd.map((p) => p.u)).toEqual([
      [0.52, 0.5],
      [0.48, 0.5],
      [0.5, 0.52],
      [0.5, 0.48],
    ]);
    // With all of them pending there is nothing more to do: wait.
    expect(propose(s, [], first, 5, 1)).toEqual([]);
  });

  it('replays from stored results in any order and through JSON', () => {
    const tf = quadratic([1, 4], [0.2, 0.6], 0.01);
    const s = cgSettings([0.7, 0.3], 60);
    const r = simulate(s, tf, 3, { maxEvals: 25 });
    const next = propose(s, r.history, [], 3, 3);
    expect(next.length).toBeGreaterThan(0);
    // The same observations in reverse order give the same state and proposals (tags, not order, identify them).
    expect(propose(s, [...r.history].reverse(), [], 3, 3)).toEqual(next);
    const stored = JSON.parse(JSON.stringify(r.history)) as Observation[];
    expect(propose(s, stored, [], 3, 3)).toEqual(next);
    expect(stop(s, stored)).toBeNull();
  });

  it('widens finite-difference steps that are buried in noise', () => {
    // A nearly flat function with 5 % noise: differences over the default step are pure noise.
    const flat: TestFunction = { ...quadratic([0.01, 0.01], [0.5, 0.5], 0.05), name: 'flat' };
    const s = cgSettings([0.5, 0.5], 80);
    const r = simulate(s, flat, 4);
    const fdOffsets = r.history.filter((o) => o.meta?.role === 'fd').map((o) => ({ it: o.meta?.it as number, off: Math.max(Math.abs(o.u[0] - 0.5), Math.abs(o.u[1] - 0.5)) }));
    const first = Math.max(...fdOffsets.filter((f) => f.it === 0).map((f) => f.off));
    const last = Math.max(...fdOffsets.filter((f) => f.it === Math.max(...fdOffsets.map((g) => g.it))).map((f) => f.off));
    expect(first).toBeCloseTo(0.02, 12);
    expect(last).toBeGreaterThan(2 * first);
  });

  it('survives failed evaluations: one-sided differences and failed line points', () => {
    const tf: TestFunction = { ...quadratic([1, 1], [0.3, 0.3], 0.002), fails: (x) => x[0] > 0.75 };
    const s = cgSettings([0.74, 0.74], 300);
    const r = simulate(s, tf, 5);
    expect(r.history.some((o) => o.y === null)).toBe(true);
    const st = cgReplay({ u: s.start, values: [], needStart: true }, r.history, s.cg);
    expect(tf.f(st.x)).toBeLessThan(0.11);
  });

  it('reports a start that fails', () => {
    const tf: TestFunction = { ...quadratic([1], [0.3], 0.01), fails: () => true };
    const s = cgSettings([0.5], 20);
    const r = simulate(s, tf, 6);
    expect(r.stopReason).toEqual({ kind: 'failed', detail: 'the start point failed to evaluate' });
  });
});
