/**
 * Replicas: the same parameters evaluated with k seeds, so R_χ comes with its statistical spread (the paper
 * measured about 2 % relative spread for realistic forcefields). Seeds are derived from one base seed, the
 * spread is the sample standard deviation, failed replicas are reported with their reasons, never averaged.
 */
import { deriveSeed } from '../rng.ts';
import type { PairName } from '../species.ts';
import type { ForceField } from '../md/forcefield.ts';
import type { Progress } from '../md/protocol.ts';
import type { PartialRdf } from '../analysis/rdf.ts';
import { distributionMean, type AngleDistributions } from '../analysis/adf.ts';
import type { AbortSignalLike, DoneResult, EvaluationFailure, EvaluationResult, EvaluationSpec, Evaluator } from './spec.ts';

/**
 * Seeds of k replicas of base seed `seed`: the base seed itself first (so one replica is the evaluation
 * that spec.seed alone gives, and `glassfit md --seed` builds the same liquid), then derived ones;
 * deterministic, distinct, independent of k (a 4th replica keeps the first 3).
 */
export function replicaSeeds(seed: number, k: number): number[] {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`replicas must be a positive integer, got ${k}`);
  const seeds: number[] = [seed];
  for (let i = 1; seeds.length < k; i++) {
    const s = deriveSeed(seed, i);
    if (!seeds.includes(s)) seeds.push(s); // a 31-bit collision is rare, but two equal replicas would fake a zero spread
  }
  return seeds;
}

/** Mean and sample standard deviation (n − 1; null below two values) of a set of numbers. */
export interface Spread {
  readonly n: number;
  readonly mean: number;
  readonly sd: number | null;
  readonly values: readonly number[];
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) return { n, mean: NaN, sd: null, values: [] };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, sd: null, values: [...values] };
  const ss = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return { n, mean, sd: Math.sqrt(ss / (n - 1)), values: [...values] };
}

export interface ReplicaSummary {
  readonly replicas: number;
  readonly done: number;
  /** R_χ over the replicas that finished (fractions); null when none did. */
  readonly rChi: Spread | null;
  readonly chiByPair: Readonly<Record<PairName, Spread>>;
  readonly failed: readonly { readonly seed: number; readonly reason: string; readonly failure: EvaluationFailure }[];
}

export function summarizeReplicas(results: readonly EvaluationResult[]): ReplicaSummary {
  const done = results.filter((r): r is DoneResult => r.status === 'done');
  const pairs = done.length > 0 ? Object.keys(done[0].chiByPair) : [];
  return {
    replicas: results.length,
    done: done.length,
    rChi: done.length > 0 ? spread(done.map((r) => r.rChi)) : null,
    chiByPair: Object.fromEntries(pairs.map((p) => [p, spread(done.map((r) => r.chiByPair[p]))])),
    failed: results.flatMap((r) => (r.status === 'failed' ? [{ seed: r.seed, reason: r.reason, failure: r.failure }] : [])),
  };
}

export interface ReplicaOptions {
  /** Progress of replica i (0-based). */
  readonly onProgress?: (replica: number, p: Progress) => void;
  readonly signal?: AbortSignalLike;
}

/**
 * k replicas of one evaluation, all submitted at once so a pool runs them in parallel. Results are in
 * replica order (seeds = replicaSeeds(spec.seed, k)); the promise rejects only if the evaluator does.
 */
export async function evaluateReplicas(
  evaluator: Evaluator,
  ff: ForceField,
  spec: EvaluationSpec,
  k: number,
  opts: ReplicaOptions = {},
): Promise<{ results: EvaluationResult[]; summary: ReplicaSummary }> {
  const seeds = replicaSeeds(spec.seed, k);
  const results = await Promise.all(
    seeds.map((seed, i) =>
      evaluator.evaluate(ff, { ...spec, seed }, { ...(opts.onProgress ? { onProgress: (p: Progress) => opts.onProgress!(i, p) } : {}), signal: opts.signal }),
    ),
  );
  return { results, summary: summarizeReplicas(results) };
}

/** Mean partial g(r) of finished replicas (all on one grid, as the evaluator samples on the reference's). */
export function meanRdf(results: readonly DoneResult[]): PartialRdf {
  if (results.length === 0) throw new Error('no finished replica to average');
  const first = results[0].rdf;
  const g: Record<PairName, Float64Array> = {};
  for (const p of first.pairs) {
    const sum = new Float64Array(first.r.length);
    for (const res of results) {
      const gp = res.rdf.g[p];
      if (!gp || gp.length !== sum.length) throw new Error(`replica g_${p} is on a different grid`);
      for (let i = 0; i < sum.length; i++) sum[i] += gp[i];
    }
    for (let i = 0; i < sum.length; i++) sum[i] /= results.length;
    g[p] = sum;
  }
  return { ...first, g, frames: results.reduce((a, r) => a + r.rdf.frames, 0) };
}

/** Angle distributions of finished replicas pooled: histograms summed, then normalised as adf.ts does. */
export function meanAdf(results: readonly DoneResult[]): AngleDistributions | null {
  const adfs = results.map((r) => r.adf).filter((a): a is AngleDistributions => a !== null);
  if (adfs.length === 0) return null;
  const first = adfs[0];
  const counts: Record<string, Float64Array> = {};
  const p: Record<string, Float64Array> = {};
  const total: Record<string, number> = {};
  const mean: Record<string, number> = {};
  for (const t of first.triplets) {
    const c = new Float64Array(first.theta.length);
    for (const a of adfs) for (let i = 0; i < c.length; i++) c[i] += a.counts[t][i];
    const n = c.reduce((x, y) => x + y, 0);
    const pt = c.map((x) => (n > 0 ? x / (n * first.dTheta) : 0));
    counts[t] = c;
    p[t] = pt;
    total[t] = n;
    mean[t] = distributionMean(first.theta, pt, first.dTheta);
  }
  return { ...first, counts, p, total, mean, frames: adfs.reduce((a, x) => a + x.frames, 0) };
}
