/**
 * A pool of worker threads that run evaluations and the campaign optimizer's requests off the main thread:
 * requests queue, go to an idle worker (started on demand, at most `size`), stream progress back, and
 * settle with the worker's result. Plain Node, no Electron: the caller names the worker script (the Node
 * bootstrap from worker-path.ts, or Electron's bundled out/main/worker.js).
 *
 * - Cancel: the AbortSignal of a request writes its seq into the worker's control word; the engine polls it
 *   and the request resolves with a 'failed' result of kind 'cancelled'. A request aborted while still
 *   queued resolves the same way without reaching a worker.
 * - Crash: if a worker dies (uncaught error, out of memory, process.exit) its request rejects with a
 *   WorkerCrashError naming the worker and the request, and a fresh worker takes the next request.
 * - Programmer errors thrown inside a worker arrive as data and reject the request with a WorkerError;
 *   the worker stays.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MAX_THREADS } from '../../src-worker/md/force-team.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { EvaluateOptions, EvaluationResult, EvaluationSpec, Evaluator } from '../../src-worker/evaluate/spec.ts';
import { cancelledResult } from '../../src-worker/evaluate/evaluate.ts';
import type { ProposeAnswer, ProposeArgs, SurrogateAnswer, SurrogateArgs } from '../../src-worker/campaign/optimizer-service.ts';
import type { GlassJobAnswer, GlassJobArgs, GlassJobProgress } from '../../src-worker/glass/job.ts';
import {
  CONTROL_BYTES,
  CONTROL_SLOTS,
  FIRST_SEQ,
  type RequestType,
  type ResultOf,
  type SerializedError,
  type WorkerInit,
  type WorkerMessage,
  type WorkerRequest,
} from '../../src-worker/protocol.ts';

export interface PoolOptions {
  /** The worker script: nodeWorkerEntry() under Node, out/main/worker.js in Electron. */
  readonly entry: string | URL;
  /** Most workers at once; default one per core (os.availableParallelism()). */
  readonly size?: number;
  /** Shortest interval between progress messages of one request, ms (default 500). */
  readonly reportIntervalMs?: number;
  /**
   * Threads each evaluation's MD uses (default 1): with T > 1 every worker keeps T − 1 force helpers
   * (src-worker/md/force-team.ts) for the cores the pool's workers leave idle. Same results to round-off.
   */
  readonly threadsPerEvaluation?: number;
  /**
   * Cores the running evaluations share (≥ 2 to matter): every worker keeps a force team of min(cores, threads
   * per evaluation) threads, and as evaluations start and end the pool gives each running one its share of these
   * cores (a lone evaluation all of them, two half each), changed mid-run. A team's results do not depend on how
   * many of its threads run (force-team.ts), so an evaluation's result is the same whatever its share. Default:
   * threadsPerEvaluation, fixed.
   */
  readonly shareCores?: number;
}

export interface PoolStatus {
  readonly size: number;
  readonly workers: number; // started and alive
  readonly busy: number;
  readonly queued: number;
  readonly crashes: number; // workers lost since the pool was created
  /** Threads of each running MD job (evaluation or glass), in worker order (with shareCores: its share now). */
  readonly threads: readonly number[];
}

/** Options of an optimizer request: it cannot be interrupted once a worker runs it (the GP work is short), only dropped while queued. */
export interface RequestOptions {
  readonly signal?: EvaluateOptions['signal'];
}

export interface WorkerPool extends Evaluator {
  readonly size: number;
  /** The optimizer's next points (src-worker/campaign/optimizer-service.ts); a request aborted while queued answers "no points". */
  propose(args: ProposeArgs, options?: RequestOptions): Promise<ProposeAnswer>;
  /** A GP slice or map of a campaign's history; null when aborted while queued or with too few points. */
  surrogate(args: SurrogateArgs, options?: RequestOptions): Promise<SurrogateAnswer>;
  /** A glass job (src-worker/glass/job.ts); aborting it stops the quench running, or drops it while queued. */
  glass(args: GlassJobArgs, options?: { readonly signal?: AbortSignal; readonly onProgress?: (p: GlassJobProgress) => void }): Promise<GlassJobAnswer>;
  status(): PoolStatus;
  /** Terminate every worker; pending and queued requests reject. Idempotent. */
  close(): Promise<void>;
}

