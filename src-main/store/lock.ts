/**
 * One runner per campaign: a lease row (owner id, pid, host, heartbeat) taken in an IMMEDIATE transaction, so
 * two processes — the desktop app and a CLI, or two CLIs — cannot both run one campaign. A lease is stale, and
 * taken over, when its process is gone (a dead pid on this host) or its heartbeat is older than
 * STALE_AFTER_MS (a process elsewhere, or a frozen one); a SIGKILLed runner therefore never blocks a resume.
 */
import { hostname } from 'node:os';
import type { Db } from './db.ts';
import { StoreError } from './db.ts';

/** A heartbeat every HEARTBEAT_MS; a lease whose heartbeat is older than STALE_AFTER_MS is free. */
export const HEARTBEAT_MS = 5_000;
export const STALE_AFTER_MS = 30_000;

export class LockError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'LockError';
  }
}

interface LeaseRow {
  campaign_id: string;
  owner: string;
  pid: number;
  host: string;
  acquired_at: string;
  heartbeat_ms: number;
}

export interface LeaseInfo {
  readonly owner: string;
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: string;
  readonly heartbeatAgeMs: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Whether a lease still binds: its process lives (when on this host) and its heartbeat is recent. */
function live(row: LeaseRow, now: number): boolean {
  if (now - row.heartbeat_ms > STALE_AFTER_MS) return false;
  if (row.host === hostname() && !alive(row.pid)) return false;
  return true;
}

/** The live lease on a campaign, or null. */
export function currentLease(db: Db, campaignId: string, now = Date.now()): LeaseInfo | null {
  const row = db.prepare('SELECT * FROM leases WHERE campaign_id = ?').get(campaignId) as LeaseRow | undefined;
  if (!row || !live(row, now)) return null;
  return { owner: row.owner, pid: row.pid, host: row.host, acquiredAt: row.acquired_at, heartbeatAgeMs: now - row.heartbeat_ms };
}

/** Campaign ids with a live lease. */
export function leasedCampaigns(db: Db, now = Date.now()): Set<string> {
  const rows = db.prepare('SELECT * FROM leases').all() as LeaseRow[];
  return new Set(rows.filter((r) => live(r, now)).map((r) => r.campaign_id));
}

export interface Lease {
  readonly campaignId: string;
  readonly owner: string;
  /** Stop the heartbeat and delete the row (if still ours). Idempotent. */
  release(): void;
}

/**
 * Take the campaign's lease for `owner`, or throw a LockError naming who holds it. The heartbeat runs on an
 * unref'd timer, so it never keeps a process alive.
 */
export function acquireLease(db: Db, campaignId: string, owner: string): Lease {
  const now = Date.now();
  db.transaction(() => {
    const row = db.prepare('SELECT * FROM leases WHERE campaign_id = ?').get(campaignId) as LeaseRow | undefined;
    if (row && row.owner !== owner && live(row, now)) {
      const where = row.host === hostname() ? `process ${row.pid}` : `process ${row.pid} on ${row.host}`;
      throw new LockError(
        `campaign ${campaignId} is already being run by ${where} (since ${row.acquired_at}, heartbeat ${Math.round((now - row.heartbeat_ms) / 1000)} s ago); pause it there first`,
      );
    }
    db.prepare('INSERT OR REPLACE INTO leases (campaign_id, owner, pid, host, acquired_at, heartbeat_ms) VALUES (?, ?, ?, ?, ?, ?)').run(
      campaignId,
      owner,
      process.pid,
      hostname(),
      new Date(now).toISOString(),
      now,
    );
  }).immediate();
  const beat = db.prepare('UPDATE leases SET heartbeat_ms = ? WHERE campaign_id = ? AND owner = ?');
  const timer = setInterval(() => {
    try {
      beat.run(Date.now(), campaignId, owner);
    } catch {
      // A busy or closed database skips a beat; the lease only goes stale after STALE_AFTER_MS.
    }
  }, HEARTBEAT_MS);
  timer.unref();
  let released = false;
  return {
    campaignId,
    owner,
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        db.prepare('DELETE FROM leases WHERE campaign_id = ? AND owner = ?').run(campaignId, owner);
      } catch {
        // The database is already closed: the lease goes stale on its own.
      }
    },
  };
}
