/**
 * Every untrusted file is read here: in a fresh worker thread (src-worker/parse-entry.ts), never on the calling
 * process's event loop, with a time limit (the worker is terminated when it runs over: a reader stuck in a loop
 * costs one thread, not the app, the bridge or running campaigns) and a memory limit (V8 stops the worker, not
 * the process). The answer comes back by structured clone; a ParseError or a parameter-file error is rebuilt so
 * callers keep reporting `file:line: problem`; anything else the file caused becomes a FileRejectedError.
 *
 * One thread per file rather than a pool: files are read rarely (an import, a preview, a CLI start), the thread
 * starts in well under a second, and nothing of one file's reading can outlive it.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ParseError } from '../../src-worker/io/frame.ts';
import { ForceFieldFileError } from '../../src-worker/params/forcefield-file.ts';
import type { ParseAnswer, ParseJob } from '../../src-worker/parse/jobs.ts';
import type { ParseReply } from '../../src-worker/parse/reply.ts';

/**
 * Longest a file may take to read, s: reading and analysing a 256 MB trajectory (the size limit) takes about a
 * minute on a laptop core; a reader that needs five is stuck, not busy.
 */
export const PARSE_TIME_LIMIT_S = 300;

/** Heap a reading may use, MB: a 256 MB text split into lines needs about 1.5 GB. */
export const PARSE_MEMORY_LIMIT_MB = 4096;

/** A file refused for a reason that is not a parse error at a line: too slow, too large in memory, or a problem of its content. */
export class FileRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileRejectedError';
  }
}

/** The Node bootstrap of the parse worker (bin/parse-worker-ts.mjs); Electron passes its bundled out/main/parse-worker.js. */
export function nodeParseWorkerEntry(): string {
  const path = fileURLToPath(new URL('../../bin/parse-worker-ts.mjs', import.meta.url));
  if (!existsSync(path)) throw new Error(`parse worker bootstrap not found at ${path}`);
  return path;
}

export interface ParseOptions {
  /** The worker script; default nodeParseWorkerEntry(). */
  readonly entry?: string | URL;
  readonly timeLimitS?: number;
  readonly memoryLimitMb?: number;
}

/**
 * One idle parse worker per entry script, kept warm between files (starting a thread that loads the readers costs
 * about a second under tsx): unref'd, so it never keeps a process alive. A worker that ran over its limit or
 * failed is terminated and never returns here.
 */
const spares = new Map<string, { readonly worker: Worker; readonly onExit: () => void }>();

function takeWorker(entry: string | URL, memoryMb: number): Worker {
  const key = `${String(entry)}#${memoryMb}`;
  const spare = spares.get(key);
  if (spare) {
    spares.delete(key);
    spare.worker.off('exit', spare.onExit);
    spare.worker.ref();
    return spare.worker;
  }
  return new Worker(entry, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
}

function giveBack(entry: string | URL, memoryMb: number, worker: Worker): void {
  const key = `${String(entry)}#${memoryMb}`;
  if (spares.has(key)) {
    void worker.terminate();
    return;
  }
  worker.unref();
  // A spare that dies while idle (it should not) is simply forgotten.
  const onExit = () => {
    if (spares.get(key)?.worker === worker) spares.delete(key);
  };
  worker.once('exit', onExit);
  spares.set(key, { worker, onExit });
}

/** Run one parse job in a worker thread; rejects with ParseError, ForceFieldFileError or FileRejectedError for a bad file. */
export function parseInWorker<J extends ParseJob>(job: J, opts: ParseOptions = {}): Promise<ParseAnswer<J['kind']>> {
  const limitS = opts.timeLimitS ?? PARSE_TIME_LIMIT_S;
  const memoryMb = opts.memoryLimitMb ?? PARSE_MEMORY_LIMIT_MB;
  const entry = opts.entry ?? nodeParseWorkerEntry();
  const name = job.fileName;
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = takeWorker(entry, memoryMb);
    const onMessage = (reply: ParseReply) =>
      finish(true, () => {
        if (reply.ok) return resolve(reply.value as ParseAnswer<J['kind']>);
        const e = reply.error;
        if (e.kind === 'parse') return reject(new ParseError(e.file, e.line, e.problem));
        if (e.kind === 'forcefield') return reject(new ForceFieldFileError(e.file, e.problems));
        reject(new FileRejectedError(`${name}: ${e.message.split('\n')[0]}`));
      });
    const onError = (e: Error & { code?: string }) =>
      finish(false, () =>
        reject(
          e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new FileRejectedError(`${name}: reading it needed more than ${memoryMb} MB of memory; it was stopped (split or subsample the file)`)
            : new FileRejectedError(`${name}: the reader failed: ${e.message.split('\n')[0]}`),
        ),
      );
    const onExit = (code: number) => finish(false, () => reject(new FileRejectedError(`${name}: the reader stopped without an answer (exit code ${code})`)));
    const timer = setTimeout(
      () => finish(false, () => reject(new FileRejectedError(`${name}: reading it took longer than ${limitS} s, the limit for one file; it was stopped (a file this slow is malformed or far too large)`))),
      limitS * 1000,
    );
    function finish(reusable: boolean, settle: () => void): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      settle();
      // A worker that answered is clean and goes back to wait for the next file; any other is stopped.
      if (reusable) giveBack(entry, memoryMb, worker);
      else void worker.terminate();
    }
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(job);
  });
}
