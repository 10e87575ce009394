/**
 * How the campaign commands and the demo show a campaign on a terminal: R_χ in percent, durations, a progress
 * line (evaluations done / budget, best R_χ, stage, ETA) redrawn in place on a TTY and printed every so often
 * otherwise, and one line per finished evaluation.
 */
import { mdRuns, type CampaignInfo, type CampaignProgress, type EvaluationRecord, type StatusCounts } from '../../src-worker/campaign/records.ts';
import type { EventSink } from '../api/contract.ts';

import { formatDuration, pct, statusLine } from './terminal.ts';

export { formatDuration, pct };

/** Parameter values in the paper's names with 4 significant digits. */
export function formatValues(values: Readonly<Record<string, number>>, names?: readonly string[]): string {
  return (names ?? Object.keys(values)).map((k) => `${k} = ${Number(values[k].toPrecision(5))}`).join(', ');
}

function bar(fraction: number, width = 24): string {
  const n = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '█'.repeat(n) + '░'.repeat(width - n);
}

/** The reference's name, saying plainly when it is not ab initio data. */
export function referenceText(provenance: { readonly name: string; readonly abInitio?: boolean }): string {
  if (provenance.abInitio !== false || /not (ab initio|AIMD)/i.test(provenance.name)) return provenance.name;
  return `${provenance.name} (classical MD, not AIMD)`;
}

/** "12/200 MD runs (3 failed, 4 stopped early) + 9 screened": the budget's count and the rest beside it. */
export function countsText(c: Pick<StatusCounts, 'done' | 'failed' | 'stopped' | 'screened'>, budget: number): string {
  const apart = [c.failed ? `${c.failed} failed` : '', c.stopped ? `${c.stopped} stopped early` : ''].filter(Boolean).join(', ');
  return `${mdRuns(c)}/${budget} MD runs${apart ? ` (${apart})` : ''}${c.screened ? ` + ${c.screened} screened` : ''}`;
}

export function progressText(p: CampaignProgress): string {
  const finished = mdRuns(p);
  const stage =
    p.stage === 'baselines'
      ? `baselines ${p.baselines.done}/${p.baselines.total}`
      : p.stage === 'final'
        ? `final replicas ${p.final.done}/${p.final.total}`
        : p.stage === 'optimizer'
          ? `optimizer${p.phase ? ` (${p.phase})` : ''}`
          : p.stage;
  return (
    `${bar(finished / Math.max(1, p.budget))} ${countsText(p, p.budget)} · ` +
    `best R_χ ${pct(p.bestRChi)} · ${stage} · ETA ${formatDuration(p.etaS)}`
  );
}

export interface ProgressPrinter {
  readonly sink: EventSink;
  /** End the live line (before printing anything else). */
  finish(): void;
}

/**
 * Prints campaign events: a line per finished evaluation (stdout) and the progress line (stderr; redrawn on a
 * TTY, otherwise at most every 30 s). `quiet` prints nothing.
 */
export function progressPrinter(campaign: CampaignInfo, quiet: boolean): ProgressPrinter {
  const line = statusLine();
  let lastLine = -Infinity;
  let latest: CampaignProgress | null = null;
  /** A finished evaluation was printed: show the progress line once the progress that follows it arrives. */
  let owed = false;
  const free = campaign.space.free.map((d) => d.name);
  const draw = (force: boolean) => {
    if (quiet || !latest) return;
    const now = performance.now();
    // On a terminal every progress event redraws the line; in a log, one line at most every 30 s.
    if (line.tty || force || now - lastLine > 30_000) {
      line.draw(progressText(latest));
      lastLine = now;
    }
  };
  const evaluationLine = (e: EvaluationRecord): string => {
    const who = e.origin === 'baseline' ? `baseline ${e.label}` : e.origin === 'final' ? `final replica ${e.meta?.replica ?? ''} of #${e.meta?.of}` : `${e.phase}`;
    const what = e.origin === 'optimizer' ? formatValues(e.values, free) : '';
    const result =
      e.status === 'done'
        ? `R_χ ${pct(e.rChi)}`
        : e.status === 'stopped'
          ? (e.error ?? `stopped early, partial R_χ ${pct(e.rChi)}`)
          : e.status === 'screened'
            ? `screened out (no MD): ${e.screen?.message ?? e.error ?? ''}`
            : `failed: ${e.error ?? 'no reason recorded'}`;
    return `  #${String(e.seq).padStart(3)} ${who.padEnd(12)} ${what}${what ? ' → ' : ''}${result}  (${formatDuration(e.durationS)})`;
  };
  const sink: EventSink = (event, payload) => {
    if (quiet) return;
    if (event === 'evaluation.changed') {
      const e = payload as EvaluationRecord;
      if (e.status !== 'queued' && e.status !== 'running') {
        line.clear();
        process.stdout.write(evaluationLine(e) + '\n');
        owed = true;
      }
    } else if (event === 'campaign.progress') {
      latest = payload as CampaignProgress;
      draw(owed);
      owed = false;
    }
  };
  return {
    sink,
    finish() {
      if (quiet) return;
      line.clear();
    },
  };
}
