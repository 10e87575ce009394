// The 3D viewer's bond finder (src-renderer/src/viewer3d/bonds.ts): the cell-grid search finds exactly the
// pairs an all-pairs minimum-image search finds, minus those that cross the periodic boundary.
import { describe, expect, it } from 'vitest';
import { findBonds } from '../../src-renderer/src/viewer3d/bonds.ts';
import type { ViewerFrame } from '../../src-renderer/src/viewer3d/frame.ts';

function frame(n: number, l: number, seed: number): ViewerFrame {
  // A small LCG: the test needs varied, reproducible positions, not statistical quality.
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const type = new Int32Array(n);
  const pos = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    type[i] = i % 3 === 0 ? 0 : 1;
    // Some coordinates outside [0, L): the viewer wraps them.
    for (let k = 0; k < 3; k++) pos[3 * i + k] = (rnd() * 1.2 - 0.1) * l;
  }
  return { box: { lx: l, ly: l, lz: l }, species: ['Si', 'O'], type, pos };
}

/** All pairs, O(n²): Si–O within the cut-off by minimum image, not crossing the boundary; as sorted "i-j" keys. */
function bruteForce(f: ViewerFrame, cut: number): string[] {
  const { lx } = f.box;
  const w = (x: number) => x - Math.floor(x / lx) * lx;
  const out: string[] = [];
  const n = f.type.length;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (f.type[i] === f.type[j]) continue;
      let r2 = 0;
      let crosses = false;
      for (let k = 0; k < 3; k++) {
        let d = w(f.pos[3 * j + k]) - w(f.pos[3 * i + k]);
        if (Math.abs(d) > lx / 2) crosses = true;
        d -= lx * Math.round(d / lx);
        r2 += d * d;
      }
      if (r2 <= cut * cut && !crosses) out.push(`${i}-${j}`);
    }
  return out.sort();
}

/** Map the segments back to atom pairs through their (wrapped) end points. */
function pairsOf(f: ViewerFrame, segs: Float32Array): string[] {
  const { lx } = f.box;
  const w = (x: number) => Math.fround(x - Math.floor(x / lx) * lx);
  const key = (x: number, y: number, z: number) => `${x},${y},${z}`;
  const index = new Map<string, number>();
  for (let i = 0; i < f.type.length; i++) index.set(key(w(f.pos[3 * i]), w(f.pos[3 * i + 1]), w(f.pos[3 * i + 2])), i);
  const out: string[] = [];
  for (let s = 0; s < segs.length; s += 6) {
    const a = index.get(key(segs[s], segs[s + 1], segs[s + 2]))!;
    const b = index.get(key(segs[s + 3], segs[s + 4], segs[s + 5]))!;
    out.push(`${Math.min(a, b)}-${Math.max(a, b)}`);
  }
  return out.sort();
}

describe('findBonds', () => {
  it('matches the all-pairs search on random configurations, small and large boxes', () => {
    for (const [n, l, seed] of [
      [60, 6, 1],
      [300, 12, 2],
      [900, 21.4, 3],
    ] as const) {
      const f = frame(n, l, seed);
      const expected = bruteForce(f, 2.3);
      expect(expected.length).toBeGreaterThan(0);
      expect(pairsOf(f, findBonds(f, { SiO: 2.3 }))).toEqual(expected);
    }
  });

  it('skips a bond across the periodic boundary and draws the same bond inside the box', () => {
    const across: ViewerFrame = { box: { lx: 10, ly: 10, lz: 10 }, species: ['Si', 'O'], type: [0, 1], pos: [0.2, 5, 5, 9.5, 5, 5] };
    expect(findBonds(across, { SiO: 2.3 }).length).toBe(0);
    const inside: ViewerFrame = { ...across, pos: [4.2, 5, 5, 5.5, 5, 5] };
    expect(Array.from(findBonds(inside, { SiO: 2.3 }))).toEqual([4.2, 5, 5, 5.5, 5, 5].map(Math.fround));
  });

  it('draws only the pairs it is given a cut-off for', () => {
    const f: ViewerFrame = { box: { lx: 10, ly: 10, lz: 10 }, species: ['Si', 'O'], type: [1, 1, 0], pos: [5, 5, 5, 6, 5, 5, 5, 6, 5] };
    expect(findBonds(f, { SiO: 2.3 }).length / 6).toBe(2); // two Si–O, the O–O pair is not a bond
    expect(findBonds(f, {}).length).toBe(0);
  });
});
