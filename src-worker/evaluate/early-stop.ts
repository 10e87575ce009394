/**
 * Early stopping of hopeless MD runs: while a candidate's liquid runs, the R_χ of the g(r) of its last
 * picosecond is looked at a few times from the late relaxation on, and a run clearly worse than the campaign's
 * incumbent ends there as 'stopped' with that partial R_χ — MD time a campaign would otherwise spend on
 * liquids that are nothing like the reference. The data and the choice of checkpoints, window and margin are
 * in README.md (section "Early stopping"), measured by scripts/early-stop-data.ts.
 *
 * Two halves: the watcher the evaluator hands to the MD run (it samples g(r) into a moving window and decides
 * at the checkpoints: a pure function of the run and the spec, so (ff, spec) still fixes the result), and the
 * threshold the campaign runner puts into each spec at dispatch from its incumbent and the measured noise.
 */
import type { Watcher } from '../md/protocol.ts';
import type { SpeciesTable } from '../species.ts';
import { stepsOf } from '../md/run.ts';
import type { RdfSpec, PartialRdf } from '../analysis/rdf.ts';
import { addWindowFrame, closeWindowBlock, createRdfWindow, windowFull, windowRdf } from '../analysis/rdf-window.ts';
import { rChi, type CostRange, type CostResult } from './cost.ts';
import type { Reference } from './reference.ts';
import type { EarlyStopDetail, EarlyStopSpec, EvaluationSpec } from './spec.ts';

/** Blocks per window: the window moves in quarter-window steps, so checkpoints fall on block ends. */
const BLOCKS = 4;

/** Where the watcher looks, in protocol steps (relax + production, 1-based). */
export interface EarlyStopPlan {
  readonly blockSteps: number;
  /** Checkpoint steps, ascending, each a multiple of blockSteps, at least a full window into the run and before its end. */
  readonly checkpoints: readonly number[];
  readonly totalSteps: number;
  readonly relaxSteps: number;
  readonly windowPs: number; // the window as run: BLOCKS × blockSteps × timestep
}

/**
 * The plan of a spec's early stop: blocks are a whole number of structure samples (protocol.sampleEvery),
 * checkpoints are rounded to block ends, and a checkpoint earlier than one full window is dropped.
 */
export function earlyStopPlan(es: EarlyStopSpec, protocol: EvaluationSpec['protocol']): EarlyStopPlan {
  const dt = protocol.timestep;
  const relaxSteps = stepsOf(protocol.relax, dt);
  const totalSteps = relaxSteps + stepsOf(protocol.production, dt);
  const every = protocol.sampleEvery;
  const blockSteps = every * Math.max(1, Math.round(stepsOf(es.windowPs, dt) / BLOCKS / every));
  const windowSteps = BLOCKS * blockSteps;
  const checkpoints = [...new Set(es.checkpoints.map((f) => blockSteps * Math.round((f * totalSteps) / blockSteps)))].filter(
    // A checkpoint at the very end would only replace the full run's R_χ by a window's.
    (s) => s >= windowSteps && s < totalSteps,
  );
  return { blockSteps, checkpoints, totalSteps, relaxSteps, windowPs: windowSteps * dt };
}

/** What the watcher found when it stopped a run. */
export interface EarlyStopHit {
  readonly detail: EarlyStopDetail;
  readonly rdf: PartialRdf;
  readonly cost: CostResult;
}

export interface EarlyStopWatch {
  readonly watcher: Watcher;
  /** Set when the watcher stopped the run. */
  hit(): EarlyStopHit | null;
}

/**
 * The watcher of one run: samples g(r) every protocol.sampleEvery steps inside the window before each
 * checkpoint (and nowhere else, so a watched run costs a few hundred extra g(r) frames at most), and at each
 * checkpoint stops the run when the window's R_χ exceeds the threshold. Null when the spec asks for no early
 * stop or no checkpoint fits the run.
 */
