/**
 * The campaign store on real SQLite files: schema and pragmas, campaign and evaluation round trips, one
 * transaction per result with compact artefacts, the one-result-per-row rule, paging, deletion, and the refusal
 * of missing, corrupt, foreign and too-new database files without touching them.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, NotFoundError } from '../../src-main/store/store.ts';
import { APPLICATION_ID, StoreError } from '../../src-main/store/db.ts';
import { LATEST_VERSION } from '../../src-main/store/migrations.ts';
import { deriveSeed } from '../../src-worker/rng.ts';
import { evaluate } from '../../src-worker/evaluate/evaluate.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { campaignReference, proposalEvaluation, specFor } from '../../src-worker/campaign/setup.ts';
import type { DoneResult } from '../../src-worker/evaluate/spec.ts';
import { tinyCampaign } from '../runner/tiny.ts';
import { collapsingForceField } from '../evaluate/small.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('opening a database', () => {
  it('creates a WAL database with our application id, foreign keys and the latest schema', () => {
    const path = join(dir, 'sub', 'new.sqlite');
    const store = openStore(path);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
    // Reopening migrates nothing and keeps it ours.
    const again = openStore(path, { mustExist: true });
    expect(again.listCampaigns()).toEqual([]);
    again.close();
  });

  it('refuses a missing file when it must exist, and creates nothing', () => {
    const path = join(dir, 'missing.sqlite');
    expect(() => openStore(path, { mustExist: true })).toThrow(/no database at .*missing\.sqlite/);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a corrupt file and leaves its bytes alone', () => {
    const path = join(dir, 'corrupt.sqlite');
    const junk = Buffer.from('this is not a database, just text that happens to end in .sqlite\n'.repeat(100));
    writeFileSync(path, junk);
    expect(() => openStore(path)).toThrow(StoreError);
    expect(() => openStore(path)).toThrow(/corrupt\.sqlite: not a SQLite database/);
    expect(readFileSync(path).equals(junk)).toBe(true);
  });

  it("refuses another application's SQLite file and one from a newer glassfit", () => {
    const foreign = join(dir, 'foreign.sqlite');
    const f = new Database(foreign);
    f.exec('CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES (1)');
    f.close();
    expect(() => openStore(foreign)).toThrow(/not a glassfit database/);
    const g = new Database(foreign);
    expect(g.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 1 });
    g.close();

    const newer = join(dir, 'newer.sqlite');
    openStore(newer).close();
    const h = new Database(newer);
    h.pragma(`user_version = ${LATEST_VERSION + 1}`);
    h.close();
    expect(() => openStore(newer)).toThrow(/written by a newer glassfit/);
  });
});

describe('campaigns and evaluations', () => {
  const store = openStore(join(dir, 'campaigns.sqlite'));
  afterAll(() => store.close());
  const { record, initial } = tinyCampaign({ baselines: ['BKS', 'CHIK'] });
  const baselines = store.createCampaign(record, initial);
  const reference = campaignReference(record);

  it('stores a campaign with its reference and reads back the same record', () => {
    expect(store.campaign(record.id)).toEqual(record);
    const info = store.campaignInfo(record.id);
    expect(info.reference).toEqual({ hash: record.reference.hash, provenance: record.reference.provenance });
    expect(info.reference.provenance.abInitio).toBe(false);
    expect(store.resolveCampaignId(record.id.slice(0, 8))).toBe(record.id);
    expect(() => store.resolveCampaignId('ffffffff')).toThrow(NotFoundError);
    expect(() => store.campaign('00000000-0000-4000-8000-000000000000')).toThrow(/no campaign/);
  });

  it('numbers evaluations per campaign and derives their seeds from (campaign seed, seq)', () => {
    expect(baselines.map((e) => [e.seq, e.origin, e.phase, e.label, e.status])).toEqual([
      [1, 'baseline', 'baseline', 'BKS', 'queued'],
      [2, 'baseline', 'baseline', 'CHIK', 'queued'],
    ]);
    const added = store.addEvaluations(record.id, [
      proposalEvaluation(record, { u: [0.25, 0.75], phase: 'initial' }),
      proposalEvaluation(record, { u: [0.5, 0.125], phase: 'initial', meta: { k: 1 } }),
    ]);
    expect(added.map((e) => e.seq)).toEqual([3, 4]);
    for (const e of [...baselines, ...added]) expect(e.seed).toBe(deriveSeed(record.seed, e.seq));
    expect(added[0].u).toEqual([0.25, 0.75]);
    expect(added[1].meta).toEqual({ k: 1 });
    expect(added[0].values.qSi).toBeCloseTo(1.2 + 0.25 * 1.4, 12);
    expect(store.optimizerRows(record.id).map((r) => [r.seq, r.status, r.u])).toEqual([
      [3, 'queued', [0.25, 0.75]],
      [4, 'queued', [0.5, 0.125]],
    ]);
  });

  it('commits a finished evaluation with compact artefacts in one transaction, once', () => {
    const row = store.evaluations(record.id, { origin: ['baseline'] })[0];
    const running = store.markRunning(row.id);
    expect(running.status).toBe('running');
    expect(running.startedAt).not.toBeNull();
    const result = evaluate(row.params as never, specFor(record, reference, row.seed), silentContext(() => performance.now()));
    expect(result.status).toBe('done');
    const done = result as DoneResult;
    const rec = store.commit(row.id, done, record.species);
    expect(rec).toMatchObject({ status: 'done', rChi: done.rChi, chiByPair: done.chiByPair, seed: row.seed, error: null, failure: null, engineVersion: done.engineVersion });
    expect(rec.durationS).toBeCloseTo(done.timings.wallS, 12);
    const a = store.artefacts(row.id);
    expect(a.gr!.pairs).toEqual(['SiSi', 'SiO', 'OO']);
    expect(a.gr!.r).toEqual(Array.from(done.rdf.r));
    for (const p of a.gr!.pairs) a.gr!.g[p].forEach((g, i) => expect(Math.abs(g - done.rdf.g[p][i])).toBeLessThanOrEqual(1e-6 * Math.max(1, done.rdf.g[p][i])));
    expect(a.adf!.triplets).toEqual(done.adf!.triplets);
    expect(a.coordination!.map((c) => c.centre)).toEqual(done.coordination.map((c) => c.centre));
    expect(a.final!.type).toHaveLength(648);
    expect(a.final!.pos).toHaveLength(3 * 648);
    a.final!.pos.forEach((x, i) => expect(Math.abs(x - done.final.pos[i])).toBeLessThan(1e-5));
    const blob = store.db.prepare('SELECT length(data) AS n FROM artefacts WHERE evaluation_id = ?').get(row.id) as { n: number };
    expect(blob.n).toBeLessThan(20_000);
    // A result is stored once: a second commit is refused and changes nothing.
    expect(() => store.commit(row.id, done, record.species)).toThrow(/already done/);
    expect(store.evaluation(row.id)).toEqual(rec);
  });

  it('stores a blow-up as failed with its reason and no artefacts', () => {
    const [row] = store.addEvaluations(record.id, [{ ...proposalEvaluation(record, { u: [1, 0], phase: 'bo' }), params: collapsingForceField() }]);
    store.markRunning(row.id);
    const result = evaluate(collapsingForceField(), specFor(record, reference, row.seed), silentContext(() => performance.now()));
    expect(result.status).toBe('failed');
    const rec = store.commit(row.id, result, record.species);
    expect(rec.status).toBe('failed');
    expect(rec.rChi).toBeNull();
    expect(rec.error).toMatch(/^MD blew up at step \d+/);
    expect(rec.failure?.kind).toMatch(/too-close|non-finite|lost-atom|temperature-runaway/);
    expect(store.artefacts(row.id)).toEqual({ gr: null, adf: null, coordination: null, final: null });
    expect(store.optimizerRows(record.id).find((r) => r.id === row.id)?.status).toBe('failed');
  });

  it('requeues unfinished rows and never a finished one', () => {
    const rows = store.optimizerRows(record.id).filter((r) => r.status === 'queued');
    store.markRunning(rows[0].id);
    expect(store.requeueRunning(record.id)).toBe(1);
    expect(store.evaluation(rows[0].id)).toMatchObject({ status: 'queued', startedAt: null });
    const done = store.evaluations(record.id, { status: ['done'] })[0];
    store.requeue([done.id]);
    expect(store.evaluation(done.id).status).toBe('done');
    expect(store.counts(record.id, 'optimizer')).toEqual({ done: 0, failed: 1, screened: 0, stopped: 0, running: 0, queued: 2 });
    expect(store.counts(record.id, 'baseline')).toEqual({ done: 1, failed: 0, screened: 0, stopped: 0, running: 0, queued: 1 });
  });

  it('pages and sorts evaluations, finished values first', () => {
    const all = store.page({ campaignId: record.id, offset: 0, limit: 100, sort: 'index', order: 'asc' });
    expect(all.total).toBe(5);
    expect(all.rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const byRchi = store.page({ campaignId: record.id, offset: 0, limit: 2, sort: 'rChi', order: 'asc' });
    expect(byRchi.total).toBe(5);
    expect(byRchi.rows[0].status).toBe('done');
    const desc = store.page({ campaignId: record.id, offset: 1, limit: 2, sort: 'index', order: 'desc' });
    expect(desc.rows.map((r) => r.seq)).toEqual([4, 3]);
    expect(store.page({ campaignId: record.id, offset: 0, limit: 10, sort: 'index', order: 'asc', status: ['failed'] }).rows.map((r) => r.seq)).toEqual([5]);
  });

  it('lists campaigns with counts and best, and deletes a campaign with everything it owns', () => {
    const [summary] = store.listCampaigns();
    expect(summary).toMatchObject({ id: record.id, status: 'draft', strategy: 'bo', preset: 'BKS-2D', free: ['qSi', 'A_SiO'], budget: 6, done: 0, failed: 1, queued: 2 });
    expect(summary.referenceAbInitio).toBe(false);
    store.deleteCampaign(record.id);
    expect(store.listCampaigns()).toEqual([]);
    for (const t of ['evaluations', 'artefacts', 'reference_data', 'leases']) expect(store.db.prepare(`SELECT count(*) AS n FROM ${t}`).get()).toEqual({ n: 0 });
    expect(store.integrityCheck()).toBe('ok');
  });
});
