/**
 * Crash safety: the CLI runner is killed with SIGKILL at random moments, several times, and resumed each time.
 * No finished evaluation may be lost or duplicated (ids, seq, results and seeds stay as committed), the database
 * passes PRAGMA integrity_check after every kill, and the campaign finishes with exactly its budget used.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src-main/cli/glassfit.ts';
import { openStore } from '../../src-main/store/store.ts';
import { FINISHED_STATUSES, type EvaluationRecord } from '../../src-worker/campaign/records.ts';
import { TINY_FLAGS } from '../runner/tiny.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
const BIN = resolve('bin/glassfit.mjs');
const db = join(dir, 'kill.sqlite');
// Large enough that an idle machine (a tiny evaluation in ~1 s) cannot finish before the second kill.
const BUDGET = 14;

/** Run the CLI runner until it exits, or SIGKILL it after killAfterMs; resolves with how it ended. */
function runner(id: string, killAfterMs: number | null): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const child = spawn(process.execPath, [BIN, 'campaign', 'run', id, '--db', db, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const timer = killAfterMs === null ? null : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((r) =>
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      r({ code, signal, out });
    }),
  );
}

/** What must never change once committed. */
const frozen = (e: EvaluationRecord) => ({ id: e.id, seq: e.seq, origin: e.origin, status: e.status, u: e.u, seed: e.seed, rChi: e.rChi, error: e.error, finishedAt: e.finishedAt });

describe('SIGKILL at random moments', () => {
  it('loses and duplicates nothing, keeps the database intact, and the campaign finishes', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const args = ['campaign', 'new', '--db', db, '--preset', 'bks-2d', '--budget', String(BUDGET), '--baselines', 'bks', '--final-replicas', '1', '--seed', '7', '--workers', '2'];
    expect(await main([...args, ...TINY_FLAGS, '--json'])).toBe(0);
    const id = JSON.parse(out.join('\n')).id as string;

    const committed = new Map<number, ReturnType<typeof frozen>>();
    let kills = 0;
    for (let round = 0; round < 8 && kills < 4; round++) {
      // Random moments: during start-up, mid-evaluation, around commits (a tiny evaluation takes 1–6 s here).
      const r = await runner(id, 1000 + Math.floor(Math.random() * 4000));
      if (r.signal === 'SIGKILL') kills++;
      else expect(r.code, r.out).toBe(0);
      const s = openStore(db, { mustExist: true });
      try {
        expect(s.integrityCheck()).toBe('ok');
        const all = s.evaluations(id);
        expect(new Set(all.map((e) => e.seq)).size).toBe(all.length);
        expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
        // The budget bounds the MD runs (and the rows waiting for one); screened points come on top.
        expect(all.filter((e) => e.origin === 'optimizer' && e.status !== 'screened').length).toBeLessThanOrEqual(BUDGET);
        // Every evaluation committed before is still there, unchanged.
        for (const [eid, f] of committed) expect(frozen(all.find((e) => e.id === eid)!)).toEqual(f);
        for (const e of all) if (FINISHED_STATUSES.includes(e.status)) committed.set(e.id, frozen(e));
        if (r.signal !== 'SIGKILL') break;
      } finally {
        s.close();
      }
    }
    expect(kills).toBeGreaterThanOrEqual(2);

    // Resume to the end.
    const last = await runner(id, null);
    expect(last.code, last.out).toBe(0);
    const s = openStore(db, { mustExist: true });
    try {
      expect(s.integrityCheck()).toBe('ok');
      expect(s.campaignInfo(id).status).toBe('finished');
      const all = s.evaluations(id);
      for (const [eid, f] of committed) expect(frozen(all.find((e) => e.id === eid)!)).toEqual(f);
      const opt = all.filter((e) => e.origin === 'optimizer' && e.status !== 'screened');
      expect(opt).toHaveLength(BUDGET);
      expect(all.every((e) => FINISHED_STATUSES.includes(e.status))).toBe(true);
      expect(all.filter((e) => e.origin === 'final')).toHaveLength(s.best(id) ? 1 : 0);
      expect(all.filter((e) => e.origin === 'baseline')).toHaveLength(1);
      expect(s.db.prepare('SELECT count(*) AS n FROM leases').get()).toEqual({ n: 0 });
    } finally {
      s.close();
    }
  });
});
