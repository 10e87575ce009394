/**
 * Store migrations 2 and 3 on a database written at schema version 1 (tests/fixtures/store/schema-v1.db, see its
 * README): it opens, keeps every row, artefact and setting, reads its campaign as screen and early stop OFF and on
 * the threads backend,
 * and then takes the new statuses — screened points and stopped runs — like a new database.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openStore } from '../../src-main/store/store.ts';
import { LATEST_VERSION } from '../../src-main/store/migrations.ts';
import { DEFAULT_EXECUTION, SCHEMA_VERSION } from '../../src-worker/campaign/records.ts';
import { proposalEvaluation, searchSettings } from '../../src-worker/campaign/setup.ts';
import type { StoppedResult } from '../../src-worker/evaluate/spec.ts';
import { ENGINE_VERSION } from '../../src-worker/evaluate/spec.ts';

const fixture = fileURLToPath(new URL('../fixtures/store/schema-v1.db', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glassfit-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ID = '0b1d5c4e-6a2f-4c1e-9d3b-5f7a8e9c0d11';

describe('a schema-1 database', () => {
  const path = join(dir, 'old.sqlite');
  copyFileSync(fixture, path);
  const raw = new Database(path, { readonly: true });
  const before = {
    version: raw.pragma('user_version', { simple: true }),
    rows: raw.prepare('SELECT * FROM evaluations ORDER BY id').all() as Record<string, unknown>[],
    artefacts: raw.prepare('SELECT evaluation_id, encoding, length(data) AS n FROM artefacts ORDER BY evaluation_id').all(),
  };
  raw.close();

  it('is the fixture we think it is', () => {
    expect(before.version).toBe(1);
    expect(before.rows.map((r) => r.status)).toEqual(['done', 'done', 'failed', 'queued']);
    expect(before.artefacts).toHaveLength(2);
  });

  const store = openStore(path, { mustExist: true });
  afterAll(() => store.close());

  it('migrates to the latest schema and keeps every row, column value and artefact', () => {
    expect(LATEST_VERSION).toBe(4);
    expect(SCHEMA_VERSION).toBe(3);
    expect(store.db.pragma('user_version', { simple: true })).toBe(4);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('foreign_key_check')).toEqual([]);
    expect(store.integrityCheck()).toBe('ok');
    const after = store.db.prepare('SELECT * FROM evaluations ORDER BY id').all() as Record<string, unknown>[];
    expect(after.map((r) => ({ ...r, screen: undefined, early_stop: undefined }))).toEqual(before.rows.map((r) => ({ ...r, screen: undefined, early_stop: undefined })));
    expect(after.every((r) => r.screen === null && r.early_stop === null)).toBe(true);
    expect(store.db.prepare('SELECT evaluation_id, encoding, length(data) AS n FROM artefacts ORDER BY evaluation_id').all()).toEqual(before.artefacts);
  });

  it('reads the old campaign with the screen and early stopping off, its counts, best and artefacts intact', () => {
    const c = store.campaign(ID);
    expect(c.name).toBe('schema-v1 fixture');
    expect(c.schemaVersion).toBe(1); // the version it was created under
    // Both off, with today's tunables (should it be resumed with them switched on by hand).
    const fresh = searchSettings();
    expect(c.search).toEqual({ ...fresh, screen: false, earlyStop: { ...fresh.earlyStop, enabled: false } });
    // Migration 3: it ran on the worker threads, and still does.
    expect(c.execution).toEqual(DEFAULT_EXECUTION);
    expect(store.engines(ID)).toEqual([{ engine: 'glassfit-md 0.1.0', n: 3 }]); // the two done rows and the failed one
    expect(store.counts(ID)).toEqual({ queued: 1, running: 0, done: 1, failed: 1, screened: 0, stopped: 0 });
    expect(store.best(ID)?.rChi).toBe(0.11406617344654346);
    const evs = store.evaluations(ID);
    expect(evs.map((e) => [e.status, e.screen, e.earlyStop])).toEqual([
      ['done', null, null],
      ['done', null, null],
      ['failed', null, null],
      ['queued', null, null],
    ]);
    expect(store.artefacts(evs[1].id).gr?.pairs).toEqual(['SiSi', 'SiO', 'OO']);
    expect(store.listCampaigns()[0]).toMatchObject({ id: ID, done: 1, failed: 1, queued: 1, screened: 0, stopped: 0 });
  });

  it('takes screened and stopped rows afterwards, with the constraints of a new database', () => {
    const c = store.campaign(ID);
    const [screened, kept] = store.addProposals(ID, [
      { item: proposalEvaluation(c, { u: [0.3, 0.3], phase: 'bo' }), screened: { detail: { rule: 'test-rule', message: 'rejected for the test' }, durationS: 1e-5 } },
      { item: proposalEvaluation(c, { u: [0.6, 0.6], phase: 'bo' }), screened: null },
    ]);
    expect(screened).toMatchObject({ status: 'screened', rChi: null, screen: { rule: 'test-rule' }, error: 'screened (test-rule): rejected for the test' });
    expect(kept.status).toBe('queued');
    // A stopped row must carry its partial R_χ and its early-stop detail (the CHECKs of the rebuilt table).
    expect(() => store.db.prepare("UPDATE evaluations SET status = 'stopped' WHERE id = ?").run(kept.id)).toThrow(/CHECK/);
    expect(() => store.db.prepare("UPDATE evaluations SET status = 'screened' WHERE id = ?").run(kept.id)).toThrow(/CHECK/);
    store.markRunning(kept.id);
    const old = store.evaluations(ID, { status: ['done'] })[1];
    const art = store.artefacts(old.id);
    const stopped: StoppedResult = {
      status: 'stopped',
      rChi: 0.5,
      chiByPair: { SiSi: 0.4, SiO: 0.6, OO: 0.5 },
      rdf: { r: Float64Array.from(art.gr!.r), dr: 0.02, rMax: 8, pairs: art.gr!.pairs, g: Object.fromEntries(art.gr!.pairs.map((p) => [p, Float64Array.from(art.gr!.g[p])])), frames: 3 },
      adf: null,
      coordination: [],
      bondCutoffs: null,
      final: { n: 3, names: ['Si', 'O', 'O'], pos: new Float64Array(9), box: { lx: 10, ly: 10, lz: 10 } },
      stop: { atStep: 40, totalSteps: 200, partialRChi: 0.5, threshold: 0.3, incumbent: 0.11, windowPs: 0.04, frames: 3, stage: 'relax' },
      reason: 'stopped at 20 % of the run (relax): partial R_χ 50.0 % > threshold 30.0 % (incumbent 11.0 %)',
      run: { steps: 40, meanTemperature: 3600, meanPotentialEnergy: -1 },
      timings: { wallS: 2, usPerAtomStep: 10 },
      seed: kept.seed,
      kernel: 'table',
      referenceHash: c.reference.hash,
      engineVersion: ENGINE_VERSION,
    };
    const rec = store.commit(kept.id, stopped, c.species);
    expect(rec).toMatchObject({ status: 'stopped', rChi: 0.5, earlyStop: { atStep: 40, threshold: 0.3 }, error: stopped.reason });
    expect(store.artefacts(kept.id).gr?.frames).toBe(3);
    expect(store.counts(ID)).toMatchObject({ screened: 1, stopped: 1, done: 1, failed: 1, queued: 1 });
    // A stopped run's partial R_χ is never the campaign's best, whatever its value.
    expect(store.best(ID)?.rChi).toBe(0.11406617344654346);
    // MD time: the three MD runs' wall times; saved: 160 steps × 648 atoms × 10 µs.
    const md = store.mdTime(ID);
    const wall = (store.evaluations(ID).filter((e) => ['done', 'failed', 'stopped'].includes(e.status)).reduce((a, e) => a + (e.durationS ?? 0), 0)) / 3600;
    expect(md.mdHours).toBeCloseTo(wall, 12);
    expect(md.mdHoursSaved).toBeCloseTo((160 * 648 * 10) / 1e6 / 3600, 12);
    expect(md.stoppedRuns).toBe(1);
    expect(store.integrityCheck()).toBe('ok');
  });
});
