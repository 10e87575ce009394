/**
 * g(r) from the MD run's neighbour list (rdf.ts accumulateRdfFromList) is the cell-list g(r), pair for pair:
 * on the LAMMPS BKS liquid fixture, at a fresh build and after 40 NVT steps (the list then follows moved
 * atoms through its slot coordinates), the histograms are equal count for count and the accumulated g equal.
 * (accumulateRdf itself is checked against LAMMPS's compute rdf in rdf.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { createRng } from '../../src-worker/rng.ts';
import { accumulateRdf, accumulateRdfFromList, createRdfAccumulator, listServesRdf, rdfResult } from '../../src-worker/analysis/rdf.ts';
import { preparePotential } from '../../src-worker/md/engine.ts';
import { computeForces, createMdState, defaultLimits, runSegment } from '../../src-worker/md/run.ts';
import { createNoseHooverChain } from '../../src-worker/md/thermostat.ts';
import { maxwellBoltzmann } from '../../src-worker/md/velocities.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { loadLiquid } from '../md/fixtures.ts';

describe('g(r) from the MD neighbour list', () => {
  it('equals the cell-list g(r) count for count, fresh and after 40 MD steps', () => {
    const liquid = loadLiquid('BKS');
    const sys = liquid.sys;
    maxwellBoltzmann(sys, 3600, createRng(3));
    const p = preparePotential(SILICA, liquid.ff, 'table');
    const md = createMdState(sys, p.pot, p.table, 2.0);
    expect(computeForces(md)).toBeNull();
    const cells = createRdfAccumulator(SILICA);
    const list = createRdfAccumulator(SILICA);
    expect(listServesRdf(list, md.nl.cutoff)).toBe(true);
    const compare = () => {
      accumulateRdf(cells, sys.type, sys.pos, sys.box);
      accumulateRdfFromList(list, sys.type, sys.box, md.nl);
      expect(Array.from(list.hist)).toEqual(Array.from(cells.hist));
    };
    compare();
    const chain = createNoseHooverChain(md.dof, 3600, 0.1);
    const builds = md.nl.builds;
    expect(runSegment(md, { kind: 'nvt', chain }, 0.001, 40, { phase: 'production', limits: defaultLimits(3600), ctx: silentContext() })).toBeNull();
    // The list has been followed, and at least once rebuilt, since the first frame.
    expect(md.nl.builds).toBeGreaterThan(builds);
    compare();
    const a = rdfResult(cells);
    const b = rdfResult(list);
    for (const pair of a.pairs) expect(Array.from(b.g[pair])).toEqual(Array.from(a.g[pair]));
  });

  it('refuses a list whose cut-off is below the g(r) range', () => {
    const acc = createRdfAccumulator(SILICA, { rMax: 10, nBins: 500 });
    expect(listServesRdf(acc, 8)).toBe(false);
    const liquid = loadLiquid('BKS');
    const p = preparePotential(SILICA, liquid.ff, 'table');
    const md = createMdState(liquid.sys, p.pot, p.table, 2.0);
    computeForces(md);
    expect(() => accumulateRdfFromList(acc, liquid.sys.type, liquid.sys.box, md.nl)).toThrow(/cut-off 8 Å is below the g\(r\) range 10 Å/);
  });
});
