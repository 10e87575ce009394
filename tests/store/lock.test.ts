/**
 * One runner per campaign: the lease refuses a second owner with a message naming the holder, and is taken
 * over when its process is dead or its heartbeat stale; a 'running' campaign without a live lease reads as
 * paused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openStore } from '../../src-main/store/store.ts';
import { acquireLease, currentLease, LockError, STALE_AFTER_MS } from '../../src-main/store/lock.ts';
import { tinyCampaign } from '../runner/tiny.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('campaign lease', () => {
  const store = openStore(join(dir, 'lock.sqlite'));
  afterAll(() => store.close());
  const { record, initial } = tinyCampaign();
  store.createCampaign(record, initial);
  const put = (owner: string, pid: number, host: string, ageMs: number) =>
    store.db
      .prepare('INSERT OR REPLACE INTO leases (campaign_id, owner, pid, host, acquired_at, heartbeat_ms) VALUES (?, ?, ?, ?, ?, ?)')
      .run(record.id, owner, pid, host, new Date().toISOString(), Date.now() - ageMs);

  it('refuses a second runner with a message naming the holder, and frees on release', () => {
    const a = acquireLease(store.db, record.id, 'runner-a');
    expect(currentLease(store.db, record.id)).toMatchObject({ owner: 'runner-a', pid: process.pid, host: hostname() });
    expect(() => acquireLease(store.db, record.id, 'runner-b')).toThrow(LockError);
    expect(() => acquireLease(store.db, record.id, 'runner-b')).toThrow(new RegExp(`already being run by process ${process.pid} .*pause it there first`));
    a.release();
    expect(currentLease(store.db, record.id)).toBeNull();
    const b = acquireLease(store.db, record.id, 'runner-b');
    b.release();
  });

  it('takes over the lease of a dead process on this host at once', () => {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(child.stdout);
    put('crashed', deadPid, hostname(), 0);
    expect(currentLease(store.db, record.id)).toBeNull();
    const l = acquireLease(store.db, record.id, 'resumer');
    expect(currentLease(store.db, record.id)?.owner).toBe('resumer');
    l.release();
  });

  it('honours a fresh lease from another host and takes over a stale one', () => {
    put('elsewhere', 1, 'another-host', 1_000);
    expect(() => acquireLease(store.db, record.id, 'me')).toThrow(/process 1 on another-host/);
    put('elsewhere', 1, 'another-host', STALE_AFTER_MS + 5_000);
    const l = acquireLease(store.db, record.id, 'me');
    expect(currentLease(store.db, record.id)?.owner).toBe('me');
    l.release();
  });

  it("reads a 'running' campaign whose runner is gone as paused", () => {
    store.setStatus(record.id, 'running');
    expect(store.campaignInfo(record.id).status).toBe('paused');
    expect(store.listCampaigns()[0].status).toBe('paused');
    const l = acquireLease(store.db, record.id, 'live');
    expect(store.campaignInfo(record.id).status).toBe('running');
    expect(store.listCampaigns()[0].status).toBe('running');
    l.release();
  });
});
