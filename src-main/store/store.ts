/**
 * The campaign store: campaigns, their evaluations and artefacts in one SQLite file, behind typed functions
 * that speak records.ts. Every state change of an evaluation is one statement or one transaction — above all
 * commit(): result, status and artefacts land together or not at all, so a crash at any moment leaves each
 * evaluation either finished (kept forever, never re-run) or queued/running (re-run on resume).
 *
 * Synchronous (better-sqlite3): each call is short, and a transaction that never yields cannot interleave with
 * another of the same process.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Db } from './db.ts';
import { integrityCheck, openDatabase, StoreError, type OpenOptions } from './db.ts';
import { ARTEFACT_ENCODING, NO_ARTEFACTS, decodeArtefacts, encodeArtefacts } from './artefacts.ts';
import { campaignToRow, referenceToRow, rowToCampaign, rowToCampaignInfo, rowToEvaluation, type CampaignRow, type EvaluationRow, type ReferenceRow } from './rows.ts';
import { currentLease, leasedCampaigns } from './lock.ts';
import { deriveSeed } from '../../src-worker/rng.ts';
import type { NewEvaluation } from '../../src-worker/campaign/setup.ts';
import type { SpeciesTable } from '../../src-worker/species.ts';
import type { EvaluationResult } from '../../src-worker/evaluate/spec.ts';
import type { Phase } from '../../src-worker/optimize/strategy.ts';
export type { NewEvaluation };
import {
  EVALUATION_STATUSES,
  FINISHED_STATUSES,
  MD_RUN_STATUSES,
  type CampaignInfo,
  type CampaignRecord,
  type ExecutionSettings,
  type CampaignStatus,
  type CampaignStopReason,
  type CampaignSummary,
  type EvaluationArtefacts,
  type EvaluationRecord,
  type EvaluationStatus,
  type MdTime,
  type Origin,
  type ScreenDetail,
  type StatusCounts,
} from '../../src-worker/campaign/records.ts';
import type { EarlyStopDetail } from '../../src-worker/evaluate/spec.ts';

/** An unknown campaign or evaluation id. */
export class NotFoundError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The optimizer's view of one stored row (what the runner turns into history and pending lists). */
export interface OptimizerRow {
  readonly id: number;
  readonly seq: number;
  /** 'BKS' for a baseline row, null for the optimizer's own. */
  readonly label: string | null;
  readonly phase: Phase;
  readonly status: EvaluationStatus;
  readonly u: number[];
  readonly meta: Record<string, string | number> | null;
  readonly rChi: number | null;
  /** Added by the runner for a strategy that models the g(r) (campaign/search.ts residualOf); never stored. */
  readonly residual?: ArrayLike<number>;
}

/** An optimizer proposal as the runner stores it: with the screen's rejection, or null when it passed (or no screen ran). */
export interface ProposedEvaluation {
  readonly item: NewEvaluation;
  readonly screened: { readonly detail: ScreenDetail; readonly durationS: number } | null;
}

export interface EvaluationFilter {
  readonly origin?: readonly Origin[];
  readonly status?: readonly EvaluationStatus[];
}

export interface PageQuery extends EvaluationFilter {
  readonly campaignId: string;
  readonly offset: number;
  readonly limit: number;
  readonly sort: 'index' | 'rChi' | 'phase' | 'status' | 'duration';
  readonly order: 'asc' | 'desc';
}

const SORT_COLUMNS: Record<PageQuery['sort'], string> = { index: 'seq', rChi: 'r_chi', phase: 'phase', status: 'status', duration: 'duration_s' };

const nowIso = () => new Date().toISOString();

/** Every status at zero: the start of a count. */
function zeroCounts(): Record<EvaluationStatus, number> {
  return Object.fromEntries(EVALUATION_STATUSES.map((k) => [k, 0])) as Record<EvaluationStatus, number>;
}

const sqlList = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');
const MD_RUN_SQL = sqlList(MD_RUN_STATUSES);

