/**
 * The integrators step by step against LAMMPS (fixtures/lammps/dynamics, in.dynamics): 200 steps of fix nvt
 * (Nosé–Hoover chain of 3, Tdamp 0.1 ps), fix nve, and the soft start's fix nve/limit + temp/berendsen, from
 * the same 3000-atom state. Temperature, potential energy and the thermostat energy every step, positions
 * at the end.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { readLammpsData } from '../../src-worker/io/lammps-data.ts';
import { frameToSystem } from '../../src-worker/io/configuration.ts';
import { buckDsf } from '../../src-worker/md/buck-dsf.ts';
import { createMdState, runSegment, defaultLimits, type Ensemble } from '../../src-worker/md/run.ts';
import { createNoseHooverChain, nhcEnergy } from '../../src-worker/md/thermostat.ts';
import { scaleToTemperature } from '../../src-worker/md/velocities.ts';
import { kineticEnergy } from '../../src-worker/md/thermo.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { fixtureText, readCsv } from './fixtures.ts';

type Mode = 'nvt' | 'nve' | 'soft';
// Tolerances: NVT and NVE follow LAMMPS to round-off (errors grow ~e^(λt) but stay ~1e-12 over 200 steps);
// in the soft start at 40 000 K the velocity cap switches on and off, which amplifies round-off faster.
const TOL: Record<Mode, { rel: number; dx: number }> = {
  nvt: { rel: 1e-11, dx: 1e-9 },
  nve: { rel: 1e-11, dx: 1e-9 },
  soft: { rel: 1e-7, dx: 1e-6 },
};

describe.each(['nvt', 'nve', 'soft'] as const)('%s trajectory against LAMMPS', (mode: Mode) => {
  it('matches step by step for 200 steps', () => {
    const data = readLammpsData(fixtureText('dynamics/start.data'), 'start.data');
    const ff = builtinForceField('BKS');
    const sys = frameToSystem(data.frame, SILICA, ff);
    const md = createMdState(sys, buckDsf, buckDsf.prepare(SILICA, ff), 2.0);
    const chain = createNoseHooverChain(md.dof, 3600, 0.1);
    if (mode === 'soft') scaleToTemperature(sys, 40000); // LAMMPS: velocity all scale 40000.0
    const ensemble: Ensemble =
      mode === 'nvt' ? { kind: 'nvt', chain } : mode === 'nve' ? { kind: 'nve' } : { kind: 'soft', xlimit: 0.05, tTarget: 3600, tau: 0.02 };
    const dt = mode === 'soft' ? 0.0005 : 0.001;
    const thermo = readCsv(fixtureText(`dynamics/thermo_${mode}.csv`)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])));
    expect(thermo.length).toBe(201);
    const tol = TOL[mode];
    let worstT = 0;
    let worstPe = 0;
    let worstKe = 0;
    let worstThermostat = 0;
    const failure = runSegment(md, ensemble, dt, 200, {
      phase: 'relax',
      limits: { ...defaultLimits(3600), maxTemperature: Infinity },
      ctx: silentContext(),
      onStep: (k, t) => {
        const row = thermo[k];
        expect(row.step).toBe(k);
        worstT = Math.max(worstT, Math.abs(t - row.temp) / row.temp);
        worstPe = Math.max(worstPe, Math.abs(md.potentialEnergy - row.poteng) / Math.abs(row.poteng));
        worstKe = Math.max(worstKe, Math.abs(kineticEnergy(sys) - row.kineng) / row.kineng);
        if (mode === 'nvt') worstThermostat = Math.max(worstThermostat, Math.abs(nhcEnergy(chain) - row.f_int));
      },
    });
    expect(failure).toBeNull();
    expect(worstT).toBeLessThan(tol.rel);
    expect(worstKe).toBeLessThan(tol.rel);
    expect(worstPe).toBeLessThan(tol.rel);
    if (mode === 'nvt') expect(worstThermostat).toBeLessThan(1e-9); // eV; the chain's energy reaches −13 eV
    const dump = fixtureText(`dynamics/final_${mode}.dump`).trim().split('\n').slice(9);
    expect(dump.length).toBe(3000);
    let worstDx = 0;
    for (const line of dump) {
      const [id, x, y, z] = line.split(' ').map(Number);
      const a = id - 1; // the start file lists ids 1..3000 in order
      for (const [d, v] of [
        [0, x],
        [1, y],
        [2, z],
      ] as const) {
        let dx = sys.pos[3 * a + d] - v;
        dx -= sys.box.lx * Math.round(dx / sys.box.lx); // LAMMPS dumps unwrapped-in-box positions
        worstDx = Math.max(worstDx, Math.abs(dx));
      }
    }
    expect(worstDx).toBeLessThan(tol.dx);
  });
});
