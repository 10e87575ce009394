/**
 * LAMMPS data files: the fixtures read correctly, write → read is exact, type names come from Masses
 * comments / the caller / masses, and malformed files fail with a ParseError naming file, line and problem.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLammpsData, writeLammpsData } from '../../src-worker/io/lammps-data.ts';
import { ParseError, type Frame } from '../../src-worker/io/frame.ts';
import { SILICA } from '../../src-worker/species.ts';
import { FIXTURES } from '../md/fixtures.ts';

const text = (rel: string) => readFileSync(join(FIXTURES, rel), 'utf8');

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a ParseError');
}

const HEAD = 'title\n\n2 atoms\n2 atom types\n\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\n';

describe('LAMMPS data reader', () => {
  it('reads the BKS fixture (atom_style charge), naming types by their masses', () => {
    const d = readLammpsData(text('configs/BKS_liquid.data'), 'BKS_liquid.data', { species: SILICA });
    expect(d.atomStyle).toBe('charge');
    expect(d.frame.n).toBe(3000);
    expect(d.frame.box).toEqual({ lx: 35.661, ly: 35.661, lz: 35.661 });
    expect(d.typeNames).toEqual(['Si', 'O']);
    expect(d.masses).toEqual([28.0855, 15.9994]);
    expect(d.charges?.[0]).toBeCloseTo(2.4, 15);
    expect(d.charges?.[2999]).toBeCloseTo(-1.2, 15);
    expect(Array.from(d.frame.ids as Int32Array).slice(0, 3)).toEqual([1, 2, 3]);
    expect(d.frame.pos[0]).toBe(15.45817419515255);
  });

  it('writes and reads back exactly, with velocities and Masses comments naming the types', () => {
    const frame: Frame = {
      n: 3,
      box: { lx: 21.396712201611553, ly: 21.396712201611553, lz: 21.396712201611553 },
      names: ['O', 'Si', 'O'],
      pos: Float64Array.from([0.1, 0.2, 1 / 3, 4, 5, 6, 21.39, 1e-12, 7]),
      vel: Float64Array.from([1.5, -2.25, 3, 0, 0, 0, -1e-9, 7.125, 8]),
      ids: Int32Array.from([10, 20, 30]),
    };
    const txt = writeLammpsData(frame, { species: SILICA, charges: { Si: 2.4, O: -1.2 } });
    const d = readLammpsData(txt, 'w.data'); // names from the '# Si' comments, no species table needed
    expect(d.typeNames).toEqual(['Si', 'O']);
    expect(d.frame.names).toEqual(frame.names);
    expect(Array.from(d.frame.pos)).toEqual(Array.from(frame.pos));
    expect(Array.from(d.frame.vel as Float64Array)).toEqual(Array.from(frame.vel as Float64Array));
    expect(Array.from(d.frame.ids as Int32Array)).toEqual([10, 20, 30]);
    expect(d.frame.box).toEqual(frame.box);
    expect(Array.from(d.charges as Float64Array)).toEqual([-1.2, 2.4, -1.2]);
  });

  it('reads atom_style atomic with image flags, shifts a box that does not start at 0, takes type names', () => {
    const txt = 'x\n\n2 atoms\n2 atom types\n\n-5 5 xlo xhi\n0 10 ylo yhi\n1 11 zlo zhi\n0 0 0 xy xz yz\n\nAtoms # atomic\n\n1 2 0 1 2 0 0 1\n2 1 -4 3 4 0 0 0\n';
    const d = readLammpsData(txt, 'a.data', { typeNames: ['Si', 'O'] });
    expect(d.atomStyle).toBe('atomic');
    expect(d.frame.box).toEqual({ lx: 10, ly: 10, lz: 10 });
    expect(Array.from(d.frame.pos)).toEqual([5, 1, 1, 1, 3, 3]);
    expect(d.frame.names).toEqual(['O', 'Si']);
  });

  const bad: [string, string, number, RegExp][] = [
    ['a missing atom count', 'title\n\n2 atom types\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\nAtoms\n\n', 8, /no 'N atoms'/],
    ['a triclinic box', HEAD.replace('0 10 zlo zhi\n', '0 10 zlo zhi\n1 0 0 xy xz yz\n') + 'Atoms\n\n', 9, /triclinic/],
    ['an Atoms line with too few columns', HEAD + 'Atoms # charge\n\n1 1 0.5 1 2\n2 2 -0.5 1 2 3\n', 12, /needs 6 columns .* got 5/],
    ['an atom type out of range', HEAD + 'Atoms # charge\n\n1 1 0.5 1 2 3\n2 3 -0.5 1 2 3\n', 13, /type 3 is outside 1..2/],
    ['a duplicate atom id', HEAD + 'Atoms # charge\n\n1 1 0.5 1 2 3\n1 2 -0.5 1 2 3\n', 13, /id 1 appears twice/],
    ['a coordinate that is not a number', HEAD + 'Atoms # charge\n\n1 1 0.5 1 2 3\n2 2 -0.5 1 nan? 3\n', 13, /y coordinate is not a number: 'nan\?'/],
    ['too few atoms', HEAD + 'Atoms # charge\n\n1 1 0.5 1 2 3\n', 12, /1 lines, the header says 2 atoms/],
    ['velocities for an unknown atom', HEAD + 'Atoms # charge\n\n1 1 0.5 1 2 3\n2 2 -0.5 1 2 3\n\nVelocities\n\n1 0 0 0\n9 0 0 0\n', 18, /atom id 9, which is not in the Atoms section/],
    ['an unsupported atom style', HEAD + 'Atoms # sphere\n\n1 1 1 1 1 1 1\n', 10, /atom style 'sphere' is not supported/],
  ];
  for (const [what, txt, line, problem] of bad) {
    it(`rejects ${what} with file, line and problem`, () => {
      const e = parseError(() => readLammpsData(txt, 'bad.data', { typeNames: ['Si', 'O'] }));
      expect(e.file).toBe('bad.data');
      expect(e.problem).toMatch(problem);
      expect(e.line).toBe(line);
    });
  }

  it('says how to name atom types it cannot name', () => {
    const e = parseError(() => readLammpsData(HEAD + 'Atoms # charge\n\n1 1 0.5 1 2 3\n2 2 -0.5 1 2 3\n', 'n.data'));
    expect(e.problem).toMatch(/atom type 1 has no species name: add a '# Si'-style comment/);
  });
});