function filterSql(f: EvaluationFilter, params: unknown[]): string {
  let sql = '';
  if (f.origin && f.origin.length) {
    sql += ` AND origin IN (${f.origin.map(() => '?').join(', ')})`;
    params.push(...f.origin);
  }
  if (f.status && f.status.length) {
    sql += ` AND status IN (${f.status.map(() => '?').join(', ')})`;
    params.push(...f.status);
  }
  return sql;
}

/** A stored glass job (API glass.*): `job` is the JSON the glass jobs wrote, validated by them when read. */
export interface StoredGlass {
  readonly id: string;
  readonly createdAt: string;
  readonly status: string;
  readonly job: unknown;
}

export interface Store {
  readonly path: string;
  readonly db: Db;
  close(): void;

  /** Insert or replace a glass job (its whole JSON, deflated). */
  saveGlass(g: StoredGlass): void;
  /** Every stored glass job, oldest first. */
  glasses(): StoredGlass[];
  /** Forget a glass job; false when there was none. */
  deleteGlass(id: string): boolean;

  createCampaign(c: CampaignRecord, initial: readonly NewEvaluation[]): EvaluationRecord[];
  campaign(id: string): CampaignRecord;
  campaignInfo(id: string): CampaignInfo;
  hasCampaign(id: string): boolean;
  /** A full id, or a unique prefix of one (≥ 4 characters) as the CLI accepts. */
  resolveCampaignId(idOrPrefix: string): string;
  listCampaigns(): CampaignSummary[];
  /** Set the status; stopReason undefined keeps the stored one. */
  setStatus(id: string, status: CampaignStatus, stopReason?: CampaignStopReason | null): void;
  deleteCampaign(id: string): void;
  /** Replace the campaign's execution settings (backend); the caller checks it is not running. */
  setExecution(id: string, execution: ExecutionSettings): void;
  /** How many finished evaluations each engine produced ('glassfit-md 0.1.0', 'lammps 29 Sep 2021'…). */
  engines(campaignId: string): { engine: string; n: number }[];

  addEvaluations(campaignId: string, items: readonly NewEvaluation[]): EvaluationRecord[];
  markRunning(evaluationId: number): EvaluationRecord;
  /** Store a finished result (done, stopped or failed) with its artefacts, in one transaction; refuses a row that is already finished. */
  commit(evaluationId: number, result: EvaluationResult, species: SpeciesTable): EvaluationRecord;
  /**
   * Store one answer of the optimizer, in proposal order and in one transaction (a crash keeps all or none of
   * it): a point the physics screen passed is queued; one it rejected is finished at once as 'screened' with the
   * rule and its message (no MD, no R_χ, no artefacts).
   */
  addProposals(campaignId: string, items: readonly ProposedEvaluation[]): EvaluationRecord[];
  /** Record an evaluation whose worker died as failed, with the reason. */
  commitCrash(evaluationId: number, message: string, durationS: number): EvaluationRecord;
  /** Put unfinished evaluations back to 'queued' (pause, stop, a cancelled run). */
  requeue(evaluationIds: readonly number[]): void;
  /** After a crash: every 'running' row of the campaign back to 'queued'; returns how many. */
  requeueRunning(campaignId: string): number;

  evaluation(id: number): EvaluationRecord;
  evaluations(campaignId: string, filter?: EvaluationFilter): EvaluationRecord[];
  page(q: PageQuery): { total: number; rows: EvaluationRecord[] };
  artefacts(evaluationId: number): EvaluationArtefacts;
  /** The optimizer's rows (origin 'optimizer') in seq order, lightly read (no schema pass): the runner's hot path. */
  optimizerRows(campaignId: string): OptimizerRow[];
  /** The baseline rows (built-in sets) in the same light form: observations the optimizer's model may use. */
  baselineRows(campaignId: string): OptimizerRow[];
  counts(campaignId: string, origin?: Origin): StatusCounts;
  /** The finished optimizer evaluation with the lowest R_χ. */
  best(campaignId: string): EvaluationRecord | null;
  /** Mean wall time of the campaign's evaluations that ran MD and scored it (done, stopped), s; null before the first. */
  meanDurationS(campaignId: string): number | null;
  /** MD hours the campaign used and those early stopping saved. */
  mdTime(campaignId: string): MdTime;
  /** Median µs per atom-step over the database's finished evaluations (null when there are none). */
  medianUsPerAtomStep(): number | null;
  integrityCheck(): string;
}

