/**
 * The campaign runner: baselines → optimizer loop → final replicas of the best point → finished, with every
 * evaluation on the campaign's backend (backend.ts: worker threads, local LAMMPS processes or SLURM job arrays) and
 * every result committed to the store before anything else sees it. Pause and stop abort running evaluations with
 * the action as the reason: a SLURM job is cancelled on 'stop' only, and re-attached after a pause (slurm-evaluator.ts).
 * Plain Node (the CLI and tests run it; the Electron main process embeds it through api/handlers.ts).
 *
 * - One runner per campaign: it holds the campaign's lease (store/lock.ts) while it runs.
 * - Queued rows run first, in seq order: the baselines stored at creation, proposals stored but not yet run,
 *   and — after a crash or a pause — the rows that were running. A re-run uses the row's stored u, params
 *   and seed, so it is the same evaluation.
 * - The optimizer (a pure function of the finished optimizer rows in seq order and the pending ones) runs
 *   in its own worker thread; a finished evaluation is committed in its own transaction, and only then does
 *   the next question to the optimizer see it. A failed evaluation (MD blow-up, invalid parameters) is stored
 *   with its reason and enters the history with y = null: the BO's feasibility model learns to avoid its
 *   region, and the campaign goes on.
 * - Pause and stop cancel running evaluations promptly (the engine polls a control word) and put them back to
 *   'queued'; they are re-run on resume. An evaluation that finishes before its cancel lands is kept.
 * - Budget = the optimizer's MD runs (done, failed and stopped); baselines, final replicas and screened points
 *   are extra.
 * - Physics screen (campaign.search.screen): every proposal is screened before anything is dispatched, on every
 *   backend; a rejected one is stored at once as 'screened' with the rule (no MD, no budget) and the optimizer is
 *   asked again. After search.maxScreenedInARow rejections in a row the campaign ends as 'exhausted'.
 * - Early stopping (campaign.search.earlyStop): each optimizer run is dispatched with a threshold from the
 *   incumbent at that moment and the measured noise (campaign/search.ts); a run clearly worse stops early as
 *   'stopped' with its partial R_χ. Baselines and final replicas always run to the end: they are the comparison.
 *   A run re-dispatched after a pause or crash gets the threshold of its new dispatch.
 * - The optimizer's history starts with the finished baseline runs inside the box (phase 'initial'): the model
 *   uses them, the budget does not count them.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store/store.ts';
import { acquireLease, type Lease } from '../store/lock.ts';
import { WorkerCrashError } from './pool.ts';
import { createEvaluator, type CampaignEvaluator } from './backend.ts';
import { coreSharing } from './idle-cores.ts';
import { MAX_THREADS } from '../../src-worker/md/force-team.ts';
import { createOptimizerClient, type OptimizerClient } from './optimizer-client.ts';
import type { EventSink } from '../api/contract.ts';
import type { Progress } from '../../src-worker/md/protocol.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { EvaluationResult } from '../../src-worker/evaluate/spec.ts';
import type { Reference } from '../../src-worker/evaluate/reference.ts';
import { budgetUsed, needsResiduals, type Observation, type Proposal, type Phase } from '../../src-worker/optimize/strategy.ts';
import { campaignReference, finalEvaluations, proposalEvaluation, specFor } from '../../src-worker/campaign/setup.ts';
import { earlyStopSpecFor, incumbentRChi, replicaNoiseRel, residualOf, screenedInARow, searchHistory } from '../../src-worker/campaign/search.ts';
import { screenContextFor, screenForceField, type ScreenContext } from '../../src-worker/physics/screen.ts';
import type { EarlyStopSpec } from '../../src-worker/evaluate/spec.ts';
import { finished as finishedCount, mdRuns } from '../../src-worker/campaign/records.ts';
import { finalReplicaDecision } from '../../src-worker/campaign/advice.ts';
import type {
  CampaignProgress,
  CampaignRecord,
  CampaignStatus,
  CampaignStopReason,
  EvaluationRecord,
  WorkerStatus,
} from '../../src-worker/campaign/records.ts';
import type { OptimizerRow, ProposedEvaluation } from '../store/store.ts';

export interface RunnerOptions {
  readonly store: Store;
  readonly campaignId: string;
  /** The worker script (nodeWorkerEntry() under Node, out/main/worker.js in Electron). */
  readonly workerEntry: string | URL;
  /** Worker threads for evaluations; default the campaign's setting. */
  readonly workers?: number;
  /** Receives evaluation.changed, campaign.progress, worker.status and campaigns.changed. */
  readonly emit?: EventSink;
  /** Lease owner id (default a fresh uuid). */
  readonly owner?: string;
  /** Shortest interval between a worker's progress messages, ms (default 500). */
  readonly reportIntervalMs?: number;
  /**
   * Threads per evaluation's MD, fixed. Default: the cores idle at the start shared among the evaluations running
   * at each moment, changed mid-run (idle-cores.ts coreSharing), so a campaign with fewer workers than cores, a
   * CG line search or the last run of a batch still uses every core (src-worker/md/force-team.ts).
   */
  readonly threadsPerEvaluation?: number;
  /** Shortest interval between worker.status events, ms (default 1000). */
  readonly statusIntervalMs?: number;
  /** Consecutive worker crashes after which the runner pauses the campaign instead of burning its budget (default 3). */
  readonly maxConsecutiveCrashes?: number;
}

