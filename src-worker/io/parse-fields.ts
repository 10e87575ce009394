/**
 * Small helpers the text readers (LAMMPS dump, VASP, g(r) tables) share, so that every one of them reports
 * a bad value the same way: a ParseError naming the file, the 1-based line and what was wrong.
 */
import { ParseError } from './frame.ts';

/** Lines of a text file, line endings of any platform; a final newline adds no empty line. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Whitespace-separated fields. */
export function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

// A decimal number: Number() alone would also accept '', '0x1f', 'Infinity' and ' '.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;

/** A finite decimal number (Fortran 'D' exponents accepted), or a ParseError naming `what`. */
export function parseNumber(token: string | undefined, file: string, line: number, what: string): number {
  if (token === undefined) throw new ParseError(file, line, `missing ${what}`);
  if (!NUMBER.test(token)) throw new ParseError(file, line, `${what} is not a number: '${token}'`);
  const x = Number(token.replace(/[dD]/, 'e'));
  if (!Number.isFinite(x)) throw new ParseError(file, line, `${what} is out of range: '${token}'`);
  return x;
}

/** An integer (no decimal point or exponent), or a ParseError. */
export function parseInteger(token: string | undefined, file: string, line: number, what: string): number {
  if (token === undefined) throw new ParseError(file, line, `missing ${what}`);
  if (!/^[+-]?\d+$/.test(token)) throw new ParseError(file, line, `${what} is not an integer: '${token}'`);
  const x = Number(token);
  if (!Number.isSafeInteger(x)) throw new ParseError(file, line, `${what} is out of range: '${token}'`);
  return x;
}

/** Short quotation of a line for error messages. */
export function quote(line: string): string {
  const t = line.trim();
  return `'${t.length > 60 ? t.slice(0, 57) + '...' : t}'`;
}
