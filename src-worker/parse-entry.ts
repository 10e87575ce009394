/**
 * The parse worker's entry: a worker thread that reads untrusted files, one job at a time (src-main/parse/client.ts
 * starts it with a memory limit and terminates it when a job runs over its time limit). It reads the file when given a path — checking its
 * size before reading — runs the job (src-worker/parse/jobs.ts) and posts one message: the answer, or the error
 * as data (a ParseError keeps its file and line). Like entry.ts, a Node file outside the environment-free core.
 * Electron runs its bundled copy (out/main/parse-worker.js); Node runs it through bin/parse-worker-ts.mjs.
 */
import { parentPort } from 'node:worker_threads';
import { readFileSync, statSync } from 'node:fs';
import { runParseJob, type ParseJob } from './parse/jobs.ts';
import { ParseError } from './io/frame.ts';
import { MAX_FILE_BYTES } from './io/limits.ts';
import { ForceFieldFileError } from './params/forcefield-file.ts';
import type { ParseReply, SerializedFileError } from './parse/reply.ts';

if (!parentPort) throw new Error('src-worker/parse-entry.ts must run in a worker thread');
const port = parentPort;

/** The file's text, refused before reading when it is not a regular file or too large. */
function readSource(path: string, fileName: string): string {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new ParseError(fileName, 1, 'not a regular file');
    size = st.size;
  } catch (e) {
    if (e instanceof ParseError) throw e;
    throw new ParseError(fileName, 1, `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_FILE_BYTES) throw new ParseError(fileName, 1, `the file has ${(size / 2 ** 20).toFixed(0)} MB; at most ${MAX_FILE_BYTES / 2 ** 20} MB are read (subsample the frames of a long trajectory)`);
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ParseError(fileName, 1, `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function serialize(e: unknown): SerializedFileError {
  if (e instanceof ParseError) return { kind: 'parse', file: e.file, line: e.line, problem: e.problem };
  if (e instanceof ForceFieldFileError) return { kind: 'forcefield', file: e.file, problems: [...e.problems] };
  return { kind: 'other', name: e instanceof Error ? e.name : 'Error', message: e instanceof Error ? e.message : String(e) };
}

// One job at a time: the client posts the next only after this one's answer, and terminates the thread instead
// when a job runs over its time limit.
port.on('message', (job: ParseJob) => {
  let reply: ParseReply;
  try {
    const text = 'text' in job.source ? job.source.text : readSource(job.source.path, job.fileName);
    reply = { ok: true, value: runParseJob(job, text) };
  } catch (e) {
    reply = { ok: false, error: serialize(e) };
  }
  port.postMessage(reply);
});
