/**
 * The measured noise of R_χ: how much two MD runs of the same forcefield (different seeds) differ. It comes
 * from repeated runs of one point — the final replicas of the best point, the optimizer's own replicas (CG),
 * any point that happens to run twice — and nothing else: no model, no assumption. Evaluations are grouped by
 * their exact parameter values; the noise is the pooled standard deviation over groups of two or more runs,
 * Σ(n_g − 1)·s_g² / Σ(n_g − 1), so a point run five times weighs more than one run twice.
 *
 * A gain of the best-so-far is "within the noise" when it is smaller than the standard deviation of a
 * difference of two single runs, √2·σ: such a step may be luck of the seed rather than a better forcefield.
 */
import type { EvaluationRecord } from '../state/types';

export interface ReplicaGroup {
  /** The evaluations of one point (same parameter values), in seq order. */
  readonly runs: readonly EvaluationRecord[];
  readonly mean: number;
  /** Sample standard deviation (n − 1). */
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

export interface Noise {
  /** Pooled standard deviation of one run's R_χ (fraction), or null when no point has run twice. */
  readonly sd: number | null;
  /** Degrees of freedom behind it: Σ(n_g − 1). */
  readonly dof: number;
  /** Every point with two or more successful runs, largest group first. */
  readonly groups: readonly ReplicaGroup[];
}

/** A key that is equal for evaluations of the same forcefield: its parameter values, sorted by name. */
function pointKey(e: EvaluationRecord): string {
  return Object.keys(e.values)
    .sort()
    .map((k) => `${k}=${e.values[k]}`)
    .join(';');
}

export function measuredNoise(evaluations: readonly EvaluationRecord[]): Noise {
  const byPoint = new Map<string, EvaluationRecord[]>();
  for (const e of evaluations) {
    if (e.status !== 'done' || e.rChi === null || !Number.isFinite(e.rChi)) continue;
    const k = pointKey(e);
    const list = byPoint.get(k);
    if (list) list.push(e);
    else byPoint.set(k, [e]);
  }
  const groups: ReplicaGroup[] = [];
  let ss = 0;
  let dof = 0;
  for (const runs of byPoint.values()) {
    if (runs.length < 2) continue;
    const ys = runs.map((r) => r.rChi as number);
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const s2 = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
    ss += s2;
    dof += ys.length - 1;
    groups.push({ runs: [...runs].sort((a, b) => a.seq - b.seq), mean, sd: Math.sqrt(s2 / (ys.length - 1)), min: Math.min(...ys), max: Math.max(...ys) });
  }
  groups.sort((a, b) => b.runs.length - a.runs.length || a.mean - b.mean);
  return { sd: dof > 0 ? Math.sqrt(ss / dof) : null, dof, groups };
}

/** The smallest gain of the best-so-far that the noise resolves: √2·σ (the sd of a difference of two runs). */
export function resolvableGain(noiseSd: number | null): number | null {
  return noiseSd === null ? null : Math.SQRT2 * noiseSd;
}

export interface BestStep {
  /** The evaluation that set a new best. */
  readonly record: EvaluationRecord;
  /** Its R_χ and the gain over the previous best (null for the first). */
  readonly rChi: number;
  readonly gain: number | null;
  /** The gain is smaller than the noise resolves. */
  readonly withinNoise: boolean;
}

/**
 * The optimizer's best-so-far steps in proposal order, each marked when its gain is within the noise. Only
 * the optimizer's own evaluations count, as for the campaign's best.
 */
export function bestSteps(evaluations: readonly EvaluationRecord[], noiseSd: number | null): BestStep[] {
  const limit = resolvableGain(noiseSd);
  const out: BestStep[] = [];
  let best = Infinity;
  for (const e of [...evaluations].sort((a, b) => a.seq - b.seq)) {
    if (e.origin !== 'optimizer' || e.status !== 'done' || e.rChi === null || !(e.rChi < best)) continue;
    const gain = Number.isFinite(best) ? best - e.rChi : null;
    out.push({ record: e, rChi: e.rChi, gain, withinNoise: gain !== null && limit !== null && gain < limit });
    best = e.rChi;
  }
  return out;
}
