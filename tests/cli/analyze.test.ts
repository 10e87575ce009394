import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src-main/cli/glassfit.ts';
import { agreesTo6Digits, csvColumns, fixturePath, fixtureJson } from '../analysis/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-analyze-'));
afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  return { out, err };
}

describe('glassfit analyze', () => {
  it('writes g(r) as r,SiSi,SiO,OO equal to LAMMPS, the ADF, and a JSON summary', async () => {
    const io = capture();
    const gr = join(dir, 'gr.csv');
    const adf = join(dir, 'adf.csv');
    const code = await main(['analyze', fixturePath('trajectory/traj_BKS_20frames.dump'), '--type-map', '1=Si,2=O', '--rmax', '8', '--bin', '0.02', '--out', gr, '--adf', adf, '--bond-cutoff', '2.3', '--json']);
    expect(code).toBe(0);
    const [header] = readFileSync(gr, 'utf8').split('\n');
    expect(header).toBe('r,SiSi,SiO,OO');
    const ours = Object.fromEntries(readFileSync(gr, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number)).map((v) => [v[0].toFixed(2), v]));
    const lammps = csvColumns('trajectory/gr_BKS_20frames.csv');
    lammps.r_A.forEach((r, i) => {
      const row = ours[r.toFixed(2)];
      expect(agreesTo6Digits(row[1], lammps.g_SiSi[i]) && agreesTo6Digits(row[2], lammps.g_SiO[i]) && agreesTo6Digits(row[3], lammps.g_OO[i])).toBe(true);
    });
    const a = readFileSync(adf, 'utf8').trim().split('\n');
    expect(a[0]).toBe('theta,OSiO,SiOSi');
    expect(a.length).toBe(181);
    const summary = JSON.parse(io.out.join('\n'));
    const angles = fixtureJson<{ n_OSiO_angles: number; frac_Si4: number }>('trajectory/angles_BKS_20frames.json');
    expect(summary).toMatchObject({ format: 'lammps-dump', frames: 20, atoms: 3000, bondCutoffsA: { SiO: 2.3 }, angleCounts: { OSiO: angles.n_OSiO_angles } });
    expect(summary.coordination[0].fractions['4']).toBeCloseTo(angles.frac_Si4, 10);
    expect(summary.densityGcm3).toBeCloseTo(2.2, 3);
  });

  it('prints a readable summary for a VASP file', async () => {
    const io = capture();
    expect(await main(['analyze', fixturePath('external/vasp-sio2-melt/CONTCAR'), '--bond-cutoff', '2.3'])).toBe(0);
    const text = io.out.join('\n');
    expect(text).toMatch(/CONTCAR: poscar, 1 frame of 450 atoms/);
    expect(text).toMatch(/4-fold 82.00 %/);
  });

  it('reports a malformed file as file:line: problem with exit code 2', async () => {
    const bad = join(dir, 'bad.dump');
    writeFileSync(bad, 'ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10\nITEM: ATOMS id type x y z\n1 1 1 1 1\n');
    const io = capture();
    expect(await main(['analyze', bad])).toBe(2);
    expect(io.err.join('\n')).toMatch(/^glassfit: error: bad\.dump:11: frame at step 0 ends after 1 of 2 atoms \(truncated frame\)$/);
    expect(await main(['analyze', fixturePath('trajectory/traj_BKS_20frames.dump'), '--bin', '0.03'])).toBe(2);
    expect(io.err.join('\n')).toMatch(/whole bins/);
  });
});
