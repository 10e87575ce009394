import { describe, expect, it } from 'vitest';
import { readLammpsDump } from '../../src-worker/io/lammps-dump.ts';
import { frameTypes } from '../../src-worker/io/trajectory.ts';
import { SILICA } from '../../src-worker/species.ts';
import { createSystem, wrapPositions } from '../../src-worker/md/system.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';
import { accumulateRdf, createRdfAccumulator, DEFAULT_RDF_SPEC, rdfObserver, rdfResult, rdfSpecOfWidth } from '../../src-worker/analysis/rdf.ts';
import { agreesTo6Digits, csvColumns, fixtureText } from './fixtures.ts';

const frames = readLammpsDump(fixtureText('trajectory/traj_BKS_20frames.dump'), 'traj_BKS_20frames.dump');
const lammps = csvColumns('trajectory/gr_BKS_20frames.csv');

describe('partial g(r) against LAMMPS compute rdf (20 frames of the BKS liquid)', () => {
  const acc = createRdfAccumulator(SILICA, DEFAULT_RDF_SPEC);
  let types = new Int32Array(0) as Int32Array;
  for (const f of frames) {
    types = frameTypes(f, SILICA, types);
    accumulateRdf(acc, types, f.pos, f.box);
  }
  const ours = rdfResult(acc);

  it('uses LAMMPS bin centres (i + ½)·0.02 Å', () => {
    expect(ours.r.length).toBe(400);
    expect(lammps.r_A.length).toBe(400);
    for (let i = 0; i < 400; i++) expect(ours.r[i]).toBeCloseTo(lammps.r_A[i], 12);
    expect(ours.frames).toBe(20);
  });

  it.each([
    ['SiSi', 'g_SiSi'],
    ['SiO', 'g_SiO'],
    ['OO', 'g_OO'],
  ])('g_%s equals LAMMPS to its 6 printed significant digits in every bin', (pair, col) => {
    const bad: string[] = [];
    for (let i = 0; i < 400; i++) if (!agreesTo6Digits(ours.g[pair][i], lammps[col][i])) bad.push(`r=${ours.r[i]}: ${ours.g[pair][i]} vs ${lammps[col][i]}`);
    expect(bad).toEqual([]);
    // Not vacuous: the curve has its peaks.
    expect(Math.max(...ours.g[pair])).toBeGreaterThan(2);
  });

  it('works as a production observer on a System, reusing its buffers frame after frame', () => {
    const acc2 = createRdfAccumulator(SILICA);
    const obs = rdfObserver(acc2, 10);
    expect(obs.every).toBe(10);
    const first = createSystem(SILICA, frameTypes(frames[0], SILICA), frames[0].pos.slice(), frames[0].box);
    obs.observe(0, first);
    const buffers = [acc2.cells.x, acc2.cells.pairs, acc2.hist, acc2.gSum];
    for (let k = 1; k < frames.length; k++) {
      const pos = frames[k].pos.slice();
      wrapPositions(pos, frames[k].box);
      first.pos.set(pos);
      obs.observe(10 * k, first);
    }
    expect([acc2.cells.x, acc2.cells.pairs, acc2.hist, acc2.gSum]).toEqual(buffers);
    expect([acc2.cells.x, acc2.cells.pairs, acc2.hist, acc2.gSum].every((b, i) => b === buffers[i])).toBe(true);
    const g = rdfResult(acc2);
    for (let i = 0; i < 400; i++) expect(agreesTo6Digits(g.g.SiO[i], lammps.g_SiO[i])).toBe(true);
  });

  it('derives the grid from a bin width as LAMMPS does from nbin', () => {
    expect(rdfSpecOfWidth(8, 0.02)).toEqual({ rMax: 8, nBins: 400 });
    expect(() => rdfSpecOfWidth(8, 0.03)).toThrow(/whole bins/);
  });
});

/**
 * The obviously-correct twin: every atom pair and every periodic image within the cut-off, O(N²·images),
 * normalised with LAMMPS's formula written out here again. It checks the cell list where the fixture
 * cannot: non-cubic boxes, boxes shorter than 2·rMax (where LAMMPS counts several images of a pair), and
 * atoms given outside the box. Box edges are not multiples of the bin width: an atom's own image lies at
 * exactly r = L, and a distance on a bin edge may fall either side depending on round-off.
 */
