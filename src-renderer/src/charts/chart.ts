/**
 * chart.js for the workbench: the components we use, registered once (tree-shaken), and the defaults every
 * plot shares — no animation (live plots redraw on every event), `parsing: false` (data arrive as {x, y}
 * points), LTTB decimation for long line series, a white background painted into the canvas so an exported
 * image looks like the screen, and tooltips that list every series near the pointer (the 'eachSeries'
 * interaction mode). Colours live in colors.ts.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Filler,
  Interaction,
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
  type InteractionItem,
  type InteractionModeFunction,
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

/**
 * Interaction mode 'eachSeries': for every visible dataset, its element nearest to the pointer along x
 * (within `EACH_SERIES_PX`), so a tooltip lists every series at that place — the reference, the model and the
 * baselines at one r; an evaluation, the best so far and the baselines at one evaluation number — even though
 * the series have different x grids (chart.js's 'index' mode assumes one grid).
 */
const EACH_SERIES_PX = 24;
const eachSeries: InteractionModeFunction = function (chart, e) {
  const items: InteractionItem[] = [];
  const x = e.x ?? 0;
  const y = e.y ?? 0;
  const area = chart.chartArea;
  if (x < area.left || x > area.right || y < area.top || y > area.bottom) return items;
  chart.data.datasets.forEach((_ds, datasetIndex) => {
    if (!chart.isDatasetVisible(datasetIndex)) return;
    const meta = chart.getDatasetMeta(datasetIndex);
    let bestI = -1;
    let bestD = Infinity;
    let bestDy = Infinity;
    meta.data.forEach((el, index) => {
      const p = el as unknown as { x: number; y: number; skip?: boolean };
      if (p.skip || !Number.isFinite(p.x) || !Number.isFinite(p.y)) return;
      const d = Math.abs(p.x - x);
      const dy = Math.abs(p.y - y);
      // Ties along x (a vertical run of points at one evaluation number): the one nearest the pointer.
      if (d < bestD - 0.5 || (Math.abs(d - bestD) <= 0.5 && dy < bestDy)) {
        bestD = d;
        bestDy = dy;
        bestI = index;
      }
    });
    if (bestI >= 0 && bestD <= EACH_SERIES_PX) items.push({ element: meta.data[bestI], datasetIndex, index: bestI });
  });
  return items;
};
Interaction.modes.eachSeries = eachSeries;

declare module 'chart.js' {
  interface InteractionModeMap {
    eachSeries: InteractionModeFunction;
  }
}

/** Options every x–y plot starts from: linear axes with titles, no parsing, decimation for long lines. */
export function xyOptions(xTitle: string, yTitle: string): ChartOptions<'line'> {
  return {
    parsing: false,
    normalized: true,
    interaction: { mode: 'eachSeries', intersect: false },
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

/** A point of a plot that stands for one evaluation: clicking it inspects that evaluation. */
export interface EvalPoint {
  x: number;
  y: number;
  /** The evaluation's id (EvaluationRecord.id). */
  id: number;
}

export { Chart };
export { PHASE_COLORS, FORCEFIELD_COLORS, FIT_PALETTE, PALETTE, STATUS_STYLE, forcefieldColor, phaseColor, statusStyle, withAlpha } from './colors';
