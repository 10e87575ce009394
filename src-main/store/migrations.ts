/**
 * The database schema as numbered migrations (Signal Desktop's style): migration k brings a database from
 * PRAGMA user_version k − 1 to k inside one transaction. Never edit a released migration; append one.
 *
 * Layout (version 1):
 * - reference_data: each reference once, by content hash (campaigns of one reference share it).
 * - campaigns: the settings as validated JSON (records.ts CampaignRecord minus the reference data), with the
 *   columns lists and filters need.
 * - evaluations: one row per evaluated point; `seq` orders a campaign's evaluations (the optimizer's replay
 *   order) and is unique per campaign, so a proposal can never be stored twice.
 * - artefacts: g(r), angle distributions, coordination and the final configuration of a finished evaluation,
 *   one compressed BLOB per evaluation (artefacts.ts).
 * - leases: which process runs a campaign (lock.ts).
 */

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE reference_data (
        hash TEXT PRIMARY KEY,
        provenance TEXT NOT NULL,
        data TEXT NOT NULL
      );
      CREATE TABLE campaigns (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('draft', 'running', 'paused', 'stopped', 'finished')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        reference_hash TEXT NOT NULL REFERENCES reference_data(hash),
        preset TEXT,
        strategy TEXT NOT NULL,
        budget INTEGER NOT NULL,
        settings TEXT NOT NULL,
        stop_reason TEXT,
        schema_version INTEGER NOT NULL
      );
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('optimizer', 'baseline', 'final')),
        phase TEXT NOT NULL CHECK (phase IN ('initial', 'bo', 'cg', 'replica', 'baseline')),
        label TEXT,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
        params TEXT NOT NULL,
        param_values TEXT NOT NULL,
        u TEXT NOT NULL,
        meta TEXT,
        r_chi REAL,
        chi TEXT,
        failure TEXT,
        error TEXT,
        seed INTEGER NOT NULL,
        kernel TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        duration_s REAL,
        us_per_atom_step REAL,
        engine_version TEXT,
        UNIQUE (campaign_id, seq),
        CHECK ((status = 'done') = (r_chi IS NOT NULL))
      );
      CREATE INDEX evaluations_by_status ON evaluations(campaign_id, origin, status);
      CREATE INDEX evaluations_by_rchi ON evaluations(campaign_id, r_chi);
      CREATE TABLE artefacts (
        evaluation_id INTEGER PRIMARY KEY REFERENCES evaluations(id) ON DELETE CASCADE,
        encoding TEXT NOT NULL,
        data BLOB NOT NULL
      );
      CREATE TABLE leases (
        campaign_id TEXT PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
        owner TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        heartbeat_ms INTEGER NOT NULL
      );
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
