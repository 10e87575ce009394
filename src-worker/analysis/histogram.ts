/**
 * The one bin convention of every structural histogram in glassfit, LAMMPS's (`compute rdf`,
 * `compute adf`): n equal bins over [lo, hi), width = (hi − lo)/n, a value x falls in bin
 * floor((x − lo)·(1/width)) and values at or beyond hi are dropped; a bin is reported at its centre.
 * g(r), angle distributions and the reference grid all use it, so their bins line up index by index.
 */

export interface BinSpec {
  readonly lo: number; // lower edge of bin 0
  readonly hi: number; // upper edge of the last bin (exclusive)
  readonly n: number; // number of bins
}

/** Bins of a given width over [lo, hi): n = round((hi − lo)/width), and the width is then (hi − lo)/n
 * exactly as LAMMPS derives delr = cutoff/nbin, so `--rmax 8 --bin 0.02` is LAMMPS's `rdf 400 cutoff 8`. */
export function binsOfWidth(lo: number, hi: number, width: number): BinSpec {
  if (!(hi > lo)) throw new Error(`bin range [${lo}, ${hi}) is empty`);
  if (!(width > 0)) throw new Error(`bin width must be positive, got ${width}`);
  const n = Math.round((hi - lo) / width);
  if (n < 1) throw new Error(`bin width ${width} exceeds the range [${lo}, ${hi})`);
  if (Math.abs(n * width - (hi - lo)) > 1e-9 * (hi - lo)) {
    throw new Error(`bin width ${width} does not divide the range [${lo}, ${hi}) into whole bins`);
  }
  return { lo, hi, n };
}

export function binWidth(b: BinSpec): number {
  return (b.hi - b.lo) / b.n;
}

/** 1/width as LAMMPS forms it (delrinv = 1.0/delr): multiplying by this, not by n/(hi − lo), puts a value
 * on a bin edge into the same bin LAMMPS does. */
export function binInverseWidth(b: BinSpec): number {
  return 1 / binWidth(b);
}

/** Bin centres lo + (i + ½)·width, computed as LAMMPS prints them ((i+0.5)*delr for lo = 0). */
export function binCentres(b: BinSpec): Float64Array {
  const w = binWidth(b);
  const out = new Float64Array(b.n);
  for (let i = 0; i < b.n; i++) out[i] = b.lo + (i + 0.5) * w;
  return out;
}

/** Bin index of x, or −1 when x lies outside [lo, hi). Hot loops inline the same expression. */
export function binIndex(b: BinSpec, x: number): number {
  const k = Math.floor((x - b.lo) * binInverseWidth(b));
  return k >= 0 && k < b.n ? k : -1;
}
