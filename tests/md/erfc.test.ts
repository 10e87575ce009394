import { describe, expect, it } from 'vitest';
import { erf, erfc, erfcAS } from '../../src-worker/md/erfc.ts';
import { dsfShifts } from '../../src-worker/md/buck-dsf.ts';
import { expFast } from '../../src-worker/md/fastmath.ts';

// glibc's erfc (Python math.erfc) at these points: an outside oracle for Cody's approximation.
const GLIBC: [number, number][] = [
  [2.0, 0.004677734981047265],
  [0.5, 0.4795001221869535],
  [1.0, 0.15729920705028513],
  [3.0, 2.2090496998585438e-5],
  [5.0, 1.5374597944280351e-12],
  [0.1, 0.8875370839817152],
  [-1.0, 1.842700792949715],
  [10.0, 2.088487583762545e-45],
];

describe('erfc (Cody)', () => {
  it('matches glibc to a few ulp', () => {
    for (const [x, want] of GLIBC) expect(Math.abs(erfc(x) - want) / want).toBeLessThan(4e-16);
  });
  it('is consistent: erf + erfc = 1, odd/even symmetry, limits', () => {
    for (let x = -6; x <= 6; x += 0.173) {
      expect(erf(x) + erfc(x)).toBeCloseTo(1, 15);
      expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 15);
    }
    expect(erfc(0)).toBe(1);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
  });
  it('the Abramowitz–Stegun polynomial stays within its published 1.5e-7 of the exact erfc', () => {
    let worst = 0;
    for (let x = 0; x < 4; x += 0.001) worst = Math.max(worst, Math.abs(erfcAS(x) - erfc(x)));
    expect(worst).toBeLessThan(1.5e-7);
    expect(worst).toBeGreaterThan(1e-8); // it is an approximation, which is why LAMMPS's numbers need it
  });
  it('gives the coul/dsf shifts the fixtures README quotes for α = 0.25 Å⁻¹, rc = 8 Å', () => {
    const { eShift, fShift } = dsfShifts(0.25, 8);
    expect(fShift).toBeCloseTo(-7.1893290139424e-4, 17);
    expect(eShift).toBeCloseTo(6.33618008378483e-3, 16);
    const selfCoef = -(eShift / 2 + 0.25 / Math.sqrt(Math.PI));
    expect(selfCoef).toBeCloseTo(-0.144215485928831, 14);
  });
});

describe('expFast', () => {
  it('agrees with Math.exp to 2 ulp over the range the kernels use, and at the edges', () => {
    let worst = 0;
    for (let x = -80; x <= 10; x += 0.000731) worst = Math.max(worst, Math.abs(expFast(x) - Math.exp(x)) / Math.exp(x));
    expect(worst).toBeLessThan(4.5e-16);
    expect(expFast(0)).toBe(1);
    expect(expFast(-800)).toBe(0);
    expect(expFast(800)).toBe(Infinity);
    expect(expFast(NaN)).toBeNaN();
    expect(Math.abs(expFast(709) / Math.exp(709) - 1)).toBeLessThan(1e-15);
  });
});
