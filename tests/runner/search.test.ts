/**
 * The runner's physics-aware search on tiny campaigns with real MD in worker threads: a proposal the physics
 * screen rejects is stored as 'screened' and never reaches the pool, costs no budget, and the optimizer is asked
 * again; proposals screened N times in a row end the campaign as 'exhausted'; an optimizer run clearly worse
 * than the incumbent (a baseline) is stopped early as 'stopped', counts against the budget and saves MD time.
 * Also the pure pieces (campaign/search.ts): history order and statuses, incumbent, replica noise.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src-main/store/store.ts';
import { startCampaign, optimizerLists } from '../../src-main/runner/runner.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import type { EventPayload, EventSink } from '../../src-main/api/contract.ts';
import type { EventName } from '../../src-main/api/channels.ts';
import { customSpace } from '../../src-worker/params/presets.ts';
import { toUnit } from '../../src-worker/params/space.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { earlyStopSpecFor, incumbentRChi, replicaNoiseRel, screenedInARow, searchHistory, type SearchRow } from '../../src-worker/campaign/search.ts';
import { budgetUsed, remainingBudget } from '../../src-worker/optimize/strategy.ts';
import { searchSettings } from '../../src-worker/campaign/setup.ts';
import { earlyStopThreshold } from '../../src-worker/evaluate/early-stop.ts';
import { mdRuns } from '../../src-worker/campaign/records.ts';
import { BKS_U, stretchedEarlyStopChoice, STRETCHED_U, tinyCampaign, TINY_PROTOCOL } from './tiny.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const entry = nodeWorkerEntry();

function recorder() {
  const events: { name: EventName; payload: unknown }[] = [];
  const sink: EventSink = (name, payload) => void events.push({ name, payload });
  const of = <E extends EventName>(name: E) => events.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>);
  return { sink, of };
}

const row = (seq: number, status: SearchRow['status'], u: number[], rChi: number | null, extra: Partial<SearchRow> = {}): SearchRow => ({
  seq,
  label: null,
  phase: 'bo',
  status,
  u,
  meta: null,
  rChi,
  ...extra,
});

describe('what the runner derives from its rows', () => {
  const baselines = [
    row(1, 'done', [0.2, 0.3], 0.07, { label: 'BKS', phase: 'baseline' }),
    row(2, 'done', [1.4, 0.3], 0.01, { label: 'CHIK', phase: 'baseline' }), // outside the box: not the model's, not the incumbent
  ];
  const optimizer = [
    row(3, 'done', [0.5, 0.5], 0.2),
    row(4, 'screened', [0.9, 0.0], null),
    row(5, 'stopped', [0.8, 0.1], 0.6),
    row(6, 'failed', [1, 1], null),
    row(7, 'running', [0.4, 0.4], null),
    row(8, 'screened', [0.1, 0.0], null),
    row(9, 'screened', [0.2, 0.0], null),
  ];

  it('history: the baselines inside the box first (phase initial, extra to the budget), then the optimizer rows with their statuses', () => {
    const { history, pending } = searchHistory(baselines, optimizer);
    expect(history.map((o) => [o.phase, o.status, o.y, o.meta?.label ?? null])).toEqual([
      ['initial', 'done', 0.07, 'BKS'],
      ['bo', 'done', 0.2, null],
      ['bo', 'screened', null, null],
      ['bo', 'stopped', 0.6, null],
      ['bo', 'failed', null, null],
      ['bo', 'screened', null, null],
      ['bo', 'screened', null, null],
    ]);
    expect(pending.map((p) => p.u)).toEqual([[0.4, 0.4]]);
    // The budget counts MD runs of the optimizer's own points: done, stopped, failed — 3 — plus the running one.
    expect(budgetUsed(history)).toBe(3);
    expect(remainingBudget(history, pending, 10)).toBe(6);
  });

  it('incumbent, proposals screened in a row, replica noise and the early-stop spec', () => {
    expect(incumbentRChi(baselines, optimizer)).toBe(0.07);
    expect(screenedInARow(optimizer)).toBe(2);
    expect(screenedInARow(optimizer.slice(0, 5))).toBe(0);
    expect(replicaNoiseRel(optimizer)).toBeNull();
    const reps = [row(1, 'done', [0.5], 0.1), row(2, 'done', [0.5], 0.12), row(3, 'done', [0.7], 0.2), row(4, 'done', [0.7], 0.2), row(5, 'stopped', [0.5], 0.9)];
    const noise = replicaNoiseRel(reps)!;
    // Point 0.5: mean 0.11, Σ(y − ȳ)²/ȳ² = 2·0.01²/0.0121; point 0.7: 0. Two degrees of freedom.
    expect(noise.dof).toBe(2);
    expect(noise.rel).toBeCloseTo(Math.sqrt((2 * 0.0001) / 0.0121 / 2), 12);
    const es = searchSettings().earlyStop;
    expect(earlyStopSpecFor(es, null, 0.05, 648)).toBeNull();
    expect(earlyStopSpecFor({ ...es, enabled: false }, 0.07, 0.05, 648)).toBeNull();
    expect(earlyStopSpecFor(es, 0.07, 0.05, 648)).toEqual({ threshold: earlyStopThreshold(0.07, 0.05, es, 648), checkpoints: es.checkpoints, windowPs: es.windowPs, incumbent: 0.07 });
  });
});

/** qSi and A_SiO free, A_SiO on a linear scale from 0: its lower edge (no Si–O repulsion at all) is screened out. */
const SCREEN_SPACE = customSpace({ free: ['qSi', 'A_SiO'], bounds: { A_SiO: { lower: 0, upper: 30000, scale: 'linear' } } });
const BKS_IN_SCREEN_SPACE = Array.from(toUnit(SCREEN_SPACE, builtinForceField('BKS')));

