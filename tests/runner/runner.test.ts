/**
 * The campaign runner on tiny campaigns with real MD in worker threads: baselines → optimizer → final replicas →
 * finished, with every result stored once and events for every change; pause cancels promptly and resumes
 * without losing or repeating a finished evaluation; a blow-up is stored as failed and the campaign goes on;
 * a second runner on the same campaign is refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src-main/store/store.ts';
import { LockError } from '../../src-main/store/lock.ts';
import { startCampaign, optimizerLists } from '../../src-main/runner/runner.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import type { EventPayload, EventSink } from '../../src-main/api/contract.ts';
import type { EventName } from '../../src-main/api/channels.ts';
import { deriveSeed } from '../../src-worker/rng.ts';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { BKS_U, tinyCampaign } from './tiny.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = nodeWorkerEntry();

function recorder() {
  const events: { name: EventName; payload: unknown }[] = [];
  const sink: EventSink = (name, payload) => void events.push({ name, payload });
  const of = <E extends EventName>(name: E) => events.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>);
  return { sink, events, of };
}

describe('campaign runner', () => {
  it('runs baselines, the optimizer and the final replicas to a finished campaign, committing each result once', async () => {
    const store = openStore(join(dir, 'full.sqlite'));
    const { record, initial } = tinyCampaign({ finalReplicas: 1 });
    store.createCampaign(record, initial);
    const ev = recorder();
    const run = startCampaign({ store, campaignId: record.id, workerEntry: entry, emit: ev.sink, reportIntervalMs: 100, statusIntervalMs: 200 });
    const outcome = await run.done;
    expect(outcome.error).toBeNull();
    expect(outcome.status).toBe('finished');
    expect(outcome.stopReason?.kind).toBe('budget');

    const all = store.evaluations(record.id);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.every((e) => e.status === 'done' || e.status === 'failed')).toBe(true);
    expect(all.every((e) => e.seed === deriveSeed(record.seed, e.seq))).toBe(true);
    const opt = all.filter((e) => e.origin === 'optimizer');
    expect(opt).toHaveLength(6);
    // BO's design for budget 6 in 2-D: clamp(10 % of 6, 2d + 2, 10d) = 6 points. The BKS baseline lies inside
    // the box and enters the optimizer's history as a design point once it has finished, so the optimizer
    // proposes at least 5 design points of its own; the budget's last run may then be BO's.
    expect(opt.filter((e) => e.phase === 'initial').length).toBeGreaterThanOrEqual(5);
    expect(opt.every((e) => e.phase === 'initial' || e.phase === 'bo')).toBe(true);
    expect(all.filter((e) => e.origin === 'baseline').map((e) => [e.label, e.status])).toEqual([['BKS', 'done']]);
    const best = store.best(record.id)!;
    expect(best.rChi).toBe(Math.min(...opt.filter((e) => e.status === 'done').map((e) => e.rChi!)));
    const finals = all.filter((e) => e.origin === 'final');
    expect(finals).toHaveLength(1);
    expect(finals[0]).toMatchObject({ phase: 'replica', label: 'best', meta: { of: best.id, replica: 1 }, u: best.u, params: best.params });
    expect(finals[0].seed).not.toBe(best.seed);
    for (const e of all.filter((x) => x.status === 'done')) expect(store.artefacts(e.id).gr?.pairs).toEqual(['SiSi', 'SiO', 'OO']);
    expect(store.campaignInfo(record.id)).toMatchObject({ status: 'finished', stopReason: { kind: 'budget' } });

    // Every evaluation went queued → running → done/failed, and its final state was announced exactly once.
    const changes = ev.of('evaluation.changed');
    for (const e of all) {
      const seen = changes.filter((c) => c.id === e.id).map((c) => c.status);
      // Baselines are stored with the campaign, before a runner exists; the runner's own rows start queued.
      expect(seen[0]).toBe(e.origin === 'baseline' ? 'running' : 'queued');
      expect(seen).toContain('running');
      expect(seen.filter((s) => s === 'done' || s === 'failed')).toEqual([e.status]);
      expect(changes.filter((c) => c.id === e.id).at(-1)).toEqual(e);
    }
    const progress = ev.of('campaign.progress');
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toMatchObject({ status: 'finished', stage: 'finished', done: opt.filter((e) => e.status === 'done').length, budget: 6, bestEvaluationId: best.id, final: { done: 1, total: 1 } });
    expect(progress.some((p) => p.etaS !== null && p.etaS > 0)).toBe(true);
    const ws = ev.of('worker.status');
    expect(ws.some((w) => w.workers.some((x) => x.evaluationId !== null && x.totalSteps > 0))).toBe(true);
    expect(ws.at(-1)!.workers.every((x) => x.evaluationId === null)).toBe(true);
    expect(ev.of('campaigns.changed').length).toBeGreaterThanOrEqual(2);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  });

  it('runs no final replicas of a best that a baseline clearly beat, and says so in the stop reason', async () => {
    const store = openStore(join(dir, 'worse.sqlite'));
    // q_Si 2.06 e, A_Si–O 33 keV: a stable liquid, but far from BKS's structure (R_χ ≈ 70 % against ≈ 9 % for BKS).
    const { record, initial } = tinyCampaign({ optimizer: { strategy: 'bo', budget: 1, bo: { initial: { include: [[0.614, 0.76]] } } }, finalReplicas: 2 });
    store.createCampaign(record, initial);
    const ev = recorder();
    const outcome = await startCampaign({ store, campaignId: record.id, workerEntry: entry, emit: ev.sink }).done;
    expect(outcome).toMatchObject({ status: 'finished', error: null });
    const all = store.evaluations(record.id);
    const best = store.best(record.id)!;
    const bks = all.find((e) => e.origin === 'baseline')!;
    expect(best.rChi!).toBeGreaterThan(2 * bks.rChi!);
    expect(all.filter((e) => e.origin === 'final')).toHaveLength(0);
    expect(outcome.stopReason?.detail).toMatch(/the best R_χ \d+\.\d\d % is worse than BKS \d+\.\d\d % under the same protocol, so no final replicas were run/);
    expect(store.campaignInfo(record.id).stopReason?.detail).toBe(outcome.stopReason?.detail);
    expect(ev.of('campaign.progress').at(-1)).toMatchObject({ status: 'finished', final: { done: 0, total: 0 } });
    store.close();
  });

  it('pauses promptly, puts running evaluations back to the queue, and resumes without losing or repeating a result', async () => {
    const store = openStore(join(dir, 'pause.sqlite'));
    const { record, initial } = tinyCampaign({ baselines: [], finalReplicas: 0 });
    store.createCampaign(record, initial);
    let firstDone!: () => void;
    const reached = new Promise<void>((r) => (firstDone = r));
    const sink: EventSink = (name, payload) => {
      if (name === 'evaluation.changed' && (payload as { status: string }).status === 'done') firstDone();
    };
    const run = startCampaign({ store, campaignId: record.id, workerEntry: entry, emit: sink, reportIntervalMs: 100 });
    await reached;
    const t = performance.now();
    const outcome = await run.pause();
    expect(performance.now() - t).toBeLessThan(10_000);
    expect(outcome).toMatchObject({ status: 'paused', error: null });
    expect(store.campaignInfo(record.id).status).toBe('paused');
    const before = store.evaluations(record.id);
    expect(before.some((e) => e.status === 'running')).toBe(false);
    const finished = before.filter((e) => e.status === 'done' || e.status === 'failed');
    expect(finished.length).toBeGreaterThanOrEqual(1);
    for (const e of before.filter((x) => x.status === 'queued')) expect(e.startedAt).toBeNull();

    const again = await startCampaign({ store, campaignId: record.id, workerEntry: entry }).done;
    expect(again.status).toBe('finished');
    const after = store.evaluations(record.id);
    // Finished evaluations are untouched, nothing is duplicated, and the budget is exactly used.
    for (const e of finished) expect(after.find((x) => x.id === e.id)).toEqual(e);
    expect(new Set(after.map((e) => e.seq)).size).toBe(after.length);
    expect(after.filter((e) => e.origin === 'optimizer')).toHaveLength(6);
    // Re-run rows kept their stored point and seed.
    for (const e of before.filter((x) => x.status === 'queued')) expect(after.find((x) => x.id === e.id)).toMatchObject({ u: e.u, seed: e.seed, seq: e.seq });
    store.close();
  });

  it('stores a blow-up as failed with its reason, feeds it to the optimizer as a bad point, and goes on', async () => {
    const store = openStore(join(dir, 'blowup.sqlite'));
    // The corner qSi = 2.6 e, A_SiO = 1000 eV collapses Si onto O (−C/r⁶ beats A·e^(−r/ρ): the Buckingham
    // catastrophe, held only by the D/r²⁴ wall at 0.9 Å); BKS's own point, next, runs fine.
    const space = presetSpace('BKS-2D');
    const { record, initial } = tinyCampaign({ space, optimizer: { strategy: 'bo', budget: 4, bo: { initial: { include: [[1, 0], BKS_U] } } }, baselines: [], finalReplicas: 0 });
    store.createCampaign(record, initial);
    const outcome = await startCampaign({ store, campaignId: record.id, workerEntry: entry }).done;
    expect(outcome).toMatchObject({ status: 'finished', error: null });
    const opt = store.evaluations(record.id, { origin: ['optimizer'] });
    expect(opt).toHaveLength(4);
    expect(opt[0]).toMatchObject({ u: [1, 0], status: 'failed', rChi: null });
    expect(opt[0].values).toMatchObject({ qSi: 2.6, A_SiO: 1000 });
    expect(opt[0].error).toMatch(/^MD blew up at step \d+/);
    expect(opt[1]).toMatchObject({ u: BKS_U, status: 'done' });
    const { history } = optimizerLists(store.optimizerRows(record.id));
    expect(history[0]).toMatchObject({ u: [1, 0], y: null });
    store.close();
  });

  it('refuses a second runner on the same campaign, and stop ends as stopped (resumable)', async () => {
    const store = openStore(join(dir, 'lock.sqlite'));
    const { record, initial } = tinyCampaign({ baselines: [], finalReplicas: 0 });
    store.createCampaign(record, initial);
    const run = startCampaign({ store, campaignId: record.id, workerEntry: entry, owner: 'first' });
    expect(() => startCampaign({ store, campaignId: record.id, workerEntry: entry, owner: 'second' })).toThrow(LockError);
    const outcome = await run.stop();
    expect(outcome).toMatchObject({ status: 'stopped', stopReason: { kind: 'user' } });
    expect(store.campaignInfo(record.id).status).toBe('stopped');
    expect(store.evaluations(record.id).some((e) => e.status === 'running')).toBe(false);
    const next = startCampaign({ store, campaignId: record.id, workerEntry: entry, owner: 'second' });
    expect((await next.pause()).status).toBe('paused');
    store.close();
  });
});
