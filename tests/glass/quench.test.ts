/**
 * The quench protocol on a tiny system at a very fast rate (physics sanity of the glass it makes, the
 * cooling ramp, the stages' bookkeeping, errors), the Qn count on a hand-built network, and the replica
 * statistics. The integrators themselves are checked against LAMMPS in tests/md (npt, dynamics).
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { DEFAULT_QUENCH, quenchSteps, runQuench, type QuenchOptions, type QuenchProgress } from '../../src-worker/glass/quench.ts';
import { glassProperties, stat, summarize } from '../../src-worker/glass/properties.ts';
import { EXPERIMENT_FQ_FILE, parseMint01 } from '../../src-worker/glass/experiment.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { createSystem } from '../../src-worker/md/system.ts';
import { createBondList, findBonds } from '../../src-worker/analysis/bonds.ts';
import { accumulateQn, createQnAccumulator, qnResult } from '../../src-worker/analysis/qn.ts';

const measured = parseMint01(
  readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/experiment', EXPERIMENT_FQ_FILE), 'utf8'),
  EXPERIMENT_FQ_FILE,
);

// 192 atoms (a 14 Å box), 3600 → 300 K at 2000 K/ps: 1650 cooling steps; about 2300 steps in all.
const TINY: QuenchOptions = { ...DEFAULT_QUENCH, atoms: 192, rate: 2000, liquidPs: 0.2, relaxPs: 0.1, samplePs: 0.2, sampleEvery: 20, startSteps: 200 };

describe('quench of a tiny BKS system', () => {
  const reports: QuenchProgress[] = [];
  let clock = 0;
  const ctx = { ...silentContext(() => clock++), reportIntervalMs: 0 };
  const r = runQuench(builtinForceField('BKS'), TINY, 5, ctx, (p) => reports.push(p));

  it('runs every stage in order with the planned number of steps', () => {
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const steps = quenchSteps(TINY);
    expect(steps.cool).toBe(1650);
    expect(r.steps).toBe(200 + 200 + 1650 + 100 + 200);
    const order = [...new Set(reports.map((p) => p.stage))];
    expect(order).toEqual(['start', 'liquid', 'cool', 'relax', 'sample']);
    expect(r.sample.samples).toBe(10);
  });

  it('cools along the ramp and ends a glass at 300 K: tetrahedral Si, corner-sharing network, plausible density', () => {
    if (!r.ok) throw new Error('quench failed');
    const cool = reports.filter((p) => p.stage === 'cool');
    const firstT = cool.slice(0, 10).reduce((a, p) => a + p.temperature, 0) / 10;
    const lastT = cool.slice(-10).reduce((a, p) => a + p.temperature, 0) / 10;
    expect(firstT).toBeGreaterThan(2500);
    // The last 200 steps' targets run 700 → 300 K; at 2000 K/ps the chain (Tdamp 0.1 ps) lags ~200 K behind.
    expect(lastT).toBeLessThan(1000);
    const s = r.sample;
    expect(Math.abs(s.temperature - 300)).toBeLessThan(60);
    expect(s.density).toBeGreaterThan(2.0);
    expect(s.density).toBeLessThan(2.8);
    const p = glassProperties(s, measured);
    expect(p.zSi).toBeGreaterThan(3.8);
    expect(p.zSi).toBeLessThan(4.2);
    expect(p.meanOSiO).toBeGreaterThan(106);
    expect(p.meanOSiO).toBeLessThan(112);
    expect(p.meanSiOSi).toBeGreaterThan(130);
    expect(p.meanSiOSi).toBeLessThan(165);
    expect(p.rSiO).toBeGreaterThan(1.55);
    expect(p.rSiO).toBeLessThan(1.66);
    expect(p.qn.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p.qn[4]).toBeGreaterThan(0.7);
    // The g(r) range is half the box; F(Q) is scored against the measurement (a tiny fast glass: far off).
    expect(p.r[p.r.length - 1]).toBeLessThan(0.5 * Math.min(r.sys.box.lx, r.sys.box.ly, r.sys.box.lz));
    expect(p.fqRchi).toBeGreaterThan(0);
    expect(p.fqRchi).toBeLessThan(150);
  });

  it('bad options are refused with the problem named', () => {
    expect(() => runQuench(builtinForceField('BKS'), { ...TINY, rate: 0 }, 1, silentContext())).toThrow(/cooling rate must be a positive/);
    expect(() => runQuench(builtinForceField('BKS'), { ...TINY, atoms: 100 }, 1, silentContext())).toThrow(/multiple of 3/);
    expect(() => runQuench(builtinForceField('BKS'), { ...TINY, atoms: 60 }, 1, silentContext())).toThrow(/too small for the cut-off/);
    expect(() => runQuench(builtinForceField('BKS'), { ...TINY, finalTemperature: 4000 }, 1, silentContext())).toThrow(/must exceed the final/);
  });
});

describe('Qn and replica statistics', () => {
  it('two corner-sharing tetrahedra are Q1 each; a three-fold Si is counted apart', () => {
    const at: [string, number, number, number][] = [
      ['Si', 10, 10, 10],
      ['O', 11.6, 10, 10], // shared
      ['O', 8.4, 10, 10],
      ['O', 10, 11.6, 10],
      ['O', 10, 8.4, 10],
      ['Si', 13.2, 10, 10],
      ['O', 14.8, 10, 10],
      ['O', 13.2, 11.6, 10],
      ['O', 13.2, 8.4, 10],
      ['Si', 20, 20, 20],
      ['O', 21.6, 20, 20],
      ['O', 20, 21.6, 20],
      ['O', 20, 20, 21.6],
    ];
    const type = Int32Array.from(at, (a) => (a[0] === 'Si' ? 0 : 1));
    const pos = Float64Array.from(at.flatMap((a) => [a[1], a[2], a[3]]));
    const sys = createSystem(SILICA, type, pos, { lx: 30, ly: 30, lz: 30 });
    const bl = createBondList(SILICA, { SiO: 2.3 });
    findBonds(bl, sys.type, sys.pos, sys.box);
    const acc = createQnAccumulator(SILICA);
    accumulateQn(acc, bl);
    const q = qnResult(acc);
    expect([...q.fractions]).toEqual([0, 1, 0, 0, 0]);
    expect(q.otherFraction).toBeCloseTo(1 / 3, 15);
  });

  it('mean ± standard error', () => {
    const s = stat([1, 2, 3, 4]);
    expect(s.mean).toBe(2.5);
    expect(s.err).toBeCloseTo(Math.sqrt(5 / 3 / 4), 15);
    expect(Number.isNaN(stat([7]).err)).toBe(true);
    expect(() => summarize([])).toThrow(/no replica/);
  });
});
