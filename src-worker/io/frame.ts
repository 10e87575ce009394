/**
 * Frame: one configuration as read from or written to a file — the common record every reader produces and
 * every writer takes. Species are named (not numbered) so files with different type orders meet in one table.
 */
import type { Box } from '../md/system.ts';

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

/** A parse failure that names the file, the line (1-based) and the problem. */
export class ParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'ParseError';
  }
}
