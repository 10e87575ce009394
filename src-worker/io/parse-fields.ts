/**
 * Small helpers every text reader (extended XYZ, LAMMPS data and dump, VASP, g(r) tables) shares, so that each
 * reports a bad value the same way — a ParseError naming the file, the 1-based line and what was wrong, the
 * offending token cut to 80 characters — and applies the same limits (limits.ts): file size, line length,
 * number syntax in linear time, and the physical range of every number read.
 */
import { ParseError } from './frame.ts';
import { MAX_ATOMS, MAX_FILE_BYTES, MAX_LINE_CHARS, MAX_NUMBER_CHARS, quoteToken, rangeText, RANGES, type Quantity, type Range } from './limits.ts';

/** Lines of a text file, line endings of any platform; a final newline adds no empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The file's size and content checked before any reader looks at it: at most MAX_FILE_BYTES characters, no
 * NUL byte (a binary file), no line longer than MAX_LINE_CHARS. Linear in the text's length.
 */
export function checkText(text: string, file: string): void {
  if (text.length > MAX_FILE_BYTES) {
    throw new ParseError(file, 1, `the file has ${(text.length / 2 ** 20).toFixed(0)} MB; at most ${MAX_FILE_BYTES / 2 ** 20} MB are read (subsample the frames of a long trajectory)`);
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) throw new ParseError(file, lineAt(text, nul), 'the file contains a NUL byte: a binary or UTF-16 file; save it as plain (UTF-8) text');
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start > MAX_LINE_CHARS) throw new ParseError(file, line, `line has ${end - start} characters; at most ${MAX_LINE_CHARS} are accepted`);
    start = end + 1;
    line++;
  }
}

/** splitLines after checkText: what readers call on a file's text. */
export function readLines(text: string, file: string): string[] {
  checkText(text, file);
  return splitLines(text);
}

/** 1-based line number of character offset k. */
function lineAt(text: string, k: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < k; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Whitespace-separated fields. */
export function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

// A decimal number. Number() alone would also accept '', '0x1f', 'Infinity' and ' '. Written so that no two
// parts can match the same characters (the digits after a point only follow the point): linear time on any
// token, where `\d+\.?\d*` backtracks quadratically on a long run of digits.
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eEdD][+-]?\d+)?$/;

/** The physical range of a quantity (limits.ts), or a caller's own. */
export type RangeSpec = Quantity | Range;

function rangeOf(r: RangeSpec): Range {
  return typeof r === 'string' ? RANGES[r] : r;
}

/** x checked against a range: a ParseError naming the value, the range and why. */
export function checkRange(x: number, range: RangeSpec, file: string, line: number, what: string): number {
  const r = rangeOf(range);
  if (!(x >= r.min && x <= r.max)) throw new ParseError(file, line, `${what} ${x} is outside ${rangeText(r)}: ${r.why}`);
  return x;
}

/** A finite decimal number (Fortran 'D' exponents accepted), in `range` when given, or a ParseError naming `what`. */
export function parseNumber(token: string | undefined, file: string, line: number, what: string, range?: RangeSpec): number {
  if (token === undefined) throw new ParseError(file, line, `missing ${what}`);
  if (token.length > MAX_NUMBER_CHARS || !NUMBER.test(token)) throw new ParseError(file, line, `${what} is not a number: ${quoteToken(token)}`);
  const x = Number(token.includes('d') || token.includes('D') ? token.replace(/[dD]/, 'e') : token);
  if (!Number.isFinite(x)) throw new ParseError(file, line, `${what} is out of range: ${quoteToken(token)}`);
  return range === undefined ? x : checkRange(x, range, file, line, what);
}

/** An integer (no decimal point or exponent), in `range` when given, or a ParseError. */
export function parseInteger(token: string | undefined, file: string, line: number, what: string, range?: RangeSpec): number {
  if (token === undefined) throw new ParseError(file, line, `missing ${what}`);
  if (token.length > MAX_NUMBER_CHARS || !/^[+-]?\d+$/.test(token)) throw new ParseError(file, line, `${what} is not an integer: ${quoteToken(token)}`);
  const x = Number(token);
  if (!Number.isSafeInteger(x)) throw new ParseError(file, line, `${what} is out of range: ${quoteToken(token)}`);
  return range === undefined ? x : checkRange(x, range, file, line, what);
}

/**
 * An atom count from a file, checked before anything is allocated for it: a non-negative integer of at most
 * MAX_ATOMS, so a count of 3·10⁸ is an error here rather than an allocation that kills the process (V8 aborts
 * on arrays past its size limit; no catch can help). What is allocated for a legal count is bounded (≈ 40 MB),
 * and a count the file does not back with atom lines ends in the reader's "truncated frame" error.
 */
export function checkAtomCount(n: number, file: string, line: number, what = 'number of atoms'): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new ParseError(file, line, `${what} must be a non-negative integer, got ${n}`);
  if (n > MAX_ATOMS) throw new ParseError(file, line, `${what} ${n} exceeds ${MAX_ATOMS}, the most glassfit reads in one frame`);
  return n;
}

/** Short quotation of a line for error messages. */
export function quote(line: string): string {
  const t = line.trim();
  return quoteToken(t.length > 60 ? t.slice(0, 57) + '...' : t);
}
