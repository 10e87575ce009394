/**
 * Glass properties from quenched samples, and their replica statistics: density, partial and neutron-weighted
 * total g(r), S(Q), F(Q), T(r), the first sharp diffraction peak, bond angles, coordination, Qn, and the
 * agreement of F(Q) with the measured one. A scalar over K replicas is reported as mean ± standard error
 * (sample standard deviation / √K); curves are averaged point by point.
 */
import { SILICA, type PairName } from '../species.ts';
import { MV2D } from '../units.ts';
import type { QuenchSample } from './quench.ts';
import { fsdp, meanBSquared, neutronFunctions, pairSpecies, pairWeight, qGrid, SILICA_NEUTRON, trFromFq, wrightRchi, type Curve } from './scattering.ts';
import { EXPERIMENT_DENSITY, FQ_RCHI_RANGE } from './experiment.ts';
import { mainPeak } from '../analysis/peaks.ts';

/** Q grid of the simulated functions, Å⁻¹: the measured grid's spacing, past the R_χ range. */
export const SIM_Q = qGrid(0.3, 25, 0.025);
/** Qmax of the Lorch-windowed transform that turns the measured F(Q) into T(r), Å⁻¹. */
export const EXP_TR_QMAX = 40;

export interface GlassProperties {
  readonly density: number; // g/cm³
  readonly numberDensity: number; // Å⁻³
  readonly temperature: number; // K
  readonly pressureGPa: number;
  readonly r: Float64Array; // Å
  readonly pairs: readonly PairName[];
  readonly g: Readonly<Record<PairName, Float64Array>>;
  readonly gTotal: Float64Array; // neutron-weighted total g(r), → 1 at large r
  readonly tr: Float64Array; // T(r), barn Å⁻²
  readonly q: Float64Array; // Å⁻¹
  readonly fq: Float64Array; // F(Q), barn
  readonly sq: Float64Array; // S(Q)
  readonly fsdpQ: number; // Å⁻¹ (NaN when S(Q) has no FSDP)
  readonly fsdpFwhm: number; // Å⁻¹
  readonly fqRchi: number; // %, against the measured F(Q) over FQ_RCHI_RANGE (NaN without it)
  readonly rSiO: number; // Å, first peak of g_SiO
  readonly rOO: number; // Å
  readonly rSiSi: number; // Å
  readonly theta: Float64Array; // degrees
  readonly pSiOSi: Float64Array; // 1/degree
  readonly pOSiO: Float64Array;
  readonly meanSiOSi: number; // degrees
  readonly meanOSiO: number;
  readonly zSi: number; // mean O around Si
  readonly zO: number; // mean Si around O
  readonly siFourFold: number; // fraction of Si with four O
  readonly qn: Float64Array; // [5] Q0…Q4 fractions of tetrahedra
}

/**
 * F(Q) on the grid q: the direct sum over the atoms (no g(r) truncation) below kspace.qMax − 1.5 Å⁻¹, the g(r)
 * transform above kspace.qMax − 0.5, and a linear blend between. The shell averages are interpolated
 * linearly in Q.
 */
export function joinKSpace(q: Float64Array, fqR: Float64Array, ks: { readonly q: Float64Array; readonly fq: Float64Array; readonly qMax: number }): Float64Array {
  const out = fqR.slice();
  if (ks.q.length < 2) return out;
  const q1 = ks.qMax - 1.5;
  const q2 = ks.qMax - 0.5;
  let j = 0;
  for (let k = 0; k < q.length; k++) {
    const Q = q[k];
    if (Q >= q2 || Q < ks.q[0]) continue;
    while (j + 2 < ks.q.length && ks.q[j + 1] < Q) j++;
    const t = (Q - ks.q[j]) / (ks.q[j + 1] - ks.q[j]);
    const fk = ks.fq[j] + t * (ks.fq[j + 1] - ks.fq[j]);
    const w = Q <= q1 ? 1 : (q2 - Q) / (q2 - q1);
    out[k] = w * fk + (1 - w) * fqR[k];
  }
  return out;
}

function peakR(r: Float64Array, g: Float64Array | undefined): number {
  const p = g ? mainPeak(r, g) : null;
  return p ? p.r : NaN;
}

