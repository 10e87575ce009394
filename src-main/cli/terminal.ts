/**
 * The CLI's terminal output helpers, shared by every command: durations and percentages as people read them,
 * and one status line on stderr that is rewritten in place on a terminal and printed as plain lines when
 * stderr is a file or a pipe (CI logs, `nohup`).
 */

/** R_χ and χ are fractions inside glassfit; on screen they are percentages. '—' for a missing value. */
export const pct = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined ? '—' : `${(100 * x).toFixed(digits)} %`);

/** '42 s', '3 min 5 s', '2 h 10 min'; '—' for a missing or non-finite value. */
export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export interface StatusLine {
  /** True when stderr is a terminal (the line is redrawn in place). */
  readonly tty: boolean;
  /** Show `text`: redraw in place on a terminal, else print it as a line. */
  draw(text: string): void;
  /** Erase the line on a terminal so other output can be printed cleanly (no-op otherwise). */
  clear(): void;
  /** Leave the last drawn line on screen and move to the next line. */
  finish(): void;
}

export function statusLine(): StatusLine {
  const tty = process.stderr.isTTY === true;
  let drawn = false;
  return {
    tty,
    draw(text) {
      if (tty) process.stderr.write(`\r${text}\x1b[K`);
      else process.stderr.write(text + '\n');
      drawn = true;
    },
    clear() {
      if (tty && drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
    finish() {
      if (tty && drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
}
