/**
 * Tick values for logarithmic axes that label the range where the data are. chart.js's log scale labels
 * 1-2-5 decades only, so R_χ points between 4 and 6 % sat between the 2 and 5 % … 10 % ticks with none of their
 * own, and a parameter axis over three decades crowded its labels. Here the ticks come from the narrowest
 * "nice" mantissa set that gives enough of them inside [min, max], and never more than fit.
 */
import type { Scale } from 'chart.js';

/** Mantissa sets from sparse to dense: each tick is m·10^k. */
const MANTISSAS: readonly (readonly number[])[] = [
  [1],
  [1, 3],
  [1, 2, 5],
  [1, 2, 3, 5],
  [1, 1.5, 2, 3, 4, 5, 6, 8],
  [1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9],
];

/** Values m·10^k inside [min, max] for one mantissa set, ascending. */
function ticksFor(min: number, max: number, set: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(min)) - 1; k <= Math.ceil(Math.log10(max)); k++) {
    const p = 10 ** k;
    for (const m of set) {
      // Round to the mantissa's own precision, so 0.1·3 is 0.3, not 0.30000000000000004.
      const v = Number((m * p).toPrecision(6));
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

/**
 * Tick values for a log axis over [min, max] (both > 0): the sparsest mantissa set with at least `fewest` ticks
 * inside, thinned to at most `most` (every k-th) if even the sparsest has too many.
 */
export function logTicks(min: number, max: number, fewest = 4, most = 8): number[] {
  if (!(min > 0) || !(max > min) || !Number.isFinite(max)) return min > 0 && Number.isFinite(min) ? [min] : [];
  let best: number[] = [];
  for (const set of MANTISSAS) {
    const t = ticksFor(min, max, set);
    if (t.length > most) {
      if (best.length === 0) best = t; // even the sparsest set is too dense: thin it below
      break;
    }
    best = t;
    if (t.length >= fewest) break;
  }
  if (best.length > most) {
    const step = Math.ceil(best.length / most);
    best = best.filter((_, i) => i % step === 0);
  }
  // Fewer than two ticks inside (a range narrower than the densest set): label both ends.
  if (best.length < 2) best = [Number(min.toPrecision(3)), Number(max.toPrecision(3))];
  return best;
}

/** A tick label: plain digits, thousands without separators below 10⁵, exponents beyond. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/**
 * Axis options for a log axis whose ticks follow logTicks: `afterBuildTicks` replaces chart.js's ticks with
 * ours for the axis's actual range, so zooming in keeps labelled ticks too. `fewest` ticks at least.
 */
export function logAxisTicks(fewest = 4, most = 8) {
  return {
    afterBuildTicks(scale: Scale) {
      const values = logTicks(scale.min, scale.max, fewest, most);
      scale.ticks = values.map((value) => ({ value, major: false }));
    },
    ticks: { autoSkip: true, maxRotation: 0, callback: (v: number | string) => tickLabel(Number(v)) },
  };
}

/** Axis limits that frame positive data on a log axis with a small margin on either side. */
export function logRange(values: readonly number[], margin = 1.12): { min: number; max: number } | null {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return null;
  let lo = Math.min(...pos);
  let hi = Math.max(...pos);
  if (hi / lo < 1.5) {
    // A narrow band of values: widen to at least a factor 1.5 around their geometric centre.
    const c = Math.sqrt(lo * hi);
    lo = c / Math.sqrt(1.5);
    hi = c * Math.sqrt(1.5);
  }
  return { min: lo / margin, max: hi * margin };
}
