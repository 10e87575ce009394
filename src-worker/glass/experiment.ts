/**
 * The built-in experimental reference for glasses: the ISIS NIMROD neutron F(Q) of vitreous silica at 298 K
 * (resources/experiment/, GPL-3.0, from the Dissolve project; see its README for provenance), the measured
 * density, and the Q range over which a simulated F(Q) is scored against it. This module parses the data
 * text; reading the file is the caller's (Node side).
 */
import { ParseError } from '../io/frame.ts';
import type { Curve } from './scattering.ts';

/** File name of the measured F(Q) in resources/experiment/. */
export const EXPERIMENT_FQ_FILE = 'SiO2_NIMROD.mint01';
/** One line for figures and reports. */
export const EXPERIMENT_FQ_SOURCE = 'ISIS NIMROD run 1122, vitreous SiO2 at 298 K (Dissolve project data, GPL-3.0)';
/** Density of vitreous silica at room temperature and pressure, g/cm³. */
export const EXPERIMENT_DENSITY = 2.2;
/**
 * Q range of the F(Q) agreement factor, Å⁻¹: from below the FSDP (a 3000-atom box resolves Q ≥ 2π/L ≈ 0.18,
 * and its Lorch-windowed S(Q) settles by ~0.6) to 20 Å⁻¹, past which the measurement's noise dominates
 * the structure left in F(Q).
 */
export const FQ_RCHI_RANGE: readonly [number, number] = [0.8, 20];

export interface MeasuredCurve extends Curve {
  readonly err: Float64Array;
}

/**
 * Gudrun .mint01 text: `#` header lines, then rows `Q F(Q) error`. Rows with no error estimate (Q = 0 and the
 * zero padding past the measured range) are dropped.
 */
export function parseMint01(text: string, file: string): MeasuredCurve {
  const x: number[] = [];
  const y: number[] = [];
  const e: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const s = line.trim();
    if (s === '' || s.startsWith('#')) return;
    const tok = s.split(/\s+/).map(Number);
    if (tok.length < 3 || tok.some((v) => !Number.isFinite(v))) throw new ParseError(file, i + 1, `expected three numbers "Q F(Q) error", got "${s.slice(0, 60)}"`);
    if (!(tok[2] > 0)) return;
    if (x.length > 0 && !(tok[0] > x[x.length - 1])) throw new ParseError(file, i + 1, `Q must increase, got ${tok[0]} after ${x[x.length - 1]}`);
    x.push(tok[0]);
    y.push(tok[1]);
    e.push(tok[2]);
  });
  if (x.length < 10) throw new ParseError(file, 1, `only ${x.length} data rows with an error estimate; is this a Gudrun .mint01 file?`);
  return { x: Float64Array.from(x), y: Float64Array.from(y), err: Float64Array.from(e) };
}
