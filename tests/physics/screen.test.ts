import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES, BUILTIN_SETS, silicaForceField, type BuiltinSet } from '../../src-worker/params/sets.ts';
import { SILICA } from '../../src-worker/species.ts';
import { BOLTZ } from '../../src-worker/units.ts';
import { prepareBuckDsf, singleBuckDsf } from '../../src-worker/md/buck-dsf.ts';
import { DEFAULT_SCREEN_THRESHOLDS, screenContextFor, screenDetails, screenForceField } from '../../src-worker/physics/screen.ts';
import { pairLandmarks, referenceLandmarks } from '../../src-worker/physics/reference-features.ts';

/** A LAMMPS g(r) fixture (r, SiSi, SiO, OO) as the screen reads a reference. */
function lammpsReference(name: string) {
  const rows = readFileSync(new URL(`../fixtures/structure/gr_${name}_s1.csv`, import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',').map(Number));
  return { r: rows.map((x) => x[0]), pairs: ['SiSi', 'SiO', 'OO'], g: { SiSi: rows.map((x) => x[1]), SiO: rows.map((x) => x[2]), OO: rows.map((x) => x[3]) } };
}
const REFS = ['CHIK', 'BKS', 'ML'].map((n) => [n, lammpsReference(n)] as const);
const ctxOf = (ref: ReturnType<typeof lammpsReference>, temperature = 3600) => screenContextFor({ species: SILICA, reference: ref, temperature });
const withPair = (set: BuiltinSet, pair: 'SiO' | 'OO' | 'SiSi', p: Partial<BuiltinSet['SiO']>, qSi = set.qSi) => silicaForceField({ ...set, qSi, [pair]: { ...set[pair], ...p } });

describe('reference landmarks', () => {
  it('finds contact, empty and first-peak distances of the LAMMPS liquids', () => {
    const lm = referenceLandmarks(lammpsReference('CHIK'));
    expect(lm.SiO.peak).toBeCloseTo(1.61, 2);
    expect(lm.OO.peak).toBeCloseTo(2.65, 2);
    expect(lm.SiSi.peak).toBeCloseTo(3.11, 2);
    for (const p of ['SiSi', 'SiO', 'OO']) {
      expect(lm[p].empty).toBeLessThan(lm[p].contact);
      expect(lm[p].contact).toBeLessThan(lm[p].peak);
    }
  });
  it('gives none for an empty column', () => {
    expect(pairLandmarks([1, 2, 3], [0, 0, 0])).toBeNull();
  });
});

describe('every built-in set passes against every LAMMPS liquid we have', () => {
  for (const [refName, ref] of REFS) {
    for (const name of BUILTIN_NAMES) {
      it(`${name} against the ${refName} liquid`, () => {
        expect(screenForceField(silicaForceField(BUILTIN_SETS[name]), ctxOf(ref))).toEqual({ ok: true });
      });
    }
  }
  it('BKS keeps an O–O inner well behind a barrier above the threshold (the catastrophe the rule is about)', () => {
    const d = screenDetails(silicaForceField(BUILTIN_SETS.BKS), ctxOf(REFS[0][1]));
    const oo = d.pairs.find((p) => p.pair === 'OO')!;
    expect(oo.wellKT).toBeLessThan(0); // the well lies below the contact energy: it is a real trap
    expect(oo.barrierKT).toBeGreaterThan(DEFAULT_SCREEN_THRESHOLDS.barrierKT);
    expect(oo.barrierKT).toBeLessThan(32);
  });
});

