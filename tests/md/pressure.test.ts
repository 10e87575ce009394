/**
 * Pressure from the pair virial against LAMMPS (fixtures/lammps/pressure: `compute pressure NULL virial` of the
 * three 3000-atom liquids), for the exact and the table kernel; the tensor's trace against the scalar every
 * kernel accumulates; and the scalar against −dE/dV by finite differences on a small box.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { createRng } from '../../src-worker/rng.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { buckDsf } from '../../src-worker/md/buck-dsf.ts';
import { buckDsfTable } from '../../src-worker/md/buck-dsf-table.ts';
import { createNeighborList } from '../../src-worker/md/neighbor.ts';
import { pressure, pressureTensor } from '../../src-worker/md/pressure.ts';
import { boxForDensity, randomInsertion, silicaCounts } from '../../src-worker/md/start.ts';
import { copySystem, volume } from '../../src-worker/md/system.ts';
import { NKTV2P } from '../../src-worker/units.ts';
import { LIQUIDS, loadLiquid, fixtureText, readCsv } from './fixtures.ts';

const lammps = Object.fromEntries(readCsv(fixtureText('pressure/pressure.csv')).map((r) => [r.pot, r]));
const KEYS = ['pxx', 'pyy', 'pzz', 'pxy', 'pxz', 'pyz'] as const;

describe.each(LIQUIDS)('%s liquid: virial pressure against LAMMPS', (name) => {
  const liq = loadLiquid(name);
  const ref = lammps[name];
  const pRef = Number(ref.press);
  // Scale of the tensor: the largest component (a few 10⁴ bar); the force tests' 1e-6/1e-8 relative tolerances.
  const scale = Math.max(...KEYS.map((k) => Math.abs(Number(ref[k]))));

  it('exact kernel: scalar to 1e-8, tensor to 1e-8 of its largest component', () => {
    const nl = createNeighborList(liq.sys.n, 8, 2.0);
    const t = buckDsf.prepare(SILICA, liq.ff);
    buckDsf.compute(liq.sys, nl, t);
    expect(Math.abs(pressure(liq.sys, nl, false) - pRef)).toBeLessThanOrEqual(1e-8 * Math.abs(pRef));
    const p = pressureTensor(liq.sys, nl, buckDsf, t, undefined, false);
    KEYS.forEach((k, i) => expect(Math.abs(p[i] - Number(ref[k]))).toBeLessThanOrEqual(1e-8 * scale));
  });

  it('table kernel: scalar and tensor to 1e-6', () => {
    const nl = createNeighborList(liq.sys.n, 8, 2.0);
    const t = buckDsfTable.prepare(SILICA, liq.ff);
    buckDsfTable.compute(liq.sys, nl, t);
    const pScalar = pressure(liq.sys, nl, false);
    expect(Math.abs(pScalar - pRef)).toBeLessThanOrEqual(1e-6 * scale);
    const p = pressureTensor(liq.sys, nl, buckDsfTable, t, undefined, false);
    KEYS.forEach((k, i) => expect(Math.abs(p[i] - Number(ref[k]))).toBeLessThanOrEqual(1e-6 * scale));
    // One definition: the trace of the on-demand tensor is the scalar the kernel accumulated.
    expect(Math.abs((p[0] + p[1] + p[2]) / 3 - pScalar)).toBeLessThanOrEqual(1e-10 * scale);
  });
});

describe('virial pressure = −dE/dV at fixed scaled coordinates', () => {
  // To 1e-4 only: LAMMPS's polynomial erfc makes the Coulomb force differ from −dE/dr by ~1e-5 relative,
  // and the unshifted Buckingham truncation steps the energy when a pair crosses 8 Å.
  it('on a 192-atom BKS box, central differences agree to 1e-4', () => {
    const ff = builtinForceField('BKS');
    const counts = silicaCounts(192);
    const sys = randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, 2.2), createRng(3));
    const t = buckDsf.prepare(SILICA, ff);
    const energyAt = (s: number): number => {
      const c = copySystem(sys);
      for (let k = 0; k < c.pos.length; k++) c.pos[k] *= s;
      c.box = { lx: sys.box.lx * s, ly: sys.box.ly * s, lz: sys.box.lz * s };
      return buckDsf.compute(c, createNeighborList(c.n, 8, 2.0, 0), t);
    };
    const nl = createNeighborList(sys.n, 8, 2.0, 0);
    buckDsf.compute(sys, nl, t);
    const p = pressure(sys, nl, false);
    const h = 1e-5;
    const v0 = volume(sys.box);
    const dEdV = (energyAt(1 + h) - energyAt(1 - h)) / (v0 * ((1 + h) ** 3 - (1 - h) ** 3));
    expect(Math.abs(p - -dEdV * NKTV2P)).toBeLessThanOrEqual(1e-4 * Math.abs(p));
  });
});