export function earlyStopWatch(spec: EvaluationSpec, species: SpeciesTable, rdfSpec: RdfSpec): EarlyStopWatch | null {
  const es = spec.earlyStop;
  if (!es) return null;
  const plan = earlyStopPlan(es, spec.protocol);
  if (plan.checkpoints.length === 0) return null;
  const window = createRdfWindow(species, rdfSpec, BLOCKS);
  const windowSteps = BLOCKS * plan.blockSteps;
  let next = 0; // index of the coming checkpoint
  const reference: Reference = spec.reference;
  const range: CostRange = spec.costRange;
  let found: EarlyStopHit | null = null;
  const watcher: Watcher = {
    every: spec.protocol.sampleEvery,
    // The first sample of the first checkpoint's window.
    from: plan.checkpoints[0] - BLOCKS * plan.blockSteps + spec.protocol.sampleEvery,
    look(step, sys) {
      const at = plan.checkpoints[next];
      if (at === undefined || step <= at - windowSteps) return false;
      addWindowFrame(window, sys.type, sys.pos, sys.box);
      if (step % plan.blockSteps !== 0) return false;
      // Window starts are block ends, so by a checkpoint the ring holds exactly its window's blocks.
      closeWindowBlock(window);
      if (step !== at) return false;
      next++;
      if (!windowFull(window)) return false;
      const rdf = windowRdf(window);
      const cost = rChi(reference, rdf, range);
      // NaN (an empty window cannot happen here, but a NaN must never let a run through as 'better').
      if (!(cost.rChi > es.threshold) && Number.isFinite(cost.rChi)) return false;
      found = {
        rdf,
        cost,
        detail: {
          atStep: step,
          totalSteps: plan.totalSteps,
          partialRChi: cost.rChi,
          threshold: es.threshold,
          incumbent: es.incumbent ?? null,
          windowPs: plan.windowPs,
          frames: rdf.frames,
          stage: step <= plan.relaxSteps ? 'relax' : 'production',
        },
      };
      return true;
    },
  };
  return { watcher, hit: () => found };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** The one-line reason of a stopped run. */
export function describeEarlyStop(d: EarlyStopDetail): string {
  const at = Math.round((100 * d.atStep) / d.totalSteps);
  return (
    `stopped at ${at} % of the run (${d.stage}): partial R_χ ${pct(d.partialRChi)} > threshold ${pct(d.threshold)}` +
    (d.incumbent !== null ? ` (incumbent ${pct(d.incumbent)})` : '')
  );
}

// ------------------------------------------------------------------------------------------ threshold

/** A campaign's early-stop tunables (records.ts SearchSettings.earlyStop without `enabled`). */
export interface EarlyStopSettings {
  readonly tolerance: number;
  readonly noiseRel: number;
  readonly checkpoints: readonly number[];
  readonly windowPs: number;
}

/**
 * Defaults, chosen from the data in README.md ("Early stopping"): look at 30 % (the late relaxation), 50 % and
 * 70 % of the MD at the g(r) of the last picosecond; noiseRel 0.09 is the seed-to-seed spread of R_χ measured at
 * the benchmark protocol (648 atoms, 5 + 5 ps; larger systems and longer runs are quieter, so it errs high).
 */
export const DEFAULT_EARLY_STOP: EarlyStopSettings = {
  tolerance: 1.3,
  noiseRel: 0.09,
  checkpoints: [0.3, 0.5, 0.7],
  windowPs: 1,
};

/**
 * How much higher than its final R_χ a run's window R_χ may read at a checkpoint, beyond the window's noise
 * floor: the window/final ratio over the measured runs that end at R_χ ≥ 5 % is 1.008 ± 0.051, at most 1.263
 * (561 looks from 2 ps on); 1.3 covers every look (README.md, "Early stopping").
 */
export const PARTIAL_RATIO_MAX = 1.3;
/** Sds of the incumbent's own seed-to-seed noise added as margin (the incumbent is one noisy run, often a lucky one). */
export const INCUMBENT_NOISE_Z = 2;
/**
 * The noise floor of a window's R_χ: ν² = WINDOW_NOISE / (atoms · window ps), in fraction² · atom · ps. A g(r)
 * averaged over fewer atom-picoseconds is noisier, and noise only ever adds to Σ(g_ref − g)²: a perfect
 * forcefield reads above its final R_χ in a short window. Measured on the CHIK liquid against its own reference
 * (README.md): (R_window² − R_final²) · atoms · ps is 0.30 on average and at most 0.58 from 2 ps on; 0.6 covers
 * it — a floor of 3.0 % for 1 ps at 648 atoms, 1.4 % at 3000 atoms.
 */
export const WINDOW_NOISE = 0.6;

/**
 * The R_χ above which a run is stopped at a checkpoint. A run whose final R_χ is within `tolerance` of the
 * incumbent — taken `INCUMBENT_NOISE_Z` seed-to-seed sds above its value — reads at most PARTIAL_RATIO_MAX
 * times that in a window, on top of the window's noise floor (added in quadrature, as independent noise adds):
 *   threshold = sqrt( (tolerance · incumbent · (1 + z·noiseRel) · PARTIAL_RATIO_MAX)² + WINDOW_NOISE / (atoms · windowPs) ).
 */
export function earlyStopThreshold(incumbent: number, noiseRel: number, settings: Pick<EarlyStopSettings, 'tolerance' | 'windowPs'>, atoms: number): number {
  const scaled = settings.tolerance * incumbent * (1 + INCUMBENT_NOISE_Z * noiseRel) * PARTIAL_RATIO_MAX;
  return Math.sqrt(scaled * scaled + WINDOW_NOISE / (atoms * settings.windowPs));
}
