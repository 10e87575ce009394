/**
 * The worker thread's entry: receives WorkerRequests, runs them, posts WorkerMessages (protocol.ts). The only
 * file in src-worker that imports node:worker_threads. Electron runs its bundled copy (out/main/worker.js);
 * Node (CLI, tests) runs it through bin/worker-ts.mjs, which registers the TypeScript loader first.
 *
 * Work is synchronous, so the thread cannot hear a 'cancel' message while it runs: cancellation comes
 * through the shared control word, which the engine polls (RunContext.isCancelled).
 */
import { parentPort, receiveMessageOnPort, Worker, workerData } from 'node:worker_threads';
import type { RunContext } from './md/protocol.ts';
import { evaluate } from './evaluate/evaluate.ts';
import { proposeNext, surrogateView } from './campaign/optimizer-service.ts';
import { runGlassJob } from './glass/job.ts';
import { createForceTeam, runForceHelper, type ForceHelperData, type ForceTeam } from './md/force-team.ts';
import { CONTROL_SLOTS, serializeError, type EvaluateRequest, type GlassRequest, type WorkerInit, type WorkerMessage, type WorkerRequest } from './protocol.ts';

if (!parentPort) throw new Error('src-worker/entry.ts must run in a worker thread');
const port = parentPort;
// The same script serves as an evaluation worker's force helper (md/force-team.ts): then it only runs that.
if ((workerData as { role?: unknown } | undefined)?.role === 'force-helper') runForceHelper(workerData as ForceHelperData, () => receiveMessageOnPort(port)?.message);
else serve();

function serve(): void {
  const init = workerData as WorkerInit | undefined;
  if (!init || !(init.control instanceof SharedArrayBuffer)) throw new Error('worker started without its control word (workerData.control)');
  const control = new Int32Array(init.control);
  const threads = init.threads ?? 1;
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`worker threads must be a positive integer, got ${threads}`);
  if (threads > 1 && !init.entry) throw new Error('a worker with threads > 1 needs its own script path (workerData.entry) to start force helpers');
  // Started at the first evaluation and kept: helpers cost a module load each (a second under tsx).
  let team: ForceTeam | null = null;
  const teamFor = (): ForceTeam | undefined => {
    if (threads === 1) return undefined;
    team ??= createForceTeam(threads, (data) => new Worker(init.entry as string, { workerData: data }), { words: control, index: CONTROL_SLOTS.THREADS });
    return team;
  };

  function post(m: WorkerMessage): void {
    port.postMessage(m);
  }

  function contextFor(req: EvaluateRequest | GlassRequest): RunContext {
    return {
      now: () => performance.now(),
      reportIntervalMs: req.reportIntervalMs,
      report: (progress) => post({ seq: req.seq, type: 'progress', progress }),
      isCancelled: () => Atomics.load(control, CONTROL_SLOTS.CANCEL) === req.seq,
    };
  }

  function handle(req: WorkerRequest): void {
    switch (req.type) {
      case 'evaluate':
        post({ seq: req.seq, type: 'result', request: 'evaluate', result: evaluate(req.ff, req.spec, contextFor(req), { team: teamFor() }) });
        return;
      case 'propose':
        post({ seq: req.seq, type: 'result', request: 'propose', result: proposeNext(req.args) });
        return;
      case 'surrogate':
        post({ seq: req.seq, type: 'result', request: 'surrogate', result: surrogateView(req.args) });
        return;
      case 'glass': {
        const ctx = contextFor(req);
        const answer = runGlassJob(req.args, ctx, (progress) => post({ seq: req.seq, type: 'progress', progress }), teamFor());
        post({ seq: req.seq, type: 'result', request: 'glass', result: answer });
        return;
      }
      default: {
        const unknown: { type?: unknown } = req;
        throw new Error(`unknown request type ${JSON.stringify(unknown.type)}`);
      }
    }
  }

  port.on('message', (raw: unknown) => {
    const seq = typeof raw === 'object' && raw !== null && Number.isInteger((raw as { seq?: unknown }).seq) ? (raw as { seq: number }).seq : 0;
    try {
      if (seq === 0) throw new Error('request without an integer seq');
      handle(raw as WorkerRequest);
    } catch (e) {
      post({ seq, type: 'error', error: serializeError(e) });
    }
  });
}
