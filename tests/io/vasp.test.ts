import { describe, expect, it } from 'vitest';
import { readPoscar, readXdatcar } from '../../src-worker/io/vasp.ts';
import { fixtureText } from '../analysis/fixtures.ts';
import { expectParseError } from './parse-error.ts';

const POSCAR = fixtureText('external/vasp-sio2-melt/POSCAR');
const CONTCAR = fixtureText('external/vasp-sio2-melt/CONTCAR');
const XDATCAR = fixtureText('external/vasp-sio2-melt/XDATCAR_POSCAR_CONTCAR');

const small = (coords = 'Direct\n0 0 0\n0.5 0.5 0.5\n0.25 0.25 0.25\n') => `test cell\n1.0\n10 0 0\n0 12 0\n0 0 14\nSi O\n1 2\n${coords}`;

describe('VASP POSCAR / CONTCAR', () => {
  it('reads the real POSCAR (Cartesian)', () => {
    const f = readPoscar(POSCAR, 'POSCAR', { species: ['Si', 'O'] });
    expect(f.n).toBe(450);
    expect(f.box).toEqual({ lx: 17.96, ly: 17.96, lz: 17.96 });
    expect(f.names.slice(148, 152)).toEqual(['Si', 'Si', 'O', 'O']);
    expect(Array.from(f.pos.slice(0, 3))).toEqual([11.38, 7.82, 15.27]); // line 9 of the file
    expect(f.vel).toBeUndefined();
  });

  it('reads the real CONTCAR (Direct) with its velocity block, Å/fs → Å/ps', () => {
    const f = readPoscar(CONTCAR, 'CONTCAR');
    expect(f.n).toBe(450);
    expect(f.pos[0]).toBeCloseTo(0.5634170862710219 * 17.96, 12);
    expect(f.pos[3 * 449 + 2]).toBeCloseTo(0.481857351860743 * 17.96, 12);
    // First velocity line: 0.86123926E-02 0.14333225E-01 0.10266974E-01 (Å/fs).
    expect(f.vel![0]).toBeCloseTo(8.6123926, 9);
    expect(f.vel![2]).toBeCloseTo(10.266974, 9);
  });

  it('applies a negative scale as the cell volume and per-axis scales', () => {
    const f = readPoscar(small().replace('\n1.0\n', '\n-1680\n'), 'v.vasp');
    expect(f.box.lx * f.box.ly * f.box.lz).toBeCloseTo(1680, 9);
    const g = readPoscar(small('Cartesian\n1 1 1\n2 2 2\n3 3 3\n').replace('\n1.0\n', '\n2 1 1\n'), 's.vasp');
    expect(g.box).toEqual({ lx: 20, ly: 12, lz: 14 });
    expect(Array.from(g.pos.slice(0, 3))).toEqual([2, 1, 1]);
  });

  it('accepts selective dynamics flags and VASP 6 species labels', () => {
    const f = readPoscar(small('Selective dynamics\nDirect\n0 0 0 T T F\n0.5 0.5 0.5 T T T\n0.1 0.2 0.3 F F F\n').replace('Si O', 'Si_GW/357db O_s/1a2b'), 'p.vasp');
    expect(f.names).toEqual(['Si', 'O', 'O']);
    expect(f.pos[8]).toBeCloseTo(4.2, 12);
  });

  describe('malformed files name the file, line and problem', () => {
    it('bad header: no species line (VASP 4)', () => expectParseError(() => readPoscar(small().replace('Si O\n', ''), 'POSCAR'), 'POSCAR', 6, /no species line above the atom counts \(VASP 4/));
    it('bad header: coordinate mode', () => expectParseError(() => readPoscar(small().replace('Direct', 'Fractional'), 'POSCAR'), 'POSCAR', 8, /expected 'Direct' or 'Cartesian'/));
    it('wrong column count: counts vs species', () => expectParseError(() => readPoscar(small().replace('1 2\n', '1 2 3\n'), 'POSCAR'), 'POSCAR', 7, /3 atom counts for 2 species/));
    it('wrong column count: a position line', () => expectParseError(() => readPoscar(small().replace('0.5 0.5 0.5', '0.5 0.5'), 'POSCAR'), 'POSCAR', 10, /needs 3 coordinates, got 2 columns/));
    it('missing lattice (one vector left out)', () => expectParseError(() => readPoscar(small().replace('0 12 0\n', ''), 'POSCAR'), 'POSCAR', 5, /lattice vector 3 needs 3 numbers, got 2 \(missing lattice\?\)/));
    it('non-orthorhombic lattice', () => expectParseError(() => readPoscar(small().replace('0 12 0', '3 12 0'), 'POSCAR'), 'POSCAR', 4, /not along the y axis/));
    it('unknown species', () => expectParseError(() => readPoscar(small().replace('Si O', 'Si Na'), 'POSCAR', { species: ['Si', 'O'] }), 'POSCAR', 6, /unknown species 'Na'/));
    it('non-numeric value', () => expectParseError(() => readPoscar(small().replace('0.25 0.25 0.25', '0.25 x 0.25'), 'POSCAR'), 'POSCAR', 11, /coordinate y of atom 3 is not a number: 'x'/));
    it('truncated frame', () => expectParseError(() => readPoscar(small().replace('0.25 0.25 0.25\n', ''), 'POSCAR'), 'POSCAR', 11, /ends after 2 of 3 atoms \(truncated frame\)/));
  });
});

describe('VASP XDATCAR', () => {
  it('reads the two configurations made from the POSCAR and the CONTCAR', () => {
    const frames = readXdatcar(XDATCAR, 'XDATCAR', { species: ['Si', 'O'] });
    expect(frames.map((f) => f.step)).toEqual([1, 869]);
    const first = readPoscar(POSCAR, 'POSCAR');
    const last = readPoscar(CONTCAR, 'CONTCAR');
    // The XDATCAR prints 8 decimals of the fractional coordinates: 0.5e-8 · 17.96 Å.
    for (let k = 0; k < 3 * 450; k++) {
      expect(Math.abs(frames[0].pos[k] - first.pos[k])).toBeLessThan(1e-7);
      expect(Math.abs(frames[1].pos[k] - last.pos[k])).toBeLessThan(1e-7);
    }
    expect(frames[1].names).toEqual(last.names);
    expect(frames[1].box).toEqual({ lx: 17.96, ly: 17.96, lz: 17.96 });
  });

  it('reads a variable-cell XDATCAR (header before each block)', () => {
    const block = (l: number, step: number) => `cell\n1\n${l} 0 0\n0 ${l} 0\n0 0 ${l}\nSi O\n1 1\nDirect configuration=     ${step}\n0 0 0\n0.5 0.5 0.5\n`;
    const frames = readXdatcar(block(10, 1) + block(11, 2), 'XDATCAR');
    expect(frames.map((f) => f.box.lx)).toEqual([10, 11]);
    expect(frames[1].pos[3]).toBeCloseTo(5.5, 12);
  });

  describe('malformed files name the file, line and problem', () => {
    const x = (body: string) => small('').replace(/\n$/, '\n') + body;
    const conf = 'Direct configuration=     1\n0 0 0\n0.5 0.5 0.5\n0.25 0.25 0.25\n';
    it('bad header: no configuration line', () => expectParseError(() => readXdatcar(x('0 0 0\n'), 'XDATCAR'), 'XDATCAR', 8, /expected 'Direct configuration= 1'/));
    it('wrong column count', () => expectParseError(() => readXdatcar(x(conf.replace('0.5 0.5 0.5', '0.5 0.5')), 'XDATCAR'), 'XDATCAR', 10, /needs 3 coordinates, got 2/));
    it('missing lattice', () => expectParseError(() => readXdatcar(x(conf).replace('0 0 14\n', '0 0\n'), 'XDATCAR'), 'XDATCAR', 5, /lattice vector 3 needs 3 numbers, got 2 \(missing lattice\?\)/));
    it('unknown species', () => expectParseError(() => readXdatcar(x(conf).replace('Si O', 'Si Xx'), 'XDATCAR', { species: ['Si', 'O'] }), 'XDATCAR', 6, /unknown species 'Xx'/));
    it('non-numeric value', () => expectParseError(() => readXdatcar(x(conf.replace('0.25 0.25 0.25', '0.25 0.25 nan')), 'XDATCAR'), 'XDATCAR', 11, /coordinate z of atom 3 is not a number/));
    it('truncated frame', () => expectParseError(() => readXdatcar(x(conf + conf.split('\n').slice(0, 3).join('\n')), 'XDATCAR'), 'XDATCAR', 15, /configuration 1 ends after 2 of 3 atoms \(truncated frame\)/));
  });
});
