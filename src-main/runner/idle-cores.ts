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
