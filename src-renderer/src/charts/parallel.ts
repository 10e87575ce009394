/**
 * A parallel-coordinates plot as a chart.js plugin (as Optuna Dashboard shows a study): one vertical axis per
 * free parameter (in its own unit and scale, over the search bounds) and a last one for R_χ, one polyline per
 * evaluation, coloured by its R_χ (viridis on a log scale, the best darkest and drawn last, on top); failed and
 * other unfinished runs in their status colour, ending at the top of the R_χ axis. Drawn through the chart's
 * context, so the figure exports (PNG, SVG) take it like any other plot. `pickParallel` finds the evaluation
 * whose line passes nearest a point, for click-to-inspect.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';
import { css, viridis } from './colormap';
import { tickLabel, logTicks } from './ticks';

export interface ParallelAxis {
  readonly label: string;
  readonly log: boolean;
  readonly min: number;
  readonly max: number;
}

export interface ParallelLine {
  readonly id: number;
  /** One value per axis (null where unknown: R_χ of a failed run). */
  readonly values: readonly (number | null)[];
  /** Colour and width: set by parallelLines(). */
  readonly color: string;
  readonly width: number;
  readonly dash?: readonly number[];
}

export interface ParallelOptions {
  readonly axes: readonly ParallelAxis[];
  /** Drawn in order: the last on top. */
  readonly lines: readonly ParallelLine[];
  /** The colour scale of R_χ (axis units), for the colour bar; null without finished runs. */
  readonly colorRange: { min: number; max: number } | null;
  /** The evaluation to draw highlighted (the chosen one). */
  readonly highlight: number | null;
}

const TOP = 34; // px above the axes for their labels
const BOTTOM = 14; // px below for the lower bound's label
const BAR = 64; // px right of the last axis for the colour bar

/** Position 0 (bottom) … 1 (top) of value v on an axis. */
export function axisFraction(a: ParallelAxis, v: number): number {
  if (a.log) {
    if (!(v > 0) || !(a.min > 0)) return 0;
    return (Math.log(v) - Math.log(a.min)) / (Math.log(a.max) - Math.log(a.min) || 1);
  }
  return (v - a.min) / (a.max - a.min || 1);
}

/** Pixel positions of the axes and the plotting box. */
function layout(chart: Chart, o: ParallelOptions) {
  const area = chart.chartArea;
  // Room left of the first axis for its tick labels (they sit on the axis's left).
  const left = area.left + 44;
  const right = area.right - BAR;
  const top = area.top + TOP;
  const bottom = area.bottom - BOTTOM;
  const n = o.axes.length;
  const xs = o.axes.map((_, k) => (n > 1 ? left + ((right - left) * k) / (n - 1) : (left + right) / 2));
  return { xs, top, bottom, right };
}

/** The polyline of one evaluation in pixels; a missing value ends the line at the axis before (null points). */
function polyline(o: ParallelOptions, l: ParallelLine, xs: readonly number[], top: number, bottom: number): ([number, number] | null)[] {
  return o.axes.map((a, k) => {
    const v = l.values[k];
    if (v === null || !Number.isFinite(v)) return k === o.axes.length - 1 ? [xs[k], top - 6] : null;
    const f = Math.max(-0.02, Math.min(1.02, axisFraction(a, v)));
    return [xs[k], bottom - f * (bottom - top)];
  });
}

