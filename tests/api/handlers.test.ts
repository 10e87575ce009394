/**
 * The workbench API without Electron: every channel of channels.ts called through the contract (inputs parsed by
 * parseInput, outputs checked against the channel's output schema), on a tiny campaign run by the embedded
 * runner; events checked against their payload schemas; expected failures as ApiErrors with one line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApi } from '../../src-main/api/handlers.ts';
import { ApiError, events, parseInput, requests, type Api, type EventPayload, type Input, type Output } from '../../src-main/api/contract.ts';
import { channels, eventNames, type Channel, type EventName } from '../../src-main/api/channels.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { BKS_U, TINY_PROTOCOL } from '../runner/tiny.ts';
import { DEFAULT_EXECUTION } from '../../src-worker/campaign/records.ts';
import { writeForceFieldFile } from '../../src-worker/params/forcefield-file.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { SILICA } from '../../src-worker/species.ts';

type GlassJobOut = Output<'glass.get'>;
const dir = mkdtempSync(join(tmpdir(), 'glassfit-api-'));
const received: { name: EventName; payload: unknown }[] = [];
const api: Api = await createApi({ dbPath: join(dir, 'api.sqlite'), workerEntry: nodeWorkerEntry(), emit: (name, payload) => void received.push({ name, payload }) });
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const called = new Set<Channel>();
/** One call as a transport makes it: parse the raw input, call the handler, check the output against the contract. */
async function call<C extends Channel>(channel: C, raw: Input<C>): Promise<Output<C>> {
  const input = parseInput(channel, raw);
  const out = await (api.handlers[channel] as (i: unknown) => Promise<Output<C>>)(input);
  const check = requests[channel].output.safeParse(out);
  if (!check.success) throw new Error(`${channel} output breaks the contract: ${check.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  called.add(channel);
  return out;
}

async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ApiError);
  expect((e as ApiError).code).toBe(code);
  expect((e as ApiError).message).toMatch(message);
  expect((e as ApiError).message).not.toMatch(/\n/);
}

function waitFor<E extends EventName>(name: E, pred: (p: EventPayload<E>) => boolean, timeoutMs = 300_000): Promise<EventPayload<E>> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const hit = received.find((e) => e.name === name && pred(e.payload as EventPayload<E>));
      if (hit) resolve(hit.payload as EventPayload<E>);
      else if (Date.now() - t0 > timeoutMs) reject(new Error(`no ${name} event in time`));
      else setTimeout(tick, 100);
    };
    tick();
  });
}

/** A glass in seconds: 192 atoms, 3300 K → 300 K at 2000 K/ps, tenths of a ps per stage (tests/glass/cli.test.ts). */
const TINY_GLASS = { atoms: 192, rate: 2000, liquidPs: 0.2, relaxPs: 0.1, samplePs: 0.2, startSteps: 200, seed: 3 } as const;

const newCampaign = (over: Partial<Input<'campaigns.create'>> = {}): Input<'campaigns.create'> => ({
  name: 'api test',
  reference: { kind: 'builtin' },
  space: presetSpace('BKS-2D'),
  preset: 'BKS-2D',
  protocol: TINY_PROTOCOL,
  optimizer: { strategy: 'bo', budget: 4, bo: { initial: { include: [BKS_U] } } },
  workers: 2,
  seed: 5,
  baselines: ['BKS'],
  finalReplicas: 1,
  ...over,
});

describe('workbench API handlers', () => {
  let id = '';

  it('app.info and builtins.get describe the installation, the built-in sets and the reference (not AIMD)', async () => {
    const info = await call('app.info', undefined);
    expect(info).toMatchObject({ dbPath: join(dir, 'api.sqlite'), usPerAtomStepSource: 'default' });
    expect(info.cores).toBeGreaterThan(0);
    const b = await call('builtins.get', undefined);
    expect(b.potentials.map((p) => p.name)).toEqual(['BKS', 'CHIK', 'ML', 'ML-SiO', 'ML-ALL']);
    expect(b.potentials[0].values).toMatchObject({ qSi: 2.4, A_SiO: 18003.7572 });
    expect(b.presets.map((p) => p.name)).toContain('BKS-2D');
    expect(b.protocol).toMatchObject({ atoms: 3000, relax: 10, production: 10 });
    expect(b.reference.preview.provenance.abInitio).toBe(false);
    expect(b.reference.preview.warnings.join(' ')).toMatch(/not ab initio/);
    expect(b.reference.curves.pairs).toEqual(['SiSi', 'SiO', 'OO']);
    expect(b.defaultSearch).toMatchObject({ screen: true, earlyStop: { enabled: true } });
  });

  it('reference.preview previews a table and answers a malformed one with one line naming file and line', async () => {
    const text = readFileSync(new URL('../../resources/reference/gr_CHIK_s1.csv', import.meta.url), 'utf8');
    const ok = await call('reference.preview', { fileName: 'gr.csv', text });
    expect(ok.ok).toBe(true);
    const bad = await call('reference.preview', { fileName: 'bad.csv', text: 'r,SiSi,SiO,OO\n0.1,1,x,1\n' });
    expect(bad).toMatchObject({ ok: false });
    if (!bad.ok) expect(bad.error).toMatch(/^bad\.csv:2: /);
  });

  it('presets.space shapes a preset by the reference; screen.preview judges the box and the built-ins', async () => {
    const shaped = await call('presets.space', { preset: 'ml', coordinates: 'wall', reference: { kind: 'builtin' } });
    expect(shaped.space.free.map((d) => d.name)).toEqual(['qSi', 'rmin_SiO', 'rho_SiO', 'C_SiO', 'rwall_OO', 'rho_OO', 'C_OO']);
    expect(shaped.landmarks.SiO.peak).toBeCloseTo(1.61, 2);
    expect(shaped.reasons.rmin_SiO).toMatch(/first Si–O peak at 1\.61 Å/);
    const wall = await call('screen.preview', { space: shaped.space, reference: { kind: 'builtin' }, samples: 200 });
    const paper = await call('screen.preview', { space: presetSpace('ML'), reference: { kind: 'builtin' }, samples: 200 });
    expect(paper.physicalFraction).toBeLessThan(0.1); // the paper's box is mostly no liquid at all
    expect(wall.physicalFraction).toBeGreaterThan(paper.physicalFraction);
    expect(wall.builtins.filter((b) => b.inSpace).map((b) => b.name)).toEqual(['BKS', 'ML']);
    expect(wall.builtins.every((b) => b.ok)).toBe(true);
    await rejects(call('presets.space', { preset: 'nope', reference: { kind: 'builtin' } }), 'bad-input', /unknown preset 'nope'/);
  });

  it('campaigns.create refuses bad input with one line and stores nothing', async () => {
    const space = presetSpace('BKS-2D', { bounds: { qSi: { lower: 2.6, upper: 1.2 } } });
    await rejects(call('campaigns.create', newCampaign({ space })), 'bad-input', /qSi: lower bound 2\.6 must be below upper bound 1\.2/);
    await rejects(call('campaigns.create', newCampaign({ reference: { kind: 'file', fileName: 'x.csv', text: 'r,SiSi\n1,a\n' } })), 'bad-input', /x\.csv:/);
    await rejects(call('campaigns.create', newCampaign({ protocol: { ...TINY_PROTOCOL, atoms: 301 } })), 'bad-input', /protocol: .*multiple of 3 atoms, got 301/);
    expect(() => parseInput('campaigns.create', { name: '' })).toThrow(ApiError);
    expect(() => parseInput('campaigns.create', newCampaign({ search: { earlyStop: { tolerance: 0.5 } } }))).toThrow(/earlyStop\.tolerance/);
    // Settings the user leaves out stay out (new campaigns' trust region and CG reserve are not reset to the paper's).
    const opt = parseInput('campaigns.create', newCampaign({ optimizer: { strategy: 'bo', budget: 4, bo: { plateau: 50 }, cg: { enabled: true } } })).optimizer;
    expect(opt.bo).not.toHaveProperty('trustRegion');
    expect(opt.cg).toEqual({ enabled: true });
    expect(() => parseInput('campaigns.create', newCampaign({ optimizer: { strategy: 'bo', budget: 4, cg: { reserve: 2 } } }))).toThrow(/cg\.reserve/);
    await rejects(call('campaigns.create', newCampaign({ search: { earlyStop: { checkpoints: [0.6, 0.3] } } })), 'bad-input', /checkpoints must be ascending/);
    expect(await call('campaigns.list', undefined)).toEqual([]);
  });

  it('glass.start makes a tiny glass in a worker thread, with glass.progress events; glass.get gives its properties and curves', async () => {
    const { jobId } = await call('glass.start', { potential: { kind: 'builtin', name: 'CHIK' }, ...TINY_GLASS });
    const end = await waitFor('glass.progress', (p) => p.jobId === jobId && p.status !== 'queued' && p.status !== 'running');
    const job = await call('glass.get', { jobId });
    expect(job.error).toBeNull();
    expect(end.status).toBe('done');
    const seen = received.filter((e) => e.name === 'glass.progress').map((e) => e.payload as EventPayload<'glass.progress'>).filter((p) => p.jobId === jobId);
    expect(seen.map((p) => p.status)).toContain('running');
    // Progress only moves forward, through the stages in order.
    for (let k = 1; k < seen.length; k++) expect(seen[k].fraction).toBeGreaterThanOrEqual(seen[k - 1].fraction);
    expect(seen.at(-1)!.fraction).toBe(1);
    expect(job).toMatchObject({ label: 'CHIK', settings: { atoms: 192, rate: 2000, replicas: 1, seed: 3, liquidTemperature: 3600 }, experimentDensity: 2.2 });
    expect(job.experimentSource).toMatch(/NIMROD.*GPL-3\.0/);
    const r = job.result!;
    expect(r.scalars.density.mean).toBeGreaterThan(1.5);
    expect(r.scalars.density.mean).toBeLessThan(3.5);
    expect(r.scalars.fqRchi.mean).toBeGreaterThan(0);
    expect(r.scalars.meanSiOSi.mean).toBeGreaterThan(120);
    expect(r.curves.fq.length).toBe(r.curves.q.length);
    expect(r.curves.tr.length).toBe(r.curves.r.length);
    expect(r.experiment!.q.length).toBeGreaterThan(100);
    expect(r.experiment!.tr.length).toBe(r.curves.r.length);
  });

  it('glass.start takes a parameter file by its contents and names the glass after it; glass.cancel stops it', async () => {
    const text = writeForceFieldFile(builtinForceField('BKS'), SILICA, { name: 'my BKS' });
    const { jobId } = await call('glass.start', { potential: { kind: 'file', fileName: 'my-bks.json', text }, ...TINY_GLASS, liquidPs: 1000 });
    expect((await call('glass.cancel', { jobId })).status).toMatch(/queued|running/);
    await waitFor('glass.progress', (p) => p.jobId === jobId && p.status === 'cancelled', 60_000);
    const job = await call('glass.get', { jobId });
    expect(job).toMatchObject({ label: 'my BKS', result: null, error: null, settings: { liquidPs: 1000, liquidTemperature: 3600 } });
  });

  it('glasses are stored: glass.list names them, the next window finds them with their curves, a glass cut off by closing reads as interrupted, glass.delete forgets one', async () => {
    const list = await call('glass.list', undefined);
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect(list.find((g) => g.label === 'CHIK')).toMatchObject({ hasResult: true, progress: { status: 'done' } });
    expect(list.find((g) => g.label === 'my BKS')).toMatchObject({ hasResult: false, progress: { status: 'cancelled' } });
    expect(list.every((g) => !('result' in g))).toBe(true);

    // A second database, as one window and the next one.
    const path = join(dir, 'glasses.sqlite');
    const events: { name: EventName; payload: unknown }[] = [];
    const first = await createApi({ dbPath: path, workerEntry: nodeWorkerEntry(), emit: (name, payload) => void events.push({ name, payload }) });
    const h1 = first.handlers as unknown as Record<string, (i: unknown) => Promise<never>>;
    const made: { jobId: string } = await h1['glass.start'](parseInput('glass.start', { potential: { kind: 'builtin', name: 'BKS' }, ...TINY_GLASS }));
    const long: { jobId: string } = await h1['glass.start'](parseInput('glass.start', { potential: { kind: 'builtin', name: 'CHIK' }, ...TINY_GLASS, liquidPs: 1000 }));
    const ended = () => events.some((e) => e.name === 'glass.progress' && (e.payload as EventPayload<'glass.progress'>).jobId === made.jobId && (e.payload as EventPayload<'glass.progress'>).status === 'done');
    const t0 = Date.now();
    while (!ended() && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 100));
    expect(ended()).toBe(true);
    const before: GlassJobOut = await h1['glass.get']({ jobId: made.jobId });
    await first.close(); // the long one is cut off here

    const next = await createApi({ dbPath: path, workerEntry: nodeWorkerEntry(), emit: () => {} });
    const h2 = next.handlers as unknown as Record<string, (i: unknown) => Promise<never>>;
    const stored: Output<'glass.list'> = await h2['glass.list'](undefined);
    expect(stored.map((g) => [g.jobId, g.progress.status, g.hasResult])).toEqual([
      [made.jobId, 'done', true],
      [long.jobId, 'failed', false],
    ]);
    expect(stored[1].error).toMatch(/^interrupted: the workbench closed/);
    const again: GlassJobOut = await h2['glass.get']({ jobId: made.jobId });
    expect(again).toEqual(before);
    expect(requests['glass.get'].output.safeParse(again).success).toBe(true);
    expect(await h2['glass.delete']({ jobId: long.jobId })).toEqual({ deleted: true });
    expect((await h2['glass.list'](undefined) as Output<'glass.list'>).map((g) => g.jobId)).toEqual([made.jobId]);
    await next.close();
    const third = await createApi({ dbPath: path, workerEntry: nodeWorkerEntry(), emit: () => {} });
    expect(((await (third.handlers as unknown as Record<string, (i: unknown) => Promise<Output<'glass.list'>>>)['glass.list'](undefined)).map((g) => g.jobId))).toEqual([made.jobId]);
    await third.close();
    // Through the contract on the first API too.
    const gone = list.find((g) => g.label === 'my BKS')!;
    expect(await call('glass.delete', { jobId: gone.jobId })).toEqual({ deleted: true });
    await rejects(call('glass.get', { jobId: gone.jobId }), 'not-found', /no glass job/);
  }, 200_000);

  it('a glass that blows up ends failed, naming the replica, the stage and the MD failure', async () => {
    const bks = builtinForceField('BKS');
    // No Si–O repulsion at all: Si and O fall onto each other.
    const text = writeForceFieldFile({ ...bks, pair: { ...bks.pair, SiO: { ...bks.pair.SiO, A: 0, D: 0 } } }, SILICA, { name: 'no Si–O repulsion' });
    const { jobId } = await call('glass.start', { potential: { kind: 'file', fileName: 'bad.json', text }, ...TINY_GLASS });
    const end = await waitFor('glass.progress', (p) => p.jobId === jobId && p.status !== 'queued' && p.status !== 'running', 60_000);
    expect(end.status).toBe('failed');
    const job = await call('glass.get', { jobId });
    expect(job.error).toMatch(/^replica 1, (start|liquid|cool|relax|sample): \S/);
    expect(job.result).toBeNull();
  });

  it('glass.start refuses bad input with one line; glass.get and glass.cancel an unknown job are not-found', async () => {
    expect(() => parseInput('glass.start', { potential: { kind: 'builtin', name: 'CHIK' }, atoms: 100 })).toThrow(/atoms: must be a multiple of 3/);
    expect(() => parseInput('glass.start', { potential: { kind: 'builtin', name: 'CHIK' }, rate: 0 })).toThrow(/rate: must lie in/);
    expect(() => parseInput('glass.start', { potential: { kind: 'builtin', name: 'XYZ' } })).toThrow(ApiError);
    await rejects(call('glass.start', { potential: { kind: 'file', fileName: 'ff.json', text: '{"nope": 1' } }), 'bad-input', /ff\.json/);
    await rejects(call('glass.start', { potential: { kind: 'evaluation', evaluationId: 999999 } }), 'not-found', /999999/);
    await rejects(call('glass.get', { jobId: '00000000-0000-4000-8000-000000000000' }), 'not-found', /no glass job/);
    await rejects(call('glass.cancel', { jobId: '00000000-0000-4000-8000-000000000000' }), 'not-found', /no glass job/);
  });

  it('campaigns.create with start runs the campaign in this process, with progress, evaluation and worker events', async () => {
    ({ id } = await call('campaigns.create', newCampaign({ start: true })));
    const last = await waitFor('campaign.progress', (p) => p.campaignId === id && p.status === 'finished');
    expect(last).toMatchObject({ stage: 'finished', budget: 4, final: { done: 1, total: 1 } });
    for (const name of eventNames) expect(received.some((e) => e.name === name)).toBe(true);
    for (const e of received) {
      const r = events[e.name].safeParse(e.payload);
      if (!r.success) throw new Error(`${e.name} payload breaks the contract: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`);
    }
  });

  it('campaigns.list, campaigns.get, evaluations.page and evaluations.detail read the finished campaign', async () => {
    const [row] = await call('campaigns.list', undefined);
    expect(row).toMatchObject({ id, status: 'finished', strategy: 'bo', preset: 'BKS-2D', free: ['qSi', 'A_SiO'], budget: 4 });
    const got = await call('campaigns.get', { id });
    expect(got.campaign).not.toHaveProperty('reference.data');
    expect(got.progress).toMatchObject({ status: 'finished', stage: 'finished', screened: expect.any(Number), stopped: expect.any(Number) });
    expect(got.campaign.search).toMatchObject({ screen: true, earlyStop: { enabled: true } });
    expect(got.mdTime?.mdHours).toBeGreaterThan(0);
    const page = await call('evaluations.page', { campaignId: id, sort: 'rChi', order: 'asc', limit: 3 });
    // 4 MD runs of the optimizer's, the BKS baseline and one final replica, plus the design points the physics
    // screen rejected (most of the paper's qSi × A_SiO box collapses: stored, no MD).
    expect(got.progress.screened).toBeGreaterThan(0);
    expect(page.total).toBe(6 + got.progress.screened);
    expect(page.rows).toHaveLength(3);
    expect(page.rows[0].status).toBe('done');
    const detail = await call('evaluations.detail', { id: page.rows[0].id });
    expect(detail.artefacts.gr?.g.SiO).toHaveLength(400);
    expect(detail.artefacts.final?.type).toHaveLength(648);
    expect(detail.artefacts.adf?.triplets).toEqual(['OSiO', 'SiOSi']);
    await rejects(call('evaluations.detail', { id: 99999 }), 'not-found', /no evaluation 99999/);
    await rejects(call('campaigns.get', { id: '00000000-0000-4000-8000-000000000000' }), 'not-found', /no campaign/);
  });

  it('surrogate.slice and surrogate.map give the GP in parameter units with the evaluated points', async () => {
    const slice = await call('surrogate.slice', { campaignId: id, param: 'qSi', points: 21 });
    if (slice === null) throw new Error('expected a surrogate: the campaign has finished points');
    expect(slice.x).toHaveLength(21);
    expect(slice.x[0]).toBeCloseTo(1.2, 12);
    expect(slice.x[20]).toBeCloseTo(2.6, 12);
    expect(slice.unit).toBe('e');
    for (let i = 0; i < 21; i++) expect(slice.lower[i]).toBeLessThanOrEqual(slice.upper[i]);
    const { progress } = await call('campaigns.get', { id });
    expect(slice.points.length).toBe(4 + progress.screened); // MD runs and screened points of the optimizer
    expect(slice.points.filter((p) => p.rChi !== null).length).toBeGreaterThanOrEqual(1);
    const map = await call('surrogate.map', { campaignId: id, px: 'qSi', py: 'A_SiO', n: 9 });
    if (map === null) throw new Error('expected a map');
    expect(map.mean).toHaveLength(81);
    expect(map.y[0]).toBeCloseTo(1000, 9);
    expect(map.y[8]).toBeCloseTo(1e5, 6);
    expect(map.scales).toEqual(['linear', 'log']);
    expect(map.boPath.length).toBeGreaterThan(0);
    // New campaigns search with a trust region: the map carries its box on the two parameters, inside the map.
    const tr = map.trustRegion;
    if (!tr) throw new Error('expected the trust region of a new campaign');
    expect(tr.x[0]).toBeLessThan(tr.x[1]);
    expect(tr.y[0]).toBeLessThan(tr.y[1]);
    expect(tr.x[0]).toBeGreaterThanOrEqual(map.x[0] - 1e-9);
    expect(tr.x[1]).toBeLessThanOrEqual(map.x[8] + 1e-9);
    expect(tr.y[0]).toBeGreaterThanOrEqual(map.y[0] * (1 - 1e-9));
    expect(tr.y[1]).toBeLessThanOrEqual(map.y[8] * (1 + 1e-9));
    expect(tr.length).toBeGreaterThan(0);
    await rejects(call('surrogate.slice', { campaignId: id, param: 'rho_OO' }), 'bad-input', /not a free parameter/);
    const imp = await call('surrogate.importance', { campaignId: id });
    if (imp === null) throw new Error('expected importances');
    expect(imp.params.map((p) => p.name)).toEqual(['qSi', 'A_SiO']);
    expect(imp.scale).toBe('log');
    for (const p of imp.params) {
      expect(p.first).toBeGreaterThanOrEqual(0);
      expect(p.total).toBeLessThanOrEqual(1);
      expect(p.total + 1e-6).toBeGreaterThanOrEqual(p.first - 0.05);
    }
  });

  it('reference.get, compare.get, export.lammps and export.table', async () => {
    const ref = await call('reference.get', { campaignId: id });
    expect(ref.provenance.abInitio).toBe(false);
    const cmp = await call('compare.get', { campaignIds: [id] });
    expect(cmp.rows.map((r) => [r.kind, r.label])).toEqual([
      ['best', 'api test: best'],
      ['baseline', 'BKS'],
    ]);
    expect(cmp.rows[0].rChi.n).toBe(2);
    const { progress } = await call('campaigns.get', { id });
    const inc = await call('export.lammps', { evaluationId: progress.bestEvaluationId! });
    expect(inc.files).toHaveLength(1);
    expect(inc.text).toMatch(/^pair_style hybrid\/overlay /m);
    const tab = await call('export.lammps', { evaluationId: progress.bestEvaluationId!, variant: 'table' });
    expect(tab.files.map((f) => f.fileName)).toEqual([expect.stringMatching(/-table\.lmp$/), expect.stringMatching(/\.table$/)]);
    expect(tab.text).toContain(`pair_coeff 1 2 ${tab.files[1].fileName} SiO 8`);
    const csv = await call('export.table', { campaignId: id, format: 'csv' });
    expect(csv.text.trim().split('\n')).toHaveLength(7 + progress.screened);
    const json = await call('export.table', { campaignId: id, format: 'json' });
    expect(JSON.parse(json.text).evaluations).toHaveLength(6 + progress.screened);
  });

  it("glass.start takes a campaign's best set at the campaign's liquid temperature; glass.cancel stops it", async () => {
    const { progress, campaign } = await call('campaigns.get', { id });
    const { jobId } = await call('glass.start', { potential: { kind: 'evaluation', evaluationId: progress.bestEvaluationId! }, ...TINY_GLASS, liquidPs: 1000 });
    expect((await call('glass.cancel', { jobId })).status).toMatch(/queued|running/);
    await waitFor('glass.progress', (p) => p.jobId === jobId && p.status === 'cancelled', 60_000);
    const job = await call('glass.get', { jobId });
    expect(job.label).toMatch(/^api test: /);
    expect(job.settings.liquidTemperature).toBe(campaign.protocol.temperature);
    expect(job.result).toBeNull();
  });

  it('campaigns.duplicate, campaigns.control and campaigns.delete', async () => {
    const { id: copy } = await call('campaigns.duplicate', { id, name: 'api copy' });
    const c = (await call('campaigns.get', { id: copy })).campaign;
    expect(c).toMatchObject({ name: 'api copy', status: 'draft', seed: 5, search: { screen: true } });
    // A campaign created without the screen and early stopping keeps them off.
    const { id: plain } = await call('campaigns.create', newCampaign({ name: 'no search', search: { screen: false, earlyStop: { enabled: false } } }));
    expect((await call('campaigns.get', { id: plain })).campaign.search).toMatchObject({ screen: false, earlyStop: { enabled: false } });
    expect(await call('campaigns.delete', { id: plain, confirm: true })).toEqual({});
        // A duplicate with a new seed: same settings, other MD seeds.
    const { id: reseeded } = await call('campaigns.duplicate', { id, name: 'api copy 2', seed: 123456 });
    expect((await call('campaigns.get', { id: reseeded })).campaign).toMatchObject({ name: 'api copy 2', status: 'draft', seed: 123456, space: c.space, protocol: c.protocol });
    expect(() => parseInput('campaigns.duplicate', { id, seed: -1 })).toThrow(/seed/);
    expect(await call('campaigns.delete', { id: reseeded, confirm: true })).toEqual({});
    expect((await call('evaluations.page', { campaignId: copy })).rows.map((r) => [r.origin, r.status])).toEqual([['baseline', 'queued']]);
    await rejects(call('campaigns.control', { id, action: 'resume' }), 'conflict', /finished/);
    expect(await call('campaigns.control', { id: copy, action: 'resume' })).toEqual({ status: 'running' });
    await rejects(call('campaigns.delete', { id: copy, confirm: true }), 'conflict', /is running/);
    await rejects(call('campaigns.setExecution', { id: copy, execution: { backend: 'lammps' } }), 'conflict', /is running/);
    expect(await call('campaigns.control', { id: copy, action: 'pause' })).toEqual({ status: 'paused' });
    // Where a paused campaign evaluates is the user's to change; a finished one's is not.
    expect(c.execution).toEqual(DEFAULT_EXECUTION);
    expect(await call('campaigns.setExecution', { id: copy, execution: { backend: 'lammps', lammps: { mpiRanks: 2 } } })).toEqual({ execution: { ...DEFAULT_EXECUTION, backend: 'lammps', lammps: { command: 'lmp', mpiRanks: 2 } } });
    expect(() => parseInput('campaigns.setExecution', { id: copy, execution: { slurm: { timeLimit: 'an hour' } } })).toThrow(/SLURM time/);
    expect((await call('campaigns.get', { id: copy })).campaign.execution.backend).toBe('lammps');
    expect(() => parseInput('campaigns.setExecution', { id: copy, execution: { lammps: { command: 'lmp; rm -rf /' } } })).toThrow(/executable/);
    await rejects(call('campaigns.setExecution', { id, execution: { backend: 'threads' } }), 'conflict', /finished/);
    expect(await call('campaigns.control', { id: copy, action: 'stop' })).toEqual({ status: 'stopped' });
    // A stop that comes while the runner still winds down from a pause (the user pressed Pause, then Stop as soon
    // as the list said 'paused') stops the campaign instead of answering with the pause.
    expect(await call('campaigns.control', { id: copy, action: 'resume' })).toEqual({ status: 'running' });
    const [paused, stopped] = await Promise.all([call('campaigns.control', { id: copy, action: 'pause' }), call('campaigns.control', { id: copy, action: 'stop' })]);
    expect([paused, stopped]).toEqual([{ status: 'paused' }, { status: 'stopped' }]);
    expect((await call('campaigns.get', { id: copy })).campaign.status).toBe('stopped');
    expect(await call('campaigns.delete', { id: copy, confirm: true })).toEqual({});
    expect((await call('campaigns.list', undefined)).map((r) => r.id)).toEqual([id]);
    expect(() => parseInput('campaigns.delete', { id })).toThrow(/confirm/);
  });

  it('every channel was exercised', () => {
    expect([...called].sort()).toEqual([...channels].sort());
  });
});
