/**
 * The optimizer as a service for the campaign runner: what the worker thread answers to 'propose' and
 * 'surrogate' requests (src-worker/entry.ts), so GP fits never block the main process's event loop. One worker
 * thread serves all requests of a runner, so the optimizer's memos (GP fits, kernel factors) stay warm between
 * calls; answers never depend on them.
 *
 * Everything here is a pure function of its arguments: the runner rebuilds history and pending lists from the
 * store each time, so a resumed campaign gets exactly the answers it would have got.
 */
import { propose, stop } from '../optimize/optimizer.ts';
import { gpMap, gpSlice, surrogateFor, type MapView, type SliceView } from '../optimize/surrogate.ts';
import { surrogateImportance } from './importance.ts';
import { trustRegionBox, trustRegionState } from '../optimize/bo.ts';
import { parseOptimizerSettings, type BoOptimizerSettings, type Feasible, type Observation, type OptimizerSettings, type Proposal, type StopReason } from '../optimize/strategy.ts';
import { fromUnit, type ParameterSpaceSpec } from '../params/space.ts';
import { screenForceField, type ScreenContext } from '../physics/screen.ts';

/** What the optimizer may propose: the campaign's physics screen over its parameter space (null: anything). */
export interface ProposeConstraint {
  readonly space: ParameterSpaceSpec;
  readonly screen: ScreenContext;
}

/** The screen as a predicate on the unit cube. */
export function feasibleOf(c: ProposeConstraint): Feasible {
  return (u) => screenForceField(fromUnit(c.space, u), c.screen).ok;
}

export interface ProposeArgs {
  readonly settings: OptimizerSettings;
  /**
   * The campaign's finished baseline runs inside the box (phase 'initial', meta.origin 'baseline', extra to the
   * budget), then its finished optimizer evaluations in proposal order; y = R_χ (fraction), the partial R_χ of a
   * stopped run, or null for a failed or screened one; `status` says which.
   */
  readonly history: readonly Observation[];
  /** Optimizer evaluations still queued or running. */
  readonly pending: readonly Proposal[];
  /** Idle workers to fill. */
  readonly q: number;
  readonly seed: number;
  /** The campaign's physics screen, when it is on. */
  readonly constraint?: ProposeConstraint | null;
}

export interface ProposeAnswer {
  /** Why the optimizer is done, from the finished evaluations alone; null to go on. */
  readonly stop: StopReason | null;
  /** Up to q new points; none means "wait for running evaluations" (or, with nothing pending, that it is done). */
  readonly proposals: Proposal[];
}

/** Ask the optimizer whether to stop and, if not, for up to q points. */
export function proposeNext(a: ProposeArgs): ProposeAnswer {
  const feasible = a.constraint ? feasibleOf(a.constraint) : undefined;
  const s = stop(a.settings, a.history, feasible);
  if (s) return { stop: s, proposals: [] };
  return { stop: null, proposals: propose(a.settings, a.history, a.pending, a.q, a.seed, feasible) };
}

export type SurrogateViewRequest =
  | { readonly kind: 'slice'; readonly dim: number; readonly points: number }
  | { readonly kind: 'map'; readonly dx: number; readonly dy: number; readonly n: number }
  | { readonly kind: 'importance'; readonly n: number };

/** Sobol indices of the GP mean per free parameter (importance.ts), and the scale they were taken on. */
export interface ImportanceView {
  readonly kind: 'importance';
  readonly first: Float64Array;
  readonly total: Float64Array;
  readonly scale: 'log' | 'none';
  readonly n: number;
}

export interface SurrogateArgs {
  readonly settings: OptimizerSettings;
  readonly history: readonly Observation[];
  readonly seed: number;
  readonly view: SurrogateViewRequest;
}

export type SurrogateAnswer = SliceView | MapView | ImportanceView | null;

/**
 * The GP settings a surrogate view uses: the campaign's own for 'bo'; BO's defaults for the other strategies,
 * which fit no GP themselves but whose points a GP can still summarise.
 */
export function surrogateSettings(s: OptimizerSettings): BoOptimizerSettings {
  if (s.strategy === 'bo') return s;
  return parseOptimizerSettings({ strategy: 'bo', dim: s.dim, budget: s.budget }) as BoOptimizerSettings;
}

/** A slice or map of the GP fitted to the history; null with fewer than two successful points. */
export function surrogateView(a: SurrogateArgs): SurrogateAnswer {
  const sur = surrogateFor(a.history, surrogateSettings(a.settings), a.seed);
  if (!sur) return null;
  const v = a.view;
  if (v.kind === 'importance') {
    const imp = surrogateImportance(sur, v.n, a.seed);
    return { kind: 'importance', first: imp.first, total: imp.total, scale: sur.settings.bo.gp.outputTransform, n: imp.n };
  }
  if (v.kind === 'slice') return gpSlice(sur, v.dim, null, v.points);
  const map = gpMap(sur, v.dx, v.dy, null, v.n, v.n);
  const s = a.settings;
  if (s.strategy !== 'bo' || !s.bo.trustRegion.enabled) return map;
  // The same region boPropose searches next: replayed from the history, centred on this fit's answer.
  const tr = trustRegionState(a.history, s);
  if (tr.global) return map; // a restart's global phase: no region to draw
  const box = trustRegionBox(sur, tr.length);
  return { ...map, trustRegion: { lower: Array.from(box.lower), upper: Array.from(box.upper), length: tr.length, collapsed: tr.collapsed } };
}
