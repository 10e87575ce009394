/**
 * Neutron scattering functions against closed forms and the measured data file: the Fourier transform of a
 * Gaussian g(r) − 1 (analytic S(Q)), the Faber–Ziman weights and limits, T(r) of a measured F(Q), the FSDP
 * and Wright's R_χ; the .mint01 reader on the built-in experimental file and on bad input.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fsdp, meanBSquared, neutronFunctions, pairWeight, partialStructureFactor, qGrid, SILICA_NEUTRON, trFromFq, wrightRchi } from '../../src-worker/glass/scattering.ts';
import { EXPERIMENT_FQ_FILE, parseMint01 } from '../../src-worker/glass/experiment.ts';
import { numberDensityOfSilica } from '../../src-worker/glass/properties.ts';

const EXP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/experiment');
const measured = parseMint01(readFileSync(resolve(EXP_DIR, EXPERIMENT_FQ_FILE), 'utf8'), EXPERIMENT_FQ_FILE);

/** g(r) = 1 + A·exp(−r²/2σ²) on bin centres: S(Q) − 1 = ρA(2πσ²)^{3/2} exp(−Q²σ²/2). */
function gaussianRdf(rMax: number, dr: number, A: number, sigma: number) {
  const n = Math.round(rMax / dr);
  const r = Float64Array.from({ length: n }, (_, i) => (i + 0.5) * dr);
  const g = r.map((x) => 1 + A * Math.exp((-x * x) / (2 * sigma * sigma)));
  return { r, g, dr, rMax };
}

describe('Faber–Ziman functions', () => {
  it('the Fourier transform of a Gaussian g(r) − 1 matches the closed form to 1e-6', () => {
    const { r, g, dr, rMax } = gaussianRdf(20, 0.005, -0.8, 1.1);
    const rho = 0.066;
    const q = qGrid(0.1, 8, 0.1);
    const s = partialStructureFactor(r, g, dr, rMax, rho, q, false);
    for (let k = 0; k < q.length; k++) {
      const exact = rho * -0.8 * (2 * Math.PI * 1.1 * 1.1) ** 1.5 * Math.exp((-q[k] * q[k] * 1.1 * 1.1) / 2);
      expect(Math.abs(s[k] - exact)).toBeLessThan(1e-6);
    }
  });

  it('weights: Σ c_a c_b b_a b_b over ordered pairs is ⟨b⟩² (0.2758 barn for SiO2); uncorrelated atoms give F = 0', () => {
    const w = pairWeight(SILICA_NEUTRON, 'Si', 'Si') + pairWeight(SILICA_NEUTRON, 'Si', 'O') + pairWeight(SILICA_NEUTRON, 'O', 'O');
    expect(w).toBeCloseTo(meanBSquared(SILICA_NEUTRON), 14);
    expect(meanBSquared(SILICA_NEUTRON)).toBeCloseTo(0.27581, 4);
    const ideal = gaussianRdf(10, 0.01, 0, 1);
    const nf = neutronFunctions({ ...ideal, pairs: ['SiSi', 'SiO', 'OO'], g: { SiSi: ideal.g, SiO: ideal.g, OO: ideal.g } }, 0.066, qGrid(0.5, 10, 0.5));
    for (const v of nf.fq) expect(v).toBe(0);
    for (const v of nf.sq) expect(v).toBe(1);
    // T(r) of uncorrelated atoms is the average-density line T⁰(r) = 4πρr⟨b⟩².
    expect(nf.tr[500]).toBeCloseTo(4 * Math.PI * 0.066 * nf.r[500] * meanBSquared(SILICA_NEUTRON), 12);
  });

  it('silica at 2.20 g/cm³ holds 0.06615 atoms/Å³', () => {
    expect(numberDensityOfSilica(2.2)).toBeCloseTo(0.06615, 5);
  });
});

describe('the measured F(Q) of vitreous silica (resources/experiment)', () => {
  it('reads 999 rows with errors; the low-Q level is near −⟨b⟩², the FSDP at 1.47 Å⁻¹', () => {
    expect(measured.x.length).toBeGreaterThan(990);
    expect(measured.x[0]).toBeCloseTo(0.025, 10);
    expect(measured.y[0]).toBeGreaterThan(-meanBSquared(SILICA_NEUTRON) - 0.03);
    expect(measured.y[0]).toBeLessThan(-meanBSquared(SILICA_NEUTRON) + 0.03);
    const sq = measured.y.map((v) => v / meanBSquared(SILICA_NEUTRON) + 1);
    const p = fsdp(measured.x, sq);
    expect(p).not.toBeNull();
    expect(p!.q).toBeGreaterThan(1.44);
    expect(p!.q).toBeLessThan(1.5);
    expect(p!.fwhm).toBeGreaterThan(0.3);
    expect(p!.fwhm).toBeLessThan(1.0);
  });

  it('its T(r) (Lorch, Qmax 40) has the Si–O peak at 1.61 Å and the O–O peak at 2.63 Å, nothing below 1.4 Å', () => {
    const r = Float64Array.from({ length: 400 }, (_, i) => 0.01 * (i + 0.5));
    const tr = trFromFq(measured.x, measured.y, numberDensityOfSilica(2.2), r, 40);
    const argmax = (lo: number, hi: number) => {
      let best = -1;
      for (let i = 0; i < r.length; i++) if (r[i] >= lo && r[i] <= hi && (best < 0 || tr[i] > tr[best])) best = i;
      return r[best];
    };
    expect(Math.abs(argmax(1.4, 2.0) - 1.61)).toBeLessThan(0.02);
    expect(Math.abs(argmax(2.3, 2.9) - 2.63)).toBeLessThan(0.04);
    const peak = tr[Math.round(1.605 / 0.01)];
    for (let i = 0; r[i] < 1.35; i++) expect(Math.abs(tr[i])).toBeLessThan(0.1 * peak);
  });

  it('R_χ is 0 for the data against itself, 100 % against zero, and names a curve that does not cover the range', () => {
    expect(wrightRchi(measured, measured, 0.8, 20)).toBeLessThan(1e-12);
    expect(wrightRchi({ x: measured.x, y: new Float64Array(measured.x.length) }, measured, 0.8, 20)).toBeCloseTo(100, 10);
    expect(() => wrightRchi({ x: qGrid(1, 10, 0.1), y: new Float64Array(91) }, measured, 0.8, 20)).toThrow(/does not cover/);
  });

  it('bad files get errors naming the line', () => {
    expect(() => parseMint01('# header\n0.1 0.2\n', 'bad.mint01')).toThrow(/bad\.mint01:2.*three numbers/);
    expect(() => parseMint01('0.1 0.2 0.01\n', 'short.mint01')).toThrow(/only 1 data rows/);
    const rows = Array.from({ length: 12 }, (_, i) => `${1 - 0.05 * i} 0.1 0.01`).join('\n');
    expect(() => parseMint01(rows, 'down.mint01')).toThrow(/Q must increase/);
  });
});
