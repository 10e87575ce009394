/**
 * PNG metadata a journal's production system reads: the physical resolution (the pHYs chunk). A canvas's PNG
 * carries none, so a 300-dpi figure would open at 72 or 96 dpi and print at three times its size; withDpi()
 * writes the chunk after IHDR (replacing any there was).
 */
import { crc32 } from './crc32';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const INCH_M = 0.0254;

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

export interface PngInfo {
  readonly width: number;
  readonly height: number;
  /** Pixels per inch from pHYs, or null when the file has none. */
  readonly dpi: number | null;
}

/** Size and resolution of a PNG file; throws for anything that is not one. */
export function pngInfo(png: Uint8Array): PngInfo {
  if (png.length < 33 || SIGNATURE.some((v, i) => png[i] !== v)) throw new Error('not a PNG file');
  const width = u32(png, 16);
  const height = u32(png, 20);
  let dpi: number | null = null;
  for (let o = 8; o + 12 <= png.length; ) {
    const len = u32(png, o);
    const type = String.fromCharCode(png[o + 4], png[o + 5], png[o + 6], png[o + 7]);
    if (type === 'pHYs' && png[o + 16] === 1) dpi = Math.round(u32(png, o + 8) * INCH_M);
    if (type === 'IEND') break;
    o += 12 + len;
  }
  return { width, height, dpi };
}

/** The PNG with a pHYs chunk saying `dpi` pixels per inch in both directions. */
export function withDpi(png: Uint8Array, dpi: number): Uint8Array {
  pngInfo(png);
  const ihdrEnd = 8 + 12 + u32(png, 8);
  const chunk = new Uint8Array(21);
  put32(chunk, 0, 9);
  chunk.set([0x70, 0x48, 0x59, 0x73], 4); // 'pHYs'
  const ppm = Math.round(dpi / INCH_M);
  put32(chunk, 8, ppm);
  put32(chunk, 12, ppm);
  chunk[16] = 1; // unit: metre
  put32(chunk, 17, crc32(chunk, 4, 17));
  // Every chunk but an existing pHYs, the new one right after IHDR.
  const parts: Uint8Array[] = [png.subarray(0, ihdrEnd), chunk];
  for (let o = ihdrEnd; o + 12 <= png.length; ) {
    const len = u32(png, o);
    const type = String.fromCharCode(png[o + 4], png[o + 5], png[o + 6], png[o + 7]);
    if (type !== 'pHYs') parts.push(png.subarray(o, o + 12 + len));
    o += 12 + len;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}
