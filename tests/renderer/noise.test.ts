// The measured noise of R_χ (src-renderer/src/lib/noise.ts): repeated runs of one point grouped by their
// parameter values, the pooled standard deviation, and which steps of the best-so-far are within it.
import { describe, expect, it } from 'vitest';
import { bestSteps, measuredNoise, resolvableGain } from '../../src-renderer/src/lib/noise.ts';
import type { EvaluationRecord } from '../../src-renderer/src/state/types.ts';

let seq = 0;
function rec(values: Record<string, number>, rChi: number | null, over: Partial<EvaluationRecord> = {}): EvaluationRecord {
  seq++;
  return {
    id: seq,
    seq,
    campaignId: '00000000-0000-4000-8000-000000000000',
    origin: 'optimizer',
    phase: 'bo',
    label: null,
    status: rChi === null ? 'failed' : 'done',
    values,
    rChi,
    ...over,
  } as EvaluationRecord;
}

describe('measured noise', () => {
  it('is unknown until a point has run twice', () => {
    const n = measuredNoise([rec({ qSi: 2.4 }, 0.1), rec({ qSi: 2.3 }, 0.12), rec({ qSi: 2.2 }, null)]);
    expect(n).toEqual({ sd: null, dof: 0, groups: [] });
    expect(resolvableGain(null)).toBeNull();
  });

  it('pools the spread of every repeated point, whatever asked for the repeat (issue 15: 4.05–4.58 %)', () => {
    const best = { qSi: 2.1, A_SiO: 18000 };
    const other = { A_SiO: 20000, qSi: 2.2 }; // key order does not matter
    const rs = [0.0405, 0.0458, 0.0431, 0.0422];
    const list = [
      rec(best, rs[0]),
      rec({ ...other }, 0.06, { phase: 'cg' }),
      rec(best, rs[1], { origin: 'final', phase: 'replica', label: 'best' }),
      rec(best, rs[2], { origin: 'final', phase: 'replica', label: 'best' }),
      rec({ A_SiO: 20000, qSi: 2.2 }, 0.064, { phase: 'replica' }),
      rec(best, rs[3], { origin: 'final', phase: 'replica', label: 'best' }),
      rec(best, null, { origin: 'final', phase: 'replica', label: 'best' }), // failed runs do not count
    ];
    const n = measuredNoise(list);
    expect(n.groups.map((g) => g.runs.length)).toEqual([4, 2]);
    expect(n.groups[0].min).toBe(0.0405);
    expect(n.groups[0].max).toBe(0.0458);
    const mean = rs.reduce((a, b) => a + b) / 4;
    const ss1 = rs.reduce((a, r) => a + (r - mean) ** 2, 0);
    const ss2 = 2 * 0.002 ** 2;
    expect(n.dof).toBe(4);
    expect(n.sd!).toBeCloseTo(Math.sqrt((ss1 + ss2) / 4), 14);
    expect(n.groups[0].sd).toBeCloseTo(Math.sqrt(ss1 / 3), 14);
  });

  it('marks gains of the best-so-far smaller than √2·σ as within the noise', () => {
    const list = [rec({ a: 1 }, 0.3), rec({ a: 2 }, 0.1), rec({ a: 3 }, 0.2), rec({ a: 4 }, 0.095), rec({ a: 5 }, 0.05), rec({ a: 6 }, 0.04, { origin: 'final' })];
    const steps = bestSteps(list, 0.01);
    expect(steps.map((s) => [s.record.values.a, s.gain === null ? null : Number(s.gain.toFixed(4)), s.withinNoise])).toEqual([
      [1, null, false],
      [2, 0.2, false],
      [4, 0.005, true],
      [5, 0.045, false],
    ]);
    expect(bestSteps(list, null).every((s) => !s.withinNoise)).toBe(true);
  });
});
