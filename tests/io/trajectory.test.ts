import { describe, expect, it } from 'vitest';
import { detectFormat, formatFromContent, frameTypes, readTrajectory } from '../../src-worker/io/trajectory.ts';
import { SILICA } from '../../src-worker/species.ts';
import { analyzeFrames } from '../../src-worker/analysis/structure.ts';
import { fixtureText } from '../analysis/fixtures.ts';
import { expectParseError } from './parse-error.ts';

describe('trajectory import', () => {
  const dump = fixtureText('trajectory/BKS_liquid.dump');
  const xyz = fixtureText('trajectory/BKS_liquid.extxyz');
  const contcar = fixtureText('external/vasp-sio2-melt/CONTCAR');
  const xdatcar = fixtureText('external/vasp-sio2-melt/XDATCAR_POSCAR_CONTCAR');

  it('recognises formats by name and by content', () => {
    expect(detectFormat(dump, 'run.lammpstrj')).toBe('lammps-dump');
    expect(detectFormat(xyz, 'x.xyz')).toBe('extxyz');
    expect(detectFormat(contcar, 'CONTCAR_step869')).toBe('poscar');
    expect(detectFormat(xdatcar, 'XDATCAR')).toBe('xdatcar');
    expect(formatFromContent(dump)).toBe('lammps-dump');
    expect(formatFromContent(xyz)).toBe('extxyz');
    expect(formatFromContent(xdatcar)).toBe('xdatcar');
    expect(formatFromContent(contcar)).toBe('poscar');
    expectParseError(() => detectFormat('hello\nworld\n', 'notes'), 'notes', 1, /unrecognised trajectory format/);
  });

  it('gives the same g(r) from the same configuration in two formats', () => {
    const a = analyzeFrames(readTrajectory(dump, 'BKS_liquid.dump', { species: SILICA }), SILICA, { bondCutoffs: { SiO: 2.3 } });
    const b = analyzeFrames(readTrajectory(xyz, 'BKS_liquid.extxyz', { species: SILICA }), SILICA, { bondCutoffs: { SiO: 2.3 } });
    for (const p of ['SiSi', 'SiO', 'OO']) expect(Array.from(a.rdf.g[p])).toEqual(Array.from(b.rdf.g[p]));
    expect(a.adf!.total).toEqual(b.adf!.total);
  });

  it('passes the species table to the readers, so unknown names fail at their line', () => {
    expectParseError(() => readTrajectory(xdatcar.replace('Si   O', 'Si   N'), 'XDATCAR', { species: SILICA }), 'XDATCAR', 6, /unknown species 'N'/);
    expectParseError(() => readTrajectory(dump, 'a.dump', { species: SILICA, typeMap: { 1: 'Si' } }), 'a.dump', 1010, /atom type 2 is not in the type map \(1=Si\)/);
  });

  it('maps names to type indices, reusing a scratch array', () => {
    const [f] = readTrajectory(contcar, 'CONTCAR', { species: SILICA });
    const scratch = new Int32Array(450);
    const t = frameTypes(f, SILICA, scratch);
    expect(t).toBe(scratch);
    expect(t[0]).toBe(0);
    expect(t[449]).toBe(1);
    expect(() => frameTypes({ ...f, names: f.names.map((n, i) => (i === 3 ? 'Na' : n)) }, SILICA)).toThrow(/atom 4 is 'Na'/);
  });
});
