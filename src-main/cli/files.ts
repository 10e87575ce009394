/**
 * The CLI's files, read and written one way: every file a user names is read in the parse worker
 * (src-main/parse/client.ts: off this thread, with time and memory limits) and every file a command writes goes
 * through writeFileAtomic (temporary file + rename, no overwrite without --force, never the open database).
 * Failures become CliErrors: one line, exit status 2 for bad input.
 */
import { statSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { CliError } from './errors.ts';
import { parseInWorker, FileRejectedError } from '../parse/client.ts';
import { writeFileAtomic, writeProblem, WriteRefusedError, type WriteOptions } from '../files/atomic-write.ts';
import { ParseError } from '../../src-worker/io/frame.ts';
import { MAX_FILE_BYTES } from '../../src-worker/io/limits.ts';
import { ForceFieldFileError } from '../../src-worker/params/forcefield-file.ts';
import type { ParseAnswer, ParseJob } from '../../src-worker/parse/jobs.ts';

/**
 * A parse job on a file the user named (the worker reads it), its errors as CliErrors. A path that cannot be
 * opened at all is reported here as "cannot read <what> '<path>': ENOENT", before a worker starts.
 */
export async function readInWorker<J extends ParseJob>(job: J, what = 'file'): Promise<ParseAnswer<J['kind']>> {
  if ('path' in job.source) {
    try {
      if (!statSync(job.source.path).isFile()) throw new CliError(`${what} '${job.source.path}' is not a regular file`);
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`cannot read ${what} '${job.source.path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  try {
    return await parseInWorker(job);
  } catch (e) {
    if (e instanceof ParseError || e instanceof FileRejectedError || e instanceof ForceFieldFileError) throw new CliError(e.message);
    throw e;
  }
}

/** The job's fields for a file at `path`: shown by its base name, read by the worker. */
export function fileSource(path: string): { fileName: string; source: { path: string } } {
  return { fileName: basename(path), source: { path } };
}

/**
 * A file's text for the API (which parses it in the worker): its size checked before it is read. Reading is not
 * parsing, but a file larger than any reader accepts is refused before it costs memory.
 */
export function readTextFile(path: string, what: string): string {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new CliError(`${what} '${path}' is not a regular file`);
    if (st.size > MAX_FILE_BYTES) throw new CliError(`${what} '${path}' has ${(st.size / 2 ** 20).toFixed(0)} MB; at most ${MAX_FILE_BYTES / 2 ** 20} MB are read`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Write an output or export file atomically; returns its absolute path (for the "wrote …" line). */
export function writeOutput(path: string, text: string, opts: WriteOptions = {}): string {
  try {
    return writeFileAtomic(path, text, opts);
  } catch (e) {
    if (e instanceof WriteRefusedError) throw new CliError(e.message);
    throw e;
  }
}

/** Refuse an output before any work is done (a long MD run must not end in "exists; pass --force"). */
export function checkOutput(path: string | undefined, opts: WriteOptions = {}): void {
  if (path === undefined) return;
  const why = writeProblem(path, opts);
  if (why) throw new CliError(why);
}
