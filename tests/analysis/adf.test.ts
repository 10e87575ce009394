import { describe, expect, it } from 'vitest';
import { readLammpsDump } from '../../src-worker/io/lammps-dump.ts';
import { SILICA } from '../../src-worker/species.ts';
import { analyzeFrames } from '../../src-worker/analysis/structure.ts';
import { accumulateAdf, adfResult, createAdfAccumulator, parseTriplet } from '../../src-worker/analysis/adf.ts';
import { createBondList, findBonds } from '../../src-worker/analysis/bonds.ts';
import { csvColumns, fixtureJson, fixtureText } from './fixtures.ts';

interface AnglesFixture {
  frames: number;
  bond_cutoff_SiO_A: number;
  n_OSiO_angles: number;
  n_SiOSi_angles: number;
  mean_Z_Si: number;
  frac_Si3: number;
  frac_Si4: number;
  frac_Si5: number;
  mean_OSiO_deg: number;
  mean_SiOSi_deg: number;
}

describe('bond-angle distributions against the independent script (20 frames of the BKS liquid)', () => {
  const ref = fixtureJson<AnglesFixture>('trajectory/angles_BKS_20frames.json');
  const table = csvColumns('trajectory/adf_BKS_20frames.csv');
  const frames = readLammpsDump(fixtureText('trajectory/traj_BKS_20frames.dump'), 'traj_BKS_20frames.dump');
  const s = analyzeFrames(frames, SILICA, { bondCutoffs: { SiO: ref.bond_cutoff_SiO_A } });
  const adf = s.adf!;

  it('counts the same number of angles', () => {
    expect(adf.frames).toBe(ref.frames);
    expect(adf.total.OSiO).toBe(ref.n_OSiO_angles);
    expect(adf.total.SiOSi).toBe(ref.n_SiOSi_angles);
  });

  it.each([
    ['OSiO', 'p_OSiO', 'n_OSiO_angles'],
    ['SiOSi', 'p_SiOSi', 'n_SiOSi_angles'],
  ] as const)('%s histogram equals p × count within one count per 1° bin', (t, col, nKey) => {
    expect(adf.theta.length).toBe(180);
    expect(table.theta_deg.length).toBe(180);
    const worst = Math.max(...Array.from(adf.counts[t], (c, i) => Math.abs(c - table[col][i] * ref[nKey])));
    expect(worst).toBeLessThanOrEqual(1);
    for (let i = 0; i < 180; i++) expect(adf.theta[i]).toBeCloseTo(table.theta_deg[i], 12);
  });

  it("normalises Σ p·Δθ = 1 and gives the script's mean angles", () => {
    for (const t of ['OSiO', 'SiOSi']) expect(adf.p[t].reduce((a, b) => a + b, 0) * adf.dTheta).toBeCloseTo(1, 12);
    expect(adf.mean.OSiO).toBeCloseTo(ref.mean_OSiO_deg, 6);
    expect(adf.mean.SiOSi).toBeCloseTo(ref.mean_SiOSi_deg, 6);
  });

  it("gives the script's Si coordination fractions", () => {
    const si = s.coordination.find((c) => c.centre === 'Si')!;
    expect(si.samples).toBe(20 * 1000);
    expect(si.fractions[3]).toBeCloseTo(ref.frac_Si3, 10);
    expect(si.fractions[4]).toBeCloseTo(ref.frac_Si4, 10);
    expect(si.fractions[5]).toBeCloseTo(ref.frac_Si5, 10);
    expect(si.mean).toBeCloseTo(ref.mean_Z_Si, 10);
    // Each Si–O bond seen from both ends: O's mean coordination is half of Si's at SiO2 stoichiometry.
    const o = s.coordination.find((c) => c.centre === 'O')!;
    expect(o.mean).toBeCloseTo(si.mean / 2, 12);
  });
});

describe('angles of hand-built geometries', () => {
  const box = { lx: 30, ly: 30, lz: 30 };
  function angles(names: string[], xyz: number[][], triplets: string[]) {
    const type = Int32Array.from(names, (n) => (n === 'Si' ? 0 : 1));
    const pos = Float64Array.from(xyz.flat());
    const bl = createBondList(SILICA, { SiO: 2.0 });
    findBonds(bl, type, pos, box);
    const acc = createAdfAccumulator(SILICA, triplets);
    accumulateAdf(acc, bl);
    return adfResult(acc);
  }

  it('puts the six O–Si–O angles of a regular tetrahedron in the 109° bin', () => {
    const d = 1.6 / Math.sqrt(3);
    const c = [15, 15, 15];
    const o = [
      [1, 1, 1],
      [1, -1, -1],
      [-1, 1, -1],
      [-1, -1, 1],
    ].map((v) => v.map((x, k) => c[k] + d * x));
    const r = angles(['Si', 'O', 'O', 'O', 'O'], [c, ...o], ['O-Si-O', 'Si-O-Si']);
    expect(r.total.OSiO).toBe(6);
    expect(r.counts.OSiO[109]).toBe(6); // arccos(−1/3) = 109.47°
    expect(r.total.SiOSi).toBe(0);
    expect(r.mean.OSiO).toBe(109.5);
  });

  it('measures a bridging Si–O–Si angle across the periodic boundary, and 180° in the last bin', () => {
    const theta = (144.3 * Math.PI) / 180;
    const b = 1.6;
    // O at the box corner, its two Si on the far side of the boundaries.
    const si1 = [b, 0, 0];
    const si2 = [b * Math.cos(theta), b * Math.sin(theta), 0];
    const wrap = (v: number[]) => v.map((x) => (x + 30) % 30);
    const r = angles(['O', 'Si', 'Si'], [[0, 0, 0], wrap(si1), wrap(si2)], ['Si-O-Si']);
    expect(r.total.SiOSi).toBe(1);
    expect(r.counts.SiOSi[144]).toBe(1);
    const straight = angles(['O', 'Si', 'Si'], [[15, 15, 15], [16.6, 15, 15], [13.4, 15, 15]], ['Si-O-Si']);
    expect(straight.counts.SiOSi[179]).toBe(1);
  });

  it('grows the per-atom bond capacity for a crowded atom (12 O around one Si)', () => {
    const names = ['Si'];
    const xyz = [[15, 15, 15]];
    for (let k = 0; k < 12; k++) {
      const phi = (2 * Math.PI * k) / 12;
      xyz.push([15 + 1.7 * Math.cos(phi), 15 + 1.7 * Math.sin(phi), 15 + (k % 2 ? 0.3 : -0.3)]);
      names.push('O');
    }
    const r = angles(names, xyz, ['O-Si-O']);
    expect(r.total.OSiO).toBe((12 * 11) / 2);
  });

  it('rejects a triplet naming an unknown species', () => {
    expect(() => parseTriplet(SILICA, 'O-Na-O')).toThrow(/unknown species 'Na'/);
    expect(() => parseTriplet(SILICA, 'O-Si')).toThrow(/three species/);
  });
});
