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
 *
 * Version 2 (physics-aware search):
 * - evaluations gain the statuses 'screened' (rejected by the physics screen before MD; no R_χ) and 'stopped'
 *   (MD ended early as hopeless; r_chi holds the partial R_χ), and two JSON columns: `screen` (the screen's rule
 *   and message) and `early_stop` (where it stopped, against which threshold). SQLite cannot alter a CHECK
 *   constraint, so the table is rebuilt (SQLite's documented twelve-step procedure: db.ts turns foreign keys off
 *   around it, so the artefacts that reference the rows survive, and checks them before the commit).
 * - every stored campaign gets `search` settings with the screen and early stopping OFF: a campaign keeps the
 *   meaning it was created with. New campaigns get them on (campaign/setup.ts).
 *
 * Version 3 (evaluation backends, issue 13):
 * - every stored campaign gets `execution` settings: backend 'threads' (the worker pool it always ran on) and the
 *   LAMMPS and SLURM defaults for when the user switches it. Evaluations already carry their engine in
 *   `engine_version`.
 * - remote_jobs: one row per evaluation submitted to SLURM, written BEFORE sbatch runs (the array's unique job
 *   name is the token squeue finds it by), its job id after sbatch answers; the row goes when the result is
 *   collected or the job is cancelled. A runner that starts after a crash re-attaches to these rows instead of
 *   submitting the evaluation again (src-main/runner/slurm-evaluator.ts).
 *
 * Version 4 (glasses, issue 16):
 * - glasses: every glass the workbench makes (API glass.start), one row per job: its settings, progress, error and
 *   result (properties and curves) as one deflated JSON BLOB, written when the job is queued and when it ends, so
 *   an hours-long quench outlives the window that started it. Not tied to a campaign (a glass may come from a
 *   built-in or a file).
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
  {
    version: 2,
    sql: `
      CREATE TABLE evaluations_v2 (
        id INTEGER PRIMARY KEY,
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('optimizer', 'baseline', 'final')),
        phase TEXT NOT NULL CHECK (phase IN ('initial', 'bo', 'cg', 'replica', 'baseline')),
        label TEXT,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'screened', 'stopped')),
        params TEXT NOT NULL,
        param_values TEXT NOT NULL,
        u TEXT NOT NULL,
        meta TEXT,
        r_chi REAL,
        chi TEXT,
        failure TEXT,
        error TEXT,
        screen TEXT,
        early_stop TEXT,
        seed INTEGER NOT NULL,
        kernel TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        duration_s REAL,
        us_per_atom_step REAL,
        engine_version TEXT,
        UNIQUE (campaign_id, seq),
        CHECK ((status IN ('done', 'stopped')) = (r_chi IS NOT NULL)),
        CHECK ((status = 'screened') = (screen IS NOT NULL)),
        CHECK ((status = 'stopped') = (early_stop IS NOT NULL))
      );
      INSERT INTO evaluations_v2 (id, campaign_id, seq, origin, phase, label, status, params, param_values, u, meta, r_chi, chi, failure, error,
          seed, kernel, started_at, finished_at, duration_s, us_per_atom_step, engine_version)
        SELECT id, campaign_id, seq, origin, phase, label, status, params, param_values, u, meta, r_chi, chi, failure, error,
          seed, kernel, started_at, finished_at, duration_s, us_per_atom_step, engine_version FROM evaluations;
      DROP TABLE evaluations;
      ALTER TABLE evaluations_v2 RENAME TO evaluations;
      CREATE INDEX evaluations_by_status ON evaluations(campaign_id, origin, status);
      CREATE INDEX evaluations_by_rchi ON evaluations(campaign_id, r_chi);
      UPDATE campaigns SET settings = json_set(settings, '$.search',
        json('{"screen":false,"maxScreenedInARow":2000,"earlyStop":{"enabled":false,"tolerance":1.3,"noiseRel":0.09,"checkpoints":[0.3,0.5,0.7],"windowPs":1}}'))
        WHERE json_extract(settings, '$.search') IS NULL;
    `,
  },
  {
    version: 3,
    sql: `
      UPDATE campaigns SET settings = json_set(settings, '$.execution',
        json('{"backend":"threads","lammps":{"command":"lmp","mpiRanks":1},"slurm":{"payload":"js","partition":null,"account":null,"timeLimit":"1:00:00","modules":[],"workDir":null,"maxInFlight":16,"pollS":30}}'))
        WHERE json_extract(settings, '$.execution') IS NULL;
      CREATE TABLE remote_jobs (
        evaluation_id INTEGER PRIMARY KEY REFERENCES evaluations(id) ON DELETE CASCADE,
        campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        task INTEGER NOT NULL,
        job_id TEXT,
        dir TEXT NOT NULL,
        payload TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        UNIQUE (name, task)
      );
      CREATE INDEX remote_jobs_by_campaign ON remote_jobs(campaign_id);
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE glasses (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL,
        job BLOB NOT NULL
      );
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