export const parallelPlugin: Plugin = {
  id: 'parallel',
  afterDraw(chart: Chart, _args, options) {
    const o = options as unknown as ParallelOptions;
    if (!o?.axes?.length) return;
    const { ctx } = chart;
    const { xs, top, bottom, right } = layout(chart, o);
    const font = chart.options.font?.family ?? 'sans-serif';
    ctx.save();
    // Lines first, the highlighted one last.
    const draw = (l: ParallelLine, hi: boolean) => {
      const pts = polyline(o, l, xs, top, bottom);
      ctx.beginPath();
      let pen = false;
      for (const p of pts) {
        if (!p) {
          pen = false;
          continue;
        }
        if (pen) ctx.lineTo(p[0], p[1]);
        else ctx.moveTo(p[0], p[1]);
        pen = true;
      }
      ctx.strokeStyle = hi ? '#111111' : l.color;
      ctx.lineWidth = hi ? 2.6 : l.width;
      ctx.setLineDash(l.dash ? [...l.dash] : []);
      ctx.stroke();
    };
    for (const l of o.lines) if (l.id !== o.highlight) draw(l, false);
    const h = o.lines.find((l) => l.id === o.highlight);
    if (h) draw(h, true);
    ctx.setLineDash([]);

    // Axes with their bounds and a few ticks.
    ctx.strokeStyle = '#374151';
    ctx.fillStyle = '#374151';
    ctx.lineWidth = 1;
    o.axes.forEach((a, k) => {
      const x = xs[k];
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      const ticks = a.log ? logTicks(a.min, a.max, 3, 5) : niceLinear(a.min, a.max);
      ctx.font = `10.5px ${font}`;
      ctx.textBaseline = 'middle';
      ctx.textAlign = k === o.axes.length - 1 ? 'left' : 'right';
      for (const t of ticks) {
        const y = bottom - axisFraction(a, t) * (bottom - top);
        ctx.beginPath();
        ctx.moveTo(x - 3, y);
        ctx.lineTo(x + 3, y);
        ctx.stroke();
        ctx.fillText(tickLabel(t), k === o.axes.length - 1 ? x + 5 : x - 5, y);
      }
      ctx.font = `600 11.5px ${font}`;
      ctx.textAlign = k === 0 ? 'left' : k === o.axes.length - 1 ? 'right' : 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText(a.label, k === 0 ? x - 4 : k === o.axes.length - 1 ? x + 4 : x, top - 14);
    });
    const last = o.axes.length - 1;
    ctx.font = `10.5px ${font}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#d62728';
    if (o.lines.some((l) => l.values[last] === null)) ctx.fillText('failed', xs[last] + 5, top - 6);

    // Colour bar of R_χ.
    if (o.colorRange) {
      const x0 = right + 30;
      const w = 10;
      for (let k = 0; k < bottom - top; k++) {
        ctx.fillStyle = css(viridis(1 - k / Math.max(1, bottom - top - 1)));
        ctx.fillRect(x0, top + k, w, 1.5);
      }
      ctx.strokeStyle = '#9ca3af';
      ctx.strokeRect(x0, top, w, bottom - top);
    }
    ctx.restore();
  },
};

/** About five round linear ticks inside [min, max]. */
export function niceLinear(min: number, max: number): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(10)));
  return out;
}

/** The evaluation whose line passes nearest to (x, y), within `tolerance` px, or null. */
export function pickParallel(chart: Chart, x: number, y: number, tolerance = 6): number | null {
  const o = (chart.options.plugins as unknown as { parallel?: ParallelOptions }).parallel;
  if (!o?.axes?.length) return null;
  const { xs, top, bottom } = layout(chart, o);
  let best: number | null = null;
  let bestD = tolerance;
  for (const l of o.lines) {
    const pts = polyline(o, l, xs, top, bottom);
    for (let k = 0; k + 1 < pts.length; k++) {
      const a = pts[k];
      const b = pts[k + 1];
      if (!a || !b || x < a[0] - tolerance || x > b[0] + tolerance) continue;
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy || 1)));
      const d = Math.hypot(a[0] + t * dx - x, a[1] + t * dy - y);
      if (d <= bestD) {
        bestD = d;
        best = l.id;
      }
    }
  }
  return best;
}

/** Colour of an R_χ value on the plot's log colour scale: the best dark (viridis 0), the worst light. */
export function rChiColor(v: number, range: { min: number; max: number }): string {
  const t = (Math.log(v) - Math.log(range.min)) / (Math.log(range.max) - Math.log(range.min) || 1);
  return css(viridis(Math.min(1, Math.max(0, t))));
}

export const PARALLEL_PADDING = { top: 4, right: 8, bottom: 4, left: 8 };

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    parallel?: ParallelOptions;
  }
}
