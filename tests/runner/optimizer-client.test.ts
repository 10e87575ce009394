/**
 * The optimizer in its worker thread ('propose' and 'surrogate' requests through the pool): the same answers as
 * the pure functions in-process, on a history of the two-basin test landscape (with failures), and the main
 * thread stays free while the worker fits its GP.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createOptimizerClient } from '../../src-main/runner/optimizer-client.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { proposeNext, surrogateView } from '../../src-worker/campaign/optimizer-service.ts';
import { parseOptimizerSettings, type Observation, type Proposal } from '../../src-worker/optimize/strategy.ts';
import { propose } from '../../src-worker/optimize/optimizer.ts';
import { TWO_BASIN_2D, evaluateNoisy } from '../../src-worker/optimize/testfunctions.ts';
import { createRng } from '../../src-worker/rng.ts';

const client = createOptimizerClient(nodeWorkerEntry());
afterAll(() => client.close());

/** 24 BO steps on the two-basin function (its failure corner gives y = null), proposed in-process. */
function history(): { settings: ReturnType<typeof parseOptimizerSettings>; history: Observation[] } {
  const settings = parseOptimizerSettings({ strategy: 'bo', dim: 2, budget: 40 });
  const rng = createRng(3);
  const h: Observation[] = [];
  while (h.length < 24) {
    for (const p of propose(settings, h, [], 2, 9)) h.push({ ...p, u: Array.from(p.u), y: evaluateNoisy(TWO_BASIN_2D, p.u, rng) });
  }
  return { settings, history: h };
}

describe('optimizer worker', () => {
  const { settings, history: h } = history();
  const pending: Proposal[] = [{ u: [0.3, 0.6], phase: 'bo' }];

  it('answers propose exactly as the optimizer does in-process', async () => {
    expect(h.some((o) => o.y === null)).toBe(true);
    const args = { settings, history: h, pending, q: 2, seed: 9 };
    const remote = await client.propose(args);
    const local = proposeNext(args);
    expect(remote.stop).toEqual(local.stop);
    expect(remote.proposals.map((p) => [Array.from(p.u), p.phase, p.meta])).toEqual(local.proposals.map((p) => [Array.from(p.u), p.phase, p.meta]));
    expect(remote.proposals).toHaveLength(2);
  });

  it('answers surrogate slices and maps exactly as in-process, and keeps the main thread free meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const t0 = performance.now();
    const remote = await client.surrogate({ settings, history: h, seed: 9, view: { kind: 'map', dx: 0, dy: 1, n: 41 } });
    const wallMs = performance.now() - t0;
    clearInterval(timer);
    const local = surrogateView({ settings, history: h, seed: 9, view: { kind: 'map', dx: 0, dy: 1, n: 41 } });
    expect(remote).not.toBeNull();
    expect(remote).toEqual(local);
    // The event loop kept ticking while the worker computed (at least a quarter of the 5 ms ticks came).
    if (wallMs > 100) expect(ticks).toBeGreaterThan(wallMs / 20);
    const slice = await client.surrogate({ settings, history: h, seed: 9, view: { kind: 'slice', dim: 1, points: 11 } });
    expect(slice).toEqual(surrogateView({ settings, history: h, seed: 9, view: { kind: 'slice', dim: 1, points: 11 } }));
    expect(await client.surrogate({ settings, history: h.slice(0, 1), seed: 9, view: { kind: 'slice', dim: 0, points: 11 } })).toBeNull();
  });
});
