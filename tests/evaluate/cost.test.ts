import { describe, expect, it } from 'vitest';
import { DEFAULT_COST_RANGE, rChi, rChiResiduals, type GofR } from '../../src-worker/evaluate/cost.ts';
import { importReference } from '../../src-worker/evaluate/reference.ts';
import { fixtureJson, fixtureText } from '../analysis/fixtures.ts';

const series = (r: number[], g: Record<string, number[]>): GofR => ({
  r: Float64Array.from(r),
  pairs: Object.keys(g),
  g: Object.fromEntries(Object.entries(g).map(([k, v]) => [k, Float64Array.from(v)])),
});

describe('χ² and R_χ (paper Eqs. 2–3)', () => {
  const ref = series([0.5, 1.5, 2.5], { SiSi: [1, 2, 1], SiO: [0, 4, 0], OO: [1, 1, 1] });
  const model = series([0.5, 1.5, 2.5], { SiSi: [1, 1, 1], SiO: [0, 2, 0], OO: [1, 1, 1] });

  it('matches a hand computation', () => {
    const c = rChi(ref, model);
    // SiSi: (0 + 1 + 0)/(1 + 4 + 1) = 1/6; SiO: 4/16; OO: 0.
    expect(c.chi2.SiSi).toBeCloseTo(1 / 6, 15);
    expect(c.chi2.SiO).toBeCloseTo(0.25, 15);
    expect(c.chi2.OO).toBe(0);
    expect(c.chi.SiO).toBeCloseTo(0.5, 15);
    expect(c.rChi).toBeCloseTo(Math.sqrt((1 / 6 + 0.25) / 3), 15);
    expect(c.points).toBe(3);
    expect(c.range).toEqual(DEFAULT_COST_RANGE);
  });

  it('sums only grid points inside [rMin, rMax], ends included', () => {
    const c = rChi(ref, model, { rMin: 1.5, rMax: 2.5 });
    expect(c.points).toBe(2);
    expect(c.chi2.SiSi).toBeCloseTo(1 / 5, 15);
  });

  it('reads a model on another grid by linear interpolation', () => {
    const fine = series([0, 1, 2, 3], { SiSi: [1, 1, 1, 1], SiO: [0, 0, 4, 0], OO: [1, 1, 1, 1] });
    // SiO model at 0.5, 1.5, 2.5 = 0, 2, 2 → (0 + 4 + 4)/16.
    expect(rChi(ref, fine).chi2.SiO).toBeCloseTo(0.5, 15);
  });

  it('as a residual vector: pair by pair in the reference order, its squared norm R_χ² (what the least-squares refinement models)', () => {
    const v = rChiResiduals(ref, model);
    // SiSi: (0, 1, 0)/sqrt(3·6); SiO: (0, 2, 0)/sqrt(3·16); OO: 0.
    expect(Array.from(v)).toEqual(Array.from(Float32Array.from([0, 1 / Math.sqrt(18), 0, 0, 2 / Math.sqrt(48), 0, 0, 0, 0])));
    const fine = series([0, 1, 2, 3], { SiSi: [1, 1, 1, 1], SiO: [0, 0, 4, 0], OO: [1, 1, 1, 1] });
    const r = rChiResiduals(ref, fine, { rMin: 1, rMax: 3 });
    expect(r).toHaveLength(6);
    expect(Math.sqrt(r.reduce((a, x) => a + x * x, 0))).toBeCloseTo(rChi(ref, fine, { rMin: 1, rMax: 3 }).rChi, 6);
    expect(() => rChiResiduals(ref, model, { rMin: 0, rMax: 0.9 })).toThrow(/SiO is zero everywhere/);
  });

  it('refuses a model without the pair or without the range, and an all-zero reference', () => {
    expect(() => rChi(ref, series([0.5, 1.5, 2.5], { SiSi: [1, 1, 1], OO: [1, 1, 1] }))).toThrow(/no SiO pair/);
    expect(() => rChi(ref, series([1, 2], { SiSi: [1, 1], SiO: [1, 1], OO: [1, 1] }))).toThrow(/does not cover/);
    expect(() => rChi(ref, model, { rMin: 0, rMax: 0.9 })).toThrow(/SiO is zero everywhere/);
    expect(() => rChi(ref, model, { rMin: 3, rMax: 4 })).toThrow(/no r-grid point/);
  });
});

describe('R_χ between the LAMMPS runs (structure/rchi_matrix.json)', () => {
  const matrix = fixtureJson<Record<string, number | string>>('structure/rchi_matrix.json');
  const runs = ['BKS_s1', 'CHIK_s1', 'ML_s1', 'ML_s2', 'ML_s3'];
  const refs = Object.fromEntries(runs.map((t) => [t, importReference(fixtureText(`structure/gr_${t}.csv`), `gr_${t}.csv`)]));

  it.each(Object.keys(matrix).filter((k) => !k.startsWith('_')))('%s (model|reference)', (key) => {
    const [model, reference] = key.split('|');
    const c = rChi(refs[reference], refs[model]);
    expect(c.points).toBe(400); // the full 0–8 Å grid: the default range is the fixture's convention
    const expected = matrix[key] as number;
    expect(Math.abs(100 * c.rChi - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, expected));
  });

  it('gives the README figures: BKS 7.51 %, ML 7.56 % against CHIK_s1; seeds of ML 0.46–0.52 % apart', () => {
    expect((100 * rChi(refs.CHIK_s1, refs.BKS_s1).rChi).toFixed(2)).toBe('7.51');
    expect((100 * rChi(refs.CHIK_s1, refs.ML_s1).rChi).toFixed(2)).toBe('7.56');
    const seeds = [rChi(refs.ML_s1, refs.ML_s2), rChi(refs.ML_s1, refs.ML_s3), rChi(refs.ML_s2, refs.ML_s3)].map((c) => 100 * c.rChi);
    for (const s of seeds) {
      expect(s).toBeGreaterThan(0.45);
      expect(s).toBeLessThan(0.53);
    }
  });
});
