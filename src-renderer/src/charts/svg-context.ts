/**
 * A CanvasRenderingContext2D look-alike that records what is drawn as SVG, so a chart.js plot (and our heat-map
 * and error-bar plugins) can be saved as a vector figure: chart.js draws through the 2-D context API alone, so
 * handing it this context instead of a canvas's yields the same picture as paths, rectangles and text.
 *
 * It covers what chart.js 4 and our plugins call: paths (moveTo, lineTo, bezier and quadratic curves, arc, rect),
 * fill/stroke, fillRect/strokeRect, clip, text, line dashes, save/restore and the affine transform, globalAlpha,
 * and 'destination-over' (the white background painted behind everything). Coordinates go out in device units
 * with the transform applied; text keeps its transform so rotated axis titles stay text. Text widths come from a
 * measuring function (a real canvas in the browser), since layout depends on them.
 */

type Matrix = [number, number, number, number, number, number]; // a b c d e f, as in setTransform
// The canvas's own string types, restated so this module needs no DOM typings (Node tests import it).
type LineCap = 'butt' | 'round' | 'square';
type LineJoin = 'bevel' | 'miter' | 'round';
type TextAlign = 'center' | 'end' | 'left' | 'right' | 'start';
type TextBaseline = 'alphabetic' | 'bottom' | 'hanging' | 'ideographic' | 'middle' | 'top';

/** What measureText answers (the fields chart.js reads). */
export interface Metrics {
  readonly width: number;
  readonly actualBoundingBoxAscent: number;
  readonly actualBoundingBoxDescent: number;
  readonly actualBoundingBoxLeft: number;
  readonly actualBoundingBoxRight: number;
  readonly fontBoundingBoxAscent: number;
  readonly fontBoundingBoxDescent: number;
}

interface State {
  m: Matrix;
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  lineCap: LineCap;
  lineJoin: LineJoin;
  miterLimit: number;
  dash: number[];
  dashOffset: number;
  font: string;
  textAlign: TextAlign;
  textBaseline: TextBaseline;
  globalAlpha: number;
  composite: string;
  clip: string | null;
}

export type MeasureText = (font: string, text: string) => number;

const fmt = (v: number) => (Math.abs(v) < 1e-9 ? '0' : String(Math.round(v * 1000) / 1000));

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A CSS colour as an SVG paint and an opacity (SVG 1.1 readers do not take rgba()). */
export function paint(color: string): { color: string; opacity: number } {
  const c = color.trim();
  const m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/i.exec(c);
  if (m) {
    const hex = [m[1], m[2], m[3]].map((v) => Math.max(0, Math.min(255, Math.round(Number(v)))).toString(16).padStart(2, '0')).join('');
    return { color: `#${hex}`, opacity: m[4] === undefined ? 1 : Number(m[4]) };
  }
  const h8 = /^#([0-9a-f]{6})([0-9a-f]{2})$/i.exec(c);
  if (h8) return { color: `#${h8[1]}`, opacity: parseInt(h8[2], 16) / 255 };
  if (c === 'transparent') return { color: '#000000', opacity: 0 };
  return { color: c, opacity: 1 };
}

/** font shorthand → SVG attributes: '600 12px system-ui' → weight, size, family. */
function fontAttrs(font: string): string {
  const m = /^\s*((?:(?:italic|oblique|normal|bold|bolder|lighter|\d{3})\s+)*)([\d.]+)px\s+(.+)$/.exec(font);
  if (!m) return `font-family="sans-serif" font-size="12"`;
  const words = m[1].trim().split(/\s+/).filter(Boolean);
  const weight = words.find((w) => /^(bold|bolder|lighter|\d{3})$/.test(w));
  const style = words.find((w) => /^(italic|oblique)$/.test(w));
  return `font-family="${esc(m[3].replace(/"/g, "'"))}" font-size="${fmt(Number(m[2]))}"${weight ? ` font-weight="${weight}"` : ''}${style ? ` font-style="${style}"` : ''}`;
}

function fontSize(font: string): number {
  const m = /([\d.]+)px/.exec(font);
  return m ? Number(m[1]) : 12;
}

export class SvgContext {
  /** What chart.js takes for the canvas: its size, and getContext() handing back this context. */
  readonly canvas: { width: number; height: number; getContext(kind: string): SvgContext | null };
  #s: State;
  #stack: State[] = [];
  #path: string[] = [];
  #body: string[] = [];
  #defs: string[] = [];
  #clipCount = 0;
  #measure: MeasureText;