describe('the physics screen in the runner', () => {
  it('stores a rejected proposal as screened without dispatching it, asks again, and counts only MD runs against the budget', async () => {
    const store = openStore(join(dir, 'screen.sqlite'));
    const noRepulsion = [BKS_IN_SCREEN_SPACE[0], 0];
    const { record, initial } = tinyCampaign({
      space: SCREEN_SPACE,
      preset: null,
      optimizer: { strategy: 'bo', budget: 3, bo: { initial: { include: [noRepulsion, BKS_IN_SCREEN_SPACE] } } },
      baselines: [],
      finalReplicas: 0,
      search: { earlyStop: { enabled: false } },
    });
    expect(record.search.screen).toBe(true);
    store.createCampaign(record, initial);
    const ev = recorder();
    const outcome = await startCampaign({ store, campaignId: record.id, workerEntry: entry, emit: ev.sink, statusIntervalMs: 100 }).done;
    expect(outcome).toMatchObject({ status: 'finished', error: null, stopReason: { kind: 'budget' } });

    const opt = store.evaluations(record.id, { origin: ['optimizer'] });
    const screened = opt.filter((e) => e.status === 'screened');
    expect(screened.length).toBeGreaterThanOrEqual(1);
    expect(screened[0]).toMatchObject({ u: noRepulsion, rChi: null, chiByPair: null, earlyStop: null, startedAt: expect.any(String) });
    expect(screened[0].values.A_SiO).toBe(0);
    expect(screened[0].screen?.rule).toMatch(/\S/);
    expect(screened[0].error).toContain(screened[0].screen!.rule);
    expect(screened[0].durationS).toBeLessThan(0.1);
    expect(store.artefacts(screened[0].id).gr).toBeNull();
    // The budget is 3 MD runs; the screened points come on top of them.
    const counts = store.counts(record.id);
    expect(mdRuns(counts)).toBe(3);
    expect(counts.screened).toBe(screened.length);
    expect(opt).toHaveLength(3 + screened.length);

    // Never queued, never running, never on a worker: its only state change is 'screened'.
    const changes = ev.of('evaluation.changed');
    for (const s of screened) expect(changes.filter((c) => c.id === s.id).map((c) => c.status)).toEqual(['screened']);
    const onWorkers = new Set(ev.of('worker.status').flatMap((w) => w.workers.map((x) => x.evaluationId)));
    for (const s of screened) expect(onWorkers.has(s.id)).toBe(false);
    expect(ev.of('campaign.progress').at(-1)).toMatchObject({ status: 'finished', screened: screened.length, stopped: 0, budget: 3 });
    // The optimizer is told what it was.
    const { history } = optimizerLists(store.optimizerRows(record.id), store.baselineRows(record.id));
    expect(history.find((o) => o.u[1] === 0)).toMatchObject({ status: 'screened', y: null });
    store.close();
  });

  it('ends the campaign as exhausted when the screen rejects the optimizer N times in a row, before any MD', async () => {
    const store = openStore(join(dir, 'exhausted.sqlite'));
    const bks = builtinForceField('BKS');
    const space = customSpace({ free: ['qSi'], base: { ...bks, pair: { ...bks.pair, SiO: { ...bks.pair.SiO, A: 0 } } } });
    const { record, initial } = tinyCampaign({ space, preset: null, optimizer: { strategy: 'random', budget: 2 }, baselines: [], finalReplicas: 0, search: { maxScreenedInARow: 5 } });
    store.createCampaign(record, initial);
    const outcome = await startCampaign({ store, campaignId: record.id, workerEntry: entry }).done;
    expect(outcome).toMatchObject({ status: 'finished', error: null, stopReason: { kind: 'exhausted' } });
    expect(outcome.stopReason!.detail).toMatch(/physics screen rejected the optimizer's last \d+ proposals in a row/);
    const counts = store.counts(record.id);
    expect(counts.screened).toBeGreaterThanOrEqual(5);
    expect(mdRuns(counts)).toBe(0);
    expect(store.evaluations(record.id).every((e) => e.status === 'screened' && e.startedAt === e.finishedAt)).toBe(true);
    store.close();
  });

  it('with the screen off (--no-screen), the same point runs MD', async () => {
    const store = openStore(join(dir, 'noscreen.sqlite'));
    const { record, initial } = tinyCampaign({
      space: SCREEN_SPACE,
      preset: null,
      optimizer: { strategy: 'cg', budget: 1, start: [BKS_IN_SCREEN_SPACE[0], 0], cg: { replicas: 0 } },
      baselines: [],
      finalReplicas: 0,
      search: { screen: false, earlyStop: { enabled: false } },
    });
    store.createCampaign(record, initial);
    const outcome = await startCampaign({ store, campaignId: record.id, workerEntry: entry }).done;
    expect(outcome.error).toBeNull();
    const opt = store.evaluations(record.id, { origin: ['optimizer'] });
    expect(opt.length).toBeGreaterThanOrEqual(1);
    expect(opt[0].values.A_SiO).toBe(0);
    expect(['done', 'failed']).toContain(opt[0].status);
    expect(store.counts(record.id).screened).toBe(0);
    store.close();
  });
});

describe('the least-squares refinement in the runner', () => {
  it('gives the optimizer each done run\'s g(r) residuals, so that cg.method ls refines on them', async () => {
    const store = openStore(join(dir, 'ls.sqlite'));
    const { record, initial } = tinyCampaign({
      optimizer: { strategy: 'bo', budget: 9, bo: { initial: { include: [BKS_U], size: 4 } }, cg: { method: 'ls', reserve: 0.6, replicas: 0 } },
      baselines: [],
      finalReplicas: 0,
    });
    store.createCampaign(record, initial);
    const outcome = await startCampaign({ store, campaignId: record.id, workerEntry: entry, statusIntervalMs: 100 }).done;
    expect(outcome.error).toBeNull();
    const rows = store.evaluations(record.id, { origin: ['optimizer'] });
    // Without residuals the refinement cannot fit its model and proposes nothing: its runs are the proof they came.
    const ls = rows.filter((r) => r.meta?.role === 'ls');
    expect(ls.length).toBeGreaterThanOrEqual(1);
    expect(ls[0].phase).toBe('cg');
    expect(outcome.stopReason?.kind).not.toBe('failed');
    store.close();
  });
});

describe('early stopping in the runner', () => {
  it('stops an optimizer run clearly worse than the incumbent baseline, stores it as stopped and counts it in the budget', async () => {
    const store = openStore(join(dir, 'earlystop.sqlite'));
    const stretched = STRETCHED_U;
    const { record, initial } = tinyCampaign(stretchedEarlyStopChoice());
    store.createCampaign(record, initial);
    const ev = recorder();
    const outcome = await startCampaign({ store, campaignId: record.id, workerEntry: entry, emit: ev.sink }).done;
    expect(outcome).toMatchObject({ status: 'finished', error: null, stopReason: { kind: 'budget' } });

    const baseline = store.evaluations(record.id, { origin: ['baseline'] })[0];
    expect(baseline.status).toBe('done');
    const opt = store.evaluations(record.id, { origin: ['optimizer'] });
    expect(opt.map((e) => e.u)).toEqual([stretched]);
    const [bad] = opt;
    expect(bad.status).toBe('stopped');
    expect(bad.earlyStop).toMatchObject({ atStep: 200, totalSteps: 400, incumbent: baseline.rChi, stage: 'relax' });
    expect(bad.earlyStop!.threshold).toBeCloseTo(earlyStopThreshold(baseline.rChi!, 0, { tolerance: 1, windowPs: 0.08 }, 648), 12);
    expect(bad.rChi).toBe(bad.earlyStop!.partialRChi);
    expect(bad.rChi!).toBeGreaterThan(bad.earlyStop!.threshold);
    expect(bad.error).toMatch(/^stopped at 50 % of the run/);
    expect(store.artefacts(bad.id).gr?.frames).toBe(bad.earlyStop!.frames);
    expect(store.artefacts(bad.id).final?.type).toHaveLength(648);
    // A stopped run is never the best; the budget counted it (1 of 1: the campaign finished on its budget).
    expect(store.best(record.id)).toBeNull();
    expect(store.counts(record.id)).toMatchObject({ done: 0, stopped: 1, screened: 0 });
    expect(ev.of('campaign.progress').at(-1)).toMatchObject({ stopped: 1, done: 0, budget: 1 });
    const md = store.mdTime(record.id);
    expect(md.stoppedRuns).toBe(1);
    expect(md.mdHoursSaved).toBeGreaterThan(0);
    expect(md.mdHours).toBeGreaterThan(0);
    const { history } = optimizerLists(store.optimizerRows(record.id), store.baselineRows(record.id));
    expect(history.map((o) => o.status)).toEqual(['done', 'stopped']);
    expect(history[1].y).toBe(bad.rChi);
    expect(history[0].meta).toMatchObject({ origin: 'baseline', label: 'BKS' });
    store.close();
  });
});