/** One replica's properties; `experiment` is the measured F(Q) (barn), scored over FQ_RCHI_RANGE. */
export function glassProperties(s: QuenchSample, experiment: Curve | null): GlassProperties {
  const rho = s.numberDensity;
  const nf = neutronFunctions(s.rdf, rho, SIM_Q);
  const b2 = meanBSquared(SILICA_NEUTRON);
  const gTotal = new Float64Array(s.rdf.r.length);
  for (const name of s.rdf.pairs) {
    const [a, b] = pairSpecies(SILICA_NEUTRON, name);
    const w = pairWeight(SILICA_NEUTRON, a, b) / b2;
    const g = s.rdf.g[name];
    for (let i = 0; i < gTotal.length; i++) gTotal[i] += w * g[i];
  }
  const fq = joinKSpace(nf.q, nf.fq, s.kspace);
  const sq = fq.map((v) => v / b2 + 1);
  const peak = fsdp(nf.q, sq);
  const zOf = (c: string, nb: string) => s.coordination.find((x) => x.centre === c && x.neighbour === nb);
  const si = zOf('Si', 'O');
  return {
    density: s.density,
    numberDensity: rho,
    temperature: s.temperature,
    pressureGPa: s.pressureBar * 1e-4,
    r: s.rdf.r,
    pairs: s.rdf.pairs,
    g: s.rdf.g,
    gTotal,
    tr: nf.tr,
    q: nf.q,
    fq,
    sq,
    fsdpQ: peak ? peak.q : NaN,
    fsdpFwhm: peak ? peak.fwhm : NaN,
    fqRchi: experiment ? wrightRchi({ x: nf.q, y: fq }, experiment, FQ_RCHI_RANGE[0], FQ_RCHI_RANGE[1]) : NaN,
    rSiO: peakR(s.rdf.r, s.rdf.g.SiO),
    rOO: peakR(s.rdf.r, s.rdf.g.OO),
    rSiSi: peakR(s.rdf.r, s.rdf.g.SiSi),
    theta: s.adf.theta,
    pSiOSi: s.adf.p.SiOSi,
    pOSiO: s.adf.p.OSiO,
    meanSiOSi: s.adf.mean.SiOSi,
    meanOSiO: s.adf.mean.OSiO,
    zSi: si ? si.mean : NaN,
    zO: zOf('O', 'Si')?.mean ?? NaN,
    siFourFold: si ? si.fractions[4] : NaN,
    qn: s.qn.fractions,
  };
}

/** Mean ± standard error over replicas (err NaN for one replica), with the values themselves. */
export interface Stat {
  readonly mean: number;
  readonly err: number;
  readonly values: readonly number[];
}

export function stat(values: readonly number[]): Stat {
  const k = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  if (k < 2) return { mean, err: NaN, values };
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1);
  return { mean, err: Math.sqrt(v / k), values };
}

/** The scalar properties summarised over replicas. */
export const SCALARS = [
  'density',
  'pressureGPa',
  'temperature',
  'fqRchi',
  'fsdpQ',
  'fsdpFwhm',
  'rSiO',
  'rOO',
  'rSiSi',
  'meanSiOSi',
  'meanOSiO',
  'zSi',
  'zO',
  'siFourFold',
] as const;
export type ScalarName = (typeof SCALARS)[number];

export interface GlassSummary {
  readonly replicas: number;
  readonly scalars: Readonly<Record<ScalarName, Stat>>;
  readonly qn: readonly Stat[]; // Q0…Q4
  /** Replica-averaged curves (every replica on its own grid; g(r) and T(r) on the shortest replica's). */
  readonly curves: {
    readonly q: Float64Array;
    readonly fq: Float64Array;
    readonly sq: Float64Array;
    readonly r: Float64Array;
    readonly g: Readonly<Record<PairName, Float64Array>>;
    readonly gTotal: Float64Array;
    readonly tr: Float64Array;
    readonly theta: Float64Array;
    readonly pSiOSi: Float64Array;
    readonly pOSiO: Float64Array;
  };
}

function meanCurve(curves: readonly Float64Array[]): Float64Array {
  const n = Math.min(...curves.map((c) => c.length));
  const out = new Float64Array(n);
  for (const c of curves) for (let i = 0; i < n; i++) out[i] += c[i] / curves.length;
  return out;
}

export function summarize(reps: readonly GlassProperties[]): GlassSummary {
  if (reps.length === 0) throw new Error('no replica to summarise');
  const scalars = Object.fromEntries(SCALARS.map((k) => [k, stat(reps.map((p) => p[k]))])) as Record<ScalarName, Stat>;
  const shortest = reps.reduce((a, b) => (b.r.length < a.r.length ? b : a));
  const g: Record<PairName, Float64Array> = {};
  for (const name of reps[0].pairs) g[name] = meanCurve(reps.map((p) => p.g[name]));
  return {
    replicas: reps.length,
    scalars,
    qn: [0, 1, 2, 3, 4].map((n) => stat(reps.map((p) => p.qn[n]))),
    curves: {
      q: reps[0].q,
      fq: meanCurve(reps.map((p) => p.fq)),
      sq: meanCurve(reps.map((p) => p.sq)),
      r: shortest.r,
      g,
      gTotal: meanCurve(reps.map((p) => p.gTotal)),
      tr: meanCurve(reps.map((p) => p.tr)),
      theta: reps[0].theta,
      pSiOSi: meanCurve(reps.map((p) => p.pSiOSi)),
      pOSiO: meanCurve(reps.map((p) => p.pOSiO)),
    },
  };
}

/** Atoms per Å³ of SiO2 at a mass density (g/cm³), with the species table's masses. */
export function numberDensityOfSilica(densityGcm3: number): number {
  const meanMass = (SILICA.species[0].mass + 2 * SILICA.species[1].mass) / 3; // amu; Si, O
  return densityGcm3 / MV2D / meanMass;
}

/** The measured side for figures: F(Q) as given and its T(r) (Lorch, Qmax EXP_TR_QMAX) at the measured density. */
export function experimentCurves(measured: Curve, r: Float64Array): { fq: Curve; tr: Curve; density: number } {
  const rho = numberDensityOfSilica(EXPERIMENT_DENSITY);
  return { fq: measured, tr: { x: r, y: trFromFq(measured.x, measured.y, rho, r, EXP_TR_QMAX) }, density: EXPERIMENT_DENSITY };
}