export interface RunOutcome {
  readonly status: CampaignStatus;
  readonly stopReason: CampaignStopReason | null;
  /** Why the runner gave up, when it did (the campaign is then paused and resumable). */
  readonly error: Error | null;
}

export interface CampaignRun {
  readonly campaignId: string;
  /** Settles when the runner ends: finished, paused or stopped. Never rejects. */
  readonly done: Promise<RunOutcome>;
  /** Cancel running evaluations (back to queued) and end as 'paused'. */
  pause(): Promise<RunOutcome>;
  /** The same, ending as 'stopped' (resumable as well). */
  stop(): Promise<RunOutcome>;
  progress(): CampaignProgress;
  workerStatus(): WorkerStatus;
}

interface Running {
  readonly rec: EvaluationRecord;
  readonly abort: AbortController;
  readonly slot: number;
  progress: Progress | null;
}

const PENDING: readonly string[] = ['queued', 'running'];

/**
 * The optimizer's history and pending lists from the stored rows: the finished baseline runs inside the box
 * first, then the optimizer's rows in seq order (u, phase, meta as proposed; campaign/search.ts).
 */
export function optimizerLists(rows: readonly OptimizerRow[], baselines: readonly OptimizerRow[] = []): { history: Observation[]; pending: Proposal[] } {
  return searchHistory(baselines, rows);
}

/**
 * Start (or resume) a campaign. Throws a LockError when another process runs it; everything later is reported
 * through the returned run's `done`.
 */
