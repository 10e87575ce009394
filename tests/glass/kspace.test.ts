/**
 * F(Q) straight from the atoms (kspace.ts): the closed form for two atoms, and agreement with the g(r)
 * transform (scattering.ts) on LAMMPS's 3000-atom BKS liquid where the g(r) truncation no longer matters.
 */
import { describe, expect, it } from 'vitest';
import { accumulateKSpace, createKSpaceAccumulator, kSpaceResult } from '../../src-worker/glass/kspace.ts';
import { neutronFunctions, qGrid, SILICA_NEUTRON } from '../../src-worker/glass/scattering.ts';
import { joinKSpace } from '../../src-worker/glass/properties.ts';
import { accumulateRdf, createRdfAccumulator, rdfResult } from '../../src-worker/analysis/rdf.ts';
import { SILICA } from '../../src-worker/species.ts';
import { loadLiquid } from '../md/fixtures.ts';

const NAMES = ['Si', 'O'];

describe('F(Q) on the reciprocal lattice', () => {
  it('two atoms: F(k) = (b1² + b2² + 2 b1 b2 cos(k·d))/2 − ⟨b²⟩ on the shell of one lattice vector', () => {
    const L = 20;
    const acc = createKSpaceAccumulator(0.4, 0.05); // only |k| = 2π/20 = 0.314: the six axis vectors, three visited
    const pos = Float64Array.of(1, 2, 3, 4.5, 2.2, 3.1);
    accumulateKSpace(acc, Int32Array.of(0, 1), NAMES, pos, { lx: L, ly: L, lz: L }, SILICA_NEUTRON);
    const r = kSpaceResult(acc);
    expect(r.q.length).toBe(1);
    expect(r.vectors[0]).toBe(3);
    const b1 = 4.1491;
    const b2 = 5.803;
    const k = (2 * Math.PI) / L;
    const d = [3.5, 0.2, 0.1];
    let expected = 0;
    for (const dd of d) expected += ((b1 * b1 + b2 * b2 + 2 * b1 * b2 * Math.cos(k * dd)) / 2 - (b1 * b1 + b2 * b2) / 2) * 0.01;
    expect(r.fq[0]).toBeCloseTo(expected / 3, 12);
    expect(r.q[0]).toBeCloseTo(k, 12);
  });

  it('agrees with the g(r) transform at Q = 3–5.5 Å⁻¹ on the 3000-atom BKS liquid; joins it without a step', () => {
    const { sys } = loadLiquid('BKS');
    const ks = createKSpaceAccumulator(6);
    accumulateKSpace(ks, sys.type, NAMES, sys.pos, sys.box, SILICA_NEUTRON);
    const kr = kSpaceResult(ks);
    const rdf = createRdfAccumulator(SILICA, { rMax: 17.5, nBins: 1750 });
    accumulateRdf(rdf, sys.type, sys.pos, sys.box);
    const q = qGrid(0.3, 8, 0.025);
    const nf = neutronFunctions(rdfResult(rdf), sys.n / (sys.box.lx * sys.box.ly * sys.box.lz), q);
    let worst = 0;
    let sumAbs = 0;
    let shells = 0;
    for (let s = 0; s < kr.q.length; s++) {
      if (kr.q[s] < 3 || kr.q[s] > 5.5) continue;
      const k = Math.round((kr.q[s] - 0.3) / 0.025);
      worst = Math.max(worst, Math.abs(kr.fq[s] - nf.fq[k]));
      sumAbs += Math.abs(kr.fq[s] - nf.fq[k]);
      shells++;
    }
    // One frame: shell averages over 500–1700 vectors scatter by ~0.01 barn; F(Q) spans ±0.2 barn here.
    expect(shells).toBeGreaterThan(40);
    expect(sumAbs / shells).toBeLessThan(0.01);
    expect(worst).toBeLessThan(0.03);
    const joined = joinKSpace(q, nf.fq, { ...kr, qMax: 6 });
    // Around the blend (4.5–5.5 Å⁻¹) the curve moves by no more than F(Q)'s own slope allows per 0.025 Å⁻¹.
    for (let k = 1; k < q.length; k++) if (q[k] > 4.2 && q[k] < 5.8) expect(Math.abs(joined[k] - joined[k - 1])).toBeLessThan(0.03);
    for (let k = 0; k < q.length; k++) if (q[k] >= 5.5) expect(joined[k]).toBe(nf.fq[k]);
  });
});
