/**
 * Building a liquid: box from density, random insertion with minimum distances, the soft start (FIRE +
 * capped MD + Berendsen) that never blows up on the r⁻²⁴ wall, and reproducibility: the same seed gives the
 * same trajectory, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { createRng } from '../../src-worker/rng.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { boxForDensity, defaultSoftStart, randomInsertion, silicaCounts, softStart, SILICA_MIN_DISTANCES } from '../../src-worker/md/start.ts';
import { preparePotential, runLiquid } from '../../src-worker/md/engine.ts';
import { PAPER_PROTOCOL, silentContext } from '../../src-worker/md/protocol.ts';
import { temperature } from '../../src-worker/md/thermo.ts';
import type { System } from '../../src-worker/md/system.ts';

function minDistances(sys: System): Record<string, number> {
  const out: Record<string, number> = { SiSi: Infinity, SiO: Infinity, OO: Infinity };
  const { lx, ly, lz } = sys.box;
  for (let i = 0; i < sys.n; i++)
    for (let j = i + 1; j < sys.n; j++) {
      let dx = sys.pos[3 * i] - sys.pos[3 * j];
      let dy = sys.pos[3 * i + 1] - sys.pos[3 * j + 1];
      let dz = sys.pos[3 * i + 2] - sys.pos[3 * j + 2];
      dx -= lx * Math.round(dx / lx);
      dy -= ly * Math.round(dy / ly);
      dz -= lz * Math.round(dz / lz);
      const key = sys.type[i] === sys.type[j] ? (sys.type[i] === 0 ? 'SiSi' : 'OO') : 'SiO';
      out[key] = Math.min(out[key], Math.hypot(dx, dy, dz));
    }
  return out;
}

const tiny = { ...PAPER_PROTOCOL, atoms: 648, relax: 0.05, production: 0.05 };
const quickSoft = { steps: 300, minimize: { ...defaultSoftStart(3600).minimize, maxIterations: 200 } };
const tinySoft = { steps: 100, minimize: { ...defaultSoftStart(3600).minimize, maxIterations: 50 } };

describe('start configurations', () => {
  it('the paper box: 3000 atoms of SiO2 at 2.2 g/cm³ is a 35.661 Å cube', () => {
    const box = boxForDensity(SILICA, silicaCounts(3000), 2.2);
    expect(box.lx).toBeCloseTo(35.661, 3);
    expect(box.ly).toBe(box.lx);
    expect(() => silicaCounts(1000)).toThrow(/multiple of 3/);
  });

  it('random insertion places 1000 Si + 2000 O with the fixtures’ minimum distances', () => {
    const counts = silicaCounts(3000);
    const sys = randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, 2.2), createRng(1));
    expect(sys.n).toBe(3000);
    expect(Array.from(sys.type).filter((t) => t === 0).length).toBe(1000);
    const d = minDistances(sys);
    for (const k of ['SiSi', 'SiO', 'OO']) expect(d[k]).toBeGreaterThanOrEqual(SILICA_MIN_DISTANCES[k]);
    for (let k = 0; k < sys.pos.length; k++) expect(sys.pos[k] >= 0 && sys.pos[k] < sys.box.lx).toBe(true);
  });

  it('random insertion says so when the density is too high for the distances', () => {
    const counts = silicaCounts(300);
    expect(() => randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, 6.0), createRng(1), SILICA_MIN_DISTANCES, 2000)).toThrow(
      /random insertion failed: no room for .*density too high/,
    );
  });

  it('the soft start takes a random packing to a 3600 K liquid without blowing up', () => {
    const counts = silicaCounts(648);
    const sys = randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, 2.2), createRng(4));
    const { pot, table } = preparePotential(SILICA, builtinForceField('BKS'));
    const r = softStart(sys, pot, table, { ...defaultSoftStart(3600), ...quickSoft }, createRng(5), silentContext());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.minimize.iterations).toBeGreaterThan(0);
    expect(r.md.potentialEnergy / sys.n).toBeLessThan(-15); // eV/atom: a condensed, bonded network
    const d = minDistances(sys);
    expect(Math.min(d.SiSi, d.SiO, d.OO)).toBeGreaterThan(1.0);
    expect(temperature(sys)).toBeGreaterThan(2000);
    expect(temperature(sys)).toBeLessThan(6000);
  });

  it('same seed ⇒ identical trajectory; another seed ⇒ another one', () => {
    const ff = builtinForceField('BKS');
    const run = (seed: number) => runLiquid(ff, { protocol: tiny, seed, softStart: tinySoft }, [], silentContext());
    const a = run(17);
    const b = run(17);
    const c = run(18);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!(a.ok && b.ok && c.ok && a.sys && b.sys && c.sys)) return;
    expect(Array.from(b.sys.pos)).toEqual(Array.from(a.sys.pos));
    expect(Array.from(b.sys.vel)).toEqual(Array.from(a.sys.vel));
    expect(b.stats.meanTemperature).toBe(a.stats.meanTemperature);
    expect(b.stats.finalPotentialEnergy).toBe(a.stats.finalPotentialEnergy);
    expect(c.sys.pos[0]).not.toBe(a.sys.pos[0]);
  });

  it('falls back to the exact kernel when the forcefield’s cut-offs differ', () => {
    const ff = { ...builtinForceField('BKS'), dsf: { alpha: 0.25, cutoff: 9 } };
    expect(preparePotential(SILICA, ff, 'table').kernel).toBe('exact');
    expect(preparePotential(SILICA, builtinForceField('BKS'), 'table').kernel).toBe('table');
  });
});