export function startCampaign(opts: RunnerOptions): CampaignRun {
  const { store, campaignId } = opts;
  const emit: EventSink = opts.emit ?? (() => {});
  const campaign: CampaignRecord = store.campaign(campaignId);
  const lease: Lease = acquireLease(store.db, campaignId, opts.owner ?? randomUUID());
  let reference: Reference;
  try {
    reference = campaignReference(campaign);
  } catch (e) {
    lease.release();
    throw e;
  }
  // On SLURM the runner keeps maxInFlight evaluations out at once: the optimizer's batch is that big.
  const workers = opts.workers ?? (campaign.execution.backend === 'slurm' ? campaign.execution.slurm.maxInFlight : campaign.workers);
  // Built once per run: the screen's view of the campaign (reference peaks, temperature), null when it screens nothing.
  const screenCtx: ScreenContext | null = campaign.search.screen
    ? screenContextFor({ species: campaign.species, reference, temperature: campaign.protocol.temperature })
    : null;
  const maxCrashes = opts.maxConsecutiveCrashes ?? 3;
  const statusIntervalMs = opts.statusIntervalMs ?? 1000;

  let evaluator: CampaignEvaluator | null = null;
  let optimizer: OptimizerClient | null = null;
  const running = new Map<number, Running>();
  let control: 'run' | 'pause' | 'stop' = 'run';
  let proposing = false;
  /** Something changed since the optimizer was last asked (a result, a requeue, more idle workers). */
  let dirty = true;
  let optimizerStop: CampaignStopReason | null = null;
  let optimizerDone = false;
  let lastPhase: Phase | null = null;
  let fatal: Error | null = null;
  let crashes = 0;
  let finished = false;
  let wakeUp: (() => void) | null = null;
  let statusTimer: NodeJS.Timeout | null = null;
  let statusDue = false;

  const wake = () => {
    const w = wakeUp;
    wakeUp = null;
    w?.();
  };

  function changed(rec: EvaluationRecord): void {
    emit('evaluation.changed', rec);
  }

  function freeSlot(): number {
    const used = new Set([...running.values()].map((r) => r.slot));
    for (let k = 0; k < workers; k++) if (!used.has(k)) return k;
    return used.size;
  }

  function stage(): CampaignProgress['stage'] {
    if (finished) return 'finished';
    if (optimizerDone) return 'final';
    const b = store.counts(campaignId, 'baseline');
    return b.queued + b.running > 0 ? 'baselines' : 'optimizer';
  }

  function progress(): CampaignProgress {
    const o = store.counts(campaignId, 'optimizer');
    const b = store.counts(campaignId, 'baseline');
    const f = store.counts(campaignId, 'final');
    const best = store.best(campaignId);
    const budget = campaign.optimizer.budget;
    const finalTotal = finishedCount(f) + f.queued + f.running || finalWanted(store, campaignId, campaign.finalReplicas, best).count;
    // ETA: MD runs left × mean wall time per finished one ÷ workers, less the running ones' progress.
    const mean = store.meanDurationS(campaignId);
    let etaS: number | null = null;
    if (mean !== null && !finished) {
      const left = (optimizerDone ? 0 : Math.max(0, budget - mdRuns(o))) + b.queued + b.running + Math.max(0, finalTotal - finishedCount(f));
      let partial = 0;
      for (const r of running.values()) if (r.progress && r.progress.totalSteps > 0) partial += r.progress.step / r.progress.totalSteps;
      etaS = Math.max(0, ((left - partial) * mean) / workers);
    }
    const status: CampaignStatus = finished ? 'finished' : control === 'run' ? 'running' : control === 'pause' ? 'paused' : 'stopped';
    return {
      campaignId,
      status,
      stage: stage(),
      phase: lastPhase,
      done: o.done,
      failed: o.failed,
      screened: o.screened,
      stopped: o.stopped,
      running: o.running,
      queued: o.queued,
      budget,
      baselines: { done: finishedCount(b), total: finishedCount(b) + b.queued + b.running },
      final: { done: finishedCount(f), total: finalTotal },
      bestRChi: best?.rChi ?? null,
      bestEvaluationId: best?.id ?? null,
      etaS,
      stopReason: optimizerStop,
    };
  }

  function workerStatus(): WorkerStatus {
    const bySlot = new Map([...running.values()].map((r) => [r.slot, r]));
    return {
      campaignId,
      workers: Array.from({ length: workers }, (_, index) => {
        const r = bySlot.get(index);
        const p = r?.progress ?? null;
        return {
          index,
          evaluationId: r ? r.rec.id : null,
          origin: r ? r.rec.origin : null,
          phase: r ? r.rec.phase : null,
          md: p ? p.phase : null,
          step: p ? p.step : 0,
          totalSteps: p ? p.totalSteps : 0,
          temperature: p && Number.isFinite(p.temperature) ? p.temperature : null,
          etaS: p && Number.isFinite(p.etaS) ? p.etaS : null,
        };
      }),
    };
  }

  function emitProgress(): void {
    emit('campaign.progress', progress());
  }

  /** worker.status at most every statusIntervalMs, with a progress event for a fresh ETA. */
  function scheduleStatus(): void {
    statusDue = true;
    if (statusTimer) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      if (!statusDue) return;
      statusDue = false;
      emit('worker.status', workerStatus());
      emitProgress();
    }, statusIntervalMs);
  }

  function dispatch(row: EvaluationRecord): void {
    const rec = store.markRunning(row.id);
    const entry: Running = { rec, abort: new AbortController(), slot: freeSlot(), progress: null };
    running.set(rec.id, entry);
    changed(rec);
    const t0 = performance.now();
    // Every backend applies the spec's early stop: the JS engine's watcher, or the LAMMPS input's checkpoints (lammps-job.ts).
    const stopRule = rec.origin === 'optimizer' ? earlyStopNow() : null;
    const spec = specFor(campaign, reference, rec.seed, stopRule);
    evaluator!
      .evaluate(rec.params as ForceField, spec, {
        evaluationId: rec.id,
        signal: entry.abort.signal,
        onProgress: (p) => {
          entry.progress = p;
          scheduleStatus();
        },
      })
      .then(
        (result) => settle(entry, result, null, t0),
        (error: Error) => settle(entry, null, error, t0),
      );
  }

  /** The early stop of an optimizer run dispatched now: the threshold from today's incumbent and noise. */
  function earlyStopNow(): EarlyStopSpec | null {
    const es = campaign.search.earlyStop;
    if (!es.enabled) return null;
    const rows = store.optimizerRows(campaignId);
    const baselines = store.baselineRows(campaignId);
    const noise = replicaNoiseRel([...baselines, ...rows]);
    return earlyStopSpecFor(es, incumbentRChi(baselines, rows), noise ? noise.rel : es.noiseRel, campaign.protocol.atoms);
  }

  function settle(entry: Running, result: EvaluationResult | null, error: Error | null, t0: number): void {
    running.delete(entry.rec.id);
    dirty = true;
    try {
      if (result && result.status === 'failed' && result.failure.kind === 'cancelled') {
        store.requeue([entry.rec.id]);
        changed(store.evaluation(entry.rec.id));
      } else if (result) {
        crashes = 0;
        changed(store.commit(entry.rec.id, result, campaign.species));
      } else if (error instanceof WorkerCrashError && control === 'run') {
        // A worker died (out of memory, a native fault): the point is recorded as failed so the campaign does
        // not retry it forever; several in a row mean something is wrong with the installation, not the point.
        crashes++;
        changed(store.commitCrash(entry.rec.id, `worker crashed: ${error.message}`, (performance.now() - t0) / 1000));
        if (crashes >= maxCrashes) halt(new Error(`${crashes} worker crashes in a row, the last: ${error.message}`));
      } else {
        store.requeue([entry.rec.id]);
        changed(store.evaluation(entry.rec.id));
        if (control === 'run') halt(error ?? new Error('evaluation settled without a result'));
      }
    } catch (e) {
      halt(e as Error);
    }
    emitProgress();
    scheduleStatus();
    wake();
  }

  /** Give up on this run (the campaign stays resumable): pause with the reason. */
  function halt(e: Error): void {
    if (!fatal) fatal = e;
    requestEnd('pause');
  }

  function requestEnd(action: 'pause' | 'stop'): void {
    if (control !== 'run') return;
    control = action;
    for (const r of running.values()) r.abort.abort(action);
    wake();
  }

  function idle(): number {
    return workers - running.size;
  }

  function fillFromQueue(): void {
    if (control !== 'run' || idle() <= 0) return;
    const queued = store.evaluations(campaignId, { status: ['queued'] });
    for (const row of queued) {
      if (idle() <= 0) break;
      if (running.has(row.id)) continue;
      dispatch(row);
    }
  }

  /** Residual vectors of done runs, read once from their g(r) artefacts (a finished row never changes). */
  const residuals = new Map<number, Float32Array | null>();
  function withResiduals(rows: OptimizerRow[]): OptimizerRow[] {
    if (!needsResiduals(campaign.optimizer)) return rows;
    return rows.map((r) => {
      if (r.status !== 'done') return r;
      let v = residuals.get(r.id);
      if (v === undefined) {
        const gr = store.artefacts(r.id).gr;
        v = gr ? residualOf(reference, gr, campaign.protocol.costRange) : null;
        residuals.set(r.id, v);
      }
      return v ? { ...r, residual: v } : r;
    });
  }

  function askOptimizer(): void {
    if (proposing || optimizerDone || control !== 'run' || idle() <= 0 || !dirty) return;
    const rows = store.optimizerRows(campaignId);
    // Queued optimizer rows are proposals waiting for a worker: they run before new ones are asked for.
    if (rows.some((r) => r.status === 'queued')) return;
    const { history, pending } = optimizerLists(withResiduals(rows), withResiduals(store.baselineRows(campaignId)));
    // The budget counts MD runs: screened points and baselines are free (strategy.ts budgetUsed).
    const room = campaign.optimizer.budget - budgetUsed(history) - pending.length;
    dirty = false;
    proposing = true;
    optimizer!
      .propose({
        settings: campaign.optimizer,
        history,
        pending,
        q: Math.max(0, Math.min(idle(), room)),
        seed: campaign.seed,
        constraint: screenCtx ? { space: campaign.space, screen: screenCtx } : null,
      })
      .then(
        (answer) => {
          proposing = false;
          if (control !== 'run') return;
          const stillPending = store.optimizerRows(campaignId).some((r) => PENDING.includes(r.status));
          if (answer.stop) {
            // stop() looks at finished points only; with points still running their results may change it.
            if (!stillPending && pending.length === 0) {
              optimizerStop = answer.stop;
              optimizerDone = true;
            }
          } else if (answer.proposals.length > 0) {
            const now = store.optimizerRows(campaignId);
            const used = now.filter((r) => r.status !== 'screened').length; // MD runs and proposals waiting for one
            const fresh = answer.proposals.slice(0, Math.max(0, campaign.optimizer.budget - used));
            const recs = store.addProposals(campaignId, fresh.map(screened));
            for (const r of recs) changed(r);
            if (recs.length) lastPhase = recs[recs.length - 1].phase;
            // More workers may have gone idle while it thought, or the screen sent points back: ask again.
            dirty = true;
            const inARow = screenedInARow(store.optimizerRows(campaignId));
            if (inARow >= campaign.search.maxScreenedInARow) {
              const last = recs.at(-1)?.screen;
              optimizerStop = {
                kind: 'exhausted',
                detail: `the physics screen rejected the optimizer's last ${inARow} proposals in a row${last ? ` (the last by rule ${last.rule})` : ''}: it finds no physical candidate in this box`,
              };
              optimizerDone = true;
            }
          } else if (!stillPending && pending.length === 0) {
            optimizerStop = { kind: 'exhausted', detail: 'the optimizer proposed no further point' };
            optimizerDone = true;
          }
          emitProgress();
        },
        (e: Error) => {
          proposing = false;
          halt(new Error(`the optimizer failed: ${e.message}`));
        },
      )
      .finally(wake);
  }

  /** A proposal with the physics screen's verdict (none when the campaign does not screen). */
  function screened(p: Proposal): ProposedEvaluation {
    const item = proposalEvaluation(campaign, p);
    if (!screenCtx) return { item, screened: null };
    const t0 = performance.now();
    const v = screenForceField(item.params, screenCtx);
    return { item, screened: v.ok ? null : { detail: { rule: v.rule, message: v.reason }, durationS: (performance.now() - t0) / 1000 } };
  }

  /** Once the optimizer is done and its points are finished: the final replicas, then 'finished'. */
  function advanceStages(): boolean {
    if (!optimizerDone || control !== 'run') return false;
    const o = store.counts(campaignId, 'optimizer');
    if (o.queued + o.running > 0) return false;
    const f = store.counts(campaignId, 'final');
    const best = store.best(campaignId);
    const decision = finalWanted(store, campaignId, campaign.finalReplicas, best);
    if (finishedCount(f) + f.queued + f.running === 0 && decision.count > 0 && best) {
      for (const r of store.addEvaluations(campaignId, finalEvaluations(campaign, best, decision.count))) changed(r);
      emitProgress();
      return false;
    }
    // A best that a baseline beat gets no replicas; the stop reason says so, so nobody reads it as an oversight.
    if (decision.reason && optimizerStop && !optimizerStop.detail.includes(decision.reason)) optimizerStop = { ...optimizerStop, detail: `${optimizerStop.detail}; ${decision.reason}` };
    const all = store.evaluations(campaignId, { status: ['queued', 'running'] });
    return all.length === 0 && running.size === 0;
  }

  async function loop(): Promise<RunOutcome> {
    try {
      const requeued = store.requeueRunning(campaignId);
      if (requeued > 0) for (const r of store.evaluations(campaignId, { status: ['queued'] })) changed(r);
      store.setStatus(campaignId, 'running', null);
      emit('campaigns.changed', {});
      evaluator = createEvaluator(campaign, {
        workerEntry: opts.workerEntry,
        workers,
        reportIntervalMs: opts.reportIntervalMs ?? 500,
        ...(opts.threadsPerEvaluation !== undefined ? { threadsPerEvaluation: opts.threadsPerEvaluation } : coreSharing(MAX_THREADS, workers)),
        dbPath: store.path,
        db: store.db,
      });
      optimizer = createOptimizerClient(opts.workerEntry);
      lastPhase = store.optimizerRows(campaignId).at(-1)?.phase ?? null;
      emitProgress();
      for (;;) {
        if (control !== 'run') {
          if (running.size === 0) break;
        } else {
          fillFromQueue();
          askOptimizer();
          if (!proposing && running.size === 0 && advanceStages()) {
            finished = true;
            break;
          }
          // Final replicas may have just been queued.
          fillFromQueue();
        }
        if (control === 'run' && !proposing && running.size === 0 && store.counts(campaignId, 'optimizer').queued === 0 && !dirty && !optimizerDone) {
          // Nothing running, nothing to ask: only a stuck optimizer gets here; let it look again.
          dirty = true;
          continue;
        }
        await new Promise<void>((resolve) => (wakeUp = resolve));
      }
    } catch (e) {
      fatal ??= e as Error;
      for (const r of running.values()) r.abort.abort('pause');
      control = control === 'run' ? 'pause' : control;
    }
    return close();
  }

  async function close(): Promise<RunOutcome> {
    if (statusTimer) clearTimeout(statusTimer);
    statusTimer = null;
    // Rows still marked running (a failure mid-way) go back to the queue: nothing is lost, nothing duplicated.
    try {
      store.requeueRunning(campaignId);
    } catch {
      // The database went away; the next runner requeues them.
    }
    let status: CampaignStatus = finished ? 'finished' : control === 'stop' ? 'stopped' : 'paused';
    let stopReason: CampaignStopReason | null = finished ? optimizerStop : control === 'stop' ? { kind: 'user', detail: 'stopped by the user' } : optimizerStop;
    try {
      store.setStatus(campaignId, status, stopReason);
    } catch (e) {
      fatal ??= e as Error;
      status = 'paused';
      stopReason = null;
    }
    await Promise.allSettled([evaluator?.close(), optimizer?.close()]);
    lease.release();
    try {
      emit('worker.status', workerStatus());
      emitProgress();
      emit('campaigns.changed', {});
    } catch {
      // Events are best effort once the run is over.
    }
    return { status, stopReason, error: fatal };
  }

  const done = loop();
  return {
    campaignId,
    done,
    pause() {
      requestEnd('pause');
      return done;
    },
    stop() {
      requestEnd('stop');
      return done;
    },
    progress,
    workerStatus,
  };
}

