/**
 * Views of the fitted surrogate for the UI: a 1-D slice through a point (posterior mean, 95 % band and expected
 * improvement along one parameter — the paper's Fig. 2) and a 2-D map of the posterior mean over two parameters
 * (Fig. 3). Coordinates are unit-cube values (the UI maps them to physical units with params/space.ts);
 * values are in y's own units (R_χ), back-transformed from the GP's log scale where the model uses one: the
 * band is then exp(μ ± 1.96σ) and the curve exp(μ), the posterior median.
 */
import { expectedImprovement } from './acquisition.ts';
import { fitSurrogate, untransformY, type Surrogate, feasibility } from './bo.ts';
import { makePrediction, predict, predictScratch } from './gp.ts';
import type { BoOptimizerSettings, Observation } from './strategy.ts';

export interface SliceView {
  readonly dim: number; // index of the free parameter varied
  readonly through: number[]; // the point the slice passes through (unit cube)
  readonly u: Float64Array; // [points] unit coordinate along dim
  readonly mean: Float64Array; // [points] posterior mean (median for a log model), y units
  readonly lower: Float64Array; // [points] 2.5 % quantile, y units
  readonly upper: Float64Array; // [points] 97.5 % quantile, y units
  readonly ei: Float64Array; // [points] expected improvement (Eq. 5) in the GP's output units (log y for a log model)
  readonly feasible: Float64Array; // [points] probability the evaluation succeeds
  readonly incumbent: number; // the EI incumbent, y units
}

export interface MapView {
  readonly dims: readonly [number, number];
  readonly through: number[];
  readonly nx: number;
  readonly ny: number;
  readonly ux: Float64Array; // [nx]
  readonly uy: Float64Array; // [ny]
  readonly mean: Float64Array; // [ny·nx] row-major (y index slow), y units
  readonly sd: Float64Array; // [ny·nx] posterior sd in the GP's output units
  /**
   * The trust region BO's next proposal is searched in (bo.ts trustRegionBox: unit cube, every free dimension),
   * when the campaign's BO uses one; absent otherwise.
   */
  readonly trustRegion?: { readonly lower: number[]; readonly upper: number[]; readonly length: number; readonly collapsed: boolean };
}

/** The surrogate of a campaign's history (BO settings), or null with fewer than two successful points. */
export function surrogateFor(history: readonly Observation[], s: BoOptimizerSettings, seed: number): Surrogate | null {
  return fitSurrogate(history, s, seed);
}

/** BO's answer in the unit cube: the evaluated point with the lowest posterior mean. */
export function incumbentPoint(sur: Surrogate): number[] {
  const d = sur.data.d;
  return Array.from(sur.data.X.subarray(sur.answerIndex * d, sur.answerIndex * d + d));
}

function checkDim(sur: Surrogate, k: number): void {
  if (!Number.isInteger(k) || k < 0 || k >= sur.data.d) throw new Error(`parameter index ${k} out of range 0…${sur.data.d - 1}`);
}

/** Mean, 95 % band and EI along dimension `dim` through `through` (default: BO's answer). */
export function gpSlice(sur: Surrogate, dim: number, through: ArrayLike<number> | null = null, points = 101): SliceView {
  checkDim(sur, dim);
  if (points < 2) throw new Error('a slice needs at least 2 points');
  const s = sur.settings;
  const base = through ? Array.from(through) : incumbentPoint(sur);
  const gp = sur.gp;
  const sc = predictScratch(gp);
  const p = makePrediction(gp.d);
  const u = new Float64Array(points);
  const mean = new Float64Array(points);
  const lower = new Float64Array(points);
  const upper = new Float64Array(points);
  const ei = new Float64Array(points);
  const feasible = new Float64Array(points);
  const x = [...base];
  for (let i = 0; i < points; i++) {
    u[i] = i / (points - 1);
    x[dim] = u[i];
    predict(gp, x, p, sc, false);
    const sd = Math.sqrt(p.variance);
    mean[i] = untransformY(s, p.mean);
    lower[i] = untransformY(s, p.mean - 1.96 * sd);
    upper[i] = untransformY(s, p.mean + 1.96 * sd);
    ei[i] = expectedImprovement(p.mean, sd, sur.best);
    feasible[i] = feasibility(sur, x);
  }
  return { dim, through: base, u, mean, lower, upper, ei, feasible, incumbent: untransformY(s, sur.best) };
}

/** Posterior mean over a grid of dimensions (dx, dy) through `through` (default: BO's answer). */
export function gpMap(sur: Surrogate, dx: number, dy: number, through: ArrayLike<number> | null = null, nx = 41, ny = nx): MapView {
  checkDim(sur, dx);
  checkDim(sur, dy);
  if (dx === dy) throw new Error('a map needs two different parameters');
  if (nx < 2 || ny < 2) throw new Error('a map needs at least 2×2 points');
  const s = sur.settings;
  const base = through ? Array.from(through) : incumbentPoint(sur);
  const gp = sur.gp;
  const sc = predictScratch(gp);
  const p = makePrediction(gp.d);
  const ux = Float64Array.from({ length: nx }, (_, i) => i / (nx - 1));
  const uy = Float64Array.from({ length: ny }, (_, j) => j / (ny - 1));
  const mean = new Float64Array(nx * ny);
  const sd = new Float64Array(nx * ny);
  const x = [...base];
  for (let j = 0; j < ny; j++) {
    x[dy] = uy[j];
    for (let i = 0; i < nx; i++) {
      x[dx] = ux[i];
      predict(gp, x, p, sc, false);
      mean[j * nx + i] = untransformY(s, p.mean);
      sd[j * nx + i] = Math.sqrt(p.variance);
    }
  }
  return { dims: [dx, dy], through: base, nx, ny, ux, uy, mean, sd };
}
