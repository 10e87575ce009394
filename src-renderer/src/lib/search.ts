/**
 * The physics-aware search (issue 11) in words and numbers for the workbench: the screen's verdict on a box
 * before a campaign starts, why an evaluation was screened or stopped, a campaign's counts of failed, screened
 * and stopped runs, and whether the user changed the reference-shaped space. Plain functions of API data, no
 * DOM, so Node tests import them.
 */
import { pairLabel, pct } from './format';
import { PAIR_ORDER, byOrder } from './order';
import type { EvaluationRecord, ParameterSpace } from '../state/types';
import type { Output } from '../../../src-main/api/contract';

export type ScreenPreview = Output<'screen.preview'>;

/** The screen's rules (src-worker/physics/screen.ts SCREEN_RULES) as a user reads them. */
const RULE_LABELS: Readonly<Record<string, string>> = {
  invalid: 'invalid parameters',
  collapse: 'no repulsive core',
  'inner-well': 'inner well',
  bond: 'no bond at the first peak',
};

export function screenRuleLabel(rule: string): string {
  return RULE_LABELS[rule] ?? rule;
}

/** Below this physical fraction the box is "almost all screened": the design and BO find few runnable points. */
export const MOSTLY_SCREENED = 0.1;

export interface VerdictText {
  /** "62 % of this box is rejected before MD: inner well 510, bond 98 (of 1000 random points)". */
  readonly summary: string;
  /** A warning when almost all of the box is screened; null otherwise. */
  readonly warning: string | null;
  /** Each built-in set: in the box or not, passed or screened (with the rule). */
  readonly builtins: string;
}

/** The screen's verdict on a box, as the new-campaign form states it. */
export function verdictText(v: ScreenPreview): VerdictText {
  const rejected = v.samples > 0 ? v.screened / v.samples : 0;
  const rules = Object.entries(v.byRule)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([r, n]) => `${screenRuleLabel(r)} ${n}`);
  const summary =
    v.screened === 0
      ? `No point of this box is rejected before MD (${v.samples} random points screened).`
      : `${Math.round(rejected * 100)} % of this box is rejected before MD: ${rules.join(', ')} (of ${v.samples} random points).`;
  const warning =
    v.physicalFraction < MOSTLY_SCREENED
      ? `Almost all of this box is screened out: only ${pct(v.physicalFraction, 1)} of it can give the reference's liquid. The initial design will spend many proposals on rejected points; narrow the bounds around the built-in sets or the reference's peaks.`
      : null;
  const builtins = v.builtins
    .map((b) => `${b.name} ${!b.inSpace ? 'outside the box' : b.ok ? 'in the box, passes' : `in the box, screened (${b.reason ?? 'no reason'})`}`)
    .join(' · ');
  return { summary, warning, builtins };
}

/**
 * Why an evaluation has no (full) R_χ: the screen's rule and message, where and why MD was stopped early, or the
 * failure; null for a finished or pending run.
 */
export function evaluationReason(e: EvaluationRecord): string | null {
  if (e.status === 'screened') return e.screen ? `${screenRuleLabel(e.screen.rule)}: ${e.screen.message}` : (e.error ?? 'rejected by the physics screen');
  if (e.status === 'stopped') {
    const s = e.earlyStop;
    if (!s) return e.error ?? 'stopped early';
    const at = Math.round((100 * s.atStep) / s.totalSteps);
    const inc = s.incumbent !== null ? `, best so far ${pct(s.incumbent)}` : '';
    return `stopped at ${at} % of MD (${s.stage}): partial R_χ ${pct(s.partialRChi)} over the last ${s.windowPs} ps > threshold ${pct(s.threshold)}${inc}`;
  }
  if (e.status === 'failed') return e.error ?? e.failure?.kind ?? 'failed';
  return null;
}

export interface SearchCounts {
  readonly done: number;
  readonly failed: number;
  readonly screened: number;
  readonly stopped: number;
  /** Screened points by rule. */
  readonly byRule: Readonly<Record<string, number>>;
}

/** The optimizer's evaluations by outcome (baselines and final replicas are not the search's). */
export function searchCounts(evaluations: readonly EvaluationRecord[]): SearchCounts {
  let done = 0;
  let failed = 0;
  let screened = 0;
  let stopped = 0;
  const byRule: Record<string, number> = {};
  for (const e of evaluations) {
    if (e.origin !== 'optimizer') continue;
    if (e.status === 'done') done++;
    else if (e.status === 'failed') failed++;
    else if (e.status === 'stopped') stopped++;
    else if (e.status === 'screened') {
      screened++;
      const r = e.screen?.rule ?? 'unknown';
      byRule[r] = (byRule[r] ?? 0) + 1;
    }
  }
  return { done, failed, screened, stopped, byRule };
}

/**
 * Bound overrides by name where `edited` differs from `shaped` only in free parameters' bounds (what
 * `campaign new --preset … --bound` sends as a shape); null when anything else differs (the free set, a scale,
 * a fixed value, the Coulomb settings), so that the form must send the whole space; {} when nothing differs.
 */
export function boundOverrides(shaped: ParameterSpace, edited: ParameterSpace): Record<string, { lower: number; upper: number }> | null {
  const strip = (s: ParameterSpace) => JSON.stringify({ ...s, free: s.free.map((d) => ({ ...d, lower: 0, upper: 0 })) });
  if (shaped.free.length !== edited.free.length || shaped.free.some((d, i) => d.name !== edited.free[i].name) || strip(shaped) !== strip(edited)) return null;
  const out: Record<string, { lower: number; upper: number }> = {};
  shaped.free.forEach((d, i) => {
    const e = edited.free[i];
    if (e.lower !== d.lower || e.upper !== d.upper) out[d.name] = { lower: e.lower, upper: e.upper };
  });
  return out;
}

/** The reference's landmarks the bounds are built on, one phrase per pair: "Si–O peak 1.62 Å (no pairs below 1.38 Å)". */
export function landmarkText(landmarks: Readonly<Record<string, { contact: number; empty: number; peak: number }>>): string {
  return Object.entries(landmarks)
    .sort((a, b) => byOrder(PAIR_ORDER)(a[0], b[0]))
    .map(([p, l]) => `${pairLabel(p)} peak ${l.peak.toFixed(2)} Å (no pairs below ${l.empty.toFixed(2)} Å)`)
    .join(' · ');
}
