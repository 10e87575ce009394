/**
 * Extended XYZ: the LAMMPS fixtures read correctly, multi-frame write → read is exact, and malformed files
 * fail with a ParseError naming the file, the line and the problem.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExtxyz, writeExtxyz, parseKeyValues } from '../../src-worker/io/extxyz.ts';
import { readLammpsData } from '../../src-worker/io/lammps-data.ts';
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

describe('extended XYZ reader', () => {
  it('reads a LAMMPS fixture: box, species, positions, forces, energy, info', () => {
    const [f] = readExtxyz(text('configs/BKS_liquid.extxyz'), 'BKS_liquid.extxyz');
    const energies = JSON.parse(text('configs/energies.json'));
    expect(f.n).toBe(3000);
    expect(f.box).toEqual({ lx: 35.661, ly: 35.661, lz: 35.661 });
    expect(f.names.filter((s) => s === 'Si').length).toBe(1000);
    expect(f.energy).toBe(energies.BKS.pe);
    expect(f.info?.potential).toBe('BKS');
    expect(f.forces?.[0]).toBe(-0.37416785723068541);
    // Same positions as the fixture's LAMMPS data file, to the last bit.
    const d = readLammpsData(text('configs/BKS_liquid.data'), 'BKS_liquid.data', { species: SILICA });
    expect(Array.from(f.pos)).toEqual(Array.from(d.frame.pos));
    expect(f.names).toEqual(d.frame.names);
  });

  it('writes and reads back several frames exactly (velocities, forces, ids, energy, quoted info)', () => {
    const frame = (k: number, extra: Partial<Frame>): Frame => ({
      n: 3,
      box: { lx: 10.5 + k, ly: 11, lz: 12.25 },
      names: ['Si', 'O', 'O'],
      pos: Float64Array.from([0.1, 0.2, 0.3, 1 / 3, Math.PI, 9.999999999999998, 5, 6, 7 + k]),
      info: { note: `frame ${k} with "quotes" and spaces`, step: String(100 * k) },
      step: 100 * k,
      ...extra,
    });
    const frames = [
      frame(0, {}),
      frame(1, { vel: Float64Array.from([1e-300, -2.5, 3, 4, 5, 6, 7, 8, 9.123456789012345]), energy: -1234.5678901234567 }),
      frame(2, { forces: Float64Array.from([1, 2, 3, 4, 5, 6, -7, -8, -9]), ids: Int32Array.from([7, 3, 12]) }),
    ];
    const back = readExtxyz(writeExtxyz(frames), 'traj.extxyz');
    expect(back.length).toBe(3);
    back.forEach((b, k) => {
      const a = frames[k];
      expect(b.n).toBe(a.n);
      expect(b.box).toEqual(a.box);
      expect(b.names).toEqual(a.names);
      expect(Array.from(b.pos)).toEqual(Array.from(a.pos));
      expect(b.vel ? Array.from(b.vel) : undefined).toEqual(a.vel ? Array.from(a.vel) : undefined);
      expect(b.forces ? Array.from(b.forces) : undefined).toEqual(a.forces ? Array.from(a.forces) : undefined);
      expect(b.ids ? Array.from(b.ids) : undefined).toEqual(a.ids ? Array.from(a.ids) : undefined);
      expect(b.energy).toBe(a.energy);
      expect(b.step).toBe(a.step);
      expect(b.info?.note).toBe(a.info?.note);
    });
  });

  it('reads ASE-style comment lines: quoted and bare values, flags, Z columns, default Properties', () => {
    const kv = parseKeyValues('Lattice="1 0 0 0 2 0 0 0 3" Properties=species:S:1:pos:R:3 pbc="T T T" flag name=x "two words"=y', 'f', 2);
    expect(kv.get('Lattice')).toBe('1 0 0 0 2 0 0 0 3');
    expect(kv.get('flag')).toBe('T');
    expect(kv.get('two words')).toBe('y');
    const z = readExtxyz('2\nLattice="20 0 0 0 20 0 0 0 20" Properties=Z:I:1:pos:R:3:velo:R:3\n14 0 0 0 1 2 3\n8 1.6 0 0 0 0 0\n', 'z.xyz')[0];
    expect(z.names).toEqual(['Si', 'O']);
    expect(Array.from(z.vel as Float64Array)).toEqual([1, 2, 3, 0, 0, 0]);
    const plain = readExtxyz('1\nLattice="5 0 0 0 5 0 0 0 5"\nO 1 2 3\n\n', 'p.xyz');
    expect(plain.length).toBe(1);
    expect(plain[0].names).toEqual(['O']);
  });

  const bad: [string, string, number, RegExp][] = [
    ['an atom count that is not a number', 'three\nLattice="5 0 0 0 5 0 0 0 5"\nO 1 2 3\n', 1, /number of atoms/],
    ['no Lattice', '1\nProperties=species:S:1:pos:R:3\nO 1 2 3\n', 2, /no Lattice/],
    ['a non-orthorhombic cell', '1\nLattice="5 1 0 0 5 0 0 0 5"\nO 1 2 3\n', 2, /not orthorhombic/],
    ['a malformed Properties', '1\nLattice="5 0 0 0 5 0 0 0 5" Properties=species:S:1:pos:R\nO 1 2 3\n', 2, /name:type:count/],
    ['an unterminated quote', '1\nLattice="5 0 0 0 5 0 0 0 5\nO 1 2 3\n', 2, /unterminated/],
    ['an atom line with a missing column', '2\nLattice="5 0 0 0 5 0 0 0 5"\nO 1 2 3\nO 1 2\n', 4, /expected 4 columns .* got 3/],
    ['a position that is not a number', '1\nLattice="5 0 0 0 5 0 0 0 5"\nO 1 x 3\n', 3, /position is not a number: 'x'/],
    ['a truncated second frame', '1\nLattice="5 0 0 0 5 0 0 0 5"\nO 1 2 3\n2\nLattice="5 0 0 0 5 0 0 0 5"\nO 1 2 3\n', 7, /file ends after 1 of 2 atom lines/],
    ['a non-periodic pbc', '1\nLattice="5 0 0 0 5 0 0 0 5" pbc="T T F"\nO 1 2 3\n', 2, /periodic/],
  ];
  for (const [what, txt, line, problem] of bad) {
    it(`rejects ${what} with file, line and problem`, () => {
      const e = parseError(() => readExtxyz(txt, 'bad.extxyz'));
      expect(e.file).toBe('bad.extxyz');
      expect(e.line).toBe(line);
      expect(e.problem).toMatch(problem);
      expect(e.message).toBe(`bad.extxyz:${line}: ${e.problem}`);
    });
  }
});
