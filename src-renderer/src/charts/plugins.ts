/**
 * Two small chart.js plugins the stock library lacks: a heat map painted under the datasets (the GP mean over
 * two parameters, paper Figs. 3–4) with its colour bar, and error bars on bar charts (R_χ ± sd, paper Fig. 8).
 * Each reads its data from the chart's own options (`options.plugins.heatmap`, `options.plugins.errorBars`), so
 * a chart updates them like any other option.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';
import { css, viridis } from './colormap';

export interface HeatmapOptions {
  /** Grid coordinates in axis units, ascending: [nx], [ny]. */
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** [ny·nx] row-major (y slow); NaN cells stay blank. */
  readonly values: readonly number[];
  /** Colour range; values outside are clamped. */
  readonly vmin: number;
  readonly vmax: number;
  /** Colour bar title, e.g. 'R_χ (%)'. */
  readonly label: string;
  /** Tick labels of the colour bar. */
  readonly format: (v: number) => string;
}

/** Cell edges: midpoints between grid coordinates, the outer edges mirrored. */
function edges(c: readonly number[], log: boolean): number[] {
  const t = log ? c.map(Math.log) : [...c];
  const e = new Array<number>(t.length + 1);
  for (let i = 1; i < t.length; i++) e[i] = (t[i - 1] + t[i]) / 2;
  e[0] = t.length > 1 ? t[0] - (t[1] - t[0]) / 2 : t[0] - 0.5;
  e[t.length] = t.length > 1 ? t[t.length - 1] + (t[t.length - 1] - t[t.length - 2]) / 2 : t[0] + 0.5;
  return log ? e.map(Math.exp) : e;
}

export const COLORBAR_WIDTH = 96; // px of right padding the colour bar, its ticks and its title need

export const heatmapPlugin: Plugin = {
  id: 'heatmap',
  beforeDatasetsDraw(chart: Chart, _args, options) {
    const opts = options as Partial<HeatmapOptions>;
    if (!opts.values?.length || !opts.x || !opts.y || opts.vmin === undefined || opts.vmax === undefined || !opts.format) return;
    const { ctx, chartArea, scales } = chart;
    const sx = scales.x;
    const sy = scales.y;
    const nx = opts.x.length;
    const ny = opts.y.length;
    const ex = edges(opts.x, sx.type === 'logarithmic');
    const ey = edges(opts.y, sy.type === 'logarithmic');
    const px = ex.map((v) => sx.getPixelForValue(v));
    const py = ey.map((v) => sy.getPixelForValue(v));
    const span = opts.vmax - opts.vmin || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
    ctx.clip();
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = opts.values[j * nx + i];
        if (!Number.isFinite(v)) continue;
        ctx.fillStyle = css(viridis((v - opts.vmin) / span));
        // Cells overlap by half a pixel so no hairline seams show between them.
        const x = Math.min(px[i], px[i + 1]);
        const y = Math.min(py[j], py[j + 1]);
        ctx.fillRect(x, y, Math.abs(px[i + 1] - px[i]) + 0.5, Math.abs(py[j + 1] - py[j]) + 0.5);
      }
    ctx.restore();

    // Colour bar in the right padding.
    const x0 = chartArea.right + 14;
    const w = 12;
    const top = chartArea.top;
    const h = chartArea.height;
    ctx.save();
    for (let k = 0; k < h; k++) {
      ctx.fillStyle = css(viridis(1 - k / (h - 1)));
      ctx.fillRect(x0, top + k, w, 1.5);
    }
    ctx.strokeStyle = '#9ca3af';
    ctx.strokeRect(x0, top, w, h);
    ctx.fillStyle = '#374151';
    ctx.font = `11px ${chart.options.font?.family ?? 'sans-serif'}`;
    ctx.textBaseline = 'middle';
    for (let k = 0; k <= 4; k++) {
      const v = opts.vmin + (span * k) / 4;
      const y = top + h - (h * k) / 4;
      ctx.fillRect(x0 + w, y - 0.5, 3, 1);
      ctx.fillText(opts.format(v), x0 + w + 5, y);
    }
    ctx.translate(x0 + w + 62, top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(opts.label ?? '', 0, 0);
    ctx.restore();
  },
};

export interface ErrorBarOptions {
  /** Per dataset index: the ± half-width of each bar, in y units (null = none). */
  readonly [datasetIndex: number]: readonly (number | null)[];
}

export const errorBarsPlugin: Plugin = {
  id: 'errorBars',
  afterDatasetsDraw(chart: Chart, _args, options) {
    const opts = options as ErrorBarOptions;
    const { ctx } = chart;
    const sy = chart.scales.y;
    ctx.save();
    ctx.strokeStyle = '#111827';
    ctx.lineWidth = 1.2;
    chart.data.datasets.forEach((ds, d) => {
      const err = opts[d];
      const meta = chart.getDatasetMeta(d);
      if (!err || meta.hidden) return;
      meta.data.forEach((el, i) => {
        const e = err[i];
        const raw = ds.data[i] as number | { y: number } | null;
        const v = typeof raw === 'number' ? raw : raw?.y;
        if (e === null || e === undefined || v === undefined || !Number.isFinite(e) || !Number.isFinite(v)) return;
        const x = (el as unknown as { x: number }).x;
        const y1 = sy.getPixelForValue(v - e);
        const y2 = sy.getPixelForValue(v + e);
        ctx.beginPath();
        ctx.moveTo(x, y1);
        ctx.lineTo(x, y2);
        ctx.moveTo(x - 5, y1);
        ctx.lineTo(x + 5, y1);
        ctx.moveTo(x - 5, y2);
        ctx.lineTo(x + 5, y2);
        ctx.stroke();
      });
    });
    ctx.restore();
  },
};

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    heatmap?: HeatmapOptions;
    errorBars?: ErrorBarOptions;
  }
}
