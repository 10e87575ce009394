/**
 * Every colour that carries meaning in the workbench, defined once: one per optimizer phase, one per evaluation
 * status, one per forcefield. The three sets share no colour, because they meet in the same plots (the
 * convergence plot shows phases, statuses and the baselines at once), so a colour never means two things:
 * red is always a failed run, magenta always the fitted forcefield (this campaign's best or chosen point), black
 * always the reference. Plots (chart.js) and the CSS badges and dots (through the --phase-*, --status-* and --ff-*
 * variables main.ts sets from paletteCss()) all read from here. No DOM here, so Node tests can import it.
 */

/**
 * Optimizer phases: where a point came from. 'replica' is the optimizer's own repeat of a point (CG's noise
 * replicas); 'baseline' is the phase name random search and CMA-ES give their samples.
 */
export const PHASE_COLORS = {
  initial: '#8a8f98',
  bo: '#1f77b4',
  cg: '#ff7f0e',
  replica: '#9467bd',
  baseline: '#17becf',
} as const satisfies Record<string, string>;

/**
 * Evaluation statuses, each with its own colour and marker. A finished ('done') point is a filled circle in its
 * phase's colour; every other status has a colour no phase or forcefield uses. 'screened' (issue 11: rejected
 * before MD by the physics screen, no R_χ) and 'stopped' (MD ended early as hopeless, a partial R_χ) are hollow.
 */
export const STATUS_STYLE = {
  done: { color: '#374151', marker: 'circle', hollow: false, label: 'done' },
  failed: { color: '#d62728', marker: 'crossRot', hollow: false, label: 'failed run' },
  // Open: its R_χ is the partial one at the stop, not a finished run's.
  stopped: { color: '#8c564b', marker: 'triangle', hollow: true, label: 'stopped early' },
  screened: { color: '#bcbd22', marker: 'rectRot', hollow: true, label: 'screened (no MD)' },
  running: { color: '#9ca3af', marker: 'circle', hollow: true, label: 'running' },
  queued: { color: '#c4c8ce', marker: 'circle', hollow: true, label: 'queued' },
} as const satisfies Record<string, { color: string; marker: string; hollow: boolean; label: string }>;

export type StatusName = keyof typeof STATUS_STYLE;

/** The style of any status string (unknown ones look like 'queued'). */
export function statusStyle(status: string): (typeof STATUS_STYLE)[StatusName] {
  return (STATUS_STYLE as Record<string, (typeof STATUS_STYLE)[StatusName]>)[status] ?? STATUS_STYLE.queued;
}

/**
 * Forcefields: the reference black (as in the paper's figures), the fitted set magenta, each built-in set its
 * own colour, the same in the convergence plot, structure, per-pair χ and the comparison.
 */
export const FORCEFIELD_COLORS = {
  reference: '#111111',
  fit: '#e7298a',
  BKS: '#2ca02c',
  CHIK: '#b8860b',
  ML: '#006d5b',
  'ML-SiO': '#5b2c83',
  'ML-ALL': '#1b2a6b',
} as const satisfies Record<string, string>;

/** Fitted forcefields of several campaigns side by side (Compare): the first is the fit colour; all pink to wine. */
export const FIT_PALETTE = ['#e7298a', '#8e0152', '#f49ac1', '#c51b7d', '#5c0a30'] as const;

/** A built-in set's colour, or a neutral grey for an unknown name. */
export function forcefieldColor(name: string | null | undefined): string {
  return (FORCEFIELD_COLORS as Record<string, string>)[name ?? ''] ?? '#7f7f7f';
}

export function phaseColor(phase: string): string {
  return (PHASE_COLORS as Record<string, string>)[phase] ?? '#7f7f7f';
}

/** Pairs and triplets where they are told apart by colour alone (reference previews). */
export const PAIR_COLORS: Readonly<Record<string, string>> = { SiO: '#0f766e', OO: '#b45309', SiSi: '#4338ca' };

/** Neutral colours for anything that is none of the above: parameters, axes of a parallel-coordinates plot. */
export const PALETTE = ['#4b5563', '#0f766e', '#b45309', '#4338ca', '#65a30d', '#0369a1', '#a21caf', '#78716c'];

/** A colour with an alpha: '#rrggbb' → 'rgba(r, g, b, a)'. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  return `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${alpha})`;
}

/** The CSS custom properties of the palette (badges, dots, swatches in tables and legends). */
export function paletteCss(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(PHASE_COLORS)) vars[`--phase-${k}`] = v;
  for (const [k, v] of Object.entries(STATUS_STYLE)) vars[`--status-${k}`] = v.color;
  for (const [k, v] of Object.entries(FORCEFIELD_COLORS)) vars[`--ff-${k}`] = v;
  return vars;
}
