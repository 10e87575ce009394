import { describe, expect, it } from 'vitest';
import { evaluateNoisy, sampleQuantile, TEST_FUNCTIONS, toUnitBox, trueValue, TWO_BASIN_2D } from '../../src-worker/optimize/testfunctions.ts';
import { createRng } from '../../src-worker/rng.ts';

describe('synthetic R_χ-like landscapes', () => {
  it('have their documented optimum, target quantile and noise', () => {
    for (const tf of TEST_FUNCTIONS) {
      const u = toUnitBox(tf, [...tf.optimum.x]);
      expect(trueValue(tf, u), tf.name).toBeLessThan(tf.optimum.value + 0.004);
      // The target is the 1 % (2-D) / 0.5 % (7-D) quantile of uniform sampling.
      const q = sampleQuantile(tf, tf.dim === 2 ? 0.01 : 0.005, 200_000, 3);
      expect(Math.abs(q - tf.target) / tf.target, tf.name).toBeLessThan(0.03);
      const r = createRng(1);
      const ys = Array.from({ length: 4000 }, () => evaluateNoisy(tf, u, r) as number);
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const sd = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length);
      expect(sd / mean).toBeCloseTo(0.02, 2);
    }
  });

  it('two-basin: BKS lies in the worse basin and the failure corner fails', () => {
    expect(trueValue(TWO_BASIN_2D, TWO_BASIN_2D.start as number[])).toBeGreaterThan(0.14);
    expect(trueValue(TWO_BASIN_2D, [0.84, 0.45])).toBeGreaterThan(0.138);
    expect(trueValue(TWO_BASIN_2D, [0.84, 0.45])).toBeLessThan(0.145);
    expect(evaluateNoisy(TWO_BASIN_2D, [0.05, 0.05], createRng(1))).toBeNull();
  });
});
