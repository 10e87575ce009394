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
 * - The refinement is the paper's CG (cg.ts) or, with cg.method 'ls', a least-squares trust-region method on
 *   the g(r) residuals (ls.ts), which also fits the BO runs; both replay from the stored runs alike.
 * - The CG start is the BO incumbent of the BO part of the history, which no longer changes once CG has begun;
 *   its BO observations count as the start's values, and `cg.replicas` repeats measure the noise there.
 * - The incumbent at hand-over comes from a GP fitted with a fixed seed, because stop() (which must agree with
 *   propose()) receives no seed.
 */
import { cgStrategy, clearCmaesMemo, cmaesStrategy, randomStrategy } from './baselines.ts';
import { boPropose, boStarts, boStatus, boStop, clearBoMemos, type BoStatus } from './bo.ts';
import { cgProposals, cgReplay, type CgReplay, type CgStart } from './cg.ts';
import { lsReplay } from './ls.ts';
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
const startMemo = new Map<string, CgStart[]>();

function historyKey(h: readonly Observation[], s: BoOptimizerSettings): string {
  let str = `${h.length}|${s.cg.starts}|${s.cg.startSeparation}|${s.cg.startWithin}|`;
  for (const o of h) str += `${Array.prototype.join.call(o.u, ',')}:${o.y};`;
  return str;
}

const samePoint = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.prototype.every.call(a, (v: number, k: number) => v === b[k]);

/**
 * The CG starts after BO: its incumbent, then (cg.starts > 1) the best points of other basins, each with the
 * values observed there.
 */
export function handOverStarts(boHistory: readonly Observation[], s: BoOptimizerSettings): CgStart[] {
  const key = historyKey(boHistory, s);
  const hit = startMemo.get(key);
  if (hit) return hit;
  const starts = boStarts(boHistory, s, HANDOVER_SEED, s.cg.starts, { separation: s.cg.startSeparation, within: s.cg.startWithin }).map(
    (p): CgStart => ({ u: p.u, values: boHistory.filter((o) => samePoint(o.u, p.u)).map((o) => o.y), needStart: false }),
  );
  if (startMemo.size > 8) startMemo.delete(startMemo.keys().next().value as string);
  startMemo.set(key, starts);
  return starts;
}

/** The CG start after BO: the incumbent of the BO observations and the values observed there. */
export function handOverStart(boHistory: readonly Observation[], s: BoOptimizerSettings): CgStart | null {
  return handOverStarts(boHistory, s)[0] ?? null;
}

/** The chain a CG-phase proposal belongs to (meta.chain; absent = 0, as before chains existed). */
const chainOf = (p: Proposal): number => (typeof p.meta?.chain === 'number' ? p.meta.chain : 0);

/** One CG chain: its start, its replayed state, the MD runs it used and has running, its share of the budget. */
export interface CgChain {
  readonly start: CgStart;
  readonly cg: CgReplay;
  readonly used: number;
  readonly running: number;
  /** MD runs it may use (null: the rest of the budget — the last chain). */
  readonly share: number | null;
  /** It proposes no more: converged, failed, capped or out of its share. */
  readonly finished: boolean;
}

/** Where a 'bo' run stands. In the 'cg' phase `start`/`cg` are the chain now running (or the last one). */
export type BoCgState =
  | { readonly phase: 'bo'; readonly bo: BoStatus; readonly waiting: boolean }
  | { readonly phase: 'cg'; readonly bo: BoStatus; readonly start: CgStart; readonly cg: CgReplay; readonly chains: CgChain[]; readonly current: number };

