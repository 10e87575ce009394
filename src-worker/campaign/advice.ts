/**
 * What a campaign's settings will do that a newcomer may not expect, said before it starts, and the rule that
 * decides whether its best point earns final replicas. Shared by the workbench form, `campaign new` and the
 * runner, so the warning a user reads and what the runner then does never disagree.
 *
 * - A Bayesian campaign whose budget does not exceed its initial design runs no Bayesian step at all: the
 *   whole budget goes to the space-filling design.
 * - Final replicas (extra MD seeds of the best point, for its R_χ ± sd) are worth their MD only for a point
 *   worth reporting: when a built-in baseline run under the same protocol did clearly better than the best, the
 *   best is flagged instead and no replicas are run. "Clearly": by more than BASELINE_MARGIN of the baseline's
 *   R_χ, because one run of each cannot tell closer values apart (two seeds of one forcefield differ by ≈ 5 %
 *   of R_χ at the paper's 3000 atoms, several times that in the small, short runs of a quick look), and there
 *   replicas are what would tell. The case this is for is far outside it: a best of 71.6 % against 9 %.
 */
import { initialDesignSize } from '../optimize/bo.ts';
import { parseOptimizerSettings, type BoOptimizerSettings } from '../optimize/strategy.ts';

/** Relative margin by which a baseline must beat the best to cancel the final replicas (see above). */
export const BASELINE_MARGIN = 0.25;

/** Bayesian steps after the design below which the search is a design with a few extras: worth a note. */
export const FEW_BO_STEPS = 5;

export interface SearchChoice {
  readonly strategy: 'bo' | 'cg' | 'random' | 'cmaes';
  readonly budget: number;
  /** Initial design size (null or absent: the default rule). */
  readonly designSize?: number | null;
  readonly cgEnabled?: boolean;
}

/** The initial design a BO campaign with this budget and dimension will run (the optimizer's own rule). */
export function designSizeFor(dim: number, budget: number, designSize: number | null = null): number {
  const s = parseOptimizerSettings({ strategy: 'bo', dim, budget, bo: { initial: { size: designSize } } }) as BoOptimizerSettings;
  return initialDesignSize(s);
}

/** One-line warnings about the search settings (empty when there is nothing to say). */
export function searchWarnings(choice: SearchChoice, dim: number): string[] {
  if (choice.strategy !== 'bo' || !Number.isInteger(dim) || dim < 1 || !Number.isInteger(choice.budget) || choice.budget < 1) return [];
  // A design size being typed (empty, 0, 2.5) is the form's to flag; there is nothing to predict yet.
  if (choice.designSize != null && !(Number.isInteger(choice.designSize) && choice.designSize >= 1)) return [];
  const n0 = designSizeFor(dim, choice.budget, choice.designSize ?? null);
  const steps = choice.budget - n0;
  const design = `the initial design takes ${n0} evaluation${n0 > 1 ? 's' : ''}${choice.designSize ? '' : ` (the default for ${dim} free parameter${dim > 1 ? 's' : ''})`}`;
  if (steps <= 0)
    return [
      `budget ${choice.budget} does not exceed the initial design: ${design}, so no Bayesian step will run${choice.cgEnabled === false ? '' : ' and no CG refinement'} — raise the budget above ${n0} or make the design smaller`,
    ];
  if (steps < FEW_BO_STEPS) return [`only ${steps} Bayesian step${steps > 1 ? 's' : ''} after the design: ${design} of the budget ${choice.budget}`];
  return [];
}

/** The R_χ (fraction) and label of the evaluations the rule looks at. */
export interface Scored {
  readonly rChi: number | null;
  readonly status: string;
  readonly label?: string | null;
}

export interface FinalReplicaDecision {
  /** Replicas to run of the best point. */
  readonly count: number;
  /** Why none are run although the campaign asks for some; null otherwise. */
  readonly reason: string | null;
  /** The baselines that did better than the best, best first. */
  readonly betterBaselines: readonly { label: string; rChi: number }[];
}

const pct = (f: number) => `${(100 * f).toFixed(2)} %`;

/** Whether the best point earns its final replicas: not when a baseline under the same protocol clearly beat it. */
export function finalReplicaDecision(wanted: number, best: Scored | null, baselines: readonly Scored[]): FinalReplicaDecision {
  if (!best || best.status !== 'done' || best.rChi === null) return { count: 0, reason: null, betterBaselines: [] };
  const better = baselines
    .filter((b) => b.status === 'done' && b.rChi !== null && b.rChi * (1 + BASELINE_MARGIN) < best.rChi!)
    .map((b) => ({ label: b.label ?? 'a baseline', rChi: b.rChi as number }))
    .sort((a, b) => a.rChi - b.rChi);
  if (better.length === 0) return { count: wanted, reason: null, betterBaselines: [] };
  const names = better.map((b) => `${b.label} ${pct(b.rChi)}`).join(', ');
  return {
    count: 0,
    reason: `the best R_χ ${pct(best.rChi)} is worse than ${names} under the same protocol${wanted > 0 ? ', so no final replicas were run' : ''}`,
    betterBaselines: better,
  };
}