  constructor(width: number, height: number, measure: MeasureText) {
    this.canvas = { width, height, getContext: (kind: string) => (kind === '2d' ? this : null) };
    this.#measure = measure;
    this.#s = {
      m: [1, 0, 0, 1, 0, 0],
      fillStyle: '#000000',
      strokeStyle: '#000000',
      lineWidth: 1,
      lineCap: 'butt',
      lineJoin: 'miter',
      miterLimit: 10,
      dash: [],
      dashOffset: 0,
      font: '10px sans-serif',
      textAlign: 'start',
      textBaseline: 'alphabetic',
      globalAlpha: 1,
      composite: 'source-over',
      clip: null,
    };
  }

  // ------------------------------------------------------------------------------------------ state

  get fillStyle(): string {
    return this.#s.fillStyle;
  }
  set fillStyle(v: unknown) {
    if (typeof v === 'string') this.#s.fillStyle = v;
  }
  get strokeStyle(): string {
    return this.#s.strokeStyle;
  }
  set strokeStyle(v: unknown) {
    if (typeof v === 'string') this.#s.strokeStyle = v;
  }
  get lineWidth(): number {
    return this.#s.lineWidth;
  }
  set lineWidth(v: number) {
    if (Number.isFinite(v) && v > 0) this.#s.lineWidth = v;
  }
  get lineCap(): LineCap {
    return this.#s.lineCap;
  }
  set lineCap(v: LineCap) {
    this.#s.lineCap = v;
  }
  get lineJoin(): LineJoin {
    return this.#s.lineJoin;
  }
  set lineJoin(v: LineJoin) {
    this.#s.lineJoin = v;
  }
  get miterLimit(): number {
    return this.#s.miterLimit;
  }
  set miterLimit(v: number) {
    this.#s.miterLimit = v;
  }
  get lineDashOffset(): number {
    return this.#s.dashOffset;
  }
  set lineDashOffset(v: number) {
    this.#s.dashOffset = v;
  }
  get font(): string {
    return this.#s.font;
  }
  set font(v: string) {
    this.#s.font = v;
  }
  get textAlign(): TextAlign {
    return this.#s.textAlign;
  }
  set textAlign(v: TextAlign) {
    this.#s.textAlign = v;
  }
  get textBaseline(): TextBaseline {
    return this.#s.textBaseline;
  }
  set textBaseline(v: TextBaseline) {
    this.#s.textBaseline = v;
  }
  get globalAlpha(): number {
    return this.#s.globalAlpha;
  }
  set globalAlpha(v: number) {
    this.#s.globalAlpha = v;
  }
  get globalCompositeOperation(): string {
    return this.#s.composite;
  }
  set globalCompositeOperation(v: string) {
    this.#s.composite = v;
  }
  // Shadows and image smoothing are accepted and ignored (chart.js sets them; a figure needs none).
  shadowBlur = 0;
  shadowColor = 'rgba(0, 0, 0, 0)';
  shadowOffsetX = 0;
  shadowOffsetY = 0;
  imageSmoothingEnabled = true;
  direction: 'inherit' | 'ltr' | 'rtl' = 'ltr';

  save(): void {
    this.#stack.push({ ...this.#s, m: [...this.#s.m] as Matrix, dash: [...this.#s.dash] });
  }
  restore(): void {
    const s = this.#stack.pop();
    if (s) this.#s = s;
  }

  setLineDash(segments: number[]): void {
    this.#s.dash = segments.filter((x) => Number.isFinite(x) && x >= 0);
  }
  getLineDash(): number[] {
    return [...this.#s.dash];
  }

  // -------------------------------------------------------------------------------------- transform

  setTransform(a: number | { a?: number; b?: number; c?: number; d?: number; e?: number; f?: number } = 1, b = 0, c = 0, d = 1, e = 0, f = 0): void {
    if (typeof a === 'object') {
      const m = a;
      this.#s.m = [m.a ?? 1, m.b ?? 0, m.c ?? 0, m.d ?? 1, m.e ?? 0, m.f ?? 0];
    } else this.#s.m = [a, b, c, d, e, f];
  }
  resetTransform(): void {
    this.#s.m = [1, 0, 0, 1, 0, 0];
  }
  transform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    const [A, B, C, D, E, F] = this.#s.m;
    this.#s.m = [A * a + C * b, B * a + D * b, A * c + C * d, B * c + D * d, A * e + C * f + E, B * e + D * f + F];
  }
  translate(x: number, y: number): void {
    this.transform(1, 0, 0, 1, x, y);
  }
  scale(x: number, y: number): void {
    this.transform(x, 0, 0, y, 0, 0);
  }
  rotate(angle: number): void {
    const c = Math.cos(angle);
    const s = Math.sin(angle);
    this.transform(c, s, -s, c, 0, 0);
  }
  getTransform(): { a: number; b: number; c: number; d: number; e: number; f: number } {
    const [a, b, c, d, e, f] = this.#s.m;
    return { a, b, c, d, e, f };
  }

  #pt(x: number, y: number): [number, number] {
    const [a, b, c, d, e, f] = this.#s.m;
    return [a * x + c * y + e, b * x + d * y + f];
  }
  /** The transform's linear scale (uniform transforms only: chart.js uses no shear). */
  #scale(): number {
    const [a, b, c, d] = this.#s.m;
    return Math.sqrt(Math.abs(a * d - b * c));
  }

  // ------------------------------------------------------------------------------------------ paths

  beginPath(): void {
    this.#path = [];
  }
  closePath(): void {
    if (this.#path.length) this.#path.push('Z');
  }
  moveTo(x: number, y: number): void {
    const [px, py] = this.#pt(x, y);
    this.#path.push(`M${fmt(px)} ${fmt(py)}`);
  }
  lineTo(x: number, y: number): void {
    const [px, py] = this.#pt(x, y);
    this.#path.push(`${this.#path.length ? 'L' : 'M'}${fmt(px)} ${fmt(py)}`);
  }
  bezierCurveTo(c1x: number, c1y: number, c2x: number, c2y: number, x: number, y: number): void {
    const a = this.#pt(c1x, c1y);
    const b = this.#pt(c2x, c2y);
    const p = this.#pt(x, y);
    this.#path.push(`C${fmt(a[0])} ${fmt(a[1])} ${fmt(b[0])} ${fmt(b[1])} ${fmt(p[0])} ${fmt(p[1])}`);
  }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void {
    const a = this.#pt(cx, cy);
    const p = this.#pt(x, y);
    this.#path.push(`Q${fmt(a[0])} ${fmt(a[1])} ${fmt(p[0])} ${fmt(p[1])}`);
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.moveTo(x, y);
    this.lineTo(x + w, y);
    this.lineTo(x + w, y + h);
    this.lineTo(x, y + h);
    this.closePath();
  }
  roundRect(x: number, y: number, w: number, h: number): void {
    this.rect(x, y, w, h);
  }
  arc(x: number, y: number, r: number, start: number, end: number, ccw = false): void {
    // As the canvas does: a line from the current point to the arc's start, then the arc, split in two
    // halves when it is a full circle (one SVG arc cannot start and end at the same point).
    let sweep = end - start;
    if (!ccw && sweep < 0) sweep = (sweep % (2 * Math.PI)) + 2 * Math.PI;
    if (ccw && sweep > 0) sweep = (sweep % (2 * Math.PI)) - 2 * Math.PI;
    if (Math.abs(sweep) >= 2 * Math.PI - 1e-9) sweep = ccw ? -2 * Math.PI : 2 * Math.PI;
    const at = (t: number) => this.#pt(x + r * Math.cos(t), y + r * Math.sin(t));
    const [sx, sy] = at(start);
    this.#path.push(`${this.#path.length ? 'L' : 'M'}${fmt(sx)} ${fmt(sy)}`);
    const rr = r * this.#scale();
    const [a, b, c, d] = this.#s.m;
    const flipped = a * d - b * c < 0;
    const pieces = Math.abs(sweep) > Math.PI ? 2 : 1;
    for (let k = 1; k <= pieces; k++) {
      const t = start + (sweep * k) / pieces;
      const [ex, ey] = at(t);
      const large = Math.abs(sweep / pieces) > Math.PI ? 1 : 0;
      const sweepFlag = (sweep > 0) !== flipped ? 1 : 0;
      this.#path.push(`A${fmt(rr)} ${fmt(rr)} 0 ${large} ${sweepFlag} ${fmt(ex)} ${fmt(ey)}`);
    }
  }
  ellipse(x: number, y: number, rx: number, ry: number, _rotation: number, start: number, end: number, ccw = false): void {
    // chart.js draws no ellipse of its own; a circle of the mean radius is what a legend swatch needs.
    this.arc(x, y, (rx + ry) / 2, start, end, ccw);
  }

  // ---------------------------------------------------------------------------------------- drawing

  #common(kind: 'fill' | 'stroke', color: string): string {
    const p = paint(color);
    const alpha = p.opacity * this.#s.globalAlpha;
    if (kind === 'fill') return `fill="${esc(p.color)}"${alpha < 1 ? ` fill-opacity="${fmt(alpha)}"` : ''} stroke="none"`;
    const s = this.#s;
    const w = s.lineWidth * this.#scale();
    let a = `fill="none" stroke="${esc(p.color)}" stroke-width="${fmt(w)}"${alpha < 1 ? ` stroke-opacity="${fmt(alpha)}"` : ''}`;
    if (s.lineCap !== 'butt') a += ` stroke-linecap="${s.lineCap}"`;
    if (s.lineJoin !== 'miter') a += ` stroke-linejoin="${s.lineJoin}"`;
    if (s.dash.length && s.dash.some((x) => x > 0)) {
      const k = this.#scale();
      a += ` stroke-dasharray="${s.dash.map((x) => fmt(x * k)).join(' ')}"`;
      if (s.dashOffset) a += ` stroke-dashoffset="${fmt(s.dashOffset * k)}"`;
    }
    return a;
  }

  #emit(el: string): void {
    const clipped = this.#s.clip ? el.replace(/^<(\w+)/, `<$1 clip-path="url(#${this.#s.clip})"`) : el;
    // 'destination-over' paints behind what is there: the white background chart.js's plugin adds last.
    if (this.#s.composite === 'destination-over') this.#body.unshift(clipped);
    else this.#body.push(clipped);
  }

  fill(): void {
    if (this.#path.length && this.#s.globalAlpha > 0) this.#emit(`<path d="${this.#path.join('')}" ${this.#common('fill', this.#s.fillStyle)}/>`);
  }
  stroke(): void {
    if (this.#path.length && this.#s.globalAlpha > 0) this.#emit(`<path d="${this.#path.join('')}" ${this.#common('stroke', this.#s.strokeStyle)}/>`);
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    const saved = this.#path;
    this.#path = [];
    this.rect(x, y, w, h);
    this.fill();
    this.#path = saved;
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    const saved = this.#path;
    this.#path = [];
    this.rect(x, y, w, h);
    this.stroke();
    this.#path = saved;
  }
  clearRect(): void {
    // Nothing has been drawn that a clear should remove: chart.js clears once, before it draws.
  }
  clip(): void {
    if (!this.#path.length) return;
    const id = `clip${++this.#clipCount}`;
    const outer = this.#s.clip ? ` clip-path="url(#${this.#s.clip})"` : '';
    this.#defs.push(`<clipPath id="${id}"${outer}><path d="${this.#path.join('')}"/></clipPath>`);
    this.#s.clip = id;
  }

  measureText(text: string): Metrics {
    const width = this.#measure(this.#s.font, text);
    const size = fontSize(this.#s.font);
    return {
      width,
      actualBoundingBoxAscent: size * 0.8,
      actualBoundingBoxDescent: size * 0.2,
      actualBoundingBoxLeft: 0,
      actualBoundingBoxRight: width,
      fontBoundingBoxAscent: size * 0.8,
      fontBoundingBoxDescent: size * 0.2,
    };
  }

  fillText(text: string, x: number, y: number): void {
    this.#text(text, x, y, 'fill');
  }
  strokeText(): void {
    // chart.js strokes text only with a text stroke width set, which the workbench never does.
  }

  #text(text: string, x: number, y: number, kind: 'fill'): void {
    if (text === '' || this.#s.globalAlpha <= 0) return;
    const s = this.#s;
    const anchor = s.textAlign === 'center' ? 'middle' : s.textAlign === 'right' || s.textAlign === 'end' ? 'end' : 'start';
    // Baselines as a shift in em (dominant-baseline is read unevenly by SVG editors).
    const dy = s.textBaseline === 'middle' ? 0.35 : s.textBaseline === 'top' || s.textBaseline === 'hanging' ? 0.8 : s.textBaseline === 'bottom' || s.textBaseline === 'ideographic' ? -0.2 : 0;
    const [a, b, c, d, e, f] = s.m;
    const transform = a === 1 && b === 0 && c === 0 && d === 1 ? (e || f ? ` transform="translate(${fmt(e)} ${fmt(f)})"` : '') : ` transform="matrix(${[a, b, c, d, e, f].map(fmt).join(' ')})"`;
    this.#emit(
      `<text x="${fmt(x)}" y="${fmt(y)}"${dy ? ` dy="${dy}em"` : ''} text-anchor="${anchor}" ${fontAttrs(s.font)} ${this.#common(kind, s.fillStyle)}${transform} xml:space="preserve">${esc(text)}</text>`,
    );
  }

  drawImage(): void {
    // Image point styles are not used by the workbench's plots.
  }
  createLinearGradient(): { addColorStop(): void } {
    return { addColorStop() {} };
  }
  getImageData(): never {
    throw new Error('an SVG figure has no pixels to read');
  }
  isPointInPath(): boolean {
    return false;
  }

  /** The document: width and height in CSS px, or in physical units (`size` e.g. { w: '8.9cm', h: '6.7cm' }). */
  toSvg(opts: { title?: string; size?: { w: string; h: string } } = {}): string {
    const { width, height } = this.canvas;
    const w = opts.size?.w ?? String(width);
    const h = opts.size?.h ?? String(height);
    return [
      `<?xml version="1.0" encoding="UTF-8"?>`,
      `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${esc(w)}" height="${esc(h)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}">`,
      ...(opts.title ? [`<title>${esc(opts.title)}</title>`] : []),
      ...(this.#defs.length ? [`<defs>${this.#defs.join('')}</defs>`] : []),
      ...this.#body,
      `</svg>`,
      '',
    ].join('\n');
  }
}
