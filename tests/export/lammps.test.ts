/**
 * The LAMMPS export checked by LAMMPS itself: the exported include file (and the table variant) runs in `lmp`
 * on the 3000-atom fixture liquid with `run 0`, and LAMMPS's energy and per-atom forces are compared with
 * glassfit's exact kernel on the same configuration. Requires `lmp` (CI installs Debian's lammps); skipped with
 * a message only outside CI when it is absent.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lammpsInclude, lammpsTable, mieCoefficients } from '../../src-worker/io/lammps-export.ts';
import { readLammpsData } from '../../src-worker/io/lammps-data.ts';
import { frameToSystem } from '../../src-worker/io/configuration.ts';
import { buckDsf } from '../../src-worker/md/buck-dsf.ts';
import { createNeighborList } from '../../src-worker/md/neighbor.ts';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { SILICA_D, silicaCharges, type ForceField } from '../../src-worker/md/forcefield.ts';
import { FIXTURES, maxForceDiff, rmsForce } from '../md/fixtures.ts';

const haveLmp = spawnSync('lmp', ['-h'], { stdio: 'ignore' }).status === 0;
if (!haveLmp && process.env.CI) throw new Error('tests/export needs LAMMPS (`lmp`) in CI: apt-get install lammps');
if (!haveLmp) console.warn('tests/export/lammps.test.ts: skipped — `lmp` is not on the PATH (install Debian lammps to run it)');

const dir = mkdtempSync(join(tmpdir(), 'glassfit-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
copyFileSync(join(FIXTURES, 'configs/BKS_liquid.data'), join(dir, 'liquid.data'));
const data = readLammpsData(readFileSync(join(dir, 'liquid.data'), 'utf8'), 'liquid.data', { typeNames: ['Si', 'O'] });

/** Run `run 0` on the fixture liquid with an include file; LAMMPS's potential energy and forces by atom id. */
function lammps(include: string): { pe: number; force: Float64Array } {
  const input = [
    'units metal',
    'atom_style charge',
    'boundary p p p',
    'read_data liquid.data',
    `include ${include}`,
    'neighbor 2.0 bin',
    'thermo_style custom step pe',
    'run 0',
    'print "GLASSFIT_PE $(pe:%.17g)"',
    'write_dump all custom forces.dump id fx fy fz modify format float %.17g sort id',
  ].join('\n');
  writeFileSync(join(dir, 'in.check'), input + '\n');
  const r = spawnSync('lmp', ['-in', 'in.check', '-log', 'none', '-nocite'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' },
  });
  if (r.status !== 0) throw new Error(`lmp failed (${r.status}): ${r.stdout.split('\n').filter((l) => /ERROR/.test(l)).join(' ') || r.stderr}`);
  const m = /GLASSFIT_PE (\S+)/.exec(r.stdout);
  if (!m) throw new Error('no energy in the LAMMPS output');
  const lines = readFileSync(join(dir, 'forces.dump'), 'utf8').trim().split('\n').slice(9);
  const force = new Float64Array(3 * lines.length);
  lines.forEach((l, k) => {
    const [id, fx, fy, fz] = l.trim().split(/\s+/).map(Number);
    expect(id).toBe(k + 1);
    force.set([fx, fy, fz], 3 * k);
  });
  return { pe: Number(m[1]), force };
}

/** glassfit's exact kernel (LAMMPS numerics) on the same configuration: energy (with the DSF self energy) and forces in file order. */
function glassfit(ff: ForceField): { pe: number; force: Float64Array; self: number } {
  const sys = frameToSystem(data.frame, SILICA, ff);
  const nl = createNeighborList(sys.n, Math.max(ff.cutoff, ff.dsf.cutoff), 2.0);
  const t = buckDsf.prepare(SILICA, ff);
  const pe = buckDsf.compute(sys, nl, t);
  let self = 0;
  for (let i = 0; i < sys.n; i++) self += t.selfEnergy[sys.type[i]];
  return { pe, force: sys.force.slice(), self };
}

/** A set none of the fixtures covers: all three pairs active, perturbed from ML-ALL. */
const threePairs: ForceField = {
  charge: silicaCharges(2.137),
  pair: {
    SiSi: { A: 2911.5, rho: 0.3121, C: 201.3, D: SILICA_D.SiSi },
    SiO: { A: 15872.25, rho: 0.2013, C: 111.7, D: SILICA_D.SiO },
    OO: { A: 1204.9, rho: 0.3498, C: 64.2, D: SILICA_D.OO },
  },
  cutoff: 8,
  dsf: { alpha: 0.25, cutoff: 8 },
};

