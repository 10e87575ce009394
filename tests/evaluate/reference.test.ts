import { describe, expect, it } from 'vitest';
import {
  importReference,
  previewReference,
  referenceBondCutoffs,
  referenceFromJson,
  referenceHash,
  referenceToJson,
  structureSpecFor,
} from '../../src-worker/evaluate/reference.ts';
import { builtinReference } from '../../src-worker/evaluate/default-reference.ts';
import { rChi } from '../../src-worker/evaluate/cost.ts';
import { loadDefaultReference, loadReferenceFile } from '../../src-main/reference/load.ts';
import { agreesTo6Digits, csvColumns, fixtureJson, fixturePath, fixtureText } from '../analysis/fixtures.ts';
import { expectParseError } from '../io/parse-error.ts';

interface Summary {
  tag: string;
  mean_OSiO: number;
  mean_SiOSi: number;
  r_peak_SiO: number;
  r_peak_OO: number;
  r_peak_SiSi: number;
  r_min1_SiO: number;
}

describe('the built-in reference (resources/reference)', () => {
  const ref = loadDefaultReference();
  const chik = fixtureJson<Summary[]>('structure/summary.json').find((s) => s.tag === 'CHIK_s1')!;

  it('says plainly that it is classical MD of CHIK, not AIMD', () => {
    expect(ref.provenance.kind).toBe('builtin');
    expect(ref.provenance.abInitio).toBe(false);
    expect(ref.provenance.method).toMatch(/classical MD \(LAMMPS\), CHIK/);
    expect(ref.provenance.description).toMatch(/stand-in for your own AIMD data, not AIMD/);
    expect(ref.provenance.description).toMatch(/approach CHIK's own parameters/);
    expect(ref.provenance.temperatureK).toBe(3600);
    expect(previewReference(ref).warnings.join(' ')).toMatch(/classical MD, not ab initio/);
  });

  it('holds the CHIK_s1 g(r) on the 0–8 Å grid and its ADF with the 2.3 Å bonds it was made with', () => {
    const raw = csvColumns('structure/gr_CHIK_s1.csv');
    expect(ref.grid).toEqual({ rMax: 8, nBins: 400 });
    expect(ref.r.length).toBe(400);
    expect(Array.from(ref.g.SiO)).toEqual(raw.g_SiO);
    expect(ref.adf!.triplets).toEqual(['OSiO', 'SiOSi']);
    expect(ref.adf!.bondCutoffs).toEqual({ SiO: 2.3 });
    expect(referenceBondCutoffs(ref)).toEqual({ SiO: 2.3 });
    expect(ref.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('previews the fixture summary: peaks, first minimum, mean angles, coordination', () => {
    const p = previewReference(ref);
    expect(p.peaks.SiO!.r).toBeCloseTo(chik.r_peak_SiO, 10);
    expect(p.peaks.OO!.r).toBeCloseTo(chik.r_peak_OO, 10);
    expect(p.peaks.SiSi!.r).toBeCloseTo(chik.r_peak_SiSi, 10);
    expect(p.firstMinimum.SiO).toBeCloseTo(chik.r_min1_SiO, 10);
    // From the 6-digit ADF table: the script's means from raw angles agree to ~1e-5°.
    expect(p.angles!.OSiO.mean).toBeCloseTo(chik.mean_OSiO, 4);
    expect(p.angles!.SiOSi.mean).toBeCloseTo(chik.mean_SiOSi, 4);
    expect(p.coordination![0]).toMatchObject({ centre: 'Si', neighbour: 'O', mean: 3.98526 });
    expect(p.rRange).toEqual([ref.r[0], ref.r[399]]);
    expect(p.points).toBe(400);
  });

  it('is the reference the rchi matrix used: BKS_s1 scores 7.51 % against it', () => {
    const bks = importReference(fixtureText('structure/gr_BKS_s1.csv'), 'gr_BKS_s1.csv');
    expect(100 * rChi(ref, bks).rChi).toBeCloseTo(7.511981647683977, 10);
  });

  it('rejects a manifest that lacks the ADF cut-off', () => {
    const manifest = JSON.parse(fixtureText('../../resources/reference/provenance.json'));
    delete manifest.adfBondCutoffs;
    const files = { 'gr_CHIK_s1.csv': fixtureText('structure/gr_CHIK_s1.csv'), 'adf_CHIK_s1.csv': fixtureText('structure/adf_CHIK_s1.csv') };
    expect(() => builtinReference(JSON.stringify(manifest), files)).toThrow(/adfBondCutoffs/);
  });
});

describe('importing a reference', () => {
  it('from the 20-frame trajectory: g(r) equals LAMMPS, angles use the first minimum of its own g_SiO', () => {
    const ref = loadReferenceFile(fixturePath('trajectory/traj_BKS_20frames.dump'));
    const lammps = csvColumns('trajectory/gr_BKS_20frames.csv');
    expect(ref.provenance).toMatchObject({ kind: 'trajectory', source: 'traj_BKS_20frames.dump', frames: 20, atoms: 3000 });
    for (let i = 0; i < 400; i++) expect(agreesTo6Digits(ref.g.OO[i], lammps.g_OO[i])).toBe(true);
    const p = previewReference(ref);
    expect(ref.adf!.bondCutoffs.SiO).toBe(p.firstMinimum.SiO);
    expect(ref.adf!.bondCutoffs.SiO).toBeGreaterThan(2.2);
    expect(ref.adf!.bondCutoffs.SiO).toBeLessThan(2.5);
    expect(ref.coordination!.map((c) => c.centre)).toEqual(['Si', 'O']);
  });

  it('from a table on a coarser grid: resampled onto the evaluation grid it covers', () => {
    const rows = ['r SiSi SiO OO'];
    for (let k = 0; k <= 100; k++) {
      const r = 1 + 0.05 * k; // 1 … 6 Å
      rows.push(`${r.toFixed(2)} ${r} ${2 * r} ${r * r}`);
    }
    const ref = importReference(rows.join('\n'), 'coarse.dat');
    expect(ref.r[0]).toBeCloseTo(1.01, 12);
    expect(ref.r[ref.r.length - 1]).toBeCloseTo(5.99, 12);
    expect(ref.r.length).toBe(250);
    const k = 100; // r = 3.01 Å, between table rows 3.00 and 3.05
    expect(ref.g.SiO[k]).toBeCloseTo(2 * 3.01, 10);
    expect(ref.g.OO[k]).toBeCloseTo(9 + (0.01 / 0.05) * (3.05 * 3.05 - 9), 10);
    const p = previewReference(ref);
    expect(p.warnings.join(' ')).toMatch(/starts at r = 1.01 Å/);
    expect(p.warnings.join(' ')).toMatch(/ends at r = 5.99 Å/);
  });

  it('from a POSCAR-like single frame and an XDATCAR', () => {
    const one = importReference(fixtureText('external/vasp-sio2-melt/CONTCAR'), 'CONTCAR', { bondCutoffs: { SiO: 2.3 } });
    expect(one.provenance.notes![0]).toMatch(/only 1 frame/);
    expect(one.coordination![0].fractions[4]).toBeCloseTo(123 / 150, 12);
    const two = importReference(fixtureText('external/vasp-sio2-melt/XDATCAR_POSCAR_CONTCAR'), 'XDATCAR');
    expect(two.provenance.frames).toBe(2);
  });

  it('names the file and line of a malformed input', () => {
    expectParseError(() => importReference('r,SiSi,SiO,OO\n0.01,0,0\n0.03,0,0,0\n', 'mine.csv'), 'mine.csv', 2, /row has 3 columns/);
    expectParseError(() => importReference('distance,g\n1,2\n', 'mine.csv'), 'mine.csv', 1, /bad header/);
    expectParseError(() => importReference('some words\n', 'notes.md'), 'notes.md', 1, /neither a g\(r\) table/);
  });
});

describe('identity and storage', () => {
  const a = importReference(fixtureText('structure/gr_ML_s1.csv'), 'gr_ML_s1.csv');

  it('hashes the data, not the provenance', () => {
    const b = importReference(fixtureText('structure/gr_ML_s1.csv'), 'renamed.csv', { description: 'other words' });
    const c = importReference(fixtureText('structure/gr_ML_s2.csv'), 'gr_ML_s2.csv');
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    expect(referenceHash(a)).toBe(a.hash);
  });

  it('round-trips through JSON and refuses altered data', () => {
    const json = JSON.parse(JSON.stringify(referenceToJson(loadDefaultReference())));
    const back = referenceFromJson(json);
    expect(back.hash).toBe(loadDefaultReference().hash);
    expect(Array.from(back.adf!.p.SiOSi)).toEqual(Array.from(loadDefaultReference().adf!.p.SiOSi));
    json.g.SiO[100] += 1e-6;
    expect(() => referenceFromJson(json)).toThrow(/do not match their hash/);
    expect(() => referenceFromJson({ ...json, grid: { rMax: -1, nBins: 400 } })).toThrow();
  });

  it('places the bond cut-off at the first minimum when the reference has no ADF', () => {
    expect(referenceBondCutoffs(a)).toEqual({ SiO: 2.47 });
    expect(referenceBondCutoffs(a, undefined, { SiO: 2.3 })).toEqual({ SiO: 2.3 });
  });
});

describe('what an MD run samples against a reference', () => {
  it('uses the reference grid, its ADF triplets and their bond cut-offs', () => {
    const spec = structureSpecFor(loadDefaultReference());
    expect(spec.rdf).toEqual({ rMax: 8, nBins: 400 });
    expect(spec.bondCutoffs).toEqual({ SiO: 2.3 });
    expect(spec.triplets).toEqual(['O-Si-O', 'Si-O-Si']);
    const table = structureSpecFor(importReference(fixtureText('structure/gr_ML_s1.csv'), 'gr_ML_s1.csv'));
    expect(table.bondCutoffs).toEqual({ SiO: 2.47 });
  });
});
