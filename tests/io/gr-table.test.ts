import { describe, expect, it } from 'vitest';
import { readAdfTable, readGrTable, resample, writeAdfCsv, writeGrCsv } from '../../src-worker/io/gr-table.ts';
import { SILICA } from '../../src-worker/species.ts';
import { csvColumns, fixtureText } from '../analysis/fixtures.ts';
import { expectParseError } from './parse-error.ts';

describe('g(r) tables', () => {
  it('reads the LAMMPS fixture style r_A,g_SiSi,g_SiO,g_OO', () => {
    const t = readGrTable(fixtureText('structure/gr_CHIK_s1.csv'), 'gr_CHIK_s1.csv', SILICA);
    const raw = csvColumns('structure/gr_CHIK_s1.csv');
    expect(t.pairs).toEqual(['SiSi', 'SiO', 'OO']);
    expect(Array.from(t.r)).toEqual(raw.r_A);
    expect(Array.from(t.g.SiO)).toEqual(raw.g_SiO);
    expect(Array.from(t.g.OO)).toEqual(raw.g_OO);
  });

  it('reads whitespace tables with a commented header, comments, either pair order, and D exponents', () => {
    const text = '# made by hand\n# r OSi OO\n0.5 0 0\n1.0 1.5D+00 0.25\n\n# a comment\n1.5 2 1e0\n';
    const t = readGrTable(text, 'g.dat', SILICA);
    expect(t.pairs).toEqual(['SiO', 'OO']);
    expect(Array.from(t.g.SiO)).toEqual([0, 1.5, 2]);
    expect(Array.from(t.g.OO)).toEqual([0, 0.25, 1]);
    expect(readGrTable('r, g(Si-O) ,O-O\n1,2,3\n2,3,4\n', 'h.csv', SILICA).pairs).toEqual(['SiO', 'OO']);
  });

  it('reads angle tables (fixture style and plain)', () => {
    const t = readAdfTable(fixtureText('structure/adf_CHIK_s1.csv'), 'adf_CHIK_s1.csv', SILICA);
    expect(t.triplets).toEqual(['OSiO', 'SiOSi']);
    expect(t.theta.length).toBe(180);
    expect(t.p.OSiO.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(readAdfTable('theta,O-Si-O\n0.5,0\n1.5,1\n', 'a.csv', SILICA).triplets).toEqual(['OSiO']);
  });

  it('writes tables the reader reads back', () => {
    const r = Float64Array.from([0.01, 0.03]);
    const g = { SiSi: Float64Array.from([0, 1.25]), SiO: Float64Array.from([0, 2]), OO: Float64Array.from([0, 1 / 3]) };
    const text = writeGrCsv(r, ['SiSi', 'SiO', 'OO'], g);
    expect(text.split('\n')[0]).toBe('r,SiSi,SiO,OO');
    const back = readGrTable(text, 'w.csv', SILICA);
    expect(back.g.OO[1]).toBeCloseTo(1 / 3, 8);
    const a = readAdfTable(writeAdfCsv(Float64Array.from([0.5, 1.5]), ['OSiO'], { OSiO: Float64Array.from([0.2, 0.8]) }), 'w.csv', SILICA);
    expect(Array.from(a.p.OSiO)).toEqual([0.2, 0.8]);
  });

  it('resamples linearly, copies on coinciding grids, and leaves out points it cannot cover', () => {
    const x = Float64Array.from([0, 1, 2, 3]);
    const y = Float64Array.from([0, 10, 20, 0]);
    const s = resample(x, y, Float64Array.from([-1, 0.5, 1, 2.75, 3, 4]));
    expect([s.from, s.to]).toEqual([1, 5]);
    expect(Array.from(s.values)).toEqual([5, 10, 5, 0]);
  });

  describe('malformed files name the file, line and problem', () => {
    const good = 'r,SiSi,SiO,OO\n0.01,0,0,0\n0.03,0,0.5,0\n0.05,0,1,0\n';
    it('bad header: first column is not r', () => expectParseError(() => readGrTable('dist,SiSi\n1,2\n2,3\n', 'g.csv', SILICA), 'g.csv', 1, /bad header: the first line must name the columns, e.g. 'r,SiSi,SiO,OO'/));
    it('bad header: no header at all', () => expectParseError(() => readGrTable('0.01,0,0,0\n0.03,0,0,0\n', 'g.csv', SILICA), 'g.csv', 1, /bad header/));
    it('bad header: column that is not a pair', () => expectParseError(() => readGrTable(good.replace('SiO', 'gSiO_total'), 'g.csv', SILICA), 'g.csv', 1, /column 'gSiO_total' does not name a species pair/));
    it('bad header: a pair twice', () => expectParseError(() => readGrTable(good.replace('OO', 'OSi'), 'g.csv', SILICA), 'g.csv', 1, /pair SiO appears twice/));
    it('unknown species', () => expectParseError(() => readGrTable(good.replace('OO', 'NaO'), 'g.csv', SILICA), 'g.csv', 1, /column 'NaO': unknown species 'Na'/));
    it('wrong column count', () => expectParseError(() => readGrTable(good.replace('0.03,0,0.5,0', '0.03,0,0.5'), 'g.csv', SILICA), 'g.csv', 3, /row has 3 columns, the header names 4/));
    it('non-numeric value', () => expectParseError(() => readGrTable(good.replace('0.05,0,1,0', '0.05,0,one,0'), 'g.csv', SILICA), 'g.csv', 4, /value of SiO is not a number: 'one'/));
    it('empty value', () => expectParseError(() => readGrTable(good.replace('0.05,0,1,0', '0.05,,1,0'), 'g.csv', SILICA), 'g.csv', 4, /value of SiSi is not a number: ''/));
    it('r not increasing', () => expectParseError(() => readGrTable(good.replace('0.05,0,1,0', '0.02,0,1,0'), 'g.csv', SILICA), 'g.csv', 4, /r must increase down the table: 0.02 follows 0.03/));
    it('truncated: header only', () => expectParseError(() => readGrTable('r,SiSi,SiO,OO\n0.01,0,0,0\n', 'g.csv', SILICA), 'g.csv', 2, /1 data row; at least 2 are needed/));
    it('angle table with a pair column', () => expectParseError(() => readAdfTable('theta,SiO\n0.5,0\n1.5,1\n', 'a.csv', SILICA), 'a.csv', 1, /does not name an angle triplet/));
  });
});
