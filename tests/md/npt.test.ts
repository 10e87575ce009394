/**
 * The NPT integrator (LAMMPS fix npt: isotropic MTK barostat, Nosé–Hoover chains of 3 on particles and
 * barostat) step by step against LAMMPS (fixtures/lammps/npt): 648 BKS atoms from a LAMMPS-equilibrated
 * 3000 K liquid, 200 steps of `fix npt temp 3000 2800 0.1 iso 0 1000 0.5` — the volume shrinks by 5 % and
 * both targets ramp. Temperature, potential energy, pressure, volume and the fix's energy every step,
 * positions at the end.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { readLammpsData } from '../../src-worker/io/lammps-data.ts';
import { frameToSystem } from '../../src-worker/io/configuration.ts';
import { buckDsf } from '../../src-worker/md/buck-dsf.ts';
import { createMdState, runSegment, defaultLimits, thermostatSetup, type Ensemble } from '../../src-worker/md/run.ts';
import { createNoseHooverChain, nhcEnergy } from '../../src-worker/md/thermostat.ts';
import { barostatEnergy, createMtkBarostat } from '../../src-worker/md/barostat.ts';
import { pressure } from '../../src-worker/md/pressure.ts';
import { copySystem, volume } from '../../src-worker/md/system.ts';
import { createNeighborList } from '../../src-worker/md/neighbor.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { describeFailure } from '../../src-worker/md/failure.ts';
import { boxForDensity, defaultSoftStart, randomInsertion, silicaCounts, softStart } from '../../src-worker/md/start.ts';
import { createRng } from '../../src-worker/rng.ts';
import { fixtureText, readCsv } from './fixtures.ts';

describe('fix npt (iso, MTK) against LAMMPS', () => {
  it('matches step by step for 200 steps', () => {
    const data = readLammpsData(fixtureText('npt/start.data'), 'start.data', { species: SILICA });
    const ff = builtinForceField('BKS');
    const sys = frameToSystem(data.frame, SILICA, ff);
    const md = createMdState(sys, buckDsf, buckDsf.prepare(SILICA, ff), 2.0);
    const chain = createNoseHooverChain(md.dof, 3000, 0.1);
    const baro = createMtkBarostat(sys, 0, 1000, 0.5);
    const ensemble: Ensemble = { kind: 'npt', chain, baro, ramp: { tStart: 3000, tStop: 2800, begin: 0, length: 200 } };
    expect(thermostatSetup(md, ensemble)).toBeNull();
    const thermo = readCsv(fixtureText('npt/thermo_npt.csv')).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));
    expect(thermo.length).toBe(201);
    expect(Math.abs(pressure(sys, md.nl) - thermo[0].press)).toBeLessThan(1e-9 * 1e4);
    const worst = { t: 0, pe: 0, p: 0, v: 0, e: 0 };
    const failure = runSegment(md, ensemble, 0.001, 200, {
      phase: 'relax',
      limits: { ...defaultLimits(3000), maxTemperature: Infinity },
      ctx: silentContext(),
      onStep: (k, t) => {
        const row = thermo[k];
        expect(row.step).toBe(k);
        worst.t = Math.max(worst.t, Math.abs(t - row.temp) / row.temp);
        worst.pe = Math.max(worst.pe, Math.abs(md.potentialEnergy - row.poteng) / Math.abs(row.poteng));
        // Pressure swings through zero: compare on the scale of its excursions (~10⁴ bar).
        worst.p = Math.max(worst.p, Math.abs(pressure(sys, md.nl) - row.press) / 1e4);
        worst.v = Math.max(worst.v, Math.abs(volume(sys.box) - row.volume) / row.volume);
        worst.e = Math.max(worst.e, Math.abs(nhcEnergy(chain) + barostatEnergy(baro, sys, chain.tTarget) - row.f_int));
      },
    });
    expect(failure).toBeNull();
    expect(worst.t).toBeLessThan(1e-11); // measured 2e-14
    expect(worst.pe).toBeLessThan(1e-11); // measured 4e-14
    expect(worst.p).toBeLessThan(1e-8);
    expect(worst.v).toBeLessThan(1e-11);
    expect(worst.e).toBeLessThan(1e-8); // eV; the fix's energy reaches 12 eV
    expect(volume(sys.box) / thermo[0].volume).toBeLessThan(0.96);
    const dump = fixtureText('npt/final_npt.dump').trim().split('\n');
    const ids = data.frame.ids as Int32Array | number[];
    const atomOfId = new Map<number, number>();
    for (let a = 0; a < sys.n; a++) atomOfId.set(Number(ids[a]), a);
    const lo = Number(dump[5].split(' ')[0]); // the box dilates about its centre in LAMMPS
    let worstDx = 0;
    for (const line of dump.slice(9)) {
      const [id, ...xyz] = line.split(' ').map(Number);
      const a = atomOfId.get(id) as number;
      for (let d = 0; d < 3; d++) {
        let dx = sys.pos[3 * a + d] - (xyz[d] - lo);
        dx -= sys.box.lx * Math.round(dx / sys.box.lx);
        worstDx = Math.max(worstDx, Math.abs(dx));
      }
    }
    expect(dump.length - 9).toBe(648);
    expect(worstDx).toBeLessThan(1e-8);
  });
});

describe('neighbour list under a barostat dilation', () => {
  it('a kept list gives the forces of a fresh one while the shrunk skin allows, and rebuilds beyond', () => {
    const data = readLammpsData(fixtureText('npt/start.data'), 'start.data', { species: SILICA });
    const ff = builtinForceField('BKS');
    const sys = frameToSystem(data.frame, SILICA, ff);
    const t = buckDsf.prepare(SILICA, ff);
    const kept = createNeighborList(sys.n, 8, 2.0);
    buckDsf.compute(sys, kept, t);
    for (const s of [0.99, 0.97, 1.02, 0.9]) {
      const c = copySystem(sys);
      for (let k = 0; k < c.pos.length; k++) c.pos[k] *= s;
      c.box = { lx: sys.box.lx * s, ly: sys.box.ly * s, lz: sys.box.lz * s };
      const builds = kept.builds;
      const e1 = buckDsf.compute(c, kept, t);
      const f1 = c.force.slice();
      const e2 = buckDsf.compute(c, createNeighborList(c.n, 8, 2.0), t);
      // 0.99–1.02 keep the list (allowed displacement (s·10 − 8)/2 Å ≥ 0.85 Å); 0.9 leaves 0.5 Å … rebuilt or not, exact.
      if (s >= 0.97) expect(kept.builds).toBe(builds);
      expect(Math.abs(e1 - e2)).toBeLessThanOrEqual(1e-10 * Math.abs(e2));
      for (let k = 0; k < f1.length; k++) expect(Math.abs(f1[k] - c.force[k])).toBeLessThan(1e-9);
    }
  });
});

describe('barostat blow-up', () => {
  it('a box squeezed below the cut-off + skin ends the run as a box-collapse failure naming the step', () => {
    // 66 atoms in a 10.0 Å box with a 1 Å skin (the smallest box the 8 Å cut-off allows), soft-started, then
    // 100 GPa: the box must pass below 9 Å (3.0 g/cm³) while the atoms still fit.
    const ff = builtinForceField('BKS');
    const counts = silicaCounts(66);
    const sys = randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, 2.2), createRng(9));
    const table = buckDsf.prepare(SILICA, ff);
    const soft = softStart(sys, buckDsf, table, { ...defaultSoftStart(3000), skin: 1.0, steps: 200 }, createRng(9, 1), silentContext());
    expect(soft.ok).toBe(true);
    if (!soft.ok) return;
    const md = soft.md;
    const ensemble: Ensemble = {
      kind: 'npt',
      chain: createNoseHooverChain(md.dof, 3000, 0.1),
      baro: createMtkBarostat(sys, 1e6, 1e6, 0.1),
      ramp: { tStart: 3000, tStop: 3000, begin: md.step, length: 3000 },
    };
    expect(thermostatSetup(md, ensemble)).toBeNull();
    const failure = runSegment(md, ensemble, 0.001, 3000, { phase: 'relax', limits: { ...defaultLimits(3000), maxTemperature: Infinity }, ctx: silentContext() });
    expect(failure?.kind).toBe('box-collapse');
    if (failure?.kind !== 'box-collapse') return;
    expect(failure.edge).toBeLessThanOrEqual(9);
    expect(failure.edge).toBeGreaterThan(8);
    expect(failure.step).toBeGreaterThan(md.step - 1);
    expect(describeFailure(failure)).toMatch(/shrank the box to 8\.\d+ Å/);
  });

  it('bad barostat settings are refused', () => {
    const data = readLammpsData(fixtureText('npt/start.data'), 'start.data', { species: SILICA });
    const sys = frameToSystem(data.frame, SILICA, builtinForceField('BKS'));
    expect(() => createMtkBarostat(sys, 0, 0, 0)).toThrow(/damping time must be positive/);
    expect(() => createMtkBarostat(sys, NaN, 0, 1)).toThrow(/must be finite/);
  });
});
