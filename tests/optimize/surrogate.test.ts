import { describe, expect, it } from 'vitest';
import { gpMap, gpSlice, incumbentPoint, surrogateFor } from '../../src-worker/optimize/surrogate.ts';
import { simulate } from '../../src-worker/optimize/simulate.ts';
import { parseOptimizerSettings, type BoOptimizerSettings } from '../../src-worker/optimize/strategy.ts';
import { TWO_BASIN_2D } from '../../src-worker/optimize/testfunctions.ts';

describe('surrogate views (paper Figs. 2 and 3)', () => {
  const s = parseOptimizerSettings({ strategy: 'bo', dim: 2, budget: 40, cg: { enabled: false } }) as BoOptimizerSettings;
  const run = simulate(s, TWO_BASIN_2D, 4);
  const sur = surrogateFor(run.history, s, 4);
  if (!sur) throw new Error('no surrogate');

  it('a slice: mean inside its 95 % band, EI ≥ 0, lowest near the incumbent', () => {
    const v = gpSlice(sur, 0);
    expect(v.u).toHaveLength(101);
    expect(v.through).toEqual(incumbentPoint(sur));
    for (let i = 0; i < 101; i++) {
      expect(v.lower[i]).toBeLessThanOrEqual(v.mean[i]);
      expect(v.mean[i]).toBeLessThanOrEqual(v.upper[i]);
      expect(v.ei[i]).toBeGreaterThanOrEqual(0);
      expect(v.feasible[i]).toBeGreaterThan(0);
      expect(v.feasible[i]).toBeLessThanOrEqual(1);
    }
    let argmin = 0;
    for (let i = 1; i < 101; i++) if (v.mean[i] < v.mean[argmin]) argmin = i;
    expect(Math.abs(v.u[argmin] - v.through[0])).toBeLessThan(0.1);
    expect(v.incumbent).toBeGreaterThan(0.08);
    expect(v.incumbent).toBeLessThan(0.1);
  });

  it('a map: its minimum lies in the global basin, the local basin shows as a second dip', () => {
    const m = gpMap(sur, 0, 1, null, 41);
    expect(m.mean).toHaveLength(41 * 41);
    let best = 0;
    for (let i = 1; i < m.mean.length; i++) if (m.mean[i] < m.mean[best]) best = i;
    const ux = m.ux[best % 41];
    const uy = m.uy[Math.floor(best / 41)];
    expect(Math.hypot(ux - 0.536, uy - 0.655)).toBeLessThan(0.1);
    expect(() => gpMap(sur, 0, 0)).toThrow(/two different/);
    expect(() => gpSlice(sur, 2)).toThrow(/out of range/);
  });
});
