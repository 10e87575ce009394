import { describe, expect, it } from 'vitest';
import { minimizeBox, minimizeBoxBatch } from '../../src-worker/optimize/minimize.ts';

describe('box-constrained L-BFGS', () => {
  it('finds the Rosenbrock minimum inside the box', () => {
    const f = (x: Float64Array, g: Float64Array): number => {
      const a = 1 - x[0];
      const b = x[1] - x[0] * x[0];
      g[0] = -2 * a - 400 * x[0] * b;
      g[1] = 200 * b;
      return a * a + 100 * b * b;
    };
    const r = minimizeBox(f, [-1.2, 1], [-2, -2], [2, 2], { maxIter: 200, gtol: 1e-9, ftol: 0 });
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
  });

  it('stops on an active bound with the free coordinate optimised', () => {
    // min (x−2)² + (y−0.3)² over [0,1]²: x pinned at 1, y = 0.3.
    const f = (x: Float64Array, g: Float64Array): number => {
      g[0] = 2 * (x[0] - 2);
      g[1] = 2 * (x[1] - 0.3);
      return (x[0] - 2) ** 2 + (x[1] - 0.3) ** 2;
    };
    const r = minimizeBox(f, [0.1, 0.9], [0, 0], [1, 1]);
    expect(r.x[0]).toBe(1);
    expect(r.x[1]).toBeCloseTo(0.3, 7);
    expect(r.converged).toBe(true);
  });

  it('backs off from points where the objective is not finite', () => {
    const f = (x: Float64Array, g: Float64Array): number => {
      g[0] = 2 * (x[0] - 0.8);
      return x[0] > 0.9 ? NaN : (x[0] - 0.8) ** 2;
    };
    const r = minimizeBox(f, [0], [0], [1], { initialStep: 1 });
    expect(r.x[0]).toBeCloseTo(0.8, 6);
  });

  it('runs several starts in lock-step with exactly the single-start results', () => {
    const fg = (x: Float64Array, g: Float64Array): number => {
      g[0] = Math.cos(3 * x[0]) * 3 + 2 * (x[0] - 0.4);
      g[1] = 4 * (x[1] - 0.6) ** 3 + 0.1;
      return Math.sin(3 * x[0]) + (x[0] - 0.4) ** 2 + (x[1] - 0.6) ** 4 + 0.1 * x[1];
    };
    const starts = [[0.1, 0.1], [0.9, 0.9], [0.5, 0.2]];
    const batched = minimizeBoxBatch((xs, gs, out) => xs.forEach((x, i) => (out[i] = fg(x, gs[i] as Float64Array))), starts, [0, 0], [1, 1]);
    starts.forEach((s0, i) => {
      const one = minimizeBox(fg, s0, [0, 0], [1, 1]);
      expect(Array.from(batched[i].x)).toEqual(Array.from(one.x));
      expect(batched[i].f).toBe(one.f);
      expect(batched[i].evaluations).toBe(one.evaluations);
    });
  });
});
