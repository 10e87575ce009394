import { describe, expect, it } from 'vitest';
import { netCharge } from '../../src-worker/md/forcefield.ts';
import { BUILTIN_SETS, silicaForceField } from '../../src-worker/params/sets.ts';
import { customSpace, presetSpace, PRESET_NAMES, SILICA_BOUNDS, defaultDimension } from '../../src-worker/params/presets.ts';
import { allParamNames, fromUnit, parseSpace, toUnit, unitToValue, validateSpace, valueToUnit, type ParameterSpaceSpec } from '../../src-worker/params/space.ts';
import { SILICA_COMPOSITION } from '../../src-worker/species.ts';

const problemsOf = (s: ParameterSpaceSpec): string[] => validateSpace(s).map((p) => `${p.name}: ${p.problem}`);

describe('presets', () => {
  it('have the paper’s dimensions and validate', () => {
    const dims = Object.fromEntries(PRESET_NAMES.map((n) => [n, presetSpace(n).free.map((d) => d.name)]));
    expect(dims.ML).toEqual(['qSi', 'A_SiO', 'rho_SiO', 'C_SiO', 'A_OO', 'rho_OO', 'C_OO']);
    expect(dims['ML-SiO']).toEqual(['qSi', 'A_SiO', 'rho_SiO', 'C_SiO']);
    expect(dims['ML-ALL']).toHaveLength(10);
    expect(dims['BKS-2D']).toEqual(['qSi', 'A_SiO']);
    for (const n of PRESET_NAMES) expect(problemsOf(presetSpace(n))).toEqual([]);
  });

  it('switch pairs off the paper’s way and take fixed values from the base set', () => {
    const ml = presetSpace('ML');
    expect([ml.fixed.A_SiSi, ml.fixed.rho_SiSi, ml.fixed.C_SiSi]).toEqual([0, 1, 0]);
    const sio = presetSpace('ML-SiO');
    expect([sio.fixed.A_OO, sio.fixed.rho_OO, sio.fixed.C_OO]).toEqual([0, 1, 0]);
    const fig3 = presetSpace('BKS-2D');
    expect(fig3.fixed.rho_SiO).toBe(BUILTIN_SETS.BKS.SiO.rho);
    expect(fig3.fixed.C_OO).toBe(BUILTIN_SETS.BKS.OO.C);
    expect(presetSpace('BKS-2D', { base: 'CHIK' }).fixed.C_OO).toBe(BUILTIN_SETS.CHIK.OO.C);
  });

  it('default bounds contain every built-in set, A on a log scale', () => {
    for (const set of Object.values(BUILTIN_SETS)) {
      const ff = silicaForceField(set);
      for (const [name, b] of Object.entries(SILICA_BOUNDS)) {
        const [kind, pair] = name.startsWith('q') ? ['q', ''] : name.split('_');
        const v = kind === 'q' ? ff.charge.Si : ff.pair[pair][kind as 'A' | 'rho' | 'C'];
        if (kind !== 'q' && v === 0) continue; // a switched-off pair
        if (kind === 'rho' && v === 1 && ff.pair[pair].A === 0) continue;
        expect(v, `${set.name} ${name}`).toBeGreaterThanOrEqual(b.lower);
        expect(v, `${set.name} ${name}`).toBeLessThanOrEqual(b.upper);
      }
    }
    expect(defaultDimension('A_SiO').scale).toBe('log');
    expect(defaultDimension('rho_OO').scale).toBe('linear');
  });
});

describe('unit cube mapping', () => {
  it('derives q_O = −q_Si/2, keeps D fixed and round-trips', () => {
    const s = presetSpace('ML');
    const u = [0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 1];
    const ff = fromUnit(s, u);
    expect(ff.charge.O).toBeCloseTo(-ff.charge.Si / 2, 15);
    expect(netCharge(ff, SILICA_COMPOSITION)).toBeCloseTo(0, 14);
    expect(ff.pair.SiO.D).toBe(29);
    expect(ff.pair.SiSi).toEqual({ A: 0, rho: 1, C: 0, D: 3423200 });
    const back = toUnit(s, ff);
    for (let k = 0; k < u.length; k++) expect(back[k]).toBeCloseTo(u[k], 12);
  });

  it('maps log dimensions geometrically and linear ones linearly', () => {
    const a = defaultDimension('A_SiO'); // 1e3 … 1e5
    expect(unitToValue(a, 0.5)).toBeCloseTo(1e4, 8);
    expect(unitToValue(a, 0)).toBe(1e3);
    expect(unitToValue(a, 1)).toBe(1e5);
    const q = defaultDimension('qSi'); // 1.2 … 2.6
    expect(unitToValue(q, 0.5)).toBeCloseTo(1.9, 14);
    expect(valueToUnit(q, 2.6 + 1.4)).toBeCloseTo(2, 14); // not clamped
    expect(unitToValue(q, 1.5)).toBe(2.6); // clamped
  });

  it('reproduces BKS exactly at its own unit point in the Fig. 3 space', () => {
    const s = presetSpace('BKS-2D');
    const bks = silicaForceField(BUILTIN_SETS.BKS);
    const ff = fromUnit(s, toUnit(s, bks));
    expect(ff.charge.Si).toBeCloseTo(2.4, 12);
    expect(ff.pair.SiO.A).toBeCloseTo(bks.pair.SiO.A, 8);
    expect(ff.pair.OO).toEqual(bks.pair.OO);
    expect(ff.pair.SiO.rho).toBe(bks.pair.SiO.rho);
  });

  it('handles any species table: a sodium silicate with two free charges', () => {
    const species = { species: [{ name: 'Na', mass: 22.99 }, { name: 'Si', mass: 28.0855 }, { name: 'O', mass: 15.9994 }] };
    const composition = { Na: 2, Si: 2, O: 5 }; // Na2O·2SiO2
    const bks = silicaForceField(BUILTIN_SETS.BKS);
    const base = { ...bks, charge: { Na: 0.6, Si: 2.4, O: -1.44 }, pair: { ...bks.pair, NaO: { A: 4383.8, rho: 0.2439, C: 30.7, D: 0 } } };
    const s = customSpace({ species, composition, free: ['qNa', 'qSi', 'A_NaO', 'rho_NaO', 'C_NaO'], off: ['NaNa', 'NaSi'], base });
    expect(s.chargeBalance).toBe('O');
    expect(allParamNames(species, 'O')).toHaveLength(2 + 6 * 3);
    expect(problemsOf(s)).toEqual([]);
    const ff = fromUnit(s, [0.2, 0.6, 0.5, 0.5, 0.5]);
    expect(netCharge(ff, composition)).toBeCloseTo(0, 13);
    expect(ff.charge.O).toBeCloseTo(-(2 * ff.charge.Na + 2 * ff.charge.Si) / 5, 14);
    expect(ff.pair.NaSi).toEqual({ A: 0, rho: 1, C: 0, D: 0 });
    expect(ff.pair.SiO.A).toBe(bks.pair.SiO.A);
    expect(() => customSpace({ species, composition, free: ['qNa'], base: bks })).toThrow(/NaO/);
    expect(() => customSpace({ free: ['A_SiSi'], off: ['SiSi'] })).toThrow(/switched off/);
  });
});

