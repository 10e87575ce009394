// The physics-aware search in the workbench's words (src-renderer/src/lib/search.ts): the screen's verdict on a
// box, why an evaluation was screened, stopped or failed, the search's counts, and whether the user's edits of a
// reference-shaped space are bound overrides (sent as a shape) or more (sent as the space).
import { describe, expect, it } from 'vitest';
import { boundOverrides, evaluationReason, landmarkText, MOSTLY_SCREENED, screenRuleLabel, searchCounts, verdictText, type ScreenPreview } from '../../src-renderer/src/lib/search.ts';
import { num, paramAxis, paramParts, paramUnitOf, wallMeaning } from '../../src-renderer/src/lib/format.ts';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { referenceLandmarks } from '../../src-worker/physics/reference-features.ts';
import { defaultReferenceDir, loadDefaultReference } from '../../src-main/reference/load.ts';
import type { EvaluationRecord, ParameterSpace } from '../../src-renderer/src/state/types.ts';

const preview = (over: Partial<ScreenPreview> = {}): ScreenPreview => ({
  samples: 1000,
  screened: 620,
  physicalFraction: 0.38,
  byRule: { bond: 98, 'inner-well': 510, collapse: 12, invalid: 0 },
  examples: [{ rule: 'inner-well', reason: 'O–O: a spurious inner well' }],
  builtins: [
    { name: 'BKS', inSpace: true, ok: true, reason: null },
    { name: 'CHIK', inSpace: false, ok: true, reason: null },
    { name: 'ML', inSpace: true, ok: false, reason: 'Si–O: no minimum' },
  ],
  ...over,
});

let seq = 0;
function rec(status: EvaluationRecord['status'], over: Partial<EvaluationRecord> = {}): EvaluationRecord {
  seq++;
  return { id: seq, seq, origin: 'optimizer', phase: 'bo', label: null, status, rChi: null, screen: null, earlyStop: null, error: null, failure: null, values: {}, ...over } as EvaluationRecord;
}

describe('the screen verdict on a box', () => {
  it('states the rejected share with the rules by count, largest first, and leaves out rules that rejected nothing', () => {
    const v = verdictText(preview());
    expect(v.summary).toBe('62 % of this box is rejected before MD: inner well 510, no bond at the first peak 98, no repulsive core 12 (of 1000 random points).');
    expect(v.summary).not.toContain('invalid');
    expect(v.warning).toBeNull();
    expect(v.builtins).toBe('BKS in the box, passes · CHIK outside the box · ML in the box, screened (Si–O: no minimum)');
  });

  it('warns when almost all of the box is screened, and says so plainly when nothing is', () => {
    const bad = verdictText(preview({ screened: 970, physicalFraction: 0.03 }));
    expect(bad.warning).toMatch(/^Almost all of this box is screened out: only 3\.0\s% of it/);
    expect(verdictText(preview({ physicalFraction: MOSTLY_SCREENED })).warning).toBeNull();
    const none = verdictText(preview({ screened: 0, physicalFraction: 1, byRule: {} }));
    expect(none.summary).toBe('No point of this box is rejected before MD (1000 random points screened).');
  });

  it('names unknown rules as they are', () => {
    expect(screenRuleLabel('inner-well')).toBe('inner well');
    expect(screenRuleLabel('something-new')).toBe('something-new');
  });
});