describe('the barrier is the one the engine sees', () => {
  it("matches a brute-force scan of the exact kernel's single() (LAMMPS's pair function) within 0.05 kT", () => {
    const ref = REFS[0][1];
    const ff = silicaForceField(BUILTIN_SETS.BKS);
    const d = screenDetails(ff, ctxOf(ref)).pairs.find((p) => p.pair === 'OO')!;
    const t = prepareBuckDsf(SILICA, ff);
    const out = { energy: 0, fOverR: 0 };
    const U = (r: number) => (singleBuckDsf(1, 1, r * r, t, out), out.energy);
    const contact = referenceLandmarks(ref).OO.contact;
    let top = -Infinity;
    for (let r = 1.2; r <= 1.8; r += 1e-4) top = Math.max(top, U(r));
    const kT = BOLTZ * 3600;
    expect(Math.abs((top - U(contact)) / kT - d.barrierKT)).toBeLessThan(0.05);
  });
});

describe('rules', () => {
  const ref = REFS[0][1];
  const ctx = ctxOf(ref);
  const BKS = BUILTIN_SETS.BKS;
  it('inner-well: a larger O–O dispersion lowers the barrier below the threshold', () => {
    const v = screenForceField(withPair(BKS, 'OO', { C: 260 }), ctx);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.rule).toBe('inner-well');
      expect(v.reason).toMatch(/^O–O: a spurious inner well at [\d.]+ Å .* barrier of [\d.]+ kT/);
    }
  });
  it('inner-well: the same potential passes at a temperature where the barrier is high enough', () => {
    const ff = withPair(BKS, 'OO', { C: 260 });
    const d = screenDetails(ff, ctxOf(ref, 3600)).pairs.find((p) => p.pair === 'OO')!;
    const colder = (3600 * d.barrierKT) / (DEFAULT_SCREEN_THRESHOLDS.barrierKT + 1);
    expect(screenForceField(ff, ctxOf(ref, colder)).ok).toBe(true);
  });
  it('collapse: no Si–O repulsion at all', () => {
    const v = screenForceField(withPair(BKS, 'SiO', { A: 0 }), ctx);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.rule).toBe('collapse');
  });
  it('bond: a weak charge with a hard Si–O wall has no minimum near the reference peak', () => {
    const v = screenForceField(withPair(BUILTIN_SETS.CHIK, 'SiO', { A: 1e5, rho: 0.3, C: 0 }, 1.2), ctx);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.rule).toBe('bond');
      expect(v.reason).toContain('1.61 Å');
    }
  });
  it('bond: a Si–O minimum at or beyond the peak is a longer bond (a 5-coordinated liquid), refused', () => {
    // bks-soft (scripts/reference-sets/rejected): its LAMMPS liquid had the Si–O peak at 1.79 Å, Si coordination 4.5.
    const soft = JSON.parse(readFileSync('scripts/reference-sets/rejected/bks-soft.json', 'utf8'));
    const ff = silicaForceField({ ...BKS, qSi: soft.qSi, SiO: { ...BKS.SiO, ...soft.pairs.SiO }, OO: { ...BKS.OO, ...soft.pairs.OO } });
    const v = screenForceField(ff, ctx);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.rule).toBe('bond');
      expect(v.reason).toMatch(/no potential minimum between 1\.16 and 1\.57 Å/);
    }
    // ML-SiO, the published set whose minimum lies closest to the peak (0.10 Å inside), passes with its margin.
    const mlsio = screenDetails(silicaForceField(BUILTIN_SETS['ML-SiO']), ctx).pairs.find((p) => p.pair === 'SiO')!;
    expect(mlsio.verdict).toEqual({ ok: true });
    expect(ctx.landmarks.SiO!.peak - mlsio.bondMin!).toBeGreaterThan(DEFAULT_SCREEN_THRESHOLDS.bondInside + 0.03);
  });
  it('invalid: parameters the engine refuses', () => {
    const v = screenForceField(withPair(BKS, 'SiO', { A: -1 }), ctx);
    expect(v).toMatchObject({ ok: false, rule: 'invalid' });
  });
  it('is deterministic and JSON-safe (the context crosses to the optimizer worker)', () => {
    const again = JSON.parse(JSON.stringify(ctx));
    const ff = withPair(BKS, 'OO', { C: 230 });
    expect(screenForceField(ff, again)).toEqual(screenForceField(ff, ctx));
  });
});