export function openStore(path: string, opts: OpenOptions = {}): Store {
  const db = openDatabase(path, opts);
  return createStore(db, path);
}

function createStore(db: Db, path: string): Store {
  const st = {
    campaignRow: db.prepare('SELECT * FROM campaigns WHERE id = ?'),
    referenceRow: db.prepare('SELECT * FROM reference_data WHERE hash = ?'),
    evaluationRow: db.prepare('SELECT * FROM evaluations WHERE id = ?'),
    maxSeq: db.prepare('SELECT coalesce(max(seq), 0) AS m FROM evaluations WHERE campaign_id = ?'),
    insertEvaluation: db.prepare(`INSERT INTO evaluations (campaign_id, seq, origin, phase, label, status, params, param_values, u, meta, seed, kernel)
      VALUES (@campaign_id, @seq, @origin, @phase, @label, 'queued', @params, @param_values, @u, @meta, @seed, @kernel)`),
  };

  function campaignRow(id: string): CampaignRow {
    const row = st.campaignRow.get(id) as CampaignRow | undefined;
    if (!row) throw new NotFoundError(`no campaign ${id} in ${path}`);
    return row;
  }

  /** A 'running' campaign whose runner is gone (crash, kill) reads as 'paused': it is resumable, nobody runs it. */
  function effectiveStatus(row: CampaignRow, leased?: Set<string>): CampaignStatus {
    if (row.status !== 'running') return row.status as CampaignStatus;
    const isLeased = leased ? leased.has(row.id) : currentLease(db, row.id) !== null;
    return isLeased ? 'running' : 'paused';
  }

  function evaluationRow(id: number): EvaluationRow {
    const row = st.evaluationRow.get(id) as EvaluationRow | undefined;
    if (!row) throw new NotFoundError(`no evaluation ${id} in ${path}`);
    return row;
  }

  function insertEvaluations(campaignId: string, seed: number, items: readonly NewEvaluation[]): number[] {
    let seq = (st.maxSeq.get(campaignId) as { m: number }).m;
    return items.map((e) => {
      seq++;
      const info = st.insertEvaluation.run({
        campaign_id: campaignId,
        seq,
        origin: e.origin,
        phase: e.phase,
        label: e.label,
        params: JSON.stringify(e.params),
        param_values: JSON.stringify(e.values),
        u: JSON.stringify(Array.from(e.u)),
        meta: e.meta ? JSON.stringify(e.meta) : null,
        // Per-evaluation seed from the campaign seed and seq: a re-run after a crash uses the same one.
        seed: deriveSeed(seed, seq),
        kernel: e.kernel,
      });
      return Number(info.lastInsertRowid);
    });
  }

  function lightRows(campaignId: string, origin: Origin): OptimizerRow[] {
    const rows = db
      .prepare('SELECT id, seq, label, phase, status, u, meta, r_chi FROM evaluations WHERE campaign_id = ? AND origin = ? ORDER BY seq')
      .all(campaignId, origin) as Pick<EvaluationRow, 'id' | 'seq' | 'label' | 'phase' | 'status' | 'u' | 'meta' | 'r_chi'>[];
    return rows.map((r) => ({
      id: r.id,
      seq: r.seq,
      label: r.label,
      phase: r.phase as Phase,
      status: r.status as EvaluationStatus,
      u: JSON.parse(r.u) as number[],
      meta: r.meta === null ? null : (JSON.parse(r.meta) as Record<string, string | number>),
      rChi: r.r_chi,
    }));
  }

  function campaignSeed(campaignId: string): number {
    const row = campaignRow(campaignId);
    return (JSON.parse(row.settings) as { seed: number }).seed;
  }

  const store: Store = {
    path,
    db,
    close() {
      if (db.open) db.close();
    },

    createCampaign(c, initial) {
      const ids = db
        .transaction(() => {
          const ref = referenceToRow(c);
          db.prepare('INSERT OR IGNORE INTO reference_data (hash, provenance, data) VALUES (@hash, @provenance, @data)').run(ref);
          db.prepare(`INSERT INTO campaigns (id, name, status, created_at, updated_at, reference_hash, preset, strategy, budget, settings, stop_reason, schema_version)
            VALUES (@id, @name, @status, @created_at, @updated_at, @reference_hash, @preset, @strategy, @budget, @settings, @stop_reason, @schema_version)`).run(campaignToRow(c));
          return insertEvaluations(c.id, c.seed, initial);
        })
        .immediate();
      return ids.map((id) => rowToEvaluation(evaluationRow(id)));
    },

    campaign(id) {
      const row = campaignRow(id);
      const ref = st.referenceRow.get(row.reference_hash) as ReferenceRow | undefined;
      if (!ref) throw new StoreError(`campaign ${id}: its reference ${row.reference_hash} is missing from the database`);
      return rowToCampaign(row, ref, effectiveStatus(row));
    },

    campaignInfo(id) {
      const row = campaignRow(id);
      const ref = db.prepare('SELECT provenance FROM reference_data WHERE hash = ?').get(row.reference_hash) as { provenance: string } | undefined;
      if (!ref) throw new StoreError(`campaign ${id}: its reference ${row.reference_hash} is missing from the database`);
      return rowToCampaignInfo(row, ref.provenance, effectiveStatus(row));
    },

    hasCampaign(id) {
      return st.campaignRow.get(id) !== undefined;
    },

    resolveCampaignId(idOrPrefix) {
      const key = idOrPrefix.trim().toLowerCase();
      if (st.campaignRow.get(key)) return key;
      if (key.length < 4 || !/^[0-9a-f-]+$/.test(key)) throw new NotFoundError(`no campaign '${idOrPrefix}' in ${path}`);
      const rows = db.prepare("SELECT id FROM campaigns WHERE id LIKE ? || '%'").all(key) as { id: string }[];
      if (rows.length === 0) throw new NotFoundError(`no campaign '${idOrPrefix}' in ${path}`);
      if (rows.length > 1) throw new NotFoundError(`'${idOrPrefix}' matches ${rows.length} campaigns in ${path}; give more of the id`);
      return rows[0].id;
    },

    listCampaigns() {
      const rows = db.prepare('SELECT c.*, r.provenance AS provenance FROM campaigns c JOIN reference_data r ON r.hash = c.reference_hash ORDER BY c.created_at DESC').all() as (CampaignRow & {
        provenance: string;
      })[];
      const counts = db.prepare("SELECT campaign_id, status, count(*) AS n FROM evaluations WHERE origin = 'optimizer' GROUP BY campaign_id, status").all() as {
        campaign_id: string;
        status: EvaluationStatus;
        n: number;
      }[];
      // SQLite returns the bare column `id` from the row that holds min(r_chi).
      const bests = db.prepare("SELECT campaign_id, id, min(r_chi) AS r FROM evaluations WHERE origin = 'optimizer' AND status = 'done' GROUP BY campaign_id").all() as {
        campaign_id: string;
        id: number;
        r: number;
      }[];
      const leased = leasedCampaigns(db);
      return rows.map((row) => {
        const info = rowToCampaignInfo(row, row.provenance, effectiveStatus(row, leased));
        const c = zeroCounts();
        for (const k of counts) if (k.campaign_id === row.id) c[k.status] = k.n;
        const best = bests.find((b) => b.campaign_id === row.id);
        return {
          id: info.id,
          name: info.name,
          status: info.status,
          createdAt: info.createdAt,
          updatedAt: info.updatedAt,
          strategy: info.optimizer.strategy,
          preset: info.preset,
          free: info.space.free.map((d) => d.name),
          referenceLabel: info.reference.provenance.name,
          referenceAbInitio: info.reference.provenance.abInitio ?? null,
          budget: info.optimizer.budget,
          ...c,
          bestRChi: best ? best.r : null,
          bestEvaluationId: best ? best.id : null,
        };
      });
    },

    setStatus(id, status, stopReason) {
      campaignRow(id);
      if (stopReason === undefined) db.prepare('UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?').run(status, nowIso(), id);
      else db.prepare('UPDATE campaigns SET status = ?, stop_reason = ?, updated_at = ? WHERE id = ?').run(status, stopReason ? JSON.stringify(stopReason) : null, nowIso(), id);
    },

    setExecution(id, execution) {
      campaignRow(id);
      db.prepare("UPDATE campaigns SET settings = json_set(settings, '$.execution', json(?)), updated_at = ? WHERE id = ?").run(JSON.stringify(execution), nowIso(), id);
    },

    engines(campaignId) {
      return db
        .prepare('SELECT engine_version AS engine, COUNT(*) AS n FROM evaluations WHERE campaign_id = ? AND engine_version IS NOT NULL GROUP BY engine_version ORDER BY MIN(id)')
        .all(campaignId) as { engine: string; n: number }[];
    },

    deleteCampaign(id) {
      const row = campaignRow(id);
      db.transaction(() => {
        db.prepare('DELETE FROM campaigns WHERE id = ?').run(id);
        // A reference no other campaign uses goes with it.
        db.prepare('DELETE FROM reference_data WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM campaigns WHERE reference_hash = ?)').run(row.reference_hash, row.reference_hash);
      }).immediate();
    },

    addEvaluations(campaignId, items) {
      const seed = campaignSeed(campaignId);
      const ids = db.transaction(() => insertEvaluations(campaignId, seed, items)).immediate();
      return ids.map((id) => rowToEvaluation(evaluationRow(id)));
    },

    markRunning(evaluationId) {
      const info = db.prepare("UPDATE evaluations SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'").run(nowIso(), evaluationId);
      const row = evaluationRow(evaluationId);
      if (info.changes !== 1) throw new StoreError(`evaluation ${evaluationId} is ${row.status}, not queued`);
      return rowToEvaluation(row);
    },

    commit(evaluationId, result, species) {
      const blob = result.status === 'failed' ? null : encodeArtefacts(result, species);
      db.transaction(() => {
        const row = evaluationRow(evaluationId);
        if (FINISHED_STATUSES.includes(row.status as EvaluationStatus)) throw new StoreError(`evaluation ${evaluationId} is already ${row.status}; a result is stored once`);
        const common = {
          id: evaluationId,
          finished_at: nowIso(),
          duration_s: result.timings.wallS,
          engine_version: result.engineVersion,
          kernel: result.kernel,
          seed: result.seed,
        };
        if (result.status === 'done') {
          db.prepare(`UPDATE evaluations SET status = 'done', r_chi = @r_chi, chi = @chi, failure = NULL, error = NULL, finished_at = @finished_at,
              duration_s = @duration_s, us_per_atom_step = @us, engine_version = @engine_version, kernel = @kernel, seed = @seed WHERE id = @id`).run({
            ...common,
            r_chi: result.rChi,
            chi: JSON.stringify(result.chiByPair),
            us: result.timings.usPerAtomStep,
          });
          db.prepare('INSERT OR REPLACE INTO artefacts (evaluation_id, encoding, data) VALUES (?, ?, ?)').run(evaluationId, ARTEFACT_ENCODING, blob);
        } else if (result.status === 'stopped') {
          db.prepare(`UPDATE evaluations SET status = 'stopped', r_chi = @r_chi, chi = @chi, failure = NULL, error = @error, early_stop = @early_stop,
              finished_at = @finished_at, duration_s = @duration_s, us_per_atom_step = @us, engine_version = @engine_version, kernel = @kernel, seed = @seed
              WHERE id = @id`).run({
            ...common,
            r_chi: result.rChi,
            chi: JSON.stringify(result.chiByPair),
            error: result.reason.split('\n')[0],
            early_stop: JSON.stringify(result.stop),
            us: result.timings.usPerAtomStep,
          });
          db.prepare('INSERT OR REPLACE INTO artefacts (evaluation_id, encoding, data) VALUES (?, ?, ?)').run(evaluationId, ARTEFACT_ENCODING, blob);
        } else {
          db.prepare(`UPDATE evaluations SET status = 'failed', r_chi = NULL, chi = NULL, failure = @failure, error = @error, finished_at = @finished_at,
              duration_s = @duration_s, engine_version = @engine_version, kernel = @kernel, seed = @seed WHERE id = @id`).run({
            ...common,
            failure: JSON.stringify(result.failure),
            error: result.reason.split('\n')[0],
          });
        }
      }).immediate();
      return rowToEvaluation(evaluationRow(evaluationId));
    },

    addProposals(campaignId, items) {
      const seed = campaignSeed(campaignId);
      const screen = db.prepare(`UPDATE evaluations SET status = 'screened', error = ?, screen = ?, started_at = ?, finished_at = ?, duration_s = ? WHERE id = ?`);
      const ids = db
        .transaction(() => {
          const rowIds = insertEvaluations(
            campaignId,
            seed,
            items.map((x) => x.item),
          );
          const now = nowIso();
          items.forEach((x, k) => {
            if (!x.screened) return;
            const d = x.screened.detail;
            screen.run(`screened (${d.rule}): ${d.message}`.split('\n')[0], JSON.stringify(d), now, now, x.screened.durationS, rowIds[k]);
          });
          return rowIds;
        })
        .immediate();
      return ids.map((id) => rowToEvaluation(evaluationRow(id)));
    },

    commitCrash(evaluationId, message, durationS) {
      const info = db
        .prepare("UPDATE evaluations SET status = 'failed', r_chi = NULL, error = ?, finished_at = ?, duration_s = ? WHERE id = ? AND status IN ('queued', 'running')")
        .run(message.split('\n')[0], nowIso(), durationS, evaluationId);
      const row = evaluationRow(evaluationId);
      if (info.changes !== 1) throw new StoreError(`evaluation ${evaluationId} is already ${row.status}; a result is stored once`);
      return rowToEvaluation(row);
    },

    requeue(ids) {
      if (ids.length === 0) return;
      const q = db.prepare("UPDATE evaluations SET status = 'queued', started_at = NULL WHERE id = ? AND status IN ('queued', 'running')");
      db.transaction(() => {
        for (const id of ids) q.run(id);
      }).immediate();
    },

    requeueRunning(campaignId) {
      return db.prepare("UPDATE evaluations SET status = 'queued', started_at = NULL WHERE campaign_id = ? AND status = 'running'").run(campaignId).changes;
    },

    evaluation(id) {
      return rowToEvaluation(evaluationRow(id));
    },

    evaluations(campaignId, filter = {}) {
      const params: unknown[] = [campaignId];
      const where = filterSql(filter, params);
      const rows = db.prepare(`SELECT * FROM evaluations WHERE campaign_id = ?${where} ORDER BY seq`).all(...params) as EvaluationRow[];
      return rows.map(rowToEvaluation);
    },

    page(q) {
      campaignRow(q.campaignId);
      const params: unknown[] = [q.campaignId];
      const where = `campaign_id = ?${filterSql(q, params)}`;
      const total = (db.prepare(`SELECT count(*) AS n FROM evaluations WHERE ${where}`).get(...params) as { n: number }).n;
      const col = SORT_COLUMNS[q.sort];
      const dir = q.order === 'desc' ? 'DESC' : 'ASC';
      // Rows without a value (no R_χ yet, not timed) go last in either direction.
      const rows = db
        .prepare(`SELECT * FROM evaluations WHERE ${where} ORDER BY (${col} IS NULL), ${col} ${dir}, seq ${dir} LIMIT ? OFFSET ?`)
        .all(...params, q.limit, q.offset) as EvaluationRow[];
      return { total, rows: rows.map(rowToEvaluation) };
    },

    artefacts(evaluationId) {
      evaluationRow(evaluationId);
      const row = db.prepare('SELECT encoding, data FROM artefacts WHERE evaluation_id = ?').get(evaluationId) as { encoding: string; data: Buffer } | undefined;
      return row ? decodeArtefacts(row.encoding, row.data) : NO_ARTEFACTS;
    },

    optimizerRows(campaignId) {
      return lightRows(campaignId, 'optimizer');
    },

    baselineRows(campaignId) {
      return lightRows(campaignId, 'baseline');
    },

    counts(campaignId, origin = 'optimizer') {
      const rows = db.prepare('SELECT status, count(*) AS n FROM evaluations WHERE campaign_id = ? AND origin = ? GROUP BY status').all(campaignId, origin) as {
        status: EvaluationStatus;
        n: number;
      }[];
      const c = zeroCounts();
      for (const r of rows) c[r.status] = r.n;
      return c;
    },

    best(campaignId) {
      const row = db
        .prepare("SELECT * FROM evaluations WHERE campaign_id = ? AND origin = 'optimizer' AND status = 'done' ORDER BY r_chi ASC, seq ASC LIMIT 1")
        .get(campaignId) as EvaluationRow | undefined;
      return row ? rowToEvaluation(row) : null;
    },

    meanDurationS(campaignId) {
      const r = db.prepare("SELECT avg(duration_s) AS m FROM evaluations WHERE campaign_id = ? AND status IN ('done', 'stopped')").get(campaignId) as { m: number | null };
      return r.m;
    },

    mdTime(campaignId) {
      const atoms = (JSON.parse(campaignRow(campaignId).settings) as { protocol: { atoms: number } }).protocol.atoms;
      const used = db.prepare(`SELECT coalesce(sum(duration_s), 0) AS s FROM evaluations WHERE campaign_id = ? AND status IN (${MD_RUN_SQL})`).get(campaignId) as { s: number };
      const stopped = db.prepare("SELECT early_stop, us_per_atom_step AS us FROM evaluations WHERE campaign_id = ? AND status = 'stopped'").all(campaignId) as {
        early_stop: string;
        us: number | null;
      }[];
      let savedS = 0;
      for (const r of stopped) {
        const d = JSON.parse(r.early_stop) as EarlyStopDetail;
        if (r.us !== null && r.us > 0) savedS += ((d.totalSteps - d.atStep) * atoms * r.us) / 1e6;
      }
      return { mdHours: used.s / 3600, mdHoursSaved: savedS / 3600, stoppedRuns: stopped.length };
    },

    medianUsPerAtomStep() {
      const rows = db.prepare("SELECT us_per_atom_step AS v FROM evaluations WHERE status = 'done' AND us_per_atom_step > 0 ORDER BY finished_at DESC LIMIT 201").all() as { v: number }[];
      if (rows.length === 0) return null;
      const v = rows.map((r) => r.v).sort((a, b) => a - b);
      return v[Math.floor(v.length / 2)];
    },

    integrityCheck() {
      return integrityCheck(db);
    },

    saveGlass(g) {
      const blob = deflateRawSync(Buffer.from(JSON.stringify(g.job), 'utf8'), { level: 6 });
      db.prepare('INSERT OR REPLACE INTO glasses (id, created_at, status, job) VALUES (?, ?, ?, ?)').run(g.id, g.createdAt, g.status, blob);
    },

    glasses() {
      const rows = db.prepare('SELECT id, created_at, status, job FROM glasses ORDER BY created_at, rowid').all() as { id: string; created_at: string; status: string; job: Buffer }[];
      return rows.map((r) => ({ id: r.id, createdAt: r.created_at, status: r.status, job: JSON.parse(inflateRawSync(r.job).toString('utf8')) as unknown }));
    },

    deleteGlass(id) {
      return db.prepare('DELETE FROM glasses WHERE id = ?').run(id).changes > 0;
    },
  };
  return store;
}
