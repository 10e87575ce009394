/**
 * Extended XYZ as a trajectory to analyse: read by the engine's reader (src-worker/io/extxyz.ts) through
 * trajectory import, which adds the species check. The reader's own tests are tests/io/extxyz.test.ts;
 * these pin what the import path reports for each kind of malformed file.
 */
import { describe, expect, it } from 'vitest';
import { readTrajectory } from '../../src-worker/io/trajectory.ts';
import { readLammpsDump } from '../../src-worker/io/lammps-dump.ts';
import { SILICA } from '../../src-worker/species.ts';
import { fixtureText } from '../analysis/fixtures.ts';
import { expectParseError } from './parse-error.ts';

const frame = (n: number, comment: string, lines: string[]) => `${n}\n${comment}\n${lines.join('\n')}\n`;
const LAT = 'Lattice="10 0 0 0 10 0 0 0 12" Properties=species:S:1:pos:R:3';
const read = (text: string, name = 'a.extxyz') => readTrajectory(text, name, { species: SILICA });

describe('extended XYZ trajectories', () => {
  it("reads the LAMMPS liquid written as extxyz exactly as the same configuration's LAMMPS dump", () => {
    const [x] = read(fixtureText('trajectory/BKS_liquid.extxyz'), 'BKS_liquid.extxyz');
    const [d] = readLammpsDump(fixtureText('trajectory/BKS_liquid.dump'), 'BKS_liquid.dump');
    expect(x.n).toBe(3000);
    expect(x.box).toEqual({ lx: 35.661, ly: 35.661, lz: 35.661 });
    expect(x.names).toEqual(d.names);
    expect(Array.from(x.pos)).toEqual(Array.from(d.pos));
    expect(x.energy).toBe(-56254.586297320406);
  });

  it('reads several frames, with velocities', () => {
    const one = fixtureText('structure/final_CHIK_s1.extxyz');
    const frames = read(one + one, 'two.extxyz');
    expect(frames.length).toBe(2);
    expect(frames[1].n).toBe(3000);
    expect(frames[1].vel![0]).toBe(6.2196);
  });

  describe('malformed files name the file, line and problem', () => {
    const good = frame(2, LAT, ['Si 1 2 3', 'O 4 5 6']);
    it('bad header: atom count', () => expectParseError(() => read('two\n' + good.slice(2)), 'a.extxyz', 1, /number of atoms, got 'two'/));
    it('bad header: Properties', () => expectParseError(() => read(good.replace('pos:R:3', 'pos:R')), 'a.extxyz', 2, /name:type:count/));
    it('missing lattice', () => expectParseError(() => read(good.replace('Lattice="10 0 0 0 10 0 0 0 12" ', '')), 'a.extxyz', 2, /Lattice/));
    it('non-orthorhombic lattice', () => expectParseError(() => read(good.replace('10 0 0 0 10', '10 1 0 0 10')), 'a.extxyz', 2, /not orthorhombic/));
    it('wrong column count', () => expectParseError(() => read(good.replace('O 4 5 6', 'O 4 5')), 'a.extxyz', 4, /expected 4 columns.*got 3/));
    it('unknown species (second frame)', () =>
      expectParseError(() => read(good + '\n' + frame(2, LAT, ['Si 1 2 3', 'Na 4 5 6'])), 'a.extxyz', 9, /unknown species 'Na' \(expected one of Si, O\)/));
    it('non-numeric value', () => expectParseError(() => read(good.replace('Si 1 2 3', 'Si 1 two 3')), 'a.extxyz', 3, /position is not a number: 'two'/));
    it('truncated frame', () => expectParseError(() => read(good + frame(3, LAT, ['Si 1 2 3'])), 'a.extxyz', 8, /file ends|got 0/));
  });
});
