/**
 * The parse worker (issue 12, item 3): files are read off the caller's event loop, a reading that runs over its
 * time or memory limit is stopped with a one-line error and the next file still reads, and errors keep their
 * file and line across the thread boundary.
 */
import { describe, expect, it } from 'vitest';
import { FileRejectedError, parseInWorker } from '../../src-main/parse/client.ts';
import { ParseError } from '../../src-worker/io/frame.ts';
import { ForceFieldFileError } from '../../src-worker/params/forcefield-file.ts';
import { SEEDS } from './inputs.ts';

/** A valid g(r) table of `rows` rows (about 30 bytes each). */
const bigTable = (rows: number) => ['r,SiSi,SiO,OO', ...Array.from({ length: rows }, (_, i) => `${(0.001 * (i + 1)).toFixed(6)},1.25,0.5,0.75`)].join('\n');

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  return expect.fail('the file was accepted');
}

describe('the parse worker', () => {
  it('reads a reference and keeps the event loop free while it does', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const ref = await parseInWorker({ kind: 'reference', fileName: 'gr.csv', source: { text: bigTable(100_000) } });
      expect(ref.pairs).toEqual(['SiSi', 'SiO', 'OO']);
      expect(ref.g.SiO).toBeInstanceOf(Float64Array);
    } finally {
      clearInterval(timer);
    }
    // Parsing 100 000 rows takes far longer than a millisecond: the timer ran meanwhile.
    expect(ticks).toBeGreaterThan(0);
  });

  it('rebuilds a ParseError with its file and line, and a parameter-file error with its problems', async () => {
    const e = await rejection(parseInWorker({ kind: 'reference', fileName: 'bad.csv', source: { text: 'r,SiSi,SiO,OO\n0.01,0,0,0\n0.03,0,zero,0\n' } }));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toBe("bad.csv:3: value of SiO is not a number: 'zero'");
    const f = await rejection(parseInWorker({ kind: 'forcefield', fileName: 'ff.json', source: { text: SEEDS.forcefield.replace('"qSi"', '"qSI"').replace(/"cutoff": 8/, '"cutoff": -1') } }));
    expect(f).toBeInstanceOf(ForceFieldFileError);
    expect(f.message).toMatch(/^ff\.json: .*cutoff/);
  });

  it('stops a reading that runs over its time limit, and the next file reads', async () => {
    const e = await rejection(parseInWorker({ kind: 'reference', fileName: 'slow.csv', source: { text: bigTable(50_000) } }, { timeLimitS: 0.01 }));
    expect(e).toBeInstanceOf(FileRejectedError);
    expect(e.message).toMatch(/^slow\.csv: reading it took longer than 0\.01 s, the limit for one file; it was stopped/);
    const ref = await parseInWorker({ kind: 'reference', fileName: 'gr.csv', source: { text: SEEDS.gr } });
    expect(ref.r.length).toBe(400);
  });

  it('stops a reading that needs more memory than its limit', async () => {
    // A million rows: the line array and the column arrays alone exceed a 64 MB heap (a small file reads under it: see below).
    const e = await rejection(parseInWorker({ kind: 'reference', fileName: 'huge.csv', source: { text: bigTable(1_000_000) } }, { memoryLimitMb: 64, timeLimitS: 120 }));
    expect(e).toBeInstanceOf(FileRejectedError);
    expect(e.message).toMatch(/^huge\.csv: reading it needed more than 64 MB of memory; it was stopped/);
    const small = await parseInWorker({ kind: 'reference', fileName: 'gr.csv', source: { text: SEEDS.gr } }, { memoryLimitMb: 64 });
    expect(small.r.length).toBe(400);
  });

  it('reads a path itself, refusing what is not a regular file', async () => {
    const e = await rejection(parseInWorker({ kind: 'reference', fileName: 'tmp', source: { path: '/tmp' } }));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.message).toBe('tmp:1: not a regular file');
  });
});
