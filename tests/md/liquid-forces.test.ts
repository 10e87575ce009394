/**
 * The three 3000-atom LAMMPS liquids (BKS, CHIK, ML at 3600 K; fixtures/lammps/configs): per-atom forces and
 * potential energy of every kernel against LAMMPS, the fast kernels against their O(N²) twin.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { buckDsf, energyParts } from '../../src-worker/md/buck-dsf.ts';
import { buckDsfReference, buckDsfReferenceExactErfc } from '../../src-worker/md/buck-dsf-reference.ts';
import { buckDsfTable } from '../../src-worker/md/buck-dsf-table.ts';
import { createNeighborList, neighborsPerAtom } from '../../src-worker/md/neighbor.ts';
import { LIQUIDS, loadLiquid, maxForceDiff, rmsForce } from './fixtures.ts';

describe.each(LIQUIDS)('%s liquid (3000 atoms) against LAMMPS', (name) => {
  const liq = loadLiquid(name);
  const { sys, frame, lammps } = liq;
  const lammpsF = frame.forces as Float64Array;
  const rms = rmsForce(lammpsF);
  const nl = createNeighborList(sys.n, 8, 2.0);
  const tExact = buckDsf.prepare(SILICA, liq.ff);
  const peExact = buckDsf.compute(sys, nl, tExact);
  const fExact = sys.force.slice();
  const parts = { ...energyParts(nl) };

  it('exact kernel: max |ΔF| ≤ 1e-6 × RMS force, PE to 1e-8 (self energy included)', () => {
    expect(frame.energy).toBe(lammps.pe);
    expect(maxForceDiff(fExact, lammpsF)).toBeLessThanOrEqual(1e-6 * rms);
    expect(Math.abs(peExact - lammps.pe)).toBeLessThanOrEqual(1e-8 * Math.abs(lammps.pe));
    expect(Math.abs(parts.coul + parts.self - lammps.ecoul)).toBeLessThanOrEqual(1e-8 * Math.abs(lammps.ecoul));
    expect(Math.abs(parts.short - lammps.eshort)).toBeLessThanOrEqual(1e-8 * Math.abs(lammps.pe));
    // LAMMPS's own figure for this system: 138.4 neighbours per atom with a 2 Å skin.
    expect(neighborsPerAtom(nl)).toBeGreaterThan(137);
    expect(neighborsPerAtom(nl)).toBeLessThan(140);
  });

  it('exact kernel = O(N²) twin with the same erfc, to round-off; Σ F = 0', () => {
    const tRef = buckDsfReference.prepare(SILICA, liq.ff);
    const peRef = buckDsfReference.compute(sys, nl, tRef);
    expect(maxForceDiff(sys.force, fExact)).toBeLessThanOrEqual(1e-12 * rms);
    expect(Math.abs(peRef - peExact)).toBeLessThanOrEqual(1e-12 * Math.abs(peExact));
    for (let d = 0; d < 3; d++) {
      let s = 0;
      for (let i = d; i < fExact.length; i += 3) s += fExact[i];
      expect(Math.abs(s)).toBeLessThan(1e-9 * rms * sys.n);
    }
  });

  it('table kernel: within 5e-7 × RMS of the exact-erfc twin it tabulates, within 1e-6 × RMS of LAMMPS', () => {
    const tTab = buckDsfTable.prepare(SILICA, liq.ff);
    const peTab = buckDsfTable.compute(sys, nl, tTab);
    const fTab = sys.force.slice();
    const tX = buckDsfReferenceExactErfc.prepare(SILICA, liq.ff);
    const peX = buckDsfReferenceExactErfc.compute(sys, nl, tX);
    expect(maxForceDiff(fTab, sys.force)).toBeLessThanOrEqual(5e-7 * rms);
    expect(Math.abs(peTab - peX)).toBeLessThanOrEqual(1e-10 * Math.abs(peX));
    expect(maxForceDiff(fTab, lammpsF)).toBeLessThanOrEqual(1e-6 * rms);
    // The exact-erfc DSF sits ~5e-8 below LAMMPS's polynomial-erfc energy (the README's 2e-7 RMS force).
    expect(Math.abs(peTab - lammps.pe)).toBeLessThanOrEqual(2e-7 * Math.abs(lammps.pe));
    expect(maxForceDiff(sys.force, lammpsF)).toBeLessThanOrEqual(1e-5);
  });
});