function bruteForceG(type: Int32Array, given: Float64Array, box: { lx: number; ly: number; lz: number }, rMax: number, nBins: number) {
  const n = type.length;
  const L = [box.lx, box.ly, box.lz];
  const pos = given.map((x, k) => x - L[k % 3] * Math.floor(x / L[k % 3]));
  const m = L.map((l) => Math.ceil(rMax / l) + 1); // wrapped coordinates differ by up to one edge
  const delr = rMax / nBins;
  const hist: Record<string, Float64Array> = { SiSi: new Float64Array(nBins), SiO: new Float64Array(nBins), OO: new Float64Array(nBins) };
  const name = (a: number, b: number) => (a === 0 && b === 0 ? 'SiSi' : a === 1 && b === 1 ? 'OO' : 'SiO');
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++)
      for (let a = -m[0]; a <= m[0]; a++)
        for (let b = -m[1]; b <= m[1]; b++)
          for (let c = -m[2]; c <= m[2]; c++) {
            if (i === j && !(c > 0 || (c === 0 && (b > 0 || (b === 0 && a > 0))))) continue; // self images once
            const dx = pos[3 * j] + a * L[0] - pos[3 * i];
            const dy = pos[3 * j + 1] + b * L[1] - pos[3 * i + 1];
            const dz = pos[3 * j + 2] + c * L[2] - pos[3 * i + 2];
            const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
            const bin = Math.floor(r / delr);
            if (bin < nBins) hist[name(type[i], type[j])][bin] += type[i] === type[j] ? 2 : 1;
          }
  const V = L[0] * L[1] * L[2];
  const N = [0, 0];
  for (let i = 0; i < n; i++) N[type[i]]++;
  const g: Record<string, Float64Array> = {};
  for (const [p, a, b] of [['SiSi', 0, 0], ['SiO', 0, 1], ['OO', 1, 1]] as const) {
    const pairsDensity = (N[a] * (N[b] - (a === b ? 1 : 0))) / V;
    g[p] = hist[p].map((h, k) => h / (((4 * Math.PI) / 3) * (((k + 1) * delr) ** 3 - (k * delr) ** 3) * pairsDensity));
  }
  return g;
}

describe('cell-list search equals the all-pairs, all-images count', () => {
  const cases = [
    { label: 'cube larger than 2·rMax', box: { lx: 17, ly: 17, lz: 17 }, n: 150, rMax: 8 },
    { label: 'non-cubic box', box: { lx: 19.3, ly: 16.2, lz: 24.7 }, n: 200, rMax: 8 },
    { label: 'box shorter than 2·rMax (several images per pair, as LAMMPS ghosts)', box: { lx: 9.53, ly: 12.17, lz: 7.23 }, n: 40, rMax: 8 },
    { label: 'box shorter than rMax', box: { lx: 5.13, ly: 6.37, lz: 5.71 }, n: 12, rMax: 7 },
  ];
  it.each(cases)('$label', ({ box, n, rMax }) => {
    const rng = createRng(17 + n);
    const type = new Int32Array(n).map((_, i) => (i % 3 === 0 ? 0 : 1));
    // Positions spill up to one box outside [0, L): the search must wrap them itself.
    const pos = new Float64Array(3 * n).map((_, k) => (uniform(rng) * 3 - 1) * [box.lx, box.ly, box.lz][k % 3]);
    const nBins = Math.round(rMax / 0.05);
    const acc = createRdfAccumulator(SILICA, { rMax, nBins });
    accumulateRdf(acc, type, pos, box);
    const ours = rdfResult(acc);
    const twin = bruteForceG(type, pos, box, rMax, nBins);
    let nonzero = 0;
    for (const p of ['SiSi', 'SiO', 'OO']) {
      for (let k = 0; k < nBins; k++) {
        expect(ours.g[p][k]).toBeCloseTo(twin[p][k], 10);
        if (twin[p][k] > 0) nonzero++;
      }
    }
    expect(nonzero).toBeGreaterThan(nBins / 2);
  });
});
