import { describe, expect, it } from 'vitest';
import { cmaesParams, randomPoint, reflect01 } from '../../src-worker/optimize/baselines.ts';
import { symmetricEigen } from '../../src-worker/optimize/linalg.ts';
import { propose, stop } from '../../src-worker/optimize/optimizer.ts';
import { simulate } from '../../src-worker/optimize/simulate.ts';
import { parseOptimizerSettings, type Observation } from '../../src-worker/optimize/strategy.ts';
import type { TestFunction } from '../../src-worker/optimize/testfunctions.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';

const sphere = (d: number, c: number[]): TestFunction => ({
  name: 'sphere',
  dim: d,
  lower: new Array(d).fill(0),
  upper: new Array(d).fill(1),
  noiseRel: 0,
  f: (x) => x.reduce((s, v, k) => s + (v - c[k]) ** 2, 0),
  optimum: { x: c, value: 0 },
  target: 1e-6,
  description: 'sphere',
});

describe('random search', () => {
  it('is uniform, reproducible point by point, and stops at the budget', () => {
    const s = parseOptimizerSettings({ strategy: 'random', dim: 3, budget: 500 });
    const batch = propose(s, [], [], 4, 8);
    expect(batch.map((p) => p.u)).toEqual([0, 1, 2, 3].map((i) => randomPoint(3, 8, i)));
    expect(propose(s, [], batch.slice(0, 2), 2, 8)).toEqual(batch.slice(2));
    const r = simulate(s, sphere(3, [0.5, 0.5, 0.5]), 1);
    expect(r.history).toHaveLength(500);
    expect(r.stopReason?.kind).toBe('budget');
    for (let k = 0; k < 3; k++) {
      const mean = r.history.reduce((a, o) => a + o.u[k], 0) / 500;
      expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
    }
  });
});

describe('CMA-ES', () => {
  it('uses the tutorial’s default parameters', () => {
    const p = cmaesParams(10, null);
    expect(p.lambda).toBe(10);
    expect(p.mu).toBe(5);
    expect(p.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(p.muEff).toBeCloseTo(3.1673, 3);
  });

  it('diagonalises symmetric matrices', () => {
    const n = 6;
    const r = createRng(2);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = A[j * n + i] = uniform(r) - 0.5;
    const { values, vectors } = symmetricEigen(A, n);
    for (let c = 0; c < n; c++)
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += A[i * n + k] * vectors[k * n + c];
        expect(av).toBeCloseTo(values[c] * vectors[i * n + c], 10);
      }
  });

  it('mirrors samples into the box', () => {
    expect([-0.25, 0.3, 1.2, 2.1, -1.5].map(reflect01).map((v) => +v.toFixed(12))).toEqual([0.25, 0.3, 0.8, 0.1, 0.5]);
  });

  it('converges on a 5-D sphere, with its optimum near a bound', () => {
    const tf = sphere(5, [0.2, 0.7, 0.95, 0.4, 0.5]);
    const s = parseOptimizerSettings({ strategy: 'cmaes', dim: 5, budget: 3000 });
    const r = simulate(s, tf, 3, { q: 8 });
    expect(Math.min(...r.trueValues)).toBeLessThan(1e-8);
  });

  it('replays its generations from the history, through JSON, with results in any order', () => {
    const tf = sphere(3, [0.3, 0.3, 0.3]);
    const s = parseOptimizerSettings({ strategy: 'cmaes', dim: 3, budget: 200 });
    const r = simulate(s, tf, 4, { maxEvals: 37 });
    const next = propose(s, r.history, [], 5, 4);
    expect(next.length).toBeGreaterThan(0);
    const stored = JSON.parse(JSON.stringify(r.history)) as Observation[];
    expect(propose(s, stored, [], 5, 4)).toEqual(next);
    expect(propose(s, [...stored].reverse(), [], 5, 4)).toEqual(next);
    expect(stop(s, stored)).toBeNull();
  });

  it('ranks failed evaluations last instead of stalling', () => {
    const tf: TestFunction = { ...sphere(2, [0.8, 0.8]), fails: (x) => x[0] < 0.4 };
    const s = parseOptimizerSettings({ strategy: 'cmaes', dim: 2, budget: 600 });
    const r = simulate(s, tf, 5, { q: 6 });
    expect(r.history.some((o) => o.y === null)).toBe(true);
    expect(Math.min(...r.trueValues.filter(Number.isFinite))).toBeLessThan(1e-6);
  });
});
