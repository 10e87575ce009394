import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPool, WorkerCrashError, WorkerError } from '../../src-main/runner/pool.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { evaluate } from '../../src-worker/evaluate/evaluate.ts';
import { silentContext, type Progress } from '../../src-worker/md/protocol.ts';
import type { EvaluationResult } from '../../src-worker/evaluate/spec.ts';
import { builtin, collapsingForceField, QUICK_START, smallSpec } from '../evaluate/small.ts';

// Real worker threads running src-worker/entry.ts through the Node bootstrap, two at most (two cores).
const pool = createPool({ entry: nodeWorkerEntry(), size: 2, reportIntervalMs: 100 });
afterAll(() => pool.close());

const tiny = smallSpec({ relax: 0.05, production: 0.05 }, { softStart: { ...QUICK_START, steps: 100 } });
/** Long enough (10 000 steps) to be certainly running when it is cancelled. */
const long = smallSpec({ relax: 5, production: 5 });

function untilProgress(phase: Progress['phase']): { onProgress: (p: Progress) => void; reached: Promise<Progress> } {
  let resolve!: (p: Progress) => void;
  const reached = new Promise<Progress>((r) => (resolve = r));
  return { onProgress: (p) => p.phase === phase && resolve(p), reached };
}

describe('worker pool', () => {
  it('evaluates in a worker thread with progress events, giving exactly the in-process result', async () => {
    const progress: Progress[] = [];
    const r = await pool.evaluate(builtin('chik'), tiny, { onProgress: (p) => progress.push(p) });
    expect(r.status).toBe('done');
    const local = evaluate(builtin('chik'), tiny, silentContext(() => performance.now()));
    if (r.status !== 'done' || local.status !== 'done') return;
    expect(r.rChi).toBe(local.rChi);
    expect(r.rdf.g.OO).toEqual(local.rdf.g.OO); // typed arrays survive the structured clone
    expect(r.final.pos).toBeInstanceOf(Float64Array);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.totalSteps === 100 + 100 && p.step > 0 && p.step <= p.totalSteps && Number.isFinite(p.etaS))).toBe(true);
    expect(pool.status()).toMatchObject({ size: 2, busy: 0, queued: 0, crashes: 0 });
  });

  it('returns a blow-up as a failed result and goes on with the next request', async () => {
    const [blown, fine] = await Promise.all([pool.evaluate(collapsingForceField(), tiny), pool.evaluate(builtin('bks'), tiny)]);
    expect(blown.status).toBe('failed');
    if (blown.status === 'failed') expect(blown.reason).toMatch(/^MD blew up at step \d+/);
    expect(fine.status).toBe('done');
    expect(pool.status().crashes).toBe(0);
  });

  it('cancels a running evaluation promptly, and a queued one without running it', async () => {
    const running = new AbortController();
    const watch = untilProgress('relax');
    const a = pool.evaluate(builtin('chik'), long, { signal: running.signal, onProgress: watch.onProgress });
    const other = new AbortController();
    const b = pool.evaluate(builtin('chik'), long, { signal: other.signal });
    const queued = new AbortController();
    const c = pool.evaluate(builtin('chik'), long, { signal: queued.signal });
    expect(pool.status()).toMatchObject({ busy: 2, queued: 1 });

    queued.abort();
    expect(await c).toMatchObject({ status: 'failed', failure: { kind: 'cancelled', step: 0 } });

    await watch.reached;
    const t = performance.now();
    running.abort();
    const ra = await a;
    // The engine polls the control word every 100 steps (well under a second at 648 atoms, unloaded).
    expect(performance.now() - t).toBeLessThan(5000);
    expect(ra.status).toBe('failed');
    if (ra.status === 'failed') {
      expect(ra.failure.kind).toBe('cancelled');
      expect(ra.failure.step).toBeGreaterThan(0);
    }
    other.abort();
    expect((await b).status).toBe('failed');

    const pre = new AbortController();
    pre.abort();
    expect(await pool.evaluate(builtin('chik'), long, { signal: pre.signal })).toMatchObject({ status: 'failed', failure: { kind: 'cancelled' } });
  });

  it('rejects a programmer error thrown in the worker with its message, and the worker stays', async () => {
    const before = pool.status().workers;
    const bad = smallSpec({ production: 0.005 });
    await expect(pool.evaluate(builtin('chik'), bad)).rejects.toThrow(WorkerError);
    await expect(pool.evaluate(builtin('chik'), bad)).rejects.toThrow(/evaluation spec: production of 0.005 ps/);
    expect(pool.status()).toMatchObject({ workers: before, crashes: 0 });
  });
});

