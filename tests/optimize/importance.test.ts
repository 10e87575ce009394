/**
 * Parameter importance (src-worker/campaign/importance.ts): the Sobol-index estimator against functions whose
 * indices are known in closed form, and the surrogate's indices on a landscape that depends on one parameter
 * only.
 */
import { describe, expect, it } from 'vitest';
import { sobolIndices, surrogateImportance } from '../../src-worker/campaign/importance.ts';
import { surrogateFor } from '../../src-worker/optimize/surrogate.ts';
import { parseOptimizerSettings, type BoOptimizerSettings, type Observation } from '../../src-worker/optimize/strategy.ts';
import { sobolPoints } from '../../src-worker/optimize/design.ts';

describe('Sobol indices', () => {
  it('additive f = x1 + 2·x2 + 0·x3: S = T = (1/5, 4/5, 0)', () => {
    const r = sobolIndices((x) => x[0] + 2 * x[1], 3, 2048);
    expect(r.variance).toBeCloseTo(5 / 12, 2);
    expect(r.first[0]).toBeCloseTo(0.2, 2);
    expect(r.first[1]).toBeCloseTo(0.8, 2);
    expect(r.first[2]).toBeCloseTo(0, 3);
    expect(r.total[0]).toBeCloseTo(0.2, 2);
    expect(r.total[1]).toBeCloseTo(0.8, 2);
    expect(r.total[2]).toBeCloseTo(0, 3);
  });

  it('interaction f = x1·x2: S_i = 3/7, T_i = 4/7 (each matters partly only with the other)', () => {
    const r = sobolIndices((x) => x[0] * x[1], 2, 4096);
    expect(r.variance).toBeCloseTo(7 / 144, 3);
    for (const k of [0, 1]) {
      expect(r.first[k]).toBeCloseTo(3 / 7, 2);
      expect(r.total[k]).toBeCloseTo(4 / 7, 2);
    }
  });

  it('Ishigami (a = 7, b = 0.1) on [−π, π]³: the published indices', () => {
    // Saltelli et al., Global Sensitivity Analysis (2008): S = (0.314, 0.442, 0), T = (0.558, 0.442, 0.244).
    const t = (u: number) => Math.PI * (2 * u - 1);
    const r = sobolIndices((x) => Math.sin(t(x[0])) + 7 * Math.sin(t(x[1])) ** 2 + 0.1 * t(x[2]) ** 4 * Math.sin(t(x[0])), 3, 8192);
    expect(r.first[0]).toBeCloseTo(0.314, 1);
    expect(r.first[1]).toBeCloseTo(0.442, 1);
    expect(r.first[2]).toBeLessThan(0.03);
    expect(r.total[0]).toBeCloseTo(0.558, 1);
    expect(r.total[1]).toBeCloseTo(0.442, 1);
    expect(r.total[2]).toBeCloseTo(0.244, 1);
  });

  it('a GP fitted to a landscape of x1 alone finds x1 important and x2 not', () => {
    const s = parseOptimizerSettings({ strategy: 'bo', dim: 2, budget: 40 }) as BoOptimizerSettings;
    const U = sobolPoints(2, 24, 3);
    const history: Observation[] = [];
    for (let i = 0; i < 24; i++) {
      const u = [U[2 * i], U[2 * i + 1]];
      history.push({ u, y: 0.05 + 0.3 * (u[0] - 0.3) ** 2, phase: 'initial' });
    }
    const sur = surrogateFor(history, s, 7);
    if (!sur) throw new Error('expected a surrogate');
    const imp = surrogateImportance(sur, 512, 7);
    expect(imp.first[0]).toBeGreaterThan(0.9);
    expect(imp.total[1]).toBeLessThan(0.05);
  });
});