/** How many final replicas the best point gets (none when a baseline under the same protocol beat it: advice.ts). */
function finalWanted(store: Store, campaignId: string, wanted: number, best: EvaluationRecord | null) {
  return finalReplicaDecision(wanted, best, best ? store.evaluations(campaignId, { origin: ['baseline'] }) : []);
}

/** The progress of a campaign no runner of this process is running (draft, paused, stopped, finished, or run elsewhere). */
export function restingProgress(store: Store, campaignId: string): CampaignProgress {
  const c = store.campaignInfo(campaignId);
  const o = store.counts(campaignId, 'optimizer');
  const b = store.counts(campaignId, 'baseline');
  const f = store.counts(campaignId, 'final');
  const best = store.best(campaignId);
  const fTotal = finishedCount(f) + f.queued + f.running;
  return {
    campaignId,
    status: c.status,
    stage: c.status === 'finished' ? 'finished' : 'idle',
    phase: store.optimizerRows(campaignId).at(-1)?.phase ?? null,
    done: o.done,
    failed: o.failed,
    screened: o.screened,
    stopped: o.stopped,
    running: o.running,
    queued: o.queued,
    budget: c.optimizer.budget,
    baselines: { done: finishedCount(b), total: finishedCount(b) + b.queued + b.running },
    final: { done: finishedCount(f), total: fTotal || (c.status === 'finished' || !best ? fTotal : finalWanted(store, campaignId, c.finalReplicas, best).count) },
    bestRChi: best?.rChi ?? null,
    bestEvaluationId: best?.id ?? null,
    etaS: null,
    stopReason: c.stopReason,
  };
}