describe('worker pool: crashes and closing', () => {
  const crashing = fileURLToPath(new URL('./crashing-worker.mjs', import.meta.url));

  it('rejects the request of a crashed worker with a clear error and replaces the worker', async () => {
    const p = createPool({ entry: crashing, size: 1 });
    try {
      const crash = p.evaluate(builtin('chik'), { ...tiny, seed: 4242 });
      const next = p.evaluate(builtin('chik'), tiny); // queued behind the crash, on the only worker
      await expect(crash).rejects.toThrow(WorkerCrashError);
      await expect(crash).rejects.toThrow(/^worker 1 crashed while running request 1 \(evaluate\): exited with code 17$/);
      const r: EvaluationResult = await next;
      expect(r.status).toBe('done');
      expect(p.status()).toMatchObject({ workers: 1, crashes: 1 });
    } finally {
      await p.close();
    }
  });

  it('close() rejects pending requests, terminates the workers and refuses new ones', async () => {
    const p = createPool({ entry: nodeWorkerEntry(), size: 1 });
    // Expectations attached before close(), so the rejections are handled when they happen.
    const pending = expect(p.evaluate(builtin('chik'), long)).rejects.toThrow(/worker pool was closed before request 1 \(evaluate\) finished/);
    const queued = expect(p.evaluate(builtin('chik'), long)).rejects.toThrow(/closed before request 2/);
    await p.close();
    await pending;
    await queued;
    await expect(p.evaluate(builtin('chik'), tiny)).rejects.toThrow(/the worker pool is closed/);
    expect(p.status()).toMatchObject({ workers: 0, busy: 0, queued: 0 });
  });
});

describe('cores shared among running evaluations (shareCores)', () => {
  it('gives a lone evaluation every core and two half each, mid-run, with results independent of the share', async () => {
    const shared = createPool({ entry: nodeWorkerEntry(), size: 2, threadsPerEvaluation: 2, shareCores: 2, reportIntervalMs: 50 });
    try {
      // Long enough beside the short second run that its last part runs alone, even on a loaded machine.
      const spec = smallSpec({ relax: 0.3, production: 0.8 }, { softStart: { ...QUICK_START, steps: 100 } });
      // Alone: all the team's threads.
      const seen: number[][] = [];
      const alone = await shared.evaluate(builtin('bks'), spec, { onProgress: () => seen.push([...shared.status().threads]) });
      expect(seen.some((t) => t.length === 1 && t[0] === 2)).toBe(true);
      // Two at once: one thread each while both run; the one left gets both cores when the other ends.
      const during: number[][] = [];
      const [again, other] = await Promise.all([
        shared.evaluate(builtin('bks'), spec, { onProgress: () => during.push([...shared.status().threads]) }),
        shared.evaluate(builtin('bks'), smallSpec({ relax: 0.05, production: 0.05 }, { softStart: { ...QUICK_START, steps: 100 } })),
      ]);
      expect(other.status).toBe('done');
      expect(during.some((t) => t.length === 2 && t[0] === 1 && t[1] === 1)).toBe(true);
      expect(during.some((t) => t.length === 1 && t[0] === 2)).toBe(true);
      // Its share changed mid-run; its result did not: bit for bit the lone run's.
      expect(alone.status).toBe('done');
      if (alone.status !== 'done' || again.status !== 'done') throw new Error('expected done runs');
      expect(again.rChi).toBe(alone.rChi);
      expect(again.final.pos).toEqual(alone.final.pos);
      expect(shared.status().threads).toEqual([]);
    } finally {
      await shared.close();
    }
  });
});
