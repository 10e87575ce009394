/**
 * Physics invariants of the kernels and the ghost-atom neighbour list on small random silica boxes: fast
 * kernel = all-images O(N²) twin (also where a pair has several periodic images within the cut-off), F = −dE/dr
 * by central differences, Σ F = 0, translation invariance, half-skin rebuilds, the smallest box, and the
 * error for a box too small for the cut-off.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { buckDsf } from '../../src-worker/md/buck-dsf.ts';
import { buckDsfReference, buckDsfReferenceExactErfc } from '../../src-worker/md/buck-dsf-reference.ts';
import { buckDsfTable } from '../../src-worker/md/buck-dsf-table.ts';
import { boxProblem, createNeighborList } from '../../src-worker/md/neighbor.ts';
import { boxForDensity, randomInsertion, silicaCounts } from '../../src-worker/md/start.ts';
import { copySystem, type System } from '../../src-worker/md/system.ts';
import { createMdState } from '../../src-worker/md/run.ts';
import type { Potential } from '../../src-worker/md/potential.ts';
import { maxForceDiff, rmsForce } from './fixtures.ts';

const ff = builtinForceField('BKS');

function silicaBox(atoms: number, seed: number): System {
  const counts = silicaCounts(atoms);
  return randomInsertion(SILICA, counts, boxForDensity(SILICA, counts, 2.2), createRng(seed));
}

function energyAndForces(pot: Potential, sys: System): { e: number; f: Float64Array } {
  const t = pot.prepare(SILICA, ff);
  const nl = createNeighborList(sys.n, t.maxCutoff, 2.0, 0);
  const e = pot.compute(sys, nl, t);
  return { e, f: sys.force.slice() };
}

describe('kernels on small periodic boxes', () => {
  // 120 atoms: a 15.3 Å box, below 2 × 8 Å, so some pairs interact through two periodic images.
  const small = silicaBox(120, 7);

  it('the 120-atom box is smaller than twice the cut-off but larger than cut-off + skin', () => {
    expect(small.box.lx).toBeLessThan(16);
    expect(boxProblem(small.box, 8, 2)).toBeNull();
  });

  it('exact kernel = all-images twin, to round-off, and Σ F = 0', () => {
    const fast = energyAndForces(buckDsf, small);
    const ref = energyAndForces(buckDsfReference, small);
    expect(Math.abs(fast.e - ref.e)).toBeLessThan(1e-11 * Math.abs(ref.e));
    expect(maxForceDiff(fast.f, ref.f)).toBeLessThan(1e-11 * rmsForce(ref.f));
    for (let d = 0; d < 3; d++) {
      let s = 0;
      for (let i = d; i < fast.f.length; i += 3) s += fast.f[i];
      expect(Math.abs(s)).toBeLessThan(1e-10 * rmsForce(ref.f) * small.n);
    }
  });

  it('table kernel = exact-erfc twin within the table tolerance, Σ F = 0', () => {
    const tab = energyAndForces(buckDsfTable, small);
    const ref = energyAndForces(buckDsfReferenceExactErfc, small);
    expect(Math.abs(tab.e - ref.e)).toBeLessThan(1e-9 * Math.abs(ref.e));
    expect(maxForceDiff(tab.f, ref.f)).toBeLessThan(1e-6 * rmsForce(ref.f));
    let s = 0;
    for (let i = 0; i < tab.f.length; i += 3) s += tab.f[i];
    expect(Math.abs(s)).toBeLessThan(1e-9 * rmsForce(ref.f) * small.n);
  });

  it('is invariant under a rigid translation across the periodic boundaries', () => {
    const moved = copySystem(small);
    for (let i = 0; i < moved.n; i++) {
      moved.pos[3 * i] = (moved.pos[3 * i] + 7.3) % moved.box.lx;
      moved.pos[3 * i + 1] = (moved.pos[3 * i + 1] + 11.1) % moved.box.ly;
      moved.pos[3 * i + 2] = (moved.pos[3 * i + 2] + 3.9) % moved.box.lz;
    }
    const a = energyAndForces(buckDsf, small);
    const b = energyAndForces(buckDsf, moved);
    expect(Math.abs(a.e - b.e)).toBeLessThan(1e-11 * Math.abs(a.e));
    expect(maxForceDiff(a.f, b.f)).toBeLessThan(1e-10 * rmsForce(a.f));
  });

  // F = −dE/dx by central differences, h = 1e-5 Å, on 12 atom-components.
  const fdCases: [string, Potential, number][] = [
    ['the exact-erfc twin (exactly conservative)', buckDsfReferenceExactErfc, 1e-7],
    ['the table kernel (forces derived from the tabulated energy)', buckDsfTable, 1e-7],
    // LAMMPS's pair loop pairs a polynomial erfc in E with the exact derivative form in F: ~1e-6 apart.
    ['the exact kernel (LAMMPS numerics)', buckDsf, 2e-5],
  ];
  for (const [label, pot, tol] of fdCases) {
    it(`F = −dE/dr by central differences for ${label}`, () => {
      const sys = copySystem(small);
      const t = pot.prepare(SILICA, ff);
      const nl = createNeighborList(sys.n, t.maxCutoff, 2.0, 0);
      pot.compute(sys, nl, t);
      const f0 = sys.force.slice();
      const rng = createRng(11);
      const h = 1e-5;
      for (let c = 0; c < 12; c++) {
        const k = Math.floor(uniform(rng) * 3 * sys.n);
        const x0 = sys.pos[k];
        sys.pos[k] = x0 + h;
        const ep = pot.compute(sys, nl, t);
        sys.pos[k] = x0 - h;
        const em = pot.compute(sys, nl, t);
        sys.pos[k] = x0;
        const fd = -(ep - em) / (2 * h);
        expect(Math.abs(fd - f0[k]), `component ${k}: FD ${fd} vs F ${f0[k]}`).toBeLessThan(tol * (1 + Math.abs(f0[k])) + 2e-6);
      }
    });
  }

  it('follows atoms across the boundary and rebuilds after a half-skin move, staying equal to the twin', () => {
    const sys = copySystem(small);
    const t = buckDsf.prepare(SILICA, ff);
    const nl = createNeighborList(sys.n, t.maxCutoff, 2.0, 0);
    buckDsf.compute(sys, nl, t);
    expect(nl.builds).toBe(1);
    const rng = createRng(3);
    const tRef = buckDsfReference.prepare(SILICA, ff);
    // Small moves (< skin/2 = 1 Å): no rebuild; then one atom moves 1.2 Å: rebuild.
    for (const [step, amp] of [
      [0, 0.3],
      [1, 0.3],
      [2, 1.2],
    ] as const) {
      for (let i = 0; i < sys.n; i++) {
        for (let d = 0; d < 3; d++) {
          const l = [sys.box.lx, sys.box.ly, sys.box.lz][d];
          const move = step === 2 ? (i === 5 && d === 0 ? amp : 0) : (amp * (2 * uniform(rng) - 1)) / Math.sqrt(3);
          let x = sys.pos[3 * i + d] + move;
          x -= l * Math.floor(x / l); // keep the System invariant: wrapped into [0, L)
          sys.pos[3 * i + d] = x;
        }
      }
      const e = buckDsf.compute(sys, nl, t);
      const f = sys.force.slice();
      expect(nl.builds).toBe(step === 2 ? 2 : 1);
      const eRef = buckDsfReference.compute(sys, nl, tRef);
      expect(Math.abs(e - eRef)).toBeLessThan(1e-11 * Math.abs(eRef));
      expect(maxForceDiff(f, sys.force)).toBeLessThan(1e-10 * rmsForce(f));
    }
  });

  it('works in the smallest box the paper protocol allows (648 atoms, 21.4 Å)', () => {
    const sys = silicaBox(648, 5);
    expect(sys.box.lx).toBeCloseTo(21.3967, 3);
    const fast = energyAndForces(buckDsf, sys);
    const ref = energyAndForces(buckDsfReference, sys);
    expect(Math.abs(fast.e - ref.e)).toBeLessThan(1e-11 * Math.abs(ref.e));
    expect(maxForceDiff(fast.f, ref.f)).toBeLessThan(1e-11 * rmsForce(ref.f));
  });

  it('refuses a box too small for cut-off + skin with a message that says so', () => {
    const sys = silicaBox(48, 1); // ~7.5 Å
    const t = buckDsf.prepare(SILICA, ff);
    expect(() => createMdState(sys, buckDsf, t, 2.0)).toThrow(/too small for the cut-off 8 Å \+ skin 2 Å/);
    expect(() => buckDsf.compute(sys, createNeighborList(sys.n, 8, 2), t)).toThrow(/too small/);
  });
});
