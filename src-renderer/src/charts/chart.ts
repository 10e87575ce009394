/**
 * chart.js for the workbench: the components we use, registered once (tree-shaken), and the defaults every
 * plot shares — no animation (live plots redraw on every event), `parsing: false` (data arrive as {x, y}
 * points), LTTB decimation for long line series, calm colours, and a white background painted into the
 * canvas so an exported PNG looks like the screen.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
  type ChartOptions,
  type Plugin,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Title,
  Tooltip,
);

export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

Chart.defaults.font.family = FONT_FAMILY;
Chart.defaults.font.size = 12;
Chart.defaults.color = '#374151';
Chart.defaults.borderColor = '#e5e7eb';
Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.plugins.legend.labels.boxWidth = 14;
Chart.defaults.plugins.legend.labels.boxHeight = 2;
Chart.defaults.plugins.tooltip.animation = false;
Chart.defaults.elements.point.radius = 0;
Chart.defaults.elements.line.borderWidth = 1.6;

/** Paints the canvas white before each draw, so PNG exports are not transparent. */
export const whiteBackground: Plugin = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};
Chart.register(whiteBackground);

/** Optimizer phases, the same colour in every plot and badge (see app.css --phase-*). */
export const PHASE_COLORS: Readonly<Record<string, string>> = {
  initial: '#6b7280',
  bo: '#2563eb',
  cg: '#d97706',
  replica: '#7c3aed',
  baseline: '#059669',
};

/** Curves of the structure plots: the reference is black (as in the paper's figures). */
export const SERIES = {
  reference: '#111827',
  model: '#dc2626',
  BKS: '#2563eb',
  CHIK: '#059669',
  ML: '#7c3aed',
  'ML-SiO': '#d97706',
  'ML-ALL': '#0891b2',
  failed: '#b91c1c',
} as const;

/** A qualitative palette for anything else (parameters, campaigns). */
export const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4b5563', '#65a30d', '#9333ea'];

/** Colours of fitted forcefields (campaign bests): the model red first, none shared with the built-in sets. */
export const FIT_PALETTE = ['#dc2626', '#9333ea', '#0e7490', '#be185d', '#a16207', '#4b5563'];

/** Options every x–y plot starts from: linear axes with titles, no parsing, decimation for long lines. */
export function xyOptions(xTitle: string, yTitle: string): ChartOptions<'line'> {
  return {
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false },
    scales: {
      x: { type: 'linear', title: { display: true, text: xTitle } },
      y: { type: 'linear', title: { display: true, text: yTitle } },
    },
    plugins: {
      decimation: { enabled: true, algorithm: 'lttb', samples: 600, threshold: 1200 },
      legend: { position: 'top', align: 'end' },
    },
  };
}

/** Axis options for an evaluation-number axis: whole numbers only. */
export const EVALUATION_TICKS = { precision: 0 } as const;

/** {x, y} points from two arrays (chart.js with parsing off wants objects, not parallel arrays). */
export function points(x: ArrayLike<number>, y: ArrayLike<number>, scaleY = 1): { x: number; y: number }[] {
  const n = Math.min(x.length, y.length);
  const out = new Array<{ x: number; y: number }>(n);
  for (let i = 0; i < n; i++) out[i] = { x: x[i], y: y[i] * scaleY };
  return out;
}

/** One curve of a CurvesPlot. */
export interface Series {
  readonly label: string;
  readonly color: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  readonly dash?: boolean;
  readonly width?: number;
}

export { Chart };
