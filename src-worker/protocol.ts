/**
 * The main ⇄ worker protocol: requests the pool posts, messages the worker answers with, and the layout of
 * the shared control word through which a running request is cancelled. Environment-free, so both sides
 * (src-main/runner/pool.ts, src-worker/entry.ts) import the same definitions.
 *
 * Every message carries the `seq` of the request it belongs to. A request gets any number of 'progress'
 * messages and then exactly one 'result' or 'error'. Results are values (a blow-up is a 'failed'
 * EvaluationResult); 'error' is for programmer errors only, sent as plain data since Error objects lose
 * their class crossing the boundary.
 *
 * Adding a request kind means: a member of WorkerRequest, its answer in ResultOf, a case in entry.ts. The pool
 * is generic over the request kind. 'propose' and 'surrogate' put the campaign optimizer's work (GP fits,
 * acquisition maximisation) in a worker thread, so it never blocks the main process's event loop
 * (src-worker/campaign/optimizer-service.ts).
 */
import type { ForceField } from './md/forcefield.ts';
import type { Progress } from './md/protocol.ts';
import type { EvaluationResult, EvaluationSpec } from './evaluate/spec.ts';
import type { ProposeAnswer, ProposeArgs, SurrogateAnswer, SurrogateArgs } from './campaign/optimizer-service.ts';
import type { GlassJobAnswer, GlassJobArgs, GlassJobProgress } from './glass/job.ts';

export interface EvaluateRequest {
  readonly seq: number;
  readonly type: 'evaluate';
  readonly ff: ForceField;
  readonly spec: EvaluationSpec;
  /** How often the worker may post progress, ms (it posts nothing faster). */
  readonly reportIntervalMs: number;
}

/** The optimizer's next points for idle workers (and whether to stop), from the campaign's stored history. */
export interface ProposeRequest {
  readonly seq: number;
  readonly type: 'propose';
  readonly args: ProposeArgs;
}

/** A slice or map of the GP surrogate of a campaign's history, for the UI. */
export interface SurrogateRequest {
  readonly seq: number;
  readonly type: 'surrogate';
  readonly args: SurrogateArgs;
}

/** A glass job for the workbench (glass/job.ts): replica quenches and their properties; cancelled like an evaluation. */
export interface GlassRequest {
  readonly seq: number;
  readonly type: 'glass';
  readonly args: GlassJobArgs;
  readonly reportIntervalMs: number;
}

export type WorkerRequest = EvaluateRequest | ProposeRequest | SurrogateRequest | GlassRequest;
export type RequestType = WorkerRequest['type'];

/** The answer to each request kind. */
export interface ResultMap {
  readonly evaluate: EvaluationResult;
  readonly propose: ProposeAnswer;
  readonly surrogate: SurrogateAnswer;
  readonly glass: GlassJobAnswer;
}
export type ResultOf<T extends RequestType> = ResultMap[T];

export interface ProgressMessage {
  readonly seq: number;
  readonly type: 'progress';
  /** An evaluation's MD progress, or a glass job's (glass/job.ts). */
  readonly progress: Progress | GlassJobProgress;
}

/** `request` repeats the request kind so the receiver can narrow `result` without remembering it. */
export type ResultMessage = {
  readonly [T in RequestType]: { readonly seq: number; readonly type: 'result'; readonly request: T; readonly result: ResultOf<T> };
}[RequestType];

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export interface ErrorMessage {
  readonly seq: number;
  readonly type: 'error';
  readonly error: SerializedError;
}

export type WorkerMessage = ProgressMessage | ResultMessage | ErrorMessage;

/** A thrown value as data (anything can be thrown; only Errors have a stack). */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}

/**
 * The control word: one Int32 in a SharedArrayBuffer per worker, handed over in workerData.
 * Slot CANCEL holds the seq of the request the main thread wants stopped (0: none). Naming the request
 * rather than setting a flag means a late cancel can never stop the next request on that worker, and the
 * worker never has to reset it.
 */
/**
 * Words of a worker's shared control buffer: CANCEL, the seq of a request to cancel; THREADS, how many of its
 * force team's threads the running evaluation may use (written by the pool as evaluations start and end; 0 = all).
 */
export const CONTROL_SLOTS = { CANCEL: 0, THREADS: 1 } as const;
export const CONTROL_BYTES = 4 * Object.keys(CONTROL_SLOTS).length;

/** What a worker receives as workerData. */
export interface WorkerInit {
  readonly control: SharedArrayBuffer;
  /**
   * Threads each evaluation's MD may use (default 1): with more, the worker starts threads − 1 force helpers
   * (md/force-team.ts) from `entry`, its own script, and keeps them for its later evaluations.
   */
  readonly threads?: number;
  readonly entry?: string;
}

/** Request seqs start at 1, so that 0 in the control word means "nothing cancelled". */
export const FIRST_SEQ = 1;