export function boCgState(history: readonly Observation[], pending: readonly Proposal[], s: BoOptimizerSettings, feasible?: Feasible): BoCgState {
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
  const starts = handOverStarts(boHist, s);
  if (starts.length === 0) return { phase: 'bo', bo, waiting: false };
  // Chains run in order; each but the last gets an equal share of what BO left, and one that ends early leaves
  // its rest to the next (shares are counted cumulatively).
  const left = Math.max(0, s.budget - budgetUsed(boHist));
  const cgHist = history.filter(isCgPhase);
  const cgPending = pending.filter(isCgPhase);
  const chains: CgChain[] = [];
  let spent = 0;
  for (let c = 0; c < starts.length; c++) {
    const obs = cgHist.filter((o) => chainOf(o) === c);
    const cg = s.cg.method === 'ls' ? lsReplay(starts[c], boHist, obs, s.cg, feasible) : cgReplay(starts[c], obs, s.cg);
    const used = budgetUsed(obs);
    const running = cgPending.filter((p) => chainOf(p) === c).length;
    const last = c === starts.length - 1;
    const share = last ? null : Math.floor((left * (c + 1)) / starts.length) - spent;
    const finished = cg.status !== 'running' || (share !== null && used + running >= share);
    chains.push({ start: starts[c], cg, used, running, share, finished });
    // A chain that ended early (converged, say) hands its unused runs on.
    spent += finished ? used + running : (share ?? 0);
    if (!finished) break;
  }
  // The chains up to the first that can still run (then it is the current one), or all of them, finished.
  const current = chains.length - 1;
  return { phase: 'cg', bo, start: chains[current].start, cg: chains[current].cg, chains, current };
}

const refinement = (s: BoOptimizerSettings): string => (s.cg.method === 'ls' ? 'least-squares refinement' : 'CG refinement');

/** Strategy 'bo' with the CG hand-over: what `propose`/`stop` run for settings.strategy === 'bo'. */
export const boCgStrategy: Strategy<BoOptimizerSettings> = {
  name: 'bo',
  propose(history, pending, q, s, seed, feasible) {
    const st = boCgState(history, pending, s, feasible);
    if (st.phase === 'bo') return st.waiting ? [] : boPropose(history.filter(isBoPhase), pending.filter(isBoPhase), q, s, seed, feasible);
    const chain = st.chains[st.current];
    if (chain.finished) return [];
    const room = Math.min(q, remainingBudget(history, pending, s.budget), chain.share === null ? Infinity : chain.share - chain.used - chain.running);
    const tag = (p: Proposal): Proposal => (st.current === 0 ? p : { ...p, meta: { ...p.meta, chain: st.current } });
    return cgProposals(chain.cg, pending.filter((p) => chainOf(p) === st.current), room).map(tag);
  },
  stop(history, s, feasible) {
    const b = budgetStop(history, s.budget);
    if (b) return b;
    if (!s.cg.enabled) return boStop(history, s);
    const st = boCgState(history, [], s, feasible);
    if (st.phase === 'bo') return null;
    // Not done while a chain can still run (the current one is the last when all have finished).
    if (!st.chains[st.current].finished) return null;
    if (st.chains.length > 1) {
      const parts = st.chains.map((c, i) => `chain ${i + 1}: ${c.cg.status === 'running' ? `its share of ${c.share} runs used` : c.cg.detail}`);
      return st.chains.every((c) => c.cg.status === 'failed')
        ? { kind: 'failed', detail: `${refinement(s)}: ${parts.join('; ')}` }
        : { kind: 'converged', detail: `${refinement(s)} from ${st.chains.length} starts — ${parts.join('; ')}` };
    }
    if (st.cg.status === 'converged' || st.cg.status === 'cap') return { kind: 'converged', detail: `${refinement(s)}: ${st.cg.detail}` };
    if (st.cg.status === 'failed') return { kind: 'failed', detail: `${refinement(s)}: ${st.cg.detail}` };
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

/** Why the campaign should stop, or null to go on; `feasible` as given to `propose`. */
export function stop(settings: OptimizerSettings, history: readonly Observation[], feasible?: Feasible): StopReason | null {
  switch (settings.strategy) {
    case 'bo':
      return boCgStrategy.stop(history, settings, feasible);
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
