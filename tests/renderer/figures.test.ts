// Plots as figures (src-renderer/src/charts): log-axis ticks where the data are, the SVG drawing context, a
// chart.js plot drawn to SVG with its title, axis titles and legend, the PNG resolution chunk (checked with
// zlib's CRC-32, not ours) and the zip of the tabulated LAMMPS export (checked by Info-ZIP's unzip).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 as zlibCrc32, deflateSync } from 'node:zlib';
import { logTicks, tickLabel, logRange } from '../../src-renderer/src/charts/ticks.ts';
import { SvgContext, paint } from '../../src-renderer/src/charts/svg-context.ts';
import { figureSvgText, figureSize, FIGURE_WIDTHS } from '../../src-renderer/src/charts/figure.ts';
import { pngInfo, withDpi } from '../../src-renderer/src/lib/png.ts';
import { crc32 } from '../../src-renderer/src/lib/crc32.ts';
import { zip } from '../../src-renderer/src/lib/zip.ts';
import { xyOptions } from '../../src-renderer/src/charts/chart.ts';

/** Text widths for layout without a canvas: 0.55 em per character. */
const measure = (font: string, text: string) => text.length * 0.55 * Number(/([\d.]+)px/.exec(font)?.[1] ?? 12);

describe('log-axis ticks', () => {
  it('label the range the data span, 4–6 % included (issue 15)', () => {
    expect(logTicks(3.5, 80)).toEqual([5, 10, 20, 50]);
    const narrow = logTicks(3.8, 6.3);
    expect(narrow.length).toBeGreaterThanOrEqual(4);
    for (const t of narrow) expect(t >= 3.8 && t <= 6.3).toBe(true);
    expect(narrow).toEqual([4, 4.5, 5, 6]);
    expect(logTicks(1000, 1e5)).toEqual([1000, 3000, 10000, 30000, 100000]);
    expect(logTicks(1000, 1e5, 3)).toEqual([1000, 10000, 100000]);
  });

  it('never crowd: at most `most` ticks, thinned evenly', () => {
    const t = logTicks(1e-3, 1e9, 4, 6);
    expect(t.length).toBeLessThanOrEqual(6);
    expect(t.length).toBeGreaterThanOrEqual(4);
    expect(logTicks(1, 1.01).length).toBe(2);
  });

  it('labels read as plain numbers, exponents only far out; ranges frame the data', () => {
    expect([5, 0.5, 4.5, 20000, 1e5, 0.0001].map(tickLabel)).toEqual(['5', '0.5', '4.5', '20000', '1e5', '1e-4']);
    const r = logRange([4.05, 4.58])!;
    expect(r.max / r.min).toBeGreaterThanOrEqual(1.5);
    expect(r.min).toBeLessThan(4.05);
    expect(r.max).toBeGreaterThan(4.58);
  });
});