/** The edge cases of the include form: a pair with A = C = D = 0 (Coulomb only) and one without a D wall. */
const edgeCases: ForceField = {
  ...builtinForceField('BKS'),
  pair: { ...builtinForceField('BKS').pair, SiSi: { A: 0, rho: 1, C: 0, D: 0 }, OO: { ...builtinForceField('BKS').pair.OO, D: 0 } },
};

describe.skipIf(!haveLmp)('LAMMPS export, run by lmp on the 3000-atom fixture liquid', () => {
  it('mie/cut coefficients reproduce D/r^24 − 1/r^6 (σ^18 = D, ε = 1/(Cm σ^6))', () => {
    // The fixtures' hand-made BKS file: σ and ε for D_SiO = 29.
    const { epsilon, sigma } = mieCoefficients(29);
    expect(sigma).toBeCloseTo(1.2057140819513035, 15);
    expect(epsilon).toBeCloseTo(0.1537830961183848, 15);
  });

  it.each([
    ['BKS (the fixtures set)', builtinForceField('BKS')],
    ['a three-pair set no fixture covers', threePairs],
    ['Coulomb-only Si–Si and an O–O pair without D', edgeCases],
  ])('include file, %s: LAMMPS energy and per-atom forces = glassfit exact kernel within 1e-6', (_name, ff) => {
    const text = lammpsInclude(ff, SILICA, { date: '2026-01-01T00:00:00Z', campaign: { name: 'export test', id: 'test' }, rChi: { value: 0.0521, against: 'test' } });
    writeFileSync(join(dir, 'ff.lmp'), text);
    const l = lammps('ff.lmp');
    const g = glassfit(ff);
    const rms = rmsForce(g.force);
    const relE = Math.abs(l.pe - g.pe) / Math.abs(g.pe);
    const relF = maxForceDiff(l.force, g.force) / rms;
    console.log(`include ${_name}: PE lammps ${l.pe} glassfit ${g.pe} (rel ${relE.toExponential(2)}), max |ΔF| / RMS F = ${relF.toExponential(2)}`);
    expect(relE).toBeLessThanOrEqual(1e-6);
    expect(relF).toBeLessThanOrEqual(1e-6);
    expect(text).toMatch(/^# campaign: export test \(test\)$/m);
    expect(text).toMatch(/^# R_chi = 5\.21 % against test$/m);
  });

  it('the include form writes no mie term for a pair without D and nothing for a pair with nothing', () => {
    const text = lammpsInclude(edgeCases, SILICA, { date: 'x' });
    expect(text).not.toMatch(/^pair_coeff 1 1 /m);
    expect(text).toMatch(/^# SiSi: A = C = D = 0, Coulomb only$/m);
    expect(text).toMatch(/^pair_coeff 2 2 buck 1388\.773 0\.3623188405797102 175 /m);
    expect(text).not.toMatch(/^pair_coeff 2 2 mie\/cut/m);
    expect(text).toMatch(/^pair_coeff 1 2 mie\/cut /m);
  });

  it('table variant: forces within 2e-5 × RMS and energy (plus the self energy the table cannot hold) within 1e-6', () => {
    const t = lammpsTable(threePairs, SILICA, { date: 'x' }, { tableFile: 'ff.table' });
    writeFileSync(join(dir, 'ff-table.lmp'), t.include);
    writeFileSync(join(dir, 'ff.table'), t.table);
    const l = lammps('ff-table.lmp');
    const g = glassfit(threePairs);
    const rms = rmsForce(g.force);
    const relE = Math.abs(l.pe + g.self - g.pe) / Math.abs(g.pe);
    const relF = maxForceDiff(l.force, g.force) / rms;
    console.log(`table: PE lammps ${l.pe} + self ${g.self} vs glassfit ${g.pe} (rel ${relE.toExponential(2)}), max |ΔF| / RMS F = ${relF.toExponential(2)}`);
    expect(relE).toBeLessThanOrEqual(1e-6);
    expect(relF).toBeLessThanOrEqual(2e-5);
  });
});
