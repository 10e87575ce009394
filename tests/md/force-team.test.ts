/**
 * One MD run on several threads (md/force-team.ts) gives the single-thread result to round-off: forces and
 * energy of the BKS liquid (LAMMPS fixture) with 2 and 3 threads against 1 (and the neighbour list, searched in
 * parallel, entry for entry), then 100 NVT steps from the
 * same state (and 200 NPT steps whose barostat moves the box, as the glass quench runs). Tolerances: forces 1e-12 × RMS force per atom and energy 1e-12 relative (only the order of the
 * sums differs, ~1e-15); after 100 steps positions within 1e-10 Å (measured 6e-14: round-off grows through the
 * chaos of the liquid). A team's result does not depend on how many of its threads are active (setActive, changed
 * between steps as the campaign runner does): 100 steps bit for bit equal to the run with all threads. Also: a
 * helper is re-sent the list when it is replaced by a larger one, and the exact kernel ignores the team. The
 * team's share of a g(r) histogram (the helpers count some rows while the caller finds bonds) leaves g(r),
 * angles and coordination bit for bit those of one thread, whatever the active threads.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { SILICA } from '../../src-worker/species.ts';
import { createRng } from '../../src-worker/rng.ts';
import { preparePotential } from '../../src-worker/md/engine.ts';
import { computeForces, createMdState, defaultLimits, runSegment, thermostatSetup, type Ensemble, type MdState } from '../../src-worker/md/run.ts';
import { createMtkBarostat } from '../../src-worker/md/barostat.ts';
import { pressure } from '../../src-worker/md/pressure.ts';
import { createNoseHooverChain } from '../../src-worker/md/thermostat.ts';
import { maxwellBoltzmann } from '../../src-worker/md/velocities.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { closeForceTeam, createForceTeam, setActive, teamHistogramShare, type ForceTeam } from '../../src-worker/md/force-team.ts';
import { accumulateStructure, createStructureAccumulator, structureResult, structureSpec } from '../../src-worker/analysis/structure.ts';
import { copySystem as copy, type System } from '../../src-worker/md/system.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { loadLiquid, maxForceDiff, rmsForce } from './fixtures.ts';

const teams: ForceTeam[] = [];
const team = (threads: number) => {
  const t = createForceTeam(threads, (data) => new Worker(nodeWorkerEntry(), { workerData: data }));
  teams.push(t);
  return t;
};
afterAll(() => teams.forEach(closeForceTeam));


function state(sys: System, kernel: 'table' | 'exact', t?: ForceTeam): MdState {
  const p = preparePotential(SILICA, loadLiquid('BKS').ff, kernel);
  const md = createMdState(sys, p.pot, p.table, 2.0);
  if (t) md.team = t;
  return md;
}

describe('force team', () => {
  const liquid = loadLiquid('BKS');
  maxwellBoltzmann(liquid.sys, 3600, createRng(5));

  it('gives the single-thread forces and energy to round-off with 2 and 3 threads', { timeout: 120_000 }, () => {
    const one = state(copy(liquid.sys), 'table');
    expect(computeForces(one)).toBeNull();
    const rms = rmsForce(one.sys.force);
    for (const threads of [2, 3]) {
      const many = state(copy(liquid.sys), 'table', team(threads));
      expect(computeForces(many)).toBeNull();
      expect(maxForceDiff(many.sys.force, one.sys.force)).toBeLessThan(1e-12 * rms);
      expect(Math.abs(many.potentialEnergy - one.potentialEnergy)).toBeLessThan(1e-12 * Math.abs(one.potentialEnergy));
      expect(many.nl.pairsInCutoff).toBe(one.nl.pairsInCutoff);
      // The parallel search gives the one-thread list, entry for entry.
      const n = one.nl.n;
      expect(Array.from(many.nl.offsets.subarray(0, n + 1))).toEqual(Array.from(one.nl.offsets.subarray(0, n + 1)));
      expect(many.nl.idx.subarray(0, one.nl.offsets[n]).every((j, k) => j === one.nl.idx[k])).toBe(true);
    }
  });

  it('follows the single-thread trajectory for 100 NVT steps', { timeout: 120_000 }, () => {
    const run = (md: MdState) => {
      const chain = createNoseHooverChain(md.dof, 3600, 0.1);
      const f = runSegment(md, { kind: 'nvt', chain }, 0.001, 100, { phase: 'production', limits: defaultLimits(3600), ctx: silentContext() });
      expect(f).toBeNull();
      return md;
    };
    const one = run(state(copy(liquid.sys), 'table'));
    const two = run(state(copy(liquid.sys), 'table', team(2)));
    expect(two.nl.builds).toBe(one.nl.builds);
    let worst = 0;
    for (let k = 0; k < one.sys.pos.length; k++) {
      let d = Math.abs(two.sys.pos[k] - one.sys.pos[k]);
      d = Math.min(d, liquid.sys.box.lx - d); // wrapped coordinates: compare across the boundary
      worst = Math.max(worst, d);
    }
    console.log(`100 NVT steps, 2 threads vs 1: largest position difference ${worst.toExponential(2)} Å`);
    expect(worst).toBeLessThan(1e-10);
    expect(Math.abs(two.potentialEnergy - one.potentialEnergy)).toBeLessThan(1e-9 * Math.abs(one.potentialEnergy));
  });

  it('follows the single-thread trajectory under NPT, the box changing (the glass quench)', { timeout: 120_000 }, () => {
    const run = (md: MdState) => {
      const chain = createNoseHooverChain(md.dof, 3600, 0.1);
      const baro = createMtkBarostat(md.sys, 0, 20000, 0.2);
      const ensemble: Ensemble = { kind: 'npt', chain, baro, ramp: { tStart: 3600, tStop: 3000, begin: 0, length: 200 } };
      expect(thermostatSetup(md, ensemble)).toBeNull();
      expect(runSegment(md, ensemble, 0.001, 200, { phase: 'relax', limits: defaultLimits(3600), ctx: silentContext() })).toBeNull();
      return md;
    };
    const one = run(state(copy(liquid.sys), 'table'));
    const two = run(state(copy(liquid.sys), 'table', team(2)));
    // The barostat moved the box, and the list was rebuilt on the way.
    expect(Math.abs(one.sys.box.lx / liquid.sys.box.lx - 1)).toBeGreaterThan(1e-3);
    expect(two.nl.builds).toBe(one.nl.builds);
    expect(Math.abs(two.sys.box.lx - one.sys.box.lx)).toBeLessThan(1e-10);
    let worst = 0;
    for (let k = 0; k < one.sys.pos.length; k++) {
      let d = Math.abs(two.sys.pos[k] - one.sys.pos[k]);
      d = Math.min(d, one.sys.box.lx - d);
      worst = Math.max(worst, d);
    }
    console.log(`200 NPT steps, 2 threads vs 1: largest position difference ${worst.toExponential(2)} Å, box ${liquid.sys.box.lx.toFixed(3)} → ${one.sys.box.lx.toFixed(3)} Å`);
    expect(worst).toBeLessThan(1e-9);
    expect(Math.abs(pressure(two.sys, two.nl) - pressure(one.sys, one.nl))).toBeLessThan(1e-6 * 1e4);
  });

  it('gives the same trajectory bit for bit however many of its threads are active, changed between steps', { timeout: 120_000 }, () => {
    const run = (md: MdState, schedule: readonly number[]) => {
      const chain = createNoseHooverChain(md.dof, 3600, 0.1);
      for (const a of schedule) {
        if (md.team) setActive(md.team, a);
        expect(runSegment(md, { kind: 'nvt', chain }, 0.001, 10, { phase: 'production', limits: defaultLimits(3600), ctx: silentContext() })).toBeNull();
      }
      return md;
    };
    const t = team(3);
    const all = run(state(copy(liquid.sys), 'table', t), [3, 3, 3, 3, 3, 3, 3, 3, 3, 3]);
    const pos = Float64Array.from(all.sys.pos);
    const vel = Float64Array.from(all.sys.vel);
    // The same team, its active threads changed every 10 steps (1 … 3, and out-of-range values clamped).
    const varied = run(state(copy(liquid.sys), 'table', t), [1, 2, 3, 1, 0, 2, 9, 1, 3, 2]);
    expect(varied.sys.pos.every((x, k) => x === pos[k])).toBe(true);
    expect(varied.sys.vel.every((v, k) => v === vel[k])).toBe(true);
    expect(varied.potentialEnergy).toBe(all.potentialEnergy);
    setActive(t, 3);
  });

  it('counts part of each g(r) histogram on its helpers while the caller finds bonds: the same structure bit for bit', { timeout: 120_000 }, () => {
    const t = team(3);
    const md = state(copy(liquid.sys), 'table', t);
    const chain = createNoseHooverChain(md.dof, 3600, 0.1);
    const spec = structureSpec({ SiO: 2.3 });
    const shared = createStructureAccumulator(SILICA, spec);
    const alone = createStructureAccumulator(SILICA, spec);
    const share = teamHistogramShare(t);
    const rows: number[] = [];
    const watched = { begin: (job: Parameters<typeof share.begin>[0]) => (rows.push(share.begin(job)), rows[rows.length - 1]), end: share.end };
    // Active threads changed between frames as the campaign runner does (1: the caller counts every row).
    for (const a of [3, 2, 1, 3, 3, 2, 3, 3]) {
      setActive(t, a);
      expect(runSegment(md, { kind: 'nvt', chain }, 0.001, 10, { phase: 'production', limits: defaultLimits(3600), ctx: silentContext() })).toBeNull();
      accumulateStructure(shared, md.sys.type, md.sys.pos, md.sys.box, md.nl, watched);
      accumulateStructure(alone, md.sys.type, md.sys.pos, md.sys.box, md.nl);
    }
    setActive(t, 3);
    expect(rows[2]).toBe(0);
    expect(rows.filter((m) => m > 0 && m < md.nl.n)).toHaveLength(7);
    expect(shared.rdf.gSum.every((g, k) => g === alone.rdf.gSum[k])).toBe(true);
    expect(shared.rdf.gSum.some((g) => g > 0)).toBe(true);
    const a = structureResult(shared);
    const b = structureResult(alone);
    expect(a.adf).toEqual(b.adf);
    expect(a.coordination).toEqual(b.coordination);
  });

  it('re-sends the list to the helpers when it is replaced, and leaves the exact kernel single-threaded', { timeout: 120_000 }, () => {
    const t = team(2);
    const one = state(copy(liquid.sys), 'table');
    computeForces(one);
    const many = state(copy(liquid.sys), 'table', t);
    computeForces(many);
    // A smaller list capacity forces growth (a new, larger idx) at the next build.
    const md2 = state(copy(liquid.sys), 'table', t);
    md2.nl.idx = md2.nl.idx.subarray(0, 1024);
    expect(computeForces(md2)).toBeNull();
    expect(md2.nl.layout).toBeGreaterThan(0);
    expect(maxForceDiff(md2.sys.force, one.sys.force)).toBeLessThan(1e-12 * rmsForce(one.sys.force));

    const exact1 = state(copy(liquid.sys), 'exact');
    const exact2 = state(copy(liquid.sys), 'exact', t);
    computeForces(exact1);
    computeForces(exact2);
    expect(Array.from(exact2.sys.force)).toEqual(Array.from(exact1.sys.force));
  });
});
