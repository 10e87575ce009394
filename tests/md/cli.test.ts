/**
 * The `forces` and `md` commands, run in-process through the CLI entry: `forces` against LAMMPS (energy and
 * per-atom forces in file order), `md` end to end on the smallest box, and one-line errors with a non-zero
 * exit code.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src-main/cli/glassfit.ts';
import { readExtxyz } from '../../src-worker/io/extxyz.ts';
import { readLammpsData } from '../../src-worker/io/lammps-data.ts';
import { writeForceFieldFile } from '../../src-worker/params/forcefield-file.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { FIXTURES, fixtureText, loadLiquid, maxForceDiff, readCsv, rmsForce } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-cli-'));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return { out, err, write };
}

afterEach(() => vi.restoreAllMocks());

describe('glassfit forces', () => {
  it('prints LAMMPS’s energy (--json) and writes LAMMPS’s forces in file order', async () => {
    const io = capture();
    const csv = join(dir, 'forces.csv');
    const code = await main(['forces', '--potential', 'bks', '--config', join(FIXTURES, 'configs/BKS_liquid.data'), '--out', csv, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(io.out[0]);
    const liq = loadLiquid('BKS');
    expect(json.atoms).toBe(3000);
    expect(Math.abs(json.energy - liq.lammps.pe)).toBeLessThan(1e-8 * Math.abs(liq.lammps.pe));
    const rows = readCsv(readFileSync(csv, 'utf8'));
    expect(rows.length).toBe(3000);
    expect(rows[0].id).toBe('1');
    const f = new Float64Array(9000);
    rows.forEach((r, a) => {
      f[3 * a] = Number(r.fx);
      f[3 * a + 1] = Number(r.fy);
      f[3 * a + 2] = Number(r.fz);
    });
    const lammpsF = liq.frame.forces as Float64Array;
    expect(maxForceDiff(f, lammpsF)).toBeLessThanOrEqual(1e-6 * rmsForce(lammpsF));
  });

  it('takes a JSON parameter file and an extxyz configuration', async () => {
    const io = capture();
    const file = join(dir, 'chik.json');
    writeFileSync(file, writeForceFieldFile(builtinForceField('CHIK'), undefined, { name: 'my CHIK' }));
    const code = await main(['forces', '--potential', file, '--config', join(FIXTURES, 'configs/CHIK_liquid.extxyz')]);
    expect(code).toBe(0);
    const energy = Number(/energy (\S+) eV/.exec(io.out[0])?.[1]);
    const pe = JSON.parse(fixtureText('configs/energies.json')).CHIK.pe;
    expect(Math.abs(energy - pe)).toBeLessThan(1e-8 * Math.abs(pe));
    expect(io.out[0]).toContain('my CHIK');
  });

  it.each([
    [['forces', '--potential', 'nope', '--config', 'x.data'], /unknown potential 'nope'/],
    [['forces', '--potential', 'bks'], /--config is required/],
    [['forces', '--potential', 'bks', '--config', join(FIXTURES, 'dimer.csv')], /cannot tell the format/],
    [['forces', '--potential', 'bks', '--config', join(FIXTURES, 'configs/BKS_liquid.extxyz'), '--kernel', 'fast'], /--kernel must be one of exact, table/],
  ])('%j fails with one line naming the problem', async (argv, problem) => {
    const io = capture();
    const code = await main(argv as string[]);
    expect(code).toBe(2);
    expect(io.err.length).toBe(1);
    expect(io.err[0]).toMatch(/^glassfit: error: /);
    expect(io.err[0]).toMatch(problem);
  });

  it('reports a malformed configuration with its file and line', async () => {
    const io = capture();
    const bad = join(dir, 'bad.extxyz');
    writeFileSync(bad, '2\nLattice="30 0 0 0 30 0 0 0 30"\nSi 1 2 3\nO 1 2\n');
    expect(await main(['forces', '--potential', 'bks', '--config', bad])).toBe(2);
    expect(io.err[0]).toContain(`${bad}:4: expected 4 columns`);
  });
});

describe('glassfit md', () => {
  it('runs a short protocol on the smallest box and writes a LAMMPS data file', async () => {
    const io = capture();
    const out = join(dir, 'final.data');
    const code = await main(['md', '--potential', 'bks', '--atoms', '648', '--start-ps', '0.1', '--relax-ps', '0.05', '--prod-ps', '0.05', '--seed', '3', '--out', out]);
    expect(code).toBe(0);
    const summary = JSON.parse(io.out[0]);
    expect(summary.atoms).toBe(648);
    expect(summary.steps).toBe(100);
    const d = readLammpsData(readFileSync(out, 'utf8'), out);
    expect(d.frame.n).toBe(648);
    expect(d.typeNames).toEqual(['Si', 'O']);
    expect(d.frame.vel).toBeDefined();
    expect(d.frame.box.lx).toBeCloseTo(21.3967, 3);
    expect(io.write).toHaveBeenCalled(); // the progress line
  });

  it('runs on two threads (--threads 2) to the one-thread final state, within round-off', async () => {
    const finals = [];
    for (const threads of ['1', '2']) {
      capture();
      const out = join(dir, `final-t${threads}.extxyz`);
      const args = ['md', '--potential', 'bks', '--atoms', '648', '--start-ps', '0.1', '--relax-ps', '0.05', '--prod-ps', '0.05', '--seed', '3'];
      expect(await main([...args, '--threads', threads, '--out', out, '--quiet'])).toBe(0);
      finals.push(readExtxyz(readFileSync(out, 'utf8'), out)[0]);
    }
    const [a, b] = finals;
    let worst = 0;
    for (let k = 0; k < a.pos.length; k++) {
      const d = Math.abs(a.pos[k] - b.pos[k]);
      worst = Math.max(worst, Math.min(d, a.box.lx - d)); // wrapped coordinates: compare across the boundary
    }
    // 300 steps from the same start: positions agree to round-off (far below the 1e-6 Å the file keeps, if any).
    expect(worst).toBeLessThan(1e-6);
    capture();
    expect(await main(['md', '--potential', 'bks', '--atoms', '648', '--threads', '0'])).toBe(2);
  });

  it('refuses a box too small for the cut-off', async () => {
    const io = capture();
    expect(await main(['md', '--potential', 'bks', '--atoms', '30', '--out', join(dir, 'x.extxyz')])).toBe(2);
    expect(io.err[0]).toMatch(/too small for the cut-off/);
  });

  it('starts from a configuration file and writes extended XYZ', async () => {
    capture();
    const out = join(dir, 'from-config.extxyz');
    const code = await main(['md', '--potential', 'bks', '--config', join(FIXTURES, 'dynamics/start.data'), '--relax-ps', '0.02', '--prod-ps', '0.02', '--out', out]);
    expect(code).toBe(0);
    const [f] = readExtxyz(readFileSync(out, 'utf8'), out);
    expect(f.n).toBe(3000);
    expect(f.info?.potential).toBe('BKS');
    expect(Number.isFinite(f.energy)).toBe(true);
  });
});
