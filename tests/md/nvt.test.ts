/**
 * NVT by the Nosé–Hoover chain with the production kernel: 3000 atoms of BKS liquid, target 3600 K, 0.5 ps
 * relax + 2 ps production through runProtocol; the production mean temperature must be within 1 % of the
 * target, observers are called on schedule, and progress is reported.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { readLammpsData } from '../../src-worker/io/lammps-data.ts';
import { frameToSystem } from '../../src-worker/io/configuration.ts';
import { runProtocolAsync } from '../../src-worker/md/run.ts';
import { DEFAULT_KERNEL, potentialFor } from '../../src-worker/md/engine.ts';
import { PAPER_PROTOCOL, type Progress, type RunContext } from '../../src-worker/md/protocol.ts';
import { createRng } from '../../src-worker/rng.ts';
import { fixtureText } from './fixtures.ts';

describe('NVT with the production kernel', () => {
  it('holds the mean production temperature within 1 % of 3600 K', async () => {
    const data = readLammpsData(fixtureText('configs/BKS_liquid.data'), 'BKS_liquid.data', { species: SILICA });
    const ff = builtinForceField('BKS');
    const sys = frameToSystem(data.frame, SILICA, ff); // no velocities: runProtocol draws them
    const pot = potentialFor(DEFAULT_KERNEL);
    const protocol = { ...PAPER_PROTOCOL, relax: 0.5, production: 2.0 };
    const seen: number[] = [];
    const reports: Progress[] = [];
    let clock = 0;
    // A fake clock that advances 100 ms per reading: reports every 5th reading (every 100 steps).
    const ctx: RunContext = { now: () => (clock += 100), reportIntervalMs: 500, report: (p) => reports.push(p), isCancelled: () => false };
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    const observer = { every: 100, observe: (step: number) => seen.push(step) };
    const r = await runProtocolAsync(sys, pot, pot.prepare(SILICA, ff), protocol, createRng(42), [observer], ctx, pause);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    console.log(`NVT ${DEFAULT_KERNEL}: mean T ${r.stats.meanTemperature.toFixed(2)} K over 2 ps, ${r.stats.neighborBuilds} list builds`);
    expect(Math.abs(r.stats.meanTemperature - 3600) / 3600).toBeLessThan(0.01);
    expect(r.stats.steps).toBe(2500);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, k) => 100 * (k + 1)));
    expect(reports.length).toBeGreaterThan(20);
    expect(reports.some((p) => p.phase === 'relax') && reports.some((p) => p.phase === 'production')).toBe(true);
    expect(reports.every((p) => p.totalSteps === 2500 && p.step <= 2500 && Number.isFinite(p.etaS))).toBe(true);
  });
});
