/**
 * The cost the optimizer minimises (paper Eqs. 2–3):
 *   χ²_ab = Σ_r (g_ref,ab(r) − g_md,ab(r))² / Σ_r g_ref,ab(r)²,    R_χ = sqrt(mean over pairs ab of χ²_ab),
 * summed over the reference's r-grid points inside [rMin, rMax].
 *
 * Default range: the whole 0–8 Å grid (400 bins of 0.02 Å, centres 0.01 … 7.99 Å). That is the convention
 * of the LAMMPS fixtures' R_χ matrix (structure/rchi_matrix.json: BKS vs CHIK 7.51 %, ML vs CHIK 7.56 %),
 * which this definition reproduces to every printed digit, and it ends at the potential's cut-off like the
 * paper's comparison. Bins inside the hard core (g_ref = 0) add nothing to Σ g_ref² but do count a model
 * that puts atoms there, which is wanted: an overlapping model is wrong.
 */
import type { PairName } from '../species.ts';
import { resample } from '../io/gr-table.ts';

/** r-range of the sum, Å, both ends inclusive (on bin centres). */
export interface CostRange {
  readonly rMin: number;
  readonly rMax: number;
}

export const DEFAULT_COST_RANGE: CostRange = { rMin: 0, rMax: 8 };

/** Anything with partial g(r) on a grid: a Reference, a PartialRdf. */
export interface GofR {
  readonly r: Float64Array; // [nr] Å
  readonly pairs: readonly PairName[];
  readonly g: Readonly<Record<PairName, Float64Array>>;
}

export interface CostResult {
  readonly rChi: number; // fraction: 0.0751 is 7.51 %
  readonly chi2: Readonly<Record<PairName, number>>; // χ²_ab
  readonly chi: Readonly<Record<PairName, number>>; // χ_ab = sqrt(χ²_ab), fraction
  readonly pairs: readonly PairName[]; // the reference's pairs, the ones averaged
  readonly points: number; // r-grid points summed per pair
  readonly range: CostRange;
}

/**
 * R_χ of a model's g(r) against a reference's, on the reference's grid. The model is read at the
 * reference's r values: copied where the grids coincide (the evaluator computes g on the reference's own
 * bins), linearly interpolated otherwise. Throws when the model lacks a pair or does not cover the range —
 * a programming or set-up error, never a property of the forcefield.
 */
export function rChi(ref: GofR, model: GofR, range: CostRange = DEFAULT_COST_RANGE): CostResult {
  const { from, grid } = costGrid(ref, range);
  const chi2: Record<PairName, number> = {};
  const chi: Record<PairName, number> = {};
  let sum = 0;
  for (const p of ref.pairs) {
    const s = modelOnGrid(model, p, grid);
    const gr = ref.g[p];
    let num = 0;
    let den = 0;
    for (let k = 0; k < grid.length; k++) {
      const d = gr[from + k] - s.values[k];
      num += d * d;
      den += gr[from + k] * gr[from + k];
    }
    if (!(den > 0)) throw new Error(`reference g_${p} is zero everywhere in [${range.rMin}, ${range.rMax}] Å: χ² is undefined`);
    chi2[p] = num / den;
    chi[p] = Math.sqrt(num / den);
    sum += num / den;
  }
  return { rChi: Math.sqrt(sum / ref.pairs.length), chi2, chi, pairs: ref.pairs, points: grid.length, range };
}

/** The reference's r-grid points inside the range (bin centres, both ends inclusive) and the first one's index. */
function costGrid(ref: GofR, range: CostRange): { from: number; grid: Float64Array } {
  if (!(range.rMax > range.rMin)) throw new Error(`cost range [${range.rMin}, ${range.rMax}] Å is empty`);
  let from = 0;
  while (from < ref.r.length && ref.r[from] < range.rMin) from++;
  let to = ref.r.length;
  while (to > from && ref.r[to - 1] > range.rMax) to--;
  if (to - from < 1) throw new Error(`the reference has no r-grid point in [${range.rMin}, ${range.rMax}] Å`);
  return { from, grid: ref.r.subarray(from, to) };
}

/** The model's g of one pair read at the grid's r values. */
function modelOnGrid(model: GofR, p: PairName, grid: Float64Array): { values: Float64Array } {
  const gm = model.g[p];
  if (!gm) throw new Error(`the model's g(r) has no ${p} pair`);
  const s = resample(model.r, gm, grid);
  if (s.from !== 0 || s.to !== grid.length) {
    throw new Error(`the model's g(r) (r ${model.r[0]}–${model.r[model.r.length - 1]} Å) does not cover the cost range ${grid[0]}–${grid[grid.length - 1]} Å`);
  }
  return s;
}

/**
 * R_χ as a vector: per pair ab (in the reference's order) and grid point, (g_ref − g_md)/sqrt(P·Σ g_ref,ab²) with
 * P the number of pairs, so that its squared norm is R_χ². What a least-squares refinement (optimize/ls.ts) models:
 * each run tells it how every bin moved, not just one number. Float32: it is data for a model, not a result.
 */
export function rChiResiduals(ref: GofR, model: GofR, range: CostRange = DEFAULT_COST_RANGE): Float32Array {
  const { from, grid } = costGrid(ref, range);
  const out = new Float32Array(ref.pairs.length * grid.length);
  let o = 0;
  for (const p of ref.pairs) {
    const s = modelOnGrid(model, p, grid);
    const gr = ref.g[p];
    let den = 0;
    for (let k = 0; k < grid.length; k++) den += gr[from + k] * gr[from + k];
    if (!(den > 0)) throw new Error(`reference g_${p} is zero everywhere in [${range.rMin}, ${range.rMax}] Å: χ² is undefined`);
    const scale = 1 / Math.sqrt(ref.pairs.length * den);
    for (let k = 0; k < grid.length; k++) out[o++] = (gr[from + k] - s.values[k]) * scale;
  }
  return out;
}
