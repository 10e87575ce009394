/**
 * What a campaign's settings will do, said before it starts (src-worker/campaign/advice.ts): a BO budget that
 * the initial design uses up, and the rule that a best beaten by a baseline gets no final replicas.
 */
import { describe, expect, it } from 'vitest';
import { BASELINE_MARGIN, designSizeFor, finalReplicaDecision, searchWarnings } from '../../src-worker/campaign/advice.ts';
import { initialDesignSize } from '../../src-worker/optimize/bo.ts';
import { parseOptimizerSettings, type BoOptimizerSettings } from '../../src-worker/optimize/strategy.ts';

describe('search warnings', () => {
  it('the design size is the optimizer’s own', () => {
    for (const [dim, budget] of [
      [2, 6],
      [2, 100],
      [7, 300],
      [1, 3],
    ] as const)
      expect(designSizeFor(dim, budget)).toBe(initialDesignSize(parseOptimizerSettings({ strategy: 'bo', dim, budget }) as BoOptimizerSettings));
    expect(designSizeFor(2, 100, 4)).toBe(4);
  });

  it('warns when the budget does not exceed the initial design (the budget-6 campaign of issue 15)', () => {
    const w = searchWarnings({ strategy: 'bo', budget: 6 }, 2);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^budget 6 does not exceed the initial design: the initial design takes 6 evaluations \(the default for 2 free parameters\), so no Bayesian step will run and no CG refinement — raise the budget above 6/);
    expect(searchWarnings({ strategy: 'bo', budget: 4, designSize: 4 }, 2)[0]).toMatch(/budget 4 does not exceed .*takes 4 evaluations, so no Bayesian step/);
  });

  it('notes a handful of Bayesian steps, and says nothing for a sound budget or another strategy', () => {
    expect(searchWarnings({ strategy: 'bo', budget: 8, designSize: 6 }, 2)).toEqual(['only 2 Bayesian steps after the design: the initial design takes 6 evaluations of the budget 8']);
    expect(searchWarnings({ strategy: 'bo', budget: 100 }, 2)).toEqual([]);
    expect(searchWarnings({ strategy: 'random', budget: 3 }, 2)).toEqual([]);
    expect(searchWarnings({ strategy: 'cmaes', budget: 3 }, 5)).toEqual([]);
  });
});

describe('final replicas of the best', () => {
  const done = (rChi: number, label: string | null = null) => ({ rChi, status: 'done', label });

  it('run when no baseline beat the best, or only within the margin', () => {
    expect(finalReplicaDecision(3, done(0.08), [done(0.09, 'BKS'), done(0.1, 'CHIK')])).toEqual({ count: 3, reason: null, betterBaselines: [] });
    // A baseline ahead by less than the margin: one run each cannot tell them apart, replicas can.
    expect(finalReplicaDecision(3, done(0.12), [done(0.1, 'BKS')]).count).toBe(3);
    expect(finalReplicaDecision(2, done(0.2), [])).toMatchObject({ count: 2 });
  });

  it('are not run, and the reason names the baselines, when a baseline clearly beat the best (71.6 % vs 9 %)', () => {
    const d = finalReplicaDecision(3, done(0.716), [done(0.0922, 'BKS'), done(0.0945, 'CHIK'), { rChi: null, status: 'failed', label: 'ML' }]);
    expect(d.count).toBe(0);
    expect(d.betterBaselines).toEqual([
      { label: 'BKS', rChi: 0.0922 },
      { label: 'CHIK', rChi: 0.0945 },
    ]);
    expect(d.reason).toBe('the best R_χ 71.60 % is worse than BKS 9.22 %, CHIK 9.45 % under the same protocol, so no final replicas were run');
    expect(finalReplicaDecision(3, done(0.1 * (1 + BASELINE_MARGIN) + 1e-6), [done(0.1, 'BKS')]).count).toBe(0);
  });

  it('none without a finished best', () => {
    expect(finalReplicaDecision(3, null, [done(0.1, 'BKS')])).toEqual({ count: 0, reason: null, betterBaselines: [] });
  });
});
