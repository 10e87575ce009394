/**
 * Cost of the structure analysis per 3000-atom frame — g(r) (0–8 Å, 400 bins), bond search, ADF and
 * coordination — on the LAMMPS BKS trajectory fixture. The evaluator samples ~1000 frames per evaluation,
 * so this decides whether analysis matters next to MD. Prints one JSON line; asserts nothing.
 *   node bin/run-ts.mjs tests/bench/analysis.bench.ts [repeats]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readLammpsDump } from '../../src-worker/io/lammps-dump.ts';
import { frameTypes } from '../../src-worker/io/trajectory.ts';
import { SILICA } from '../../src-worker/species.ts';
import { accumulateRdf, createRdfAccumulator, DEFAULT_RDF_SPEC } from '../../src-worker/analysis/rdf.ts';
import { createBondList, findBonds } from '../../src-worker/analysis/bonds.ts';
import { accumulateAdf, createAdfAccumulator } from '../../src-worker/analysis/adf.ts';
import { accumulateCoordination, createCoordinationAccumulator } from '../../src-worker/analysis/coordination.ts';
import { createCellList } from '../../src-worker/analysis/cell-list.ts';
import { accumulateStructure, createStructureAccumulator, structureSpec } from '../../src-worker/analysis/structure.ts';

const repeats = Number(process.argv[2] ?? 5);
const path = fileURLToPath(new URL('../fixtures/trajectory/traj_BKS_20frames.dump', import.meta.url));
let t = performance.now();
const frames = readLammpsDump(readFileSync(path, 'utf8'), 'traj_BKS_20frames.dump');
const readMs = performance.now() - t;
const types = frames.map((f) => frameTypes(f, SILICA));

function perFrameMs(fn: (i: number) => void): number {
  for (let i = 0; i < frames.length; i++) fn(i); // warm-up: JIT and buffers
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < frames.length; i++) fn(i);
    times.push((performance.now() - t0) / frames.length);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const result: Record<string, number | string> = { atoms: frames[0].n, frames: frames.length, repeats, readDumpMs: +readMs.toFixed(1) };
for (const k of [1, 2, 3]) {
  const acc = createRdfAccumulator(SILICA, DEFAULT_RDF_SPEC);
  (acc as { cells: unknown }).cells = createCellList(DEFAULT_RDF_SPEC.rMax, k);
  result[`rdfMsPerFrame_k${k}`] = +perFrameMs((i) => accumulateRdf(acc, types[i], frames[i].pos, frames[i].box)).toFixed(3);
}
const bonds = createBondList(SILICA, { SiO: 2.3 });
const adf = createAdfAccumulator(SILICA);
const coord = createCoordinationAccumulator(SILICA);
result.bondsAdfCoordMsPerFrame = +perFrameMs((i) => {
  findBonds(bonds, types[i], frames[i].pos, frames[i].box);
  accumulateAdf(adf, bonds);
  accumulateCoordination(coord, bonds);
}).toFixed(3);
const all = createStructureAccumulator(SILICA, structureSpec({ SiO: 2.3 }));
result.structureMsPerFrame = +perFrameMs((i) => accumulateStructure(all, types[i], frames[i].pos, frames[i].box)).toFixed(3);
result.node = process.version;
console.log(JSON.stringify(result));