describe('validation', () => {
  const ok = presetSpace('ML');
  const withDim = (name: string, patch: object): ParameterSpaceSpec => ({ ...ok, free: ok.free.map((d) => (d.name === name ? { ...d, ...patch } : d)) });

  it('names bad bounds, scales, signs and units', () => {
    expect(problemsOf(withDim('qSi', { lower: 2.6, upper: 1.2 }))).toEqual(['qSi: lower bound 2.6 must be below upper bound 1.2']);
    expect(problemsOf(withDim('A_SiO', { lower: 0 }))).toEqual(['A_SiO: log scale needs a positive lower bound, got 0']);
    expect(problemsOf(withDim('C_OO', { lower: -5 }))).toEqual(['C_OO: C must be ≥ 0 (paper sign convention), lower bound is -5']);
    expect(problemsOf(withDim('rho_OO', { lower: 0 }))).toEqual(['rho_OO: ρ must be > 0, lower bound is 0']);
    expect(problemsOf(withDim('rho_OO', { unit: 'eV' }))).toEqual(['rho_OO: unit must be Å, got eV']);
    expect(problemsOf(withDim('qSi', { upper: Infinity }))).toEqual(['qSi: bounds must be finite, got [1.2, Infinity]']);
    // Finite but absurd: outside the physical limits of settings-bounds.ts, with the reason.
    expect(problemsOf(withDim('A_SiO', { upper: 1e15 }))).toEqual(['A_SiO: bounds [1000, 1000000000000000]: must lie in 0–100000000 eV: published Buckingham prefactors stay below 10⁵ eV']);
    expect(problemsOf(withDim('qSi', { lower: -20 }))[0]).toMatch(/^qSi: bounds \[-20, 2\.6\]: must lie in -8–8 e/);
  });

  it('names unknown, missing, duplicated and derived parameters', () => {
    const { A_SiSi: _drop, ...fixedWithout } = ok.fixed;
    void _drop;
    expect(problemsOf({ ...ok, fixed: fixedWithout })).toEqual(['A_SiSi: has no value: make it free or fixed']);
    expect(problemsOf({ ...ok, fixed: { ...ok.fixed, qSi: 2 } })).toEqual(['qSi: is both free and fixed']);
    expect(problemsOf({ ...ok, fixed: { ...ok.fixed, qO: -1 } })).toEqual(['qO: the charge of O is derived from neutrality and cannot be fixed']);
    expect(problemsOf({ ...ok, fixed: { ...ok.fixed, A_SiNa: 1 } })[0]).toMatch(/^A_SiNa: not a parameter/);
    expect(problemsOf({ ...ok, fixed: { ...ok.fixed, rho_SiSi: 0 } })).toEqual(['rho_SiSi: ρ must be > 0, fixed at 0']);
    expect(problemsOf({ ...ok, D: { ...ok.D, OO: -1 } })).toEqual(['D_OO: D must be a finite number ≥ 0 eV·Å²⁴, got -1']);
    expect(problemsOf({ ...ok, composition: { Si: 1, O: 0 } })).toEqual(['composition: count of O must be a positive number, got 0']);
  });

  it('parses stored JSON and rejects bad input with every problem listed', () => {
    const stored = JSON.parse(JSON.stringify(presetSpace('ML-ALL')));
    const back = parseSpace(stored);
    expect(fromUnit(back, new Array(10).fill(0.5))).toEqual(fromUnit(presetSpace('ML-ALL'), new Array(10).fill(0.5)));
    const { cutoff: _c, dsf: _d, ...minimal } = stored;
    void _c;
    void _d;
    expect(parseSpace(minimal).cutoff).toBe(8); // defaults fill in
    expect(() => parseSpace({ ...stored, free: [{ ...stored.free[0], lower: 3, upper: 1 }, ...stored.free.slice(1)], D: { ...stored.D, SiO: -1 } })).toThrow(
      /qSi: lower bound 3 must be below upper bound 1; D_SiO/,
    );
    expect(() => parseSpace({ ...stored, free: 'all' })).toThrow(/invalid parameter space: free/);
  });
});
