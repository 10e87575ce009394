/**
 * A synchronous stand-in for the campaign runner on synthetic functions: q workers, proposals asked through the
 * public `propose`/`stop`, results told back in proposal order (the oldest running evaluation finishes first).
 * Used by the tests and the benchmark; the real runner does the same with MD on worker threads.
 */
import { createRng, deriveSeed } from '../rng.ts';
import { propose, stop } from './optimizer.ts';
import type { Observation, OptimizerSettings, Proposal, StopReason } from './strategy.ts';
import { evaluateNoisy, trueValue, type TestFunction } from './testfunctions.ts';

export interface SimulationResult {
  readonly history: Observation[];
  /** Noise-free value of each evaluated point (NaN where it failed). */
  readonly trueValues: number[];
  readonly stopReason: StopReason | null;
}

export interface SimulateOptions {
  readonly q?: number; // parallel workers (default 1)
  readonly maxEvals?: number; // hard cap on evaluations besides the strategy's own budget
  /** Called after each evaluation; return true to stop early (e.g. target reached). */
  readonly onEval?: (history: readonly Observation[], trueValues: readonly number[]) => boolean;
}

export function simulate(settings: OptimizerSettings, tf: TestFunction, seed: number, o: SimulateOptions = {}): SimulationResult {
  const q = o.q ?? 1;
  const cap = o.maxEvals ?? settings.budget;
  const history: Observation[] = [];
  const trueValues: number[] = [];
  const pending: Proposal[] = [];
  let reason: StopReason | null = null;
  while (history.length < cap) {
    reason = stop(settings, history);
    if (reason) break;
    if (pending.length < q) pending.push(...propose(settings, history, pending, q - pending.length, seed));
    const p = pending.shift();
    if (!p) {
      reason = { kind: 'converged', detail: 'the strategy proposed nothing with no evaluation running' };
      break;
    }
    // Evaluation noise depends on the evaluation's index only: each strategy sees independent noise draws.
    const y = evaluateNoisy(tf, p.u, createRng(deriveSeed(seed, 99, history.length)));
    history.push({ ...p, y });
    trueValues.push(y === null ? NaN : trueValue(tf, p.u));
    if (o.onEval?.(history, trueValues)) break;
  }
  if (!reason) reason = stop(settings, history);
  return { history, trueValues, stopReason: reason };
}

/** Evaluations needed until the noise-free value first reaches the target; budget + 1 if never. */
export function evalsToTarget(trueValues: readonly number[], target: number, budget: number): number {
  for (let i = 0; i < trueValues.length; i++) if (trueValues[i] <= target) return i + 1;
  return budget + 1;
}
