/**
 * Frame: one configuration as read from or written to a file — the common record every reader produces and
 * every writer takes. Species are named (not numbered) so files with different type orders meet in one table.
 */
import type { Box } from '../md/system.ts';
import { oneLine } from './limits.ts';

export interface Frame {
  readonly n: number;
  readonly box: Box; // Å, orthorhombic, origin at 0
  readonly names: readonly string[]; // [n] species name per atom, file order
  readonly pos: Float64Array; // [3n] Å, as in the file (not necessarily wrapped)
  readonly vel?: Float64Array; // [3n] Å/ps
  readonly forces?: Float64Array; // [3n] eV/Å
  readonly ids?: Int32Array; // [n] atom ids from the file, if it had them
  readonly step?: number;
  readonly energy?: number; // eV
  readonly info?: Readonly<Record<string, string>>; // other key=value pairs (extxyz comment line)
}

/** Longest problem text a ParseError keeps: one line a user reads, whatever the file held. */
const MAX_PROBLEM_CHARS = 400;
const MAX_FILE_NAME_CHARS = 255;

const clip = (s: string, n: number) => oneLine(s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * A parse failure that names the file, the line (1-based) and the problem. The message is always one line of
 * bounded length: control characters become spaces and over-long texts are cut, so no file content can
 * flood a terminal, a log or an API reply (readers quote tokens with limits.ts quoteToken already).
 */
export class ParseError extends Error {
  readonly file: string;
  readonly problem: string;
  constructor(
    file: string,
    readonly line: number,
    problem: string,
  ) {
    const f = clip(file, MAX_FILE_NAME_CHARS);
    const p = clip(problem, MAX_PROBLEM_CHARS);
    super(`${f}:${line}: ${p}`);
    this.file = f;
    this.problem = p;
    this.name = 'ParseError';
  }
}
