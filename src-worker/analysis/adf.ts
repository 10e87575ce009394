/**
 * Bond-angle distributions: for a triplet a–b–c (b the vertex, e.g. O–Si–O), the angle at every b atom
 * between each pair of its bonds to an a and a c neighbour, in 1° bins over [0°, 180°] (LAMMPS bin
 * convention; 180° itself goes to the last bin), counted over all frames and normalised so that
 * Σ p·Δθ = 1 (p in 1/degree).
 */
import type { SpeciesTable } from '../species.ts';
import { typeOf } from '../species.ts';
import { binCentres, binInverseWidth, binWidth, binsOfWidth, type BinSpec } from './histogram.ts';
import type { BondList } from './bonds.ts';

/** A triplet by type index; `name` joins the species names, vertex in the middle: 'OSiO'. */
export interface Triplet {
  readonly a: number;
  readonly vertex: number;
  readonly c: number;
  readonly name: string;
}

/** O–Si–O (tetrahedra) and Si–O–Si (inter-tetrahedral), the paper's two distributions. */
export const DEFAULT_TRIPLETS: readonly string[] = ['O-Si-O', 'Si-O-Si'];

/** Parse 'O-Si-O' (or 'O–Si–O') into type indices. */
export function parseTriplet(species: SpeciesTable, spec: string): Triplet {
  const parts = spec.split(/[-–]/).map((s) => s.trim());
  if (parts.length !== 3 || parts.some((s) => s === '')) throw new Error(`angle triplet '${spec}' must name three species, e.g. O-Si-O`);
  const idx = parts.map((name) => {
    const k = typeOf(species, name);
    if (k < 0) throw new Error(`angle triplet '${spec}': unknown species '${name}' (known: ${species.species.map((s) => s.name).join(', ')})`);
    return k;
  });
  return { a: idx[0], vertex: idx[1], c: idx[2], name: parts.join('') };
}

/** Averaged angle distributions: plain data. */
export interface AngleDistributions {
  readonly theta: Float64Array; // [nBins] degrees, bin centres
  readonly dTheta: number; // degrees
  readonly triplets: readonly string[]; // 'OSiO', 'SiOSi'
  readonly p: Readonly<Record<string, Float64Array>>; // [nBins] 1/degree, Σ p·Δθ = 1 (all 0 if no angle)
  readonly counts: Readonly<Record<string, Float64Array>>; // [nBins] angles per bin, all frames
  readonly total: Readonly<Record<string, number>>; // angles counted
  readonly mean: Readonly<Record<string, number>>; // degrees, Σ θ_centre·p·Δθ (NaN if none)
  readonly frames: number;
}

export interface AdfAccumulator {
  readonly triplets: readonly Triplet[];
  readonly bins: BinSpec;
  readonly counts: Float64Array; // [nTriplets·nBins]
  frames: number;
}

export function createAdfAccumulator(species: SpeciesTable, triplets: readonly string[] = DEFAULT_TRIPLETS, binDeg = 1): AdfAccumulator {
  const parsed = triplets.map((s) => parseTriplet(species, s));
  const bins = binsOfWidth(0, 180, binDeg);
  return { triplets: parsed, bins, counts: new Float64Array(parsed.length * bins.n), frames: 0 };
}

export function resetAdf(acc: AdfAccumulator): void {
  acc.counts.fill(0);
  acc.frames = 0;
}

const DEG_PER_RAD = 180 / Math.PI;

/** Tally the angles of one frame's bonds. Pairs of bonds whose species do not fit a triplet are skipped. */
export function accumulateAdf(acc: AdfAccumulator, bl: BondList): void {
  const t = bl.cells.t;
  const cap = bl.cap;
  const nbr = bl.nbr;
  const vec = bl.vec;
  const nBins = acc.bins.n;
  const inv = binInverseWidth(acc.bins);
  for (let m = 0; m < acc.triplets.length; m++) {
    const { a, vertex, c } = acc.triplets[m];
    const base = m * nBins;
    for (let i = 0; i < bl.n; i++) {
      if (t[i] !== vertex) continue;
      const ni = bl.count[i];
      const row = i * cap;
      for (let p = 0; p < ni; p++) {
        const tp = t[nbr[row + p]];
        if (tp !== a && tp !== c) continue;
        const px = vec[3 * (row + p)];
        const py = vec[3 * (row + p) + 1];
        const pz = vec[3 * (row + p) + 2];
        const rp = Math.sqrt(px * px + py * py + pz * pz);
        for (let q = p + 1; q < ni; q++) {
          const tq = t[nbr[row + q]];
          // Unordered bond pair {p, q} must be one a and one c neighbour.
          if (!((tp === a && tq === c) || (tp === c && tq === a))) continue;
          const qx = vec[3 * (row + q)];
          const qy = vec[3 * (row + q) + 1];
          const qz = vec[3 * (row + q) + 2];
          let cos = (px * qx + py * qy + pz * qz) / (rp * Math.sqrt(qx * qx + qy * qy + qz * qz));
          if (cos > 1) cos = 1;
          else if (cos < -1) cos = -1;
          const theta = Math.acos(cos) * DEG_PER_RAD;
          let bin = Math.floor(theta * inv);
          if (bin >= nBins) bin = nBins - 1; // exactly 180°
          acc.counts[base + bin] += 1;
        }
      }
    }
  }
  acc.frames++;
}

export function adfResult(acc: AdfAccumulator): AngleDistributions {
  const nBins = acc.bins.n;
  const dTheta = binWidth(acc.bins);
  const p: Record<string, Float64Array> = {};
  const counts: Record<string, Float64Array> = {};
  const total: Record<string, number> = {};
  const mean: Record<string, number> = {};
  const theta = binCentres(acc.bins);
  acc.triplets.forEach((tr, m) => {
    const cts = acc.counts.slice(m * nBins, (m + 1) * nBins);
    let n = 0;
    for (let b = 0; b < nBins; b++) n += cts[b];
    const pm = new Float64Array(nBins);
    if (n > 0) for (let b = 0; b < nBins; b++) pm[b] = cts[b] / (n * dTheta);
    p[tr.name] = pm;
    counts[tr.name] = cts;
    total[tr.name] = n;
    mean[tr.name] = distributionMean(theta, pm, dTheta);
  });
  return { theta, dTheta, triplets: acc.triplets.map((t) => t.name), p, counts, total, mean, frames: acc.frames };
}

/**
 * Mean angle of a distribution from its bin centres, Σ θ·p·Δθ / Σ p·Δθ. Taken from the histogram rather
 * than from the raw angles so that an MD run and a reference known only as a table are measured alike
 * (the fixtures' independent script does the same).
 */
export function distributionMean(theta: ArrayLike<number>, p: ArrayLike<number>, dTheta: number): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < theta.length; i++) {
    s += theta[i] * p[i] * dTheta;
    w += p[i] * dTheta;
  }
  return w > 0 ? s / w : NaN;
}
