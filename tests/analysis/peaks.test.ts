import { describe, expect, it } from 'vitest';
import { firstMinimum, mainPeak } from '../../src-worker/analysis/peaks.ts';
import { csvColumns, fixtureJson } from './fixtures.ts';

interface Summary {
  tag: string;
  r_peak_SiO: number;
  r_peak_OO: number;
  r_peak_SiSi: number;
  r_min1_SiO: number;
}

describe('g(r) landmarks against the fixtures summary (five LAMMPS runs)', () => {
  const runs = fixtureJson<Summary[]>('structure/summary.json');
  it.each(runs.map((r) => [r.tag, r] as const))('%s: main peaks and first minimum of g_SiO', (tag, s) => {
    const t = csvColumns(`structure/gr_${tag}.csv`);
    expect(mainPeak(t.r_A, t.g_SiO)!.r).toBeCloseTo(s.r_peak_SiO, 10);
    expect(mainPeak(t.r_A, t.g_OO)!.r).toBeCloseTo(s.r_peak_OO, 10);
    expect(mainPeak(t.r_A, t.g_SiSi)!.r).toBeCloseTo(s.r_peak_SiSi, 10);
    // ML_s1's trough has a noise dip at 2.35 Å before its minimum at 2.47 Å.
    expect(firstMinimum(t.r_A, t.g_SiO)!.r).toBeCloseTo(s.r_min1_SiO, 10);
  });

  it('takes the middle of a flat zero gap between shells, and null without a minimum', () => {
    const r = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(firstMinimum(r, [0, 5, 0, 0, 0, 0, 2, 1])!.r).toBe(4);
    expect(firstMinimum(r, [0, 5, 3, 2, 1.5, 1.2, 1.1, 1.05])).toBeNull();
    expect(mainPeak(r, [0, 0, 0, 0, 0, 0, 0, 0])).toBeNull();
  });
});
