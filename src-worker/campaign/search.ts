/**
 * What the campaign runner derives from its stored rows before it asks the optimizer or dispatches a run: the
 * optimizer's history (the baselines inside the box first, then its own points, each with its status), the
 * incumbent, the noise measured by replicas, the early-stop spec of the next run and how many proposals in a
 * row the physics screen has rejected. Pure functions of the rows, so a resumed campaign derives the same.
 */
import type { Observation, Phase, Proposal } from '../optimize/strategy.ts';
import { BASELINE_META_ORIGIN } from '../optimize/strategy.ts';
import { earlyStopThreshold } from '../evaluate/early-stop.ts';
import type { EarlyStopSpec } from '../evaluate/spec.ts';
import type { EvaluationStatus, GrArtefact, SearchSettings } from './records.ts';
import { rChiResiduals, type CostRange } from '../evaluate/cost.ts';
import type { Reference } from '../evaluate/reference.ts';

/** A stored row as the runner reads it (store.ts OptimizerRow). */
export interface SearchRow {
  readonly seq: number;
  readonly label: string | null;
  readonly phase: Phase;
  readonly status: EvaluationStatus;
  readonly u: readonly number[];
  readonly meta: Readonly<Record<string, string | number>> | null;
  readonly rChi: number | null;
  /** R_χ residual vector of a done run, when the strategy needs it (strategy.ts needsResiduals). */
  readonly residual?: ArrayLike<number>;
}

/**
 * A baseline the model may use: a point of the space. Its u must lie in the box, and setup.ts marks with
 * meta.inSpace = 0 a set whose u is in the box but that the space cannot represent (CHIK's Si–Si term in a
 * preset that switches Si–Si off); baselines stored before that mark existed are judged by u alone.
 */
const usable = (r: SearchRow): boolean => r.u.every((x) => x >= 0 && x <= 1) && r.meta?.inSpace !== 0;

/** y of a finished row: R_χ when done, the partial R_χ when stopped (a censored value: at least that bad), else null. */
function yOf(r: SearchRow): number | null {
  return r.status === 'done' || r.status === 'stopped' ? r.rChi : null;
}

function observationStatus(s: EvaluationStatus): Observation['status'] | null {
  return s === 'done' || s === 'failed' || s === 'screened' || s === 'stopped' ? s : null;
}

/**
 * The optimizer's history and pending lists. First the campaign's finished baseline runs whose u lies inside
 * [0,1]^d, as phase 'initial' with meta {origin: 'baseline', label} (the model uses them; they are extra to the
 * budget: strategy.ts budgetUsed), then the optimizer's finished rows in seq order; its queued and running rows
 * are pending.
 */
export function searchHistory(baselines: readonly SearchRow[], optimizer: readonly SearchRow[]): { history: Observation[]; pending: Proposal[] } {
  const history: Observation[] = [];
  const pending: Proposal[] = [];
  for (const b of baselines) {
    const status = observationStatus(b.status);
    if (!status || status === 'screened' || !usable(b)) continue;
    history.push({
      u: [...b.u],
      phase: 'initial',
      meta: { origin: BASELINE_META_ORIGIN, label: b.label ?? 'baseline' },
      y: yOf(b),
      status,
      ...(b.residual && status === 'done' ? { residual: b.residual } : {}),
    });
  }
  for (const r of optimizer) {
    const base = { u: r.u, phase: r.phase, ...(r.meta ? { meta: r.meta } : {}) };
    const status = observationStatus(r.status);
    if (status) history.push({ ...base, y: yOf(r), status, ...(r.residual && status === 'done' ? { residual: r.residual } : {}) });
    else pending.push(base);
  }
  return { history, pending };
}

/** The lowest R_χ of a finished run the optimizer can build on: done baselines inside the box and done optimizer rows. */
export function incumbentRChi(baselines: readonly SearchRow[], optimizer: readonly SearchRow[]): number | null {
  let best: number | null = null;
  for (const r of [...baselines.filter(usable), ...optimizer]) {
    if (r.status === 'done' && r.rChi !== null && (best === null || r.rChi < best)) best = r.rChi;
  }
  return best;
}

/** The optimizer's proposals at the end of the list that the screen rejected, one after another. */
export function screenedInARow(optimizer: readonly SearchRow[]): number {
  let n = 0;
  for (let k = optimizer.length - 1; k >= 0 && optimizer[k].status === 'screened'; k--) n++;
  return n;
}

/**
 * Relative seed-to-seed noise of R_χ from replicas — done runs of one point (identical u) — pooled over every
 * point with at least two: sqrt(Σ (y − ȳ_point)² / Σ (n_point − 1)) / mean ȳ. Null without any replicated point.
 */
export function replicaNoiseRel(rows: readonly SearchRow[]): { rel: number; dof: number } | null {
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    if (r.status !== 'done' || r.rChi === null) continue;
    const key = r.u.join(',');
    const g = groups.get(key);
    if (g) g.push(r.rChi);
    else groups.set(key, [r.rChi]);
  }
  let ss = 0;
  let dof = 0;
  let points = 0;
  for (const ys of groups.values()) {
    if (ys.length < 2) continue;
    const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
    let s = 0;
    for (const y of ys) s += (y - mean) ** 2;
    // Pool relative deviations: R_χ's noise scales with R_χ (paper Sec. 2.4: about 2 %).
    ss += s / (mean * mean);
    dof += ys.length - 1;
    points++;
  }
  if (dof === 0 || points === 0) return null;
  return { rel: Math.sqrt(ss / dof), dof };
}

/**
 * The early-stop part of the next optimizer run's spec: null when the campaign does not stop runs early or has
 * no incumbent yet (nothing to be clearly worse than).
 */
export function earlyStopSpecFor(settings: SearchSettings['earlyStop'], incumbent: number | null, noiseRel: number, atoms: number): EarlyStopSpec | null {
  if (!settings.enabled || incumbent === null || !(incumbent > 0)) return null;
  return {
    threshold: earlyStopThreshold(incumbent, noiseRel, settings, atoms),
    checkpoints: [...settings.checkpoints],
    windowPs: settings.windowPs,
    incumbent,
  };
}

/** The R_χ residual vector of a stored run's g(r) artefact against the campaign's reference (cost.ts). */
export function residualOf(reference: Reference, gr: GrArtefact, range: CostRange): Float32Array {
  const g: Record<string, Float64Array> = {};
  for (const p of gr.pairs) g[p] = Float64Array.from(gr.g[p]);
  return rChiResiduals(reference, { r: Float64Array.from(gr.r), pairs: gr.pairs, g }, range);
}
