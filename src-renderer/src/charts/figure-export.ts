/**
 * Figures in the browser: the 300-dpi PNG (a canvas off screen, its resolution written into the file) and the
 * SVG download with text widths measured by a real canvas. The layout and the SVG drawing are figure.ts's.
 */
import { BasicPlatform, Chart, type ChartConfiguration } from 'chart.js';
import { CSS_PX_PER_IN, FIGURE_DPI, figureConfig, figureSize, figureSvgText, type FigureOptions } from './figure';
import { withDpi } from '../lib/png';

/** The figure as a PNG at FIGURE_DPI, the resolution written into the file. */
export async function figurePng(config: ChartConfiguration, o: FigureOptions): Promise<Blob> {
  const { w, h } = figureSize(o);
  const ratio = FIGURE_DPI / CSS_PX_PER_IN;
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const chart = new Chart(canvas, { ...figureConfig(config, o.title, ratio), platform: BasicPlatform });
  try {
    const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b: Blob | null) => (b ? resolve(b) : reject(new Error('the figure could not be encoded as PNG'))), 'image/png'));
    const bytes = withDpi(new Uint8Array(await blob.arrayBuffer()), FIGURE_DPI);
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  } finally {
    chart.destroy();
  }
}

/** Text widths for the SVG layout, measured with a real canvas in the figure's fonts. */
function canvasMeasure(): (font: string, text: string) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  return (font, text) => {
    if (!ctx) return text.length * 7;
    ctx.font = font;
    return ctx.measureText(text).width;
  };
}

export function figureSvg(config: ChartConfiguration, o: FigureOptions): Blob {
  return new Blob([figureSvgText(config, o, canvasMeasure())], { type: 'image/svg+xml' });
}
