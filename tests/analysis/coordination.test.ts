import { describe, expect, it } from 'vitest';
import { readPoscar } from '../../src-worker/io/vasp.ts';
import { frameTypes } from '../../src-worker/io/trajectory.ts';
import { SILICA } from '../../src-worker/species.ts';
import { createBondList, findBonds } from '../../src-worker/analysis/bonds.ts';
import { accumulateCoordination, coordinationResult, createCoordinationAccumulator } from '../../src-worker/analysis/coordination.ts';
import { fixtureText } from './fixtures.ts';

describe('coordination numbers', () => {
  it('reproduces the Si coordination of the VASP CONTCAR stated in its SOURCE.md (r < 2.3 Å)', () => {
    // SOURCE.md: "Si coordination within 2.3 Å: 123/150 four-fold, 16 five-fold, 9 three-fold, 1 two-fold,
    // 1 six-fold" — counted by the data set's curator, independently of glassfit.
    const f = readPoscar(fixtureText('external/vasp-sio2-melt/CONTCAR'), 'CONTCAR');
    const bl = createBondList(SILICA, { SiO: 2.3 });
    findBonds(bl, frameTypes(f, SILICA), f.pos, f.box);
    const acc = createCoordinationAccumulator(SILICA, [{ centre: 'Si', neighbour: 'O' }]);
    accumulateCoordination(acc, bl);
    const [si] = coordinationResult(acc);
    expect(si.samples).toBe(150);
    expect(Array.from(si.fractions.slice(0, 7), (x) => Math.round(x * 150))).toEqual([0, 0, 1, 9, 123, 16, 1]);
  });

  it('averages over frames and clamps Z above the table to its last bin', () => {
    const box = { lx: 20, ly: 20, lz: 20 };
    const type = Int32Array.from([0, 1, 1, 1, 1]);
    const pos = Float64Array.from([10, 10, 10, 11.6, 10, 10, 8.4, 10, 10, 10, 11.6, 10, 10, 10, 5]);
    const bl = createBondList(SILICA, { SiO: 2.0 });
    const acc = createCoordinationAccumulator(SILICA);
    findBonds(bl, type, pos, box);
    accumulateCoordination(acc, bl);
    pos[14] = 8.4; // the fourth O comes within range
    findBonds(bl, type, pos, box);
    accumulateCoordination(acc, bl);
    const [si, o] = coordinationResult(acc);
    expect(si.frames).toBe(2);
    expect(si.fractions[3]).toBe(0.5);
    expect(si.fractions[4]).toBe(0.5);
    expect(si.mean).toBe(3.5);
    expect(o.samples).toBe(8);
    expect(o.fractions[0]).toBe(1 / 8);
    expect(o.fractions[1]).toBe(7 / 8);
  });
});
