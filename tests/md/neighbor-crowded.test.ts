/**
 * A crowded configuration (atoms piled into one small region, as a collapsing candidate leaves them) needs far
 * more neighbour-list entries than a liquid: the list grows to hold them, capped at every real–slot pair, and the
 * list it builds is the O(N²) truth.
 */
import { describe, expect, it } from 'vitest';
import { createRng, uniform } from '../../src-worker/rng.ts';
import { buildNeighborList, createNeighborList } from '../../src-worker/md/neighbor.ts';
import { createSystem } from '../../src-worker/md/system.ts';
import { SILICA } from '../../src-worker/species.ts';

describe('neighbour list on a crowded configuration', () => {
  it('grows past its liquid-sized capacity, never past every pair, and lists every pair within the cut-off', () => {
    const n = 400;
    const r = createRng(3);
    // All atoms inside a 2 Å cube: each has all others as neighbours (~n² / 2 entries against n × 160 reserved
    // for a liquid, whose atoms have ~140 within cut-off + skin).
    const pos = Float64Array.from({ length: 3 * n }, () => 10 + 2 * uniform(r));
    const sys = createSystem(SILICA, new Int32Array(n).map((_, a) => (a % 3 === 0 ? 0 : 1)), pos, { lx: 24, ly: 24, lz: 24 });
    const nl = createNeighborList(n, 8, 2, 0);
    const before = nl.idx.length;
    buildNeighborList(nl, sys);
    const entries = nl.offsets[n];
    expect(entries).toBe((n * (n - 1)) / 2); // every pair once (half list), no periodic image within 10 Å here
    expect(nl.idx.length).toBeGreaterThanOrEqual(entries);
    expect(nl.idx.length).toBeLessThanOrEqual(Math.max(before, n * (n + nl.nGhost)));
  });
});