describe('why an evaluation has no full R_χ', () => {
  it('gives the screen rule and message, where MD stopped and against what, or the failure', () => {
    expect(evaluationReason(rec('screened', { screen: { rule: 'bond', message: 'Si–O: no potential minimum between 1.17 and 1.82 Å' } }))).toBe(
      'no bond at the first peak: Si–O: no potential minimum between 1.17 and 1.82 Å',
    );
    const stopped = rec('stopped', {
      rChi: 0.41,
      earlyStop: { atStep: 3000, totalSteps: 10000, partialRChi: 0.41, threshold: 0.2, incumbent: 0.12, windowPs: 1, frames: 10, stage: 'relax' },
    });
    expect(evaluationReason(stopped)).toBe('stopped at 30 % of MD (relax): partial R_χ 41.00\u00a0% over the last 1 ps > threshold 20.00\u00a0%, best so far 12.00\u00a0%');
    expect(evaluationReason(rec('failed', { error: 'atoms lost: blow-up at step 120' }))).toBe('atoms lost: blow-up at step 120');
    expect(evaluationReason(rec('done', { rChi: 0.1 }))).toBeNull();
    expect(evaluationReason(rec('running'))).toBeNull();
  });

  it('counts the search by outcome, screened points by rule, baselines and final replicas apart', () => {
    const list = [
      rec('done', { rChi: 0.1 }),
      rec('failed'),
      rec('stopped', { rChi: 0.5 }),
      rec('screened', { screen: { rule: 'bond', message: '' } }),
      rec('screened', { screen: { rule: 'bond', message: '' } }),
      rec('screened', { screen: { rule: 'inner-well', message: '' } }),
      rec('done', { rChi: 0.08, origin: 'baseline', label: 'BKS' }),
      rec('done', { rChi: 0.09, origin: 'final' }),
    ];
    expect(searchCounts(list)).toEqual({ done: 1, failed: 1, screened: 3, stopped: 1, byRule: { bond: 2, 'inner-well': 1 } });
  });
});

describe('a reference-shaped space and the user’s edits', () => {
  const landmarks = referenceLandmarks(loadDefaultReference(defaultReferenceDir()));
  const shaped = presetSpace('ML', { coordinates: 'wall', landmarks }) as ParameterSpace;

  it('the ML preset in wall coordinates has r_min,Si–O and r_wall,O–O in Å, with their meaning', () => {
    const names = shaped.free.map((d) => d.name);
    expect(names).toContain('rmin_SiO');
    expect(names).toContain('rwall_OO');
    expect(paramUnitOf('rmin_SiO')).toBe('Å');
    expect(paramParts('rwall_OO')).toEqual({ base: 'r', sub: 'wall,O–O' });
    expect(paramAxis('rmin_SiO')).toBe('r_min,Si–O (Å)');
    expect(num('rmin_SiO', 1.61234)).toBe('1.612');
    expect(wallMeaning('rmin_SiO')).toMatch(/position of the Si–O potential minimum/);
    expect(wallMeaning('A_SiO')).toBeNull();
    expect(landmarkText(landmarks)).toMatch(/Si–O peak 1\.\d\d Å \(no pairs below 1\.\d\d Å\)/);
  });

  it('unedited: no overrides; bounds edited: overrides by name; anything else: the space must go whole', () => {
    expect(boundOverrides(shaped, structuredClone(shaped))).toEqual({});
    const bounds = structuredClone(shaped);
    const k = bounds.free.findIndex((d) => d.name === 'rmin_SiO');
    bounds.free[k] = { ...bounds.free[k], lower: 1.5, upper: 1.7 };
    expect(boundOverrides(shaped, bounds)).toEqual({ rmin_SiO: { lower: 1.5, upper: 1.7 } });
    const scale = structuredClone(shaped);
    scale.free[0] = { ...scale.free[0], scale: scale.free[0].scale === 'log' ? 'linear' : 'log' };
    expect(boundOverrides(shaped, scale)).toBeNull();
    const fewer = structuredClone(shaped);
    fewer.free = fewer.free.slice(1);
    expect(boundOverrides(shaped, fewer)).toBeNull();
    const fixed = structuredClone(shaped);
    const key = Object.keys(fixed.fixed)[0];
    fixed.fixed = { ...fixed.fixed, [key]: fixed.fixed[key] + 1 };
    expect(boundOverrides(shaped, fixed)).toBeNull();
  });
});
