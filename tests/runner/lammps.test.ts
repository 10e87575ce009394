/**
 * The `lammps` backend with the real `lmp` (Debian `lammps`, installed by .ci/run): one evaluation runs our start,
 * our exported potential and the same protocol in LAMMPS, and the g(r) we read back is LAMMPS's own `compute rdf`
 * — checked against glassfit's analysis of the very frames LAMMPS sampled (the dump and the rdf share their steps in
 * this protocol). A blow-up, unusable parameters, a cancellation and a missing executable each map to their
 * outcome; a tiny campaign on this backend runs to its end with every result marked with LAMMPS's engine.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLammpsEvaluator, LammpsStartError } from '../../src-main/runner/lammps-evaluator.ts';
import { jobFolder } from '../../src-main/runner/backend.ts';
import { startCampaign } from '../../src-main/runner/runner.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { openStore } from '../../src-main/store/store.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { SILICA } from '../../src-worker/species.ts';
import { analyzeFrames } from '../../src-worker/analysis/structure.ts';
import { readLammpsDump } from '../../src-worker/io/lammps-dump.ts';
import { evaluate } from '../../src-worker/evaluate/evaluate.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { LAMMPS_FILES, lammpsError, lammpsJob, lammpsVersion, readAveTimeVector } from '../../src-worker/evaluate/lammps-job.ts';
import { smallSpec } from '../evaluate/small.ts';
import { stretchedEarlyStopChoice, tinyCampaign } from './tiny.ts';

const haveLmp = spawnSync('lmp', ['-h'], { stdio: 'ignore' }).status === 0;
if (!haveLmp && process.env.CI) throw new Error('tests/runner/lammps.test.ts needs LAMMPS (`lmp`) in CI');
if (!haveLmp) console.warn('tests/runner/lammps.test.ts: skipped, `lmp` (Debian package lammps) is not installed');

const dir = mkdtempSync(join(tmpdir(), 'glassfit-lammps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LMP = { command: 'lmp', mpiRanks: 1 };
const BKS = builtinForceField('BKS');

describe('LAMMPS job text', () => {
  it('reads LAMMPS version and error lines, and the last block of a vector ave/time file', () => {
    expect(lammpsVersion('LAMMPS (29 Sep 2021 - Update 2)\nOMP_NUM_THREADS…')).toBe('29 Sep 2021 - Update 2');
    expect(lammpsVersion('\nLarge-scale Atomic/Molecular Massively Parallel Simulator - 29 Sep 2021 - Update 2\n\nUsage example')).toBe('29 Sep 2021 - Update 2');
    expect(lammpsError('x\nERROR: Lost atoms: original 648 current 6 (src/thermo.cpp:481)\nLast command: run')).toBe('Lost atoms: original 648 current 6');
    expect(lammpsError('ERROR on proc 1: Out of range atoms - cannot compute PPPM (src/KSPACE/pppm.cpp:1918)')).toBe('Out of range atoms - cannot compute PPPM');
    const file = '# Time-averaged data for fix rdf\n# TimeStep Number-of-rows\n# Row c_rdf[1] c_rdf[2]\n10 2\n1 0.01 5\n2 0.03 6\n20 2\n1 0.01 7\n2 0.03 8\n';
    expect(readAveTimeVector(file, 'rdf.dat')).toEqual([[0.01, 0.03], [7, 8]]);
    expect(() => readAveTimeVector('10 3\n1 0.01 5\n', 'rdf.dat')).toThrow(/announces 3 rows/);
  });

  it('refuses unusable parameters without writing a job', () => {
    const job = lammpsJob({ ...BKS, pair: { ...BKS.pair, SiO: { ...BKS.pair.SiO, rho: -1 } } }, smallSpec());
    expect(job).toHaveProperty('invalid');
    expect((job as { invalid: string }).invalid).toMatch(/rho|ρ/);
  });
});

describe.skipIf(!haveLmp)('lammps backend', () => {
  it('runs the protocol in LAMMPS, reads its compute rdf and scores it with our R_χ', async () => {
    const work = join(dir, 'one');
    const ev = createLammpsEvaluator({ lammps: LMP, workDir: work, keep: true });
    const spec = smallSpec();
    const steps: number[] = [];
    const r = await ev.evaluate(BKS, spec, { onProgress: (p) => steps.push(p.step) });
    if (r.status !== 'done') throw new Error(`expected done, got ${r.status}: ${'reason' in r ? r.reason : ''}`);
    expect(r.engineVersion).toMatch(/^lammps \d+ \w+ \d{4}/);
    // Parameters LAMMPS never sees carry the same engine (from lmp -h), so a campaign's results name one engine.
    const invalid = await ev.evaluate({ ...BKS, pair: { ...BKS.pair, SiO: { ...BKS.pair.SiO, rho: -1 } } }, spec);
    expect(invalid).toMatchObject({ status: 'failed', failure: { kind: 'invalid-parameters' }, engineVersion: r.engineVersion });
    expect(r.kernel).toBe('exact');
    const job = lammpsJob(BKS, spec) as Exclude<ReturnType<typeof lammpsJob>, { invalid: string }>;
    expect(r.rdf.frames).toBe(job.plan.samples);
    expect(r.run.steps).toBe(job.plan.relaxSteps + job.plan.prodSteps);
    expect(Math.abs(r.run.meanTemperature - 3600)).toBeLessThan(600);
    expect(steps.length).toBeGreaterThan(0);
    // This protocol dumps its angle frames on exactly the rdf's sampling steps, so glassfit's own g(r) of the dump
    // is LAMMPS's compute rdf up to its six printed digits (and the dump's ten): bins, pair order, normalisation.
    const [folder] = readdirSync(work);
    expect(job.plan.dumpEvery).toBe(spec.protocol.sampleEvery);
    const frames = readLammpsDump(readFileSync(join(work, folder, LAMMPS_FILES.frames), 'utf8'), 'frames.dump').filter((f) => f.step !== 0);
    expect(frames).toHaveLength(job.plan.samples);
    const ours = analyzeFrames(frames, SILICA, { rdf: spec.reference.grid, bondCutoffs: r.bondCutoffs });
    for (const p of ['SiSi', 'SiO', 'OO']) {
      let worst = 0;
      for (let k = 0; k < ours.rdf.r.length; k++) worst = Math.max(worst, Math.abs(ours.rdf.g[p][k] - r.rdf.g[p][k]) / Math.max(1, r.rdf.g[p][k]));
      expect(worst, p).toBeLessThan(2e-5);
    }
    // Angles and coordination from LAMMPS's frames, by glassfit's analysis: a tetrahedral network.
    expect(r.adf?.mean.OSiO).toBeGreaterThan(104);
    expect(r.adf?.mean.OSiO).toBeLessThan(113);
    expect(r.final.n).toBe(648);
    expect(r.final.vel).toBeDefined();
    // Same potential and start, other velocities: the JS engine's R_χ of this short run is in the same place.
    const js = evaluate(BKS, spec, silentContext());
    if (js.status !== 'done') throw new Error('the JS run failed');
    expect(Math.abs(js.rChi - r.rChi)).toBeLessThan(0.03);
  }, 120_000);

  it('stops a hopeless run early inside LAMMPS, at the JS watcher checkpoints, and scores the window with our R_χ', async () => {
    // 100 + 100 steps, a 40-step window: checkpoints at protocol steps 60 (relax), 100 (end of relax), 160 (production).
    const es = (threshold: number, checkpoints = [0.3, 0.5, 0.8]) => smallSpec({}, { earlyStop: { threshold, checkpoints, windowPs: 0.05, incumbent: 0.05 } });
    const plain = lammpsJob(BKS, es(10)) as Exclude<ReturnType<typeof lammpsJob>, { invalid: string }>;
    expect(plain.plan.checkpoints).toEqual([
      { atStep: 60, stage: 'relax', t: 60 },
      { atStep: 100, stage: 'relax', t: 100 },
      { atStep: 160, stage: 'production', t: 60 },
    ]);
    expect(plain.plan.windowSteps).toBe(40);
    const work = join(dir, 'stop');
    const ev = createLammpsEvaluator({ lammps: LMP, workDir: work, keep: true });

    // A threshold nothing passes: stopped at the first checkpoint, in the relaxation.
    const relax = await ev.evaluate(BKS, es(0));
    if (relax.status !== 'stopped') throw new Error(`expected stopped, got ${relax.status}: ${'reason' in relax ? relax.reason : ''}`);
    expect(relax.stop).toMatchObject({ atStep: 60, totalSteps: 200, stage: 'relax', threshold: 0, incumbent: 0.05, frames: 4 });
    expect(relax.stop.windowPs).toBeCloseTo(0.04, 12);
    expect(relax.rdf.frames).toBe(4);
    expect(relax.adf).toBeNull();
    expect(relax.run.steps).toBe(60);
    expect(relax.final.n).toBe(648);
    expect(relax.reason).toMatch(/^stopped at 30 % of the run \(relax\): partial R_χ/);
    expect(relax.engineVersion).toMatch(/^lammps /);
    // The awk program's R_χ (what LAMMPS acted on) is ours of the same window file.
    const folder = readdirSync(work).map((f) => join(work, f)).find((f) => existsSync(join(f, 'stop_60.txt')))!;
    const [flag, awkR] = readFileSync(join(folder, 'stop_60.txt'), 'utf8').trim().split('\n');
    expect(flag).toBe('1');
    expect(Math.abs(Number(awkR) - relax.rChi)).toBeLessThan(1e-9 * relax.rChi);
    expect(existsSync(join(folder, 'stop_100.txt'))).toBe(false);

    // Only the production checkpoint: stopped there, with the angles of the production frames dumped so far.
    const prod = await ev.evaluate(BKS, es(0, [0.8]));
    if (prod.status !== 'stopped') throw new Error(`expected stopped, got ${prod.status}`);
    expect(prod.stop).toMatchObject({ atStep: 160, stage: 'production' });
    expect(prod.adf?.mean.OSiO).toBeGreaterThan(100);
    expect(Number.isFinite(prod.run.meanTemperature)).toBe(true);

    // A threshold every run passes: looked at three times, run to its end, the result as without early stopping.
    const done = await ev.evaluate(BKS, es(10));
    if (done.status !== 'done') throw new Error(`expected done, got ${done.status}: ${'reason' in done ? done.reason : ''}`);
    const again = await ev.evaluate(BKS, smallSpec());
    if (again.status !== 'done') throw new Error('the plain run failed');
    // Segmented runs re-set the neighbour lists, so the trajectory differs in round-off only: same liquid, same place.
    expect(Math.abs(done.rChi - again.rChi)).toBeLessThan(0.02);
    await ev.close();
  }, 180_000);

  it('a blow-up is a failed evaluation with LAMMPS own error as the reason, its folder kept', async () => {
    const work = join(dir, 'blow');
    const ev = createLammpsEvaluator({ lammps: LMP, workDir: work });
    // No repulsive wall and a strong Si–O attraction: the Buckingham catastrophe.
    const bad = { ...BKS, pair: { ...BKS.pair, SiO: { A: 100, rho: 0.2, C: 500, D: 0 }, OO: { ...BKS.pair.OO, D: 0 } } };
    const r = await ev.evaluate(bad, smallSpec());
    if (r.status !== 'failed') throw new Error(`expected failed, got ${r.status}`);
    expect(r.failure.kind).toBe('engine');
    expect(r.reason).toMatch(/^LAMMPS failed near step \d+: /);
    expect(r.reason).toMatch(/Lost atoms|Out of range|Non-numeric|nan|inf/i);
    const folder = /job folder (.*)\)$/.exec(r.reason)![1];
    expect(existsSync(join(folder, LAMMPS_FILES.log))).toBe(true);
  }, 120_000);

  it('cancels a running job promptly and leaves no process behind', async () => {
    const work = join(dir, 'cancel');
    const ev = createLammpsEvaluator({ lammps: LMP, workDir: work });
    const abort = new AbortController();
    const t0 = Date.now();
    const p = ev.evaluate(BKS, smallSpec({ relax: 5, production: 5 }), { signal: abort.signal, onProgress: () => abort.abort() });
    const r = await p;
    expect(r.status).toBe('failed');
    expect(r.status === 'failed' && r.failure.kind).toBe('cancelled');
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(readdirSync(work)).toEqual([]);
    await ev.close();
  }, 60_000);

  it('a LAMMPS that cannot be started rejects with the fix in the message', async () => {
    const ev = createLammpsEvaluator({ lammps: { command: 'lmp-not-installed-here', mpiRanks: 1 }, workDir: join(dir, 'none') });
    await expect(ev.evaluate(BKS, smallSpec())).rejects.toThrow(LammpsStartError);
    await expect(ev.evaluate(BKS, smallSpec())).rejects.toThrow(/'lmp-not-installed-here' was not found.*--lammps-command/);
  });

  it('runs a tiny campaign on LAMMPS to its end, every result marked with LAMMPS engine', async () => {
    const store = openStore(join(dir, 'campaign.sqlite'));
    const { record, initial } = tinyCampaign({ optimizer: tinyCampaign().record.optimizer, execution: { backend: 'lammps' } });
    const small = { ...record, optimizer: { ...record.optimizer, budget: 2 } };
    store.createCampaign(small, initial);
    const run = startCampaign({ store, campaignId: record.id, workerEntry: nodeWorkerEntry(), workers: 2 });
    const outcome = await run.done;
    expect(outcome.error).toBeNull();
    expect(outcome.status).toBe('finished');
    const all = store.evaluations(record.id);
    expect(all.length).toBeGreaterThanOrEqual(4); // baseline, 2 optimizer points, final replica
    expect(all.every((e) => e.status === 'done' || e.status === 'failed')).toBe(true);
    expect(all.every((e) => /^lammps /.test(e.engineVersion ?? ''))).toBe(true);
    expect(store.engines(record.id)).toEqual([{ engine: all[0].engineVersion, n: all.length }]);
    // Done jobs leave no folder behind: their results are in the store.
    const jobs = jobFolder(store.path, record.id);
    expect(existsSync(jobs) ? readdirSync(jobs).length : 0).toBe(all.filter((e) => e.status === 'failed').length);
    store.close();
  }, 300_000);

  it('a campaign on LAMMPS stops a hopeless optimizer run early and stores it as stopped, with its window and configuration', async () => {
    const store = openStore(join(dir, 'early.sqlite'));
    // As tests/runner/search.test.ts on threads: ρ_SiO 0.25 Å (Si–O bonds far too long) against the BKS baseline.
    const { record, initial } = tinyCampaign({ ...stretchedEarlyStopChoice(), execution: { backend: 'lammps' } });
    store.createCampaign(record, initial);
    const outcome = await startCampaign({ store, campaignId: record.id, workerEntry: nodeWorkerEntry() }).done;
    expect(outcome).toMatchObject({ status: 'finished', error: null });
    const [baseline] = store.evaluations(record.id, { origin: ['baseline'] });
    expect(baseline.status).toBe('done');
    const [bad] = store.evaluations(record.id, { origin: ['optimizer'] });
    expect(bad.status).toBe('stopped');
    expect(bad.engineVersion).toMatch(/^lammps /);
    expect(bad.earlyStop).toMatchObject({ atStep: 200, totalSteps: 400, incumbent: baseline.rChi, stage: 'relax' });
    expect(bad.rChi!).toBeGreaterThan(bad.earlyStop!.threshold);
    expect(bad.error).toMatch(/^stopped at 50 % of the run/);
    expect(store.artefacts(bad.id).gr?.frames).toBe(bad.earlyStop!.frames);
    expect(store.artefacts(bad.id).final?.type).toHaveLength(648);
    expect(store.counts(record.id)).toMatchObject({ done: 0, stopped: 1 }); // optimizer runs (the baseline is apart)
    store.close();
  }, 180_000);
});
