/**
 * Plots as figures for a paper: the same chart.js configuration drawn again off screen at a journal's column
 * width, with its title, axis titles and legend, as a PNG at 300 dpi (the resolution recorded in the file,
 * figure-export.ts, in the browser) or as an SVG (vector: paths and text, here). The on-screen chart is not
 * touched; the figure is a second chart that lives only while it is drawn. Nothing here needs a DOM, so the
 * SVG path is tested in Node.
 */
import { BasicPlatform, Chart, type ChartConfiguration, type ChartDataset } from 'chart.js';
import { SvgContext, type MeasureText } from './svg-context';

/** CSS pixels per inch: chart.js lays out in CSS px, and fonts are sized in them. */
export const CSS_PX_PER_IN = 96;
const CM_PER_IN = 2.54;

export interface FigureWidth {
  readonly key: 'column' | 'double';
  readonly label: string;
  /** Width in inches (a journal's single or double column). */
  readonly inches: number;
  /** Height over width allowed: a column figure needs room under its legend, a double-column one is wide. */
  readonly aspect: readonly [number, number];
}

/** Single column 8.9 cm (3.5 in), double 17.8 cm (7 in): the common widths of physics and materials journals. */
export const FIGURE_WIDTHS: readonly FigureWidth[] = [
  { key: 'column', label: 'single column, 8.9 cm', inches: 3.5, aspect: [0.72, 1.2] },
  { key: 'double', label: 'double column, 17.8 cm', inches: 7, aspect: [0.4, 0.8] },
];

export const FIGURE_DPI = 300;

/**
 * Font sizes of a figure, CSS px (1 pt = 4/3 px, so 10 px = 7.5 pt): 7.5 pt ticks, 8 pt axis titles, 7 pt
 * legend, 9 pt title — the sizes journals ask for at print size (6–9 pt).
 */
const FONT = { ticks: 10, axisTitle: 10.5, legend: 9.5, title: 12 };

export interface FigureOptions {
  readonly title: string;
  readonly width: FigureWidth;
  /** Height over width (default 0.75); clamped to the width's range (a wide screen plot would be a sliver in a column). */
  readonly aspect?: number;
}

/** Figure size in CSS px and in inches. */
export function figureSize(o: FigureOptions): { w: number; h: number; wIn: number; hIn: number } {
  const [lo, hi] = o.width.aspect;
  const aspect = Math.min(hi, Math.max(lo, o.aspect ?? 0.75));
  const wIn = o.width.inches;
  const hIn = Math.round(wIn * aspect * 100) / 100;
  return { w: Math.round(wIn * CSS_PX_PER_IN), h: Math.round(hIn * CSS_PX_PER_IN), wIn, hIn };
}

type AnyOptions = Record<string, unknown> & { plugins?: Record<string, unknown>; scales?: Record<string, Record<string, unknown>> };

/**
 * The plot's configuration for a figure: its own data and plugins, not responsive or animated, no tooltip or
 * decimation (every point drawn), a title, the legend shown (some on-screen plots hide theirs), print font sizes.
 */
export function figureConfig(config: ChartConfiguration, title: string, devicePixelRatio: number): ChartConfiguration {
  const datasets = config.data.datasets.map((d) => ({ ...d, data: Array.isArray(d.data) ? d.data.slice() : d.data })) as ChartDataset[];
  const o = { ...((config.options ?? {}) as AnyOptions) };
  const plugins = { ...(o.plugins ?? {}) } as Record<string, Record<string, unknown> | undefined>;
  const legend = plugins.legend ?? {};
  const labels = (legend.labels ?? {}) as Record<string, unknown>;
  plugins.legend = { ...legend, display: true, labels: { ...labels, font: { size: FONT.legend }, boxWidth: 12, boxHeight: labels.usePointStyle ? 5 : 2, padding: 6 } };
  plugins.title = { display: true, text: title, font: { size: FONT.title, weight: 'bold' }, padding: { top: 2, bottom: 4 } };
  plugins.tooltip = { enabled: false };
  plugins.decimation = { enabled: false };
  const scales: Record<string, Record<string, unknown>> = {};
  for (const [id, sc] of Object.entries(o.scales ?? {})) {
    const t = (sc.title ?? {}) as Record<string, unknown>;
    const ticks = (sc.ticks ?? {}) as Record<string, unknown>;
    scales[id] = { ...sc, title: { ...t, font: { size: FONT.axisTitle } }, ticks: { ...ticks, font: { size: FONT.ticks } } };
  }
  return {
    ...config,
    data: { ...config.data, datasets },
    options: { ...o, plugins, scales, responsive: false, maintainAspectRatio: false, animation: false, devicePixelRatio, events: [] } as ChartConfiguration['options'],
    plugins: config.plugins ? [...config.plugins] : [],
  } as ChartConfiguration;
}

/** The figure as SVG text: width and height in cm, drawn in CSS px units inside. */
export function figureSvgText(config: ChartConfiguration, o: FigureOptions, measure: MeasureText): string {
  const { w, h, wIn, hIn } = figureSize(o);
  const ctx = new SvgContext(w, h, measure);
  // chart.js takes anything with a canvas and getContext('2d'): the SVG context is drawn on like a canvas's.
  const chart = new Chart(ctx.canvas as never, { ...figureConfig(config, o.title, 1), platform: BasicPlatform });
  try {
    return ctx.toSvg({ title: o.title, size: { w: `${(wIn * CM_PER_IN).toFixed(2)}cm`, h: `${(hIn * CM_PER_IN).toFixed(2)}cm` } });
  } finally {
    chart.destroy();
  }
}

