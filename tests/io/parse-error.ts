/** Asserts that a reader fails with a ParseError naming the file, the line and the problem. */
import { expect } from 'vitest';
import { ParseError } from '../../src-worker/io/frame.ts';

export function expectParseError(read: () => unknown, file: string, line: number, problem: RegExp): void {
  let caught: unknown;
  try {
    read();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a ParseError').toBeInstanceOf(ParseError);
  const e = caught as ParseError;
  expect({ file: e.file, line: e.line }).toEqual({ file, line });
  expect(e.problem).toMatch(problem);
  expect(e.message).toBe(`${file}:${line}: ${e.problem}`);
}
