/**
 * The marks of evaluations in x–y plots, one rule for every plot: a finished evaluation is a filled circle in
 * its phase's colour; a failed, screened, stopped, running or queued one has its status's colour and marker
 * (colors.ts STATUS_STYLE); a final replica of the best is a hollow circle in the fit colour. Each point
 * carries its evaluation's id, so a click on it inspects that evaluation.
 */
import type { ChartDataset } from 'chart.js';
import { FORCEFIELD_COLORS, STATUS_STYLE, phaseColor, type StatusName } from './colors';
import type { EvalPoint } from './chart';
import { phaseLabel } from '../lib/format';
import type { EvaluationRecord } from '../state/types';

type Scatter = ChartDataset<'scatter', EvalPoint[]>;

/** Phases in the order the search runs them, so legends read in that order too. */
const PHASE_ORDER = ['initial', 'bo', 'cg', 'replica', 'baseline'];

export interface MarkOptions {
  /** Where evaluations without a value (failed runs) go: along the top of the plot, say; without it they are left out. */
  readonly yMissing?: number;
  /** Statuses a plot draws elsewhere (the convergence plot's row of screened points). */
  readonly skip?: readonly StatusName[];
  /** Legend labels that say more than the status's own (the convergence plot: "stopped early (partial R_χ)"). */
  readonly labels?: Partial<Record<StatusName, string>>;
}

/**
 * Scatter datasets for `records`: finished ones by phase (y from `y`), final replicas of the best, then every
 * other status (except `skip`). A status whose records all lack a value and no `yMissing` is left out.
 */
export function evaluationMarks(records: readonly EvaluationRecord[], y: (e: EvaluationRecord) => number | null, x: (e: EvaluationRecord) => number, opts: MarkOptions = {}): Scatter[] {
  const { yMissing, skip = [], labels = {} } = opts;
  const out: Scatter[] = [];
  const pt = (e: EvaluationRecord, v: number): EvalPoint => ({ x: x(e), y: v, id: e.id });
  const done = records.filter((e) => e.status === 'done' && e.origin !== 'final');
  const phases = [...new Set(done.map((e) => e.phase))].sort((a, b) => PHASE_ORDER.indexOf(a) - PHASE_ORDER.indexOf(b));
  for (const ph of phases) {
    const data = done.filter((e) => e.phase === ph).flatMap((e) => (y(e) !== null ? [pt(e, y(e)!)] : []));
    if (data.length)
      out.push({ type: 'scatter', label: phaseLabel(ph), data, backgroundColor: phaseColor(ph), borderColor: phaseColor(ph), pointRadius: 3, pointHoverRadius: 5 });
  }
  const finals = records.filter((e) => e.status === 'done' && e.origin === 'final').flatMap((e) => (y(e) !== null ? [pt(e, y(e)!)] : []));
  if (finals.length)
    out.push({ type: 'scatter', label: 'final replica of the best', data: finals, backgroundColor: '#ffffff', borderColor: FORCEFIELD_COLORS.fit, borderWidth: 1.6, pointRadius: 3.5, pointHoverRadius: 5 });
  for (const status of Object.keys(STATUS_STYLE) as StatusName[]) {
    if (status === 'done' || skip.includes(status)) continue;
    const st = STATUS_STYLE[status];
    const data = records
      .filter((e) => (e.status as string) === status)
      .flatMap((e) => {
        const v = y(e);
        return v !== null ? [pt(e, v)] : yMissing !== undefined ? [pt(e, yMissing)] : [];
      });
    if (!data.length) continue;
    out.push({
      type: 'scatter',
      label: labels[status] ?? st.label,
      data,
      pointStyle: st.marker,
      pointRadius: st.marker === 'crossRot' ? 5 : 4,
      pointHoverRadius: 6,
      borderColor: st.color,
      backgroundColor: st.hollow ? '#ffffff' : st.color,
      borderWidth: 1.5,
    });
  }
  return out;
}