describe('SVG drawing context', () => {
  it('turns rgba() into a colour and an opacity', () => {
    expect(paint('rgba(231, 41, 138, 0.14)')).toEqual({ color: '#e7298a', opacity: 0.14 });
    expect(paint('#112233')).toEqual({ color: '#112233', opacity: 1 });
    expect(paint('#11223380').opacity).toBeCloseTo(128 / 255, 6);
  });

  it('records paths in device units, text with its transform, clips, and destination-over behind', () => {
    const ctx = new SvgContext(200, 100, measure);
    ctx.fillStyle = '#ff0000';
    ctx.fillRect(10, 10, 20, 20);
    ctx.save();
    ctx.translate(50, 50);
    ctx.rotate(-Math.PI / 2);
    ctx.font = '600 12px Arial';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = '#000000';
    ctx.fillText('R_χ (%) <log>', 0, 0);
    ctx.restore();
    ctx.beginPath();
    ctx.rect(0, 0, 100, 50);
    ctx.clip();
    ctx.beginPath();
    ctx.arc(60, 40, 5, 0, 2 * Math.PI);
    ctx.strokeStyle = 'rgba(0, 0, 255, 0.5)';
    ctx.setLineDash([4, 2]);
    ctx.stroke();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, 200, 100);
    const svg = ctx.toSvg({ title: 'a figure', size: { w: '8.89cm', h: '4.45cm' } });
    const body = svg.split('\n');
    // The background painted last sits first.
    expect(body.findIndex((l) => l.includes('fill="#ffffff"'))).toBeLessThan(body.findIndex((l) => l.includes('fill="#ff0000"')));
    expect(svg).toContain('<path d="M10 10L30 10L30 30L10 30Z" fill="#ff0000" stroke="none"/>');
    expect(svg).toMatch(/<text x="0" y="0" dy="0\.35em" text-anchor="middle" font-family="Arial" font-size="12" font-weight="600" fill="#000000" stroke="none" transform="matrix\(0 -1 1 0 50 50\)" xml:space="preserve">R_χ \(%\) &lt;log&gt;<\/text>/);
    expect(svg).toContain('<clipPath id="clip1"><path d="M0 0L100 0L100 50L0 50Z"/></clipPath>');
    expect(svg).toMatch(/<path clip-path="url\(#clip1\)" d="M65 40A5 5 0 0 1 55 40A5 5 0 0 1 65 40" fill="none" stroke="#0000ff" stroke-width="1" stroke-opacity="0\.5" stroke-dasharray="4 2"\/>/);
    expect(svg).toContain('width="8.89cm" height="4.45cm" viewBox="0 0 200 100"');
    expect(svg).toContain('<title>a figure</title>');
  });

  it('a chart.js plot comes out with its title, axis titles, legend and data as vector paths', () => {
    const o = xyOptions('evaluation #', 'R_χ (%)');
    const config = {
      type: 'line' as const,
      data: {
        datasets: [
          { label: 'best so far', data: [1, 2, 3, 4, 5].map((x) => ({ x, y: 10 / x })), borderColor: '#e7298a', pointRadius: 0 },
          { type: 'scatter' as const, label: 'Bayesian optimisation', data: [1, 2, 3, 4, 5].map((x) => ({ x, y: 12 / x })), backgroundColor: '#1f77b4', pointRadius: 3 },
        ],
      },
      options: o,
    };
    const svg = figureSvgText(config as never, { title: 'Convergence', width: FIGURE_WIDTHS[0] }, measure);
    const texts = [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const t of ['Convergence', 'evaluation #', 'R_χ (%)', 'best so far', 'Bayesian optimisation']) expect(texts).toContain(t);
    expect(svg.match(/<path /g)!.length).toBeGreaterThan(15);
    const { w, h } = figureSize({ title: '', width: FIGURE_WIDTHS[0] });
    expect(svg).toContain(`viewBox="0 0 ${w} ${h}"`);
    expect(svg).toMatch(/width="8\.89cm"/);
  });
});

/** A real 2×1 RGB PNG built with zlib (deflate and CRC-32), nothing of ours. */
function tinyPng(): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlibCrc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.from([0, 255, 0, 0, 0, 0, 255]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

describe('PNG resolution', () => {
  it('our CRC-32 is zlib’s', () => {
    const b = new TextEncoder().encode('glassfit pHYs 300 dpi');
    expect(crc32(b)).toBe(zlibCrc32(Buffer.from(b)));
  });

  it('writes a valid pHYs chunk after IHDR: 300 dpi = 11811 px/m, and replaces an old one', () => {
    const png = tinyPng();
    expect(pngInfo(png)).toEqual({ width: 2, height: 1, dpi: null });
    const out = withDpi(withDpi(png, 96), 300);
    expect(pngInfo(out)).toEqual({ width: 2, height: 1, dpi: 300 });
    const buf = Buffer.from(out);
    const at = buf.indexOf('pHYs');
    expect(at).toBe(8 + 25 + 4); // signature, IHDR chunk, then this chunk's length
    expect(buf.indexOf('pHYs', at + 1)).toBe(-1);
    expect(buf.readUInt32BE(at + 4)).toBe(11811);
    expect(buf.readUInt32BE(at + 13)).toBe(zlibCrc32(buf.subarray(at, at + 13)));
    expect(out.length).toBe(png.length + 21);
    expect(() => withDpi(new Uint8Array(40), 300)).toThrow(/not a PNG/);
  });
});

describe('zip of the LAMMPS files', () => {
  it('Info-ZIP unzip tests it and gets back every file byte for byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassfit-zip-'));
    try {
      const files = [
        { name: 'fit-eval12-table.lmp', data: 'pair_style table linear 2000\npair_coeff 1 2 fit-eval12.table SiO 8\n' },
        { name: 'fit-eval12.table', data: `# Å, eV — UTF-8 survives\n${'1 0.5 2.0 -1.0\n'.repeat(3000)}` },
      ];
      const path = join(dir, 'x.zip');
      writeFileSync(path, zip(files, new Date(2024, 5, 1, 12, 30, 10)));
      execFileSync('unzip', ['-tq', path]);
      expect(execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' }).trim().split('\n')).toEqual(files.map((f) => f.name));
      for (const f of files) expect(execFileSync('unzip', ['-p', path, f.name], { encoding: 'utf8', maxBuffer: 1 << 24 })).toBe(f.data);
      expect(execFileSync('unzip', ['-l', path], { encoding: 'utf8' })).toMatch(/2024-06-01 12:30|06-01-2024 12:30/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
