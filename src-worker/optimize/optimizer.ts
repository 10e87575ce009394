/**
 * The optimizer's single entry point for the campaign runner: `propose(settings, history, pending, q, seed)`
 * and `stop(settings, history)` dispatch by strategy name, and for 'bo' run the paper's full scheme — BO until
 * its plateau, then CG refinement from the BO incumbent (Sec. 2.5).
 *
 * Hand-over, a pure function of the history:
 * - CG has begun once any observation or pending proposal has phase 'cg' or 'replica'.
 * - Before that, CG begins when the BO part of the history (phases 'initial', 'bo') is on a plateau, or its trust
 *   region has collapsed (bo.trustRegion, onCollapse 'cg'), or no more than cg.reserve of the budget is left — and no BO proposal
 *   is still running (until they report, propose returns [] — their results could change the answer).
 * - The CG start is the BO incumbent of the BO part of the history, which no longer changes once CG has begun;
 *   its BO observations count as the start's values, and `cg.replicas` repeats measure the noise there.
 * - The incumbent at hand-over comes from a GP fitted with a fixed seed, because stop() (which must agree with
 *   propose()) receives no seed.
 */
import { cgStrategy, clearCmaesMemo, cmaesStrategy, randomStrategy } from './baselines.ts';
import { boIncumbent, boPropose, boStatus, boStop, clearBoMemos, type BoStatus } from './bo.ts';
import { cgProposals, cgReplay, type CgReplay, type CgStart } from './cg.ts';
import {
  budgetUsed,
  parseOptimizerSettings,
  remainingBudget,
  budgetStop,
  type BoOptimizerSettings,
  type Feasible,
  type Observation,
  type OptimizerSettings,
  type Proposal,
  type StopReason,
  type Strategy,
} from './strategy.ts';

const HANDOVER_SEED = 0x5eed;

const isBoPhase = (p: Proposal): boolean => p.phase === 'initial' || p.phase === 'bo';
const isCgPhase = (p: Proposal): boolean => p.phase === 'cg' || p.phase === 'replica';

/** Memo of hand-over starts keyed by the BO history's content (the fit behind it costs a GP fit). */
const startMemo = new Map<string, CgStart | null>();

function historyKey(h: readonly Observation[]): string {
  let s = `${h.length}|`;
  for (const o of h) s += `${Array.prototype.join.call(o.u, ',')}:${o.y};`;
  return s;
}

/** The CG start after BO: the incumbent of the BO observations and the values observed there. */
export function handOverStart(boHistory: readonly Observation[], s: BoOptimizerSettings): CgStart | null {
  const key = historyKey(boHistory);
  if (startMemo.has(key)) return startMemo.get(key) as CgStart | null;
  const inc = boIncumbent(boHistory, s, HANDOVER_SEED);
  let start: CgStart | null = null;
  if (inc) {
    const values = boHistory.filter((o) => o.u.length === inc.u.length && Array.prototype.every.call(o.u, (v: number, k: number) => v === inc.u[k])).map((o) => o.y);
    start = { u: inc.u, values, needStart: false };
  }
  if (startMemo.size > 8) startMemo.delete(startMemo.keys().next().value as string);
  startMemo.set(key, start);
  return start;
}

/** Where a 'bo' run stands. */
export type BoCgState =
  | { readonly phase: 'bo'; readonly bo: BoStatus; readonly waiting: boolean }
  | { readonly phase: 'cg'; readonly bo: BoStatus; readonly start: CgStart; readonly cg: CgReplay };

export function boCgState(history: readonly Observation[], pending: readonly Proposal[], s: BoOptimizerSettings): BoCgState {
  const boHist = history.filter(isBoPhase);
  const bo = boStatus(boHist, s);
  if (!s.cg.enabled) return { phase: 'bo', bo, waiting: false };
  const started = history.some(isCgPhase) || pending.some(isCgPhase);
  if (!started) {
    const plateau = bo.designDone && bo.sinceImprovement >= s.bo.plateau;
    const collapsed = bo.designDone && s.bo.trustRegion.enabled && s.bo.trustRegion.onCollapse === 'cg' && bo.trustRegion.collapsed;
    const reserve = bo.designDone && s.cg.reserve > 0 && budgetUsed(history) + pending.length >= Math.floor((1 - s.cg.reserve) * s.budget);
    if (!plateau && !collapsed && !reserve) return { phase: 'bo', bo, waiting: false };
    if (pending.some(isBoPhase)) return { phase: 'bo', bo, waiting: true };
  }
  const start = handOverStart(boHist, s);
  if (!start) return { phase: 'bo', bo, waiting: false };
  return { phase: 'cg', bo, start, cg: cgReplay(start, history.filter(isCgPhase), s.cg) };
}

/** Strategy 'bo' with the CG hand-over: what `propose`/`stop` run for settings.strategy === 'bo'. */
export const boCgStrategy: Strategy<BoOptimizerSettings> = {
  name: 'bo',
  propose(history, pending, q, s, seed, feasible) {
    const st = boCgState(history, pending, s);
    if (st.phase === 'bo') return st.waiting ? [] : boPropose(history.filter(isBoPhase), pending.filter(isBoPhase), q, s, seed, feasible);
    if (st.cg.status !== 'running') return [];
    return cgProposals(st.cg, pending, Math.min(q, remainingBudget(history, pending, s.budget)));
  },
  stop(history, s) {
    const b = budgetStop(history, s.budget);
    if (b) return b;
    if (!s.cg.enabled) return boStop(history, s);
    const st = boCgState(history, [], s);
    if (st.phase === 'bo') return null;
    if (st.cg.status === 'converged' || st.cg.status === 'cap') return { kind: 'converged', detail: `CG refinement: ${st.cg.detail}` };
    if (st.cg.status === 'failed') return { kind: 'failed', detail: `CG refinement: ${st.cg.detail}` };
    return null;
  },
};

/** Propose up to q points for idle workers. Fewer (even none) means: wait for running evaluations. */
export function propose(settings: OptimizerSettings, history: readonly Observation[], pending: readonly Proposal[], q: number, seed: number, feasible?: Feasible): Proposal[] {
  if (!Number.isInteger(q) || q < 0) throw new Error(`q must be a non-negative integer, got ${q}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
  switch (settings.strategy) {
    case 'bo':
      return boCgStrategy.propose(history, pending, q, settings, seed, feasible);
    case 'cg':
      return cgStrategy.propose(history, pending, q, settings, seed);
    case 'random':
      return randomStrategy.propose(history, pending, q, settings, seed);
    case 'cmaes':
      return cmaesStrategy.propose(history, pending, q, settings, seed);
  }
}

/** Why the campaign should stop, or null to go on. */
export function stop(settings: OptimizerSettings, history: readonly Observation[]): StopReason | null {
  switch (settings.strategy) {
    case 'bo':
      return boCgStrategy.stop(history, settings);
    case 'cg':
      return cgStrategy.stop(history, settings);
    case 'random':
      return randomStrategy.stop(history, settings);
    case 'cmaes':
      return cmaesStrategy.stop(history, settings);
  }
}

/** Forget every memo (GP fits, kernel factors, hand-over starts): frees memory; proposals do not change. */
export function clearOptimizerMemos(): void {
  clearBoMemos();
  clearCmaesMemo();
  startMemo.clear();
}

export { parseOptimizerSettings };
