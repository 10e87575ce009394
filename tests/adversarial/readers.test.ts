/**
 * Adversarial readers (issue 12): every reader, fed generated corruptions of a valid file of its format, either
 * rejects it with a one-line ParseError (or a plain one-line error naming the problem) or returns data inside the
 * physical limits; a reference that comes back is usable. Plus the cases as named regressions. Runs the
 * readers in-process (the parse worker adds its limits on top: parse-worker.test.ts).
 */
import { describe, expect, it, afterAll } from 'vitest';
import fc from 'fast-check';
import { readGrTable, readAdfTable } from '../../src-worker/io/gr-table.ts';
import { readExtxyz } from '../../src-worker/io/extxyz.ts';
import { readLammpsData } from '../../src-worker/io/lammps-data.ts';
import { readLammpsDump } from '../../src-worker/io/lammps-dump.ts';
import { readPoscar, readXdatcar } from '../../src-worker/io/vasp.ts';
import { readTrajectory } from '../../src-worker/io/trajectory.ts';
import { importReference, referenceProblems } from '../../src-worker/evaluate/reference.ts';
import { readForceFieldFile } from '../../src-worker/params/forcefield-file.ts';
import { ParseError, type Frame } from '../../src-worker/io/frame.ts';
import { RANGES } from '../../src-worker/io/limits.ts';
import { SILICA } from '../../src-worker/species.ts';
import { SEEDS, editsArb, expectCleanRejection, expectFrameWithinLimits, mutate, newTally, printTally, type Tally } from './inputs.ts';

/** Runs per target: 11 targets × 100 = 1100 generated files per CI run. */
const RUNS = Number(process.env.GLASSFIT_FC_RUNS ?? 100);
/** Fixed, so CI is reproducible; GLASSFIT_FC_SEED explores other corners locally. */
const FC_SEED = Number(process.env.GLASSFIT_FC_SEED ?? 12);

interface Target {
  readonly seed: string;
  readonly fileName: string;
  /** Read the text; check what came back (throws an assertion error if it broke a limit). */
  readonly read: (text: string, fileName: string) => void;
}

const frames = (fs: readonly Frame[], ctx: string) => fs.forEach((f, i) => expectFrameWithinLimits(f, `${ctx} frame ${i}`));

const columns = (data: Readonly<Record<string, Float64Array>>, range: { min: number; max: number }, ctx: string) => {
  for (const [k, v] of Object.entries(data)) for (const x of v) if (!(x >= range.min && x <= range.max)) expect.fail(`${ctx}: ${k} value ${x}`);
};

const TARGETS: Readonly<Record<string, Target>> = {
  'g(r) table': {
    seed: SEEDS.gr,
    fileName: 'gr.csv',
    read: (t, f) => {
      const g = readGrTable(t, f, SILICA);
      columns(g.g, RANGES.g, f);
      columns({ r: g.r }, RANGES.r, f);
    },
  },
  'angle table': { seed: SEEDS.adf, fileName: 'adf.csv', read: (t, f) => columns(readAdfTable(t, f, SILICA).p, RANGES.adf, f) },
  'extended XYZ': { seed: SEEDS.extxyz, fileName: 'c.extxyz', read: (t, f) => frames(readExtxyz(t, f), f) },
  'LAMMPS data': { seed: SEEDS.data, fileName: 'c.data', read: (t, f) => frames([readLammpsData(t, f, { species: SILICA }).frame], f) },
  'LAMMPS dump': { seed: SEEDS.dump, fileName: 'c.dump', read: (t, f) => frames(readLammpsDump(t, f, { species: ['Si', 'O'] }), f) },
  POSCAR: { seed: SEEDS.poscar, fileName: 'POSCAR', read: (t, f) => frames([readPoscar(t, f, { species: ['Si', 'O'] })], f) },
  XDATCAR: { seed: SEEDS.xdatcar, fileName: 'XDATCAR', read: (t, f) => frames(readXdatcar(t, f, { species: ['Si', 'O'] }), f) },
  'trajectory (format from content)': { seed: SEEDS.dump, fileName: 'traj', read: (t, f) => frames(readTrajectory(t, f, { species: SILICA }), f) },
  'reference from a table': { seed: SEEDS.gr, fileName: 'ref.csv', read: (t, f) => expect(referenceProblems(importReference(t, f)), f).toEqual([]) },
  'reference from a trajectory': { seed: SEEDS.extxyz, fileName: 'ref.extxyz', read: (t, f) => expect(referenceProblems(importReference(t, f)), f).toEqual([]) },
  'parameter file': { seed: SEEDS.forcefield, fileName: 'ff.json', read: (t, f) => void readForceFieldFile(t, f) },
};

const tallies: Record<string, Tally> = {};

afterAll(() => {
  const total = printTally('readers', tallies);
  expect(total).toBeGreaterThanOrEqual(1000);
});

