import { describe, expect, it } from 'vitest';
import { binCentres, binIndex, binInverseWidth, binsOfWidth } from '../../src-worker/analysis/histogram.ts';

describe('the LAMMPS bin convention', () => {
  it('derives n bins from a width and reports centres (i + ½)·width', () => {
    const b = binsOfWidth(0, 8, 0.02);
    expect(b.n).toBe(400);
    const c = binCentres(b);
    expect(c[0]).toBeCloseTo(0.01, 15);
    expect(c[399]).toBeCloseTo(7.99, 13);
    expect(binInverseWidth(b)).toBe(1 / (8 / 400));
  });

  it('bins by floor(x/width), drops the upper edge, and rejects widths that do not divide the range', () => {
    const b = binsOfWidth(0, 180, 1);
    expect(binIndex(b, 0)).toBe(0);
    expect(binIndex(b, 109.47)).toBe(109);
    expect(binIndex(b, 179.999)).toBe(179);
    expect(binIndex(b, 180)).toBe(-1);
    expect(binIndex(b, -0.1)).toBe(-1);
    expect(() => binsOfWidth(0, 8, 0.03)).toThrow(/whole bins/);
    expect(() => binsOfWidth(0, 8, 0)).toThrow(/positive/);
  });
});
