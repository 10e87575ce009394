import { describe, expect, it } from 'vitest';
import { parseTypeMap, readLammpsDump } from '../../src-worker/io/lammps-dump.ts';
import { fixtureText } from '../analysis/fixtures.ts';
import { expectParseError } from './parse-error.ts';

const header = (n: number, cols = 'id type x y z', bounds = 'pp pp pp', step = 100) =>
  `ITEM: TIMESTEP\n${step}\nITEM: NUMBER OF ATOMS\n${n}\nITEM: BOX BOUNDS ${bounds}\n0 10\n-5 5\n0 20\nITEM: ATOMS ${cols}\n`;
const good = header(3) + '1 1 1.0 2.0 3.0\n2 2 4.0 -1.0 6.0\n3 2 7.0 0.5 19.0\n';

describe('LAMMPS dump reader', () => {
  it('reads the 20-frame BKS trajectory fixture', () => {
    const frames = readLammpsDump(fixtureText('trajectory/traj_BKS_20frames.dump'), 'traj_BKS_20frames.dump');
    expect(frames.length).toBe(20);
    expect(frames.map((f) => f.step)).toEqual(Array.from({ length: 20 }, (_, k) => 100 * (k + 1)));
    const f = frames[0];
    expect(f.n).toBe(3000);
    expect(f.box).toEqual({ lx: 35.661000000000001, ly: 35.661000000000001, lz: 35.661000000000001 });
    expect(f.names.filter((s) => s === 'Si').length).toBe(1000);
    expect(f.names.filter((s) => s === 'O').length).toBe(2000);
    // First atom line of the file: "1 1 15.0881113044 32.6635612311 3.9218706403".
    expect(f.ids![0]).toBe(1);
    expect(f.names[0]).toBe('Si');
    expect(Array.from(f.pos.slice(0, 3))).toEqual([15.0881113044, 32.6635612311, 3.9218706403]);
  });

  it('shifts the box to the origin, applies the type map, and sorts atoms by id', () => {
    const text = header(3) + '3 2 7.0 0.5 19.0\n1 1 1.0 2.0 3.0\n2 2 4.0 -1.0 6.0\n';
    const [f] = readLammpsDump(text, 'a.dump', { typeMap: { 1: 'Si', 2: 'O' } });
    expect(f.box).toEqual({ lx: 10, ly: 10, lz: 20 });
    expect(Array.from(f.ids!)).toEqual([1, 2, 3]);
    expect(f.names).toEqual(['Si', 'O', 'O']);
    expect(Array.from(f.pos)).toEqual([1, 7, 3, 4, 4, 6, 7, 5.5, 19]);
  });

  it('reads scaled coordinates, element columns, velocities, zero-tilt triclinic boxes and UNITS/TIME items', () => {
    const scaled = header(1, 'id element xs ys zs vx vy vz', 'xy xz yz pp pp pp').replace('0 10\n-5 5\n0 20', '0 10 0\n-5 5 0.0\n0 20 0');
    const [f] = readLammpsDump('ITEM: UNITS\nmetal\nITEM: TIME\n0.1\n' + scaled + '1 O 0.5 0.25 0.1 1 2 3\n', 's.dump', { species: ['Si', 'O'] });
    expect(f.names).toEqual(['O']);
    expect(Array.from(f.pos)).toEqual([5, 2.5, 2]);
    expect(Array.from(f.vel!)).toEqual([1, 2, 3]);
  });

  it('parses --type-map', () => {
    expect(parseTypeMap('1=Si,2=O')).toEqual({ 1: 'Si', 2: 'O' });
    expect(() => parseTypeMap('1:Si')).toThrow(/1=Si/);
  });

  describe('malformed files name the file, line and problem', () => {
    it('bad header', () => expectParseError(() => readLammpsDump(good.replace('ITEM: NUMBER OF ATOMS', 'ITEM: ATOM COUNT'), 'a.dump'), 'a.dump', 3, /expected 'ITEM: NUMBER OF ATOMS'/));
    it('ATOMS header without coordinates', () => expectParseError(() => readLammpsDump(good.replace('id type x y z', 'id type q'), 'a.dump'), 'a.dump', 9, /no coordinate columns/));
    it('wrong column count', () => expectParseError(() => readLammpsDump(good.replace('2 2 4.0 -1.0 6.0', '2 2 4.0 -1.0'), 'a.dump'), 'a.dump', 11, /4 columns, the ATOMS header names 5/));
    it('missing box bounds (the lattice)', () => expectParseError(() => readLammpsDump(good.replace('-5 5\n', '-5\n'), 'a.dump'), 'a.dump', 7, /y box bounds need 2 numbers/));
    it('tilted (triclinic) box', () =>
      expectParseError(() => readLammpsDump(header(1, 'id type x y z', 'xy xz yz pp pp pp').replace('0 10\n', '0 10 0.5\n') + '1 1 1 1 1\n', 't.dump'), 't.dump', 6, /non-zero tilt/));
    it('unknown species: a type missing from the map', () => expectParseError(() => readLammpsDump(good.replace('3 2 7.0', '3 3 7.0'), 'a.dump'), 'a.dump', 12, /atom type 3 is not in the type map \(1=Si, 2=O\)/));
    it('unknown species: an element the caller cannot use', () =>
      expectParseError(() => readLammpsDump(header(1, 'id element x y z') + '1 Na 1 1 1\n', 'e.dump', { species: ['Si', 'O'] }), 'e.dump', 10, /unknown species 'Na'/));
    it('non-numeric value', () => expectParseError(() => readLammpsDump(good.replace('4.0 -1.0 6.0', '4.0 abc 6.0'), 'a.dump'), 'a.dump', 11, /y is not a number: 'abc'/));
    it('non-numeric atom count', () => expectParseError(() => readLammpsDump(good.replace('\n3\n', '\nthree\n'), 'a.dump'), 'a.dump', 4, /number of atoms is not an integer/));
    it('truncated frame (end of file)', () => expectParseError(() => readLammpsDump(good.split('\n').slice(0, 11).join('\n'), 'a.dump'), 'a.dump', 12, /ends after 2 of 3 atoms \(truncated frame\)/));
    it('truncated frame (next frame starts early)', () =>
      expectParseError(() => readLammpsDump(header(3) + '1 1 1 1 1\n' + header(1, 'id type x y z', 'pp pp pp', 200) + '1 1 1 1 1\n', 'b.dump'), 'b.dump', 11, /ends after 1 of 3 atoms/));
    it('truncated header', () => expectParseError(() => readLammpsDump('ITEM: TIMESTEP\n100\nITEM: NUMBER OF ATOMS\n', 'c.dump'), 'c.dump', 4, /file ends where the number of atoms was expected/));
    it('duplicate atom ids', () => expectParseError(() => readLammpsDump(header(2) + '2 1 1 1 1\n2 2 1 1 2\n', 'd.dump'), 'd.dump', 11, /atom id 2 appears twice/));
  });
});