describe('every reader on generated corruptions of a valid file', () => {
  for (const [name, target] of Object.entries(TARGETS)) {
    it(`${name}: a one-line rejection or data inside the limits`, () => {
      const t = (tallies[name] = newTally());
      // The seed itself must read: the corruptions start from a valid file.
      target.read(target.seed, target.fileName);
      fc.assert(
        fc.property(editsArb, (edits) => {
          const text = mutate(target.seed, edits);
          t.inputs++;
          try {
            target.read(text, target.fileName);
            t.accepted++;
          } catch (e) {
            if ((e as Error).name === 'AssertionError') throw e;
            expectCleanRejection(e, `${name} after ${JSON.stringify(edits).slice(0, 300)}`);
            t.rejected++;
          }
        }),
        { numRuns: RUNS, seed: FC_SEED, endOnFailure: true },
      );
    });
  }
});

/** The ParseError a read throws (fails the test when it reads or throws anything else). */
function parseErrorOf(read: () => unknown): ParseError {
  try {
    read();
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  return expect.fail('the file was accepted');
}

describe('issue 12 regressions (item 3 and 5)', () => {
  it('a 120 kB number token is rejected in linear time, quoted to 80 characters', () => {
    // The old number regex backtracked quadratically: 60 kB took 16.7 s, 120 kB 65 s.
    const e = parseErrorOf(() => readGrTable(`r,SiSi,SiO,OO\n0.01,${'1'.repeat(60_000)},0,0\n0.03,0,0,0\n`, 'g.csv', SILICA));
    expect(e.line).toBe(2);
    expect(e.problem).toMatch(/value of SiSi is not a number: '1{80}…' \(60000 characters\)/);
    expect(e.message.length).toBeLessThan(250);
  });

  it('an XDATCAR atom count of 300000000 is an error, not an allocation that kills the process', () => {
    const text = SEEDS.xdatcar.replace('8 16', '300000000 16');
    const e = parseErrorOf(() => readXdatcar(text, 'XDATCAR'));
    expect(e.line).toBe(7);
    expect(e.problem).toMatch(/atom count of Si 300000000 exceeds 1000000/);
  });

  it('an extended XYZ Lattice="1e-300 …" is refused at the edge (it hung the cell list for ever)', () => {
    const text = SEEDS.extxyz.replace(/Lattice="10 0 0 0 10 0 0 0 10"/, 'Lattice="1e-300 0 0 0 1e-300 0 0 0 1e-300"');
    const e = parseErrorOf(() => readExtxyz(text, 'a.extxyz'));
    expect(e.line).toBe(2);
    expect(e.problem).toMatch(/cell length x 1e-300 is outside \[1, 100000\] Å/);
  });

  it('a 100 MB number is not echoed whole', () => {
    const huge = '7'.repeat(100 * 2 ** 20);
    const e = parseErrorOf(() => readLammpsDump(SEEDS.dump.replace('ITEM: NUMBER OF ATOMS\n24', `ITEM: NUMBER OF ATOMS\n${huge}`), 'a.dump'));
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toMatch(/a\.dump:4: (number of atoms is not an integer|line has \d+ characters)/);
  });

  it('a 100 MB extended XYZ comment line is refused by its length, before any of it is parsed', () => {
    const text = `3\nLattice="10 0 0 0 10 0 0 0 10" info="${'x'.repeat(100 * 2 ** 20)}"\nSi 0 0 0\nO 1 1 1\nO 2 2 2\n`;
    const e = parseErrorOf(() => readExtxyz(text, 'big.extxyz'));
    expect(e.line).toBe(2);
    expect(e.problem).toMatch(/line has \d+ characters; at most 65536 are accepted/);
  });

  it('poisoned g(r) tables are refused at import with the reason: 1e308, negative, all zero', () => {
    const rows = (f: (r: number) => string) => ['r,SiSi,SiO,OO', ...Array.from({ length: 50 }, (_, i) => `${0.01 + 0.02 * i},${f(i)}`)].join('\n');
    expect(parseErrorOf(() => importReference(rows(() => '1e308,1,1'), 'big.csv')).problem).toMatch(/value of SiSi 1e\+308 is outside \[0, 10000\]/);
    expect(parseErrorOf(() => importReference(rows(() => '-0.5,1,1'), 'neg.csv')).problem).toMatch(/value of SiSi -0\.5 is outside \[0, 10000\]/);
    expect(parseErrorOf(() => importReference(rows(() => '0,0,0'), 'zero.csv')).problem).toMatch(/unusable reference: g_SiSi is zero at every r in the cost range/);
  });

  it('extended XYZ and dump coordinates of 1e308 are refused at their line', () => {
    const x = parseErrorOf(() => readExtxyz(SEEDS.extxyz.replace(/\n1 Si \S+/, '\n1 Si 1e308'), 'c.extxyz'));
    expect(x.line).toBe(3);
    expect(x.problem).toMatch(/position 1e\+308 is outside \[-100000, 100000\] Å/);
    const d = parseErrorOf(() => readLammpsDump(SEEDS.dump.replace(/\n1 1 \S+/, '\n1 1 1e308'), 'c.dump'));
    expect(d.line).toBe(10);
    expect(d.problem).toMatch(/x \(from the box's low corner\) 1e\+308 is outside/);
  });
});
