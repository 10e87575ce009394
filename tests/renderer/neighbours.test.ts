// The 3D viewer's neighbour list, coordination and bond angles (src-renderer/src/viewer3d/neighbours.ts)
// against an all-pairs minimum-image search, and on a configuration whose geometry is known by construction:
// an ideal SiO4 tetrahedron (O–Si–O 109.47°) and a straight Si–O–Si bridge across the periodic boundary.
import { describe, expect, it } from 'vitest';
import { coordination, coordinationFractions, neighbourList, neighbourhood } from '../../src-renderer/src/viewer3d/neighbours.ts';
import type { ViewerFrame } from '../../src-renderer/src/viewer3d/frame.ts';

function randomFrame(n: number, l: number, seed: number): ViewerFrame {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const type = new Int32Array(n);
  const pos = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    type[i] = i % 3 === 0 ? 0 : 1;
    for (let k = 0; k < 3; k++) pos[3 * i + k] = (rnd() * 1.2 - 0.1) * l;
  }
  return { box: { lx: l, ly: l, lz: l }, species: ['Si', 'O'], type, pos };
}

describe('viewer neighbours', () => {
  it('lists exactly the Si–O pairs an all-pairs minimum-image search finds, boundary-crossing ones included', () => {
    for (const [n, l, cut] of [
      [300, 14, 2.3],
      [120, 6.5, 2.3], // fewer than 3 cells per axis
    ] as const) {
      const f = randomFrame(n, l, n);
      const list = neighbourList(f, { SiO: cut });
      const z = coordination(list);
      for (let i = 0; i < n; i++) {
        const want: number[] = [];
        for (let j = 0; j < n; j++) {
          if (j === i || f.type[i] === f.type[j]) continue;
          let r2 = 0;
          for (let k = 0; k < 3; k++) {
            let d = f.pos[3 * j + k] - f.pos[3 * i + k];
            d -= l * Math.round(d / l);
            r2 += d * d;
          }
          if (r2 <= cut * cut) want.push(j);
        }
        const got = Array.from(list.index.subarray(list.offset[i], list.offset[i + 1])).sort((a, b) => a - b);
        expect(got).toEqual(want);
        expect(z[i]).toBe(want.length);
      }
      const fr = coordinationFractions(f, z, 0);
      expect(fr.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    }
  });

  it('an ideal tetrahedron: 4-fold Si, four 1.6 Å bonds, six 109.47° angles; a bridge across the boundary is 180°', () => {
    const L = 20;
    const b = 1.6 / Math.sqrt(3);
    const si = [10, 10, 10];
    const corners = [
      [1, 1, 1],
      [1, -1, -1],
      [-1, 1, -1],
      [-1, -1, 1],
    ];
    // Atom 5 (Si) sits across the x boundary from O atom 6, which bridges it to Si atom 7 in a straight line.
    const pos = [...si, ...corners.flatMap((c) => c.map((v, k) => si[k] + b * v)), 0.5, 3, 3, 19.3, 3, 3, 18.1, 3, 3];
    const f: ViewerFrame = { box: { lx: L, ly: L, lz: L }, species: ['Si', 'O'], type: Int32Array.from([0, 1, 1, 1, 1, 0, 1, 0]), pos: Float64Array.from(pos) };
    const list = neighbourList(f, { SiO: 2.3 });
    const z = coordination(list);
    expect(Array.from(z)).toEqual([4, 1, 1, 1, 1, 1, 2, 1]);
    const t = neighbourhood(f, list, 0);
    expect(t.neighbours.map((x) => x.atom).sort()).toEqual([1, 2, 3, 4]);
    for (const x of t.neighbours) expect(x.distance).toBeCloseTo(1.6, 12);
    expect(t.angles).toHaveLength(6);
    for (const a of t.angles) expect(a.degrees).toBeCloseTo((Math.acos(-1 / 3) * 180) / Math.PI, 9);
    const bridge = neighbourhood(f, list, 6);
    expect(bridge.neighbours.map((x) => x.atom).sort()).toEqual([5, 7]);
    expect(bridge.neighbours.map((x) => x.distance)).toEqual([expect.closeTo(1.2, 12), expect.closeTo(1.2, 12)]);
    expect(bridge.angles[0].degrees).toBeCloseTo(180, 9);
  });
});