/** A programmer error thrown inside a worker, carried back as data (its original name and stack kept). */
export class WorkerError extends Error {
  constructor(readonly remote: SerializedError) {
    super(remote.message);
    this.name = 'WorkerError';
    if (remote.stack) this.stack = `WorkerError (in worker) ${remote.stack}`;
  }
}

/** A worker died while it held a request. */
export class WorkerCrashError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerCrashError';
  }
}

interface Job {
  readonly seq: number;
  readonly request: WorkerRequest;
  readonly onProgress?: (p: never) => void;
  readonly cancelled: () => unknown; // the result a cancelled request resolves with
  readonly resolve: (r: unknown) => void;
  readonly reject: (e: Error) => void;
  detach: () => void; // removes the abort listener
  aborted: boolean;
}

interface Slot {
  readonly id: number;
  readonly worker: Worker;
  readonly control: Int32Array;
  job: Job | null;
}

export function createPool(opts: PoolOptions): WorkerPool {
  const size = opts.size ?? availableParallelism();
  if (!(Number.isInteger(size) && size >= 1)) throw new Error(`pool size must be a positive integer, got ${size}`);
  const reportIntervalMs = opts.reportIntervalMs ?? 500;
  const threads = opts.threadsPerEvaluation ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) throw new Error(`threads per evaluation must be an integer in [1, ${MAX_THREADS}], got ${threads}`);
  const share = opts.shareCores;
  if (share !== undefined && !(Number.isInteger(share) && share >= 1)) throw new Error(`shared cores must be a positive integer, got ${share}`);
  // Only a worker with a force team can take more than one core.
  const sharing = share !== undefined && threads >= 2;
  // Helpers are started from the worker's own script (src-worker/entry.ts runs them too).
  const entryPath = opts.entry instanceof URL ? fileURLToPath(opts.entry) : opts.entry;
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextSeq = FIRST_SEQ;
  let nextWorkerId = 1;
  let crashes = 0;
  let closed = false;

  function spawn(): Slot {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const init: WorkerInit = threads > 1 ? { control, threads, entry: entryPath } : { control };
    const worker = new Worker(opts.entry, { workerData: init });
    const slot: Slot = { id: nextWorkerId++, worker, control: new Int32Array(control), job: null };
    worker.on('message', (m: WorkerMessage) => onMessage(slot, m));
    // 'error' (an uncaught exception) is followed by 'exit'; whichever comes first retires the worker.
    worker.on('error', (e) => retire(slot, e.message, e));
    worker.on('exit', (code) => retire(slot, `exited with code ${code}`));
    slots.push(slot);
    return slot;
  }

  function retire(slot: Slot, why: string, cause?: unknown): void {
    const k = slots.indexOf(slot);
    if (k < 0) return;
    slots.splice(k, 1);
    if (closed) return;
    crashes++;
    const job = slot.job;
    slot.job = null;
    if (job) {
      job.detach();
      job.reject(
        new WorkerCrashError(`worker ${slot.id} crashed while running request ${job.seq} (${job.request.type}): ${why}`, cause ? { cause } : undefined),
      );
    }
    void slot.worker.terminate();
    rebalance();
    dispatch();
  }

  function onMessage(slot: Slot, m: WorkerMessage): void {
    const job = slot.job;
    if (!job || m.seq !== job.seq) return; // a late message of a request already settled
    switch (m.type) {
      case 'progress':
        (job.onProgress as ((p: unknown) => void) | undefined)?.(m.progress);
        return;
      case 'result':
        finish(slot);
        job.resolve(m.result);
        return;
      case 'error':
        finish(slot);
        job.reject(new WorkerError(m.error));
        return;
    }
  }

  function finish(slot: Slot): void {
    slot.job?.detach();
    slot.job = null;
    slot.worker.unref(); // an idle worker must not keep the process alive
    rebalance();
    dispatch();
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      let slot = slots.find((s) => s.job === null);
      if (!slot) {
        if (slots.length >= size) return;
        slot = spawn();
      }
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      rebalance();
      slot.worker.postMessage(job.request);
    }
  }

  /**
   * Each running MD job's share of the shared cores, in slot order (the remainder to the first ones); written
   * to its worker's THREADS word, which its force team reads before each force computation.
   */
  function rebalance(): void {
    if (!sharing) return;
    const running = runningMd();
    running.forEach((s, i) => {
      const n = Math.min(threads, Math.max(1, Math.floor(share / running.length) + (i < share % running.length ? 1 : 0)));
      Atomics.store(s.control, CONTROL_SLOTS.THREADS, n);
    });
  }

  /** Workers running an MD run (an evaluation or a glass job: the requests that use force teams), in worker order. */
  function runningMd(): Slot[] {
    return slots.filter((s) => s.job?.request.type === 'evaluate' || s.job?.request.type === 'glass');
  }

  function submit<T extends RequestType>(
    make: (seq: number) => Extract<WorkerRequest, { type: T }>,
    cancelled: () => ResultOf<T>,
    options: { readonly signal?: EvaluateOptions['signal']; readonly onProgress?: (p: never) => void },
  ): Promise<ResultOf<T>> {
    if (closed) return Promise.reject(new Error('the worker pool is closed'));
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.resolve(cancelled());
    const seq = nextSeq++;
    return new Promise<ResultOf<T>>((resolve, reject) => {
      const job: Job = {
        seq,
        request: make(seq),
        ...(onProgress ? { onProgress } : {}),
        cancelled,
        resolve: resolve as (r: unknown) => void,
        reject,
        detach: () => {},
        aborted: false,
      };
      if (signal) {
        const onAbort = () => abort(job);
        signal.addEventListener('abort', onAbort, { once: true });
        job.detach = () => signal.removeEventListener('abort', onAbort);
      }
      queue.push(job);
      dispatch();
    });
  }

  function abort(job: Job): void {
    if (job.aborted) return;
    job.aborted = true;
    const q = queue.indexOf(job);
    if (q >= 0) {
      queue.splice(q, 1);
      job.detach();
      job.resolve(job.cancelled());
      return;
    }
    const slot = slots.find((s) => s.job === job);
    if (slot) Atomics.store(slot.control, CONTROL_SLOTS.CANCEL, job.seq);
  }

  return {
    size,
    evaluate(ff: ForceField, spec: EvaluationSpec, options: EvaluateOptions = {}): Promise<EvaluationResult> {
      return submit<'evaluate'>((seq) => ({ seq, type: 'evaluate', ff, spec, reportIntervalMs }), () => cancelledResult(spec), options);
    },
    propose(args: ProposeArgs, options: RequestOptions = {}): Promise<ProposeAnswer> {
      return submit<'propose'>((seq) => ({ seq, type: 'propose', args }), () => ({ stop: null, proposals: [] }), options);
    },
    surrogate(args: SurrogateArgs, options: RequestOptions = {}): Promise<SurrogateAnswer> {
      return submit<'surrogate'>((seq) => ({ seq, type: 'surrogate', args }), () => null, options);
    },
    glass(args, options = {}) {
      return submit<'glass'>(
        (seq) => ({ seq, type: 'glass', args, reportIntervalMs }),
        () => ({ ok: false, cancelled: true, replica: 0, stage: 'start', message: 'cancelled before it started' }),
        options,
      );
    },
    status(): PoolStatus {
      const mine = (s: Slot): number => (sharing ? Atomics.load(s.control, CONTROL_SLOTS.THREADS) : threads);
      return { size, workers: slots.length, busy: slots.filter((s) => s.job !== null).length, queued: queue.length, crashes, threads: runningMd().map(mine) };
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const pending = [...queue, ...slots.flatMap((s) => (s.job ? [s.job] : []))];
      queue.length = 0;
      const workers = slots.map((s) => s.worker);
      slots.length = 0;
      for (const job of pending) {
        job.detach();
        job.reject(new Error(`the worker pool was closed before request ${job.seq} (${job.request.type}) finished`));
      }
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
