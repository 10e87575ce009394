/**
 * How many cores are idle now: the machine's cores less its one-minute load average (what other work keeps
 * busy), at least 1. One MD run's helper threads (src-worker/md/force-team.ts) wait for each other every
 * step, so on a busy machine extra threads lose more to waiting than they gain; defaults for threads per
 * evaluation are taken from this, not from the core count alone. (Windows reports no load average: all cores
 * count as idle there.)
 */
import { availableParallelism, loadavg } from 'node:os';

export function idleCores(): number {
  const cores = availableParallelism();
  const busy = loadavg()[0];
  return Math.max(1, Math.min(cores, Math.floor(cores - busy + 0.5)));
}

/** Default threads per evaluation when `evaluations` run at once: the idle cores shared among them. */
export function defaultThreadsPerEvaluation(evaluations: number): number {
  return Math.max(1, Math.floor(idleCores() / Math.max(1, evaluations)));
}

/**
 * How a worker pool of `workers` uses the cores that are idle when it starts: each worker keeps a force team and
 * the pool shares the idle cores among the evaluations running at each moment (pool.ts shareCores), so a CG line
 * search, the last run of a batch or a campaign with one worker still uses every core. A team holds at most twice
 * a worker's fair share of the cores (and MAX_THREADS): its helpers are threads that exist while they sleep, and
 * a pool with as many workers as cores gains little from more (a lone run there gets 2 cores, not all).
 * One idle core: one thread per evaluation, no team.
 */
export function coreSharing(maxThreads: number, workers: number): { threadsPerEvaluation: number; shareCores?: number } {
  const cores = idleCores();
  if (cores < 2) return { threadsPerEvaluation: 1 };
  const team = Math.min(maxThreads, cores, 2 * Math.ceil(cores / Math.max(1, workers)));
  return { threadsPerEvaluation: team, shareCores: cores };
}
