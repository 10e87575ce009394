/**
 * Opening a campaign database: WAL (readers never block the runner's commits), foreign keys, a busy timeout
 * (the desktop app and a CLI runner may share one file), our application_id to tell a glassfit database from
 * any other SQLite file, and the numbered migrations. Every failure becomes a StoreError with one line naming
 * the file and the problem; nothing is written to a file that is not ours.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LATEST_VERSION, MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

/** 'glft' — PRAGMA application_id of every glassfit database (SQLite's header field for exactly this). */
export const APPLICATION_ID = 0x676c6674;

/** A database problem a user can act on (missing, corrupt, foreign or too new a file). */
export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface OpenOptions {
  /** Refuse to create the file (commands that only read or run campaigns). Default false. */
  readonly mustExist?: boolean;
  /** ms a statement waits for another connection's write lock (default 10 000). */
  readonly busyTimeoutMs?: number;
}

/** SQLite's own reason, without the class name. */
function why(e: unknown): string {
  const code = (e as { code?: string }).code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB') return 'not a SQLite database (corrupt or another kind of file)';
  if (code === 'SQLITE_CORRUPT') return `the database is corrupt (${msg})`;
  if (code === 'SQLITE_CANTOPEN') return `cannot open it (${msg})`;
  return msg;
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  const file = resolve(path);
  if (existsSync(file)) {
    if (statSync(file).isDirectory()) throw new StoreError(`${path}: is a folder, not a database file`);
  } else {
    if (opts.mustExist) throw new StoreError(`no database at ${path} (create a campaign first, or name the file with --db)`);
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (e) {
      throw new StoreError(`${path}: cannot create its folder (${(e as Error).message})`);
    }
  }
  let db: Db;
  try {
    db = new Database(file, { fileMustExist: opts.mustExist === true, timeout: opts.busyTimeoutMs ?? 10_000 });
  } catch (e) {
    throw new StoreError(`${path}: ${why(e)}`);
  }
  try {
    // Read before any write: a foreign or corrupt file fails here, untouched.
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = db.pragma('user_version', { simple: true }) as number;
    if (appId !== APPLICATION_ID) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type IN ('table', 'index', 'view', 'trigger')").get() as { n: number };
      if (tables.n > 0 || version !== 0) throw new StoreError(`${path}: not a glassfit database (another application's SQLite file)`);
    }
    if (version > LATEST_VERSION) throw new StoreError(`${path}: written by a newer glassfit (schema ${version}; this version knows up to ${LATEST_VERSION})`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // WAL + NORMAL: a commit survives a process crash; only a power cut may lose the last ones
    migrate(db, appId !== APPLICATION_ID);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    throw new StoreError(`${path}: ${why(e)}`);
  }
}

/**
 * Apply every migration above the file's user_version, each in its own transaction. Foreign keys are off
 * meanwhile (SQLite's procedure for rebuilding a table: with them on, dropping the old evaluations table would
 * cascade-delete every artefact) and each migration checks them before it commits; the caller turns them on.
 */
function migrate(db: Db, fresh: boolean): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  db.pragma('foreign_keys = OFF');
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      const broken = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
      if (broken.length > 0) throw new StoreError(`migration to schema ${m.version} broke ${broken.length} references (first: ${broken[0].table} row ${broken[0].rowid} → ${broken[0].parent}); this migration is rolled back`);
      if (fresh && m.version === MIGRATIONS[0].version) db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
}

/** PRAGMA integrity_check: 'ok' or the problems SQLite found. */
export function integrityCheck(db: Db): string {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).join('; ');
}
