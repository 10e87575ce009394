/**
 * `glassfit analyze <trajectory>`: partial g(r), bond-angle distributions and coordination of a trajectory
 * (LAMMPS dump, extended XYZ, VASP XDATCAR or POSCAR/CONTCAR), printed as a summary and written as CSV.
 */
import { parse, num, int } from '../args.ts';
import { CliError } from '../errors.ts';
import { checkOutput, fileSource, readInWorker, writeOutput } from '../files.ts';
import { SILICA } from '../../../src-worker/species.ts';
import { MV2D } from '../../../src-worker/units.ts';
import { parseTypeMap } from '../../../src-worker/io/lammps-dump.ts';
import { writeAdfCsv, writeGrCsv } from '../../../src-worker/io/gr-table.ts';
import { rdfSpecOfWidth } from '../../../src-worker/analysis/rdf.ts';
import { RANGES } from '../../../src-worker/io/limits.ts';
import { firstMinimum, mainPeak } from '../../../src-worker/analysis/peaks.ts';

export const help = `usage: glassfit analyze <trajectory> [options]

Partial g(r) (normalised as LAMMPS compute rdf), O–Si–O and Si–O–Si bond-angle distributions and
Si/O coordination of a trajectory: LAMMPS dump (id type x y z; also xs/xu), extended XYZ
(Lattice="…"), VASP XDATCAR, or a single POSCAR/CONTCAR. Orthorhombic cells.

options:
  --type-map 1=Si,2=O   LAMMPS dump atom type → species (default 1=Si,2=O)
  --rmax <Å>            g(r) range 0–rmax (default 8)
  --bin <Å>             g(r) bin width (default 0.02; must divide rmax)
  --out <file.csv>      write g(r): columns r,SiSi,SiO,OO (r = bin centre, Å)
  --adf <file.csv>      write angle distributions: columns theta,OSiO,SiOSi (degrees, 1/degree)
  --bond-cutoff <Å>     Si–O bond length limit for angles and coordination
                        (default: first minimum of this trajectory's g_SiO)
  --skip <n>            ignore the first n frames (default 0)
  --every <k>           use every k-th frame after those (default 1)
  --force               replace --out / --adf if they exist
  --json                print the summary as one JSON object

The file is read and analysed in a worker thread, with a time and a memory limit.`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      'type-map': { type: 'string' },
      rmax: { type: 'string' },
      bin: { type: 'string' },
      out: { type: 'string' },
      adf: { type: 'string' },
      'bond-cutoff': { type: 'string' },
      skip: { type: 'string' },
      every: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (positionals.length !== 1) throw new CliError('give exactly one trajectory file (see glassfit analyze --help)');
  const path = positionals[0];
  // parse() is typed for any option table; each of these options is a single string.
  const opt = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  // An r-range of a liquid's pair distances, and at most 10⁶ bins: nothing a typing error can turn into an allocation.
  const rMax = num(opt('rmax'), 'rmax', 8, (x) => x > 0 && x <= RANGES.r.max);
  const bin = num(opt('bin'), 'bin', 0.02, (x) => x > 0 && x <= rMax && rMax / x <= 1e6);
  const skip = int(opt('skip'), 'skip', 0, 0);
  const every = int(opt('every'), 'every', 1, 1);
  const bondCutoff = opt('bond-cutoff') === undefined ? undefined : num(opt('bond-cutoff'), 'bond-cutoff', 0, (x) => x > 0);
  let typeMap: Record<number, string> | undefined;
  let spec;
  try {
    typeMap = opt('type-map') !== undefined ? parseTypeMap(opt('type-map')!) : undefined;
    spec = rdfSpecOfWidth(rMax, bin);
  } catch (e) {
    throw new CliError((e as Error).message);
  }

  const out = opt('out');
  const adfOut = opt('adf');
  const force = values.force === true;
  checkOutput(out, { force, what: '--out' });
  checkOutput(adfOut, { force, what: '--adf' });

  const { fileName } = fileSource(path);
  const t0 = performance.now();
  const a = await readInWorker({
    kind: 'analysis',
    ...fileSource(path),
    species: SILICA,
    ...(typeMap ? { typeMap } : {}),
    rdf: spec,
    bondCutoffs: bondCutoff === undefined ? null : { SiO: bondCutoff },
    skip,
    every,
  }, 'trajectory');
  const { structure, format } = a;
  const seconds = (performance.now() - t0) / 1000;

  if (out) writeOutput(out, writeGrCsv(structure.rdf.r, structure.rdf.pairs, structure.rdf.g), { force, what: '--out' });
  if (adfOut) {
    if (!structure.adf) throw new CliError('no angle distributions were computed');
    writeOutput(adfOut, writeAdfCsv(structure.adf.theta, structure.adf.triplets, structure.adf.p), { force, what: '--adf' });
  }

  const f0 = a.first;
  const massAmu = f0.names.reduce((m, name) => m + (SILICA.species.find((s) => s.name === name)?.mass ?? 0), 0);
  const summary = {
    file: fileName,
    format,
    frames: a.used,
    atoms: f0.n,
    boxA: [f0.box.lx, f0.box.ly, f0.box.lz],
    densityGcm3: (massAmu / (f0.box.lx * f0.box.ly * f0.box.lz)) * MV2D,
    grid: { rMaxA: spec.rMax, bins: spec.nBins, binA: spec.rMax / spec.nBins },
    peaksA: Object.fromEntries(structure.rdf.pairs.map((p) => [p, mainPeak(structure.rdf.r, structure.rdf.g[p])?.r ?? null])),
    firstMinimumSiOA: firstMinimum(structure.rdf.r, structure.rdf.g.SiO)?.r ?? null,
    bondCutoffsA: structure.bondCutoffs,
    meanAnglesDeg: structure.adf ? structure.adf.mean : null,
    angleCounts: structure.adf ? structure.adf.total : null,
    coordination: structure.coordination.map((c) => ({
      centre: c.centre,
      neighbour: c.neighbour,
      mean: c.mean,
      fractions: Object.fromEntries(Array.from(c.fractions).flatMap((f, z) => (f > 0 ? [[String(z), f]] : []))),
    })),
    wallS: seconds,
    written: { gr: out ?? null, adf: adfOut ?? null },
  };
  if (values.json) {
    console.log(JSON.stringify(summary));
    return 0;
  }
  const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
  const lines = [
    `${fileName}: ${format}, ${summary.frames} frame${summary.frames === 1 ? '' : 's'} of ${summary.atoms} atoms, box ${summary.boxA.map((x) => f(x, 3)).join(' × ')} Å, ${f(summary.densityGcm3, 3)} g/cm³`,
    `g(r): 0–${spec.rMax} Å in ${spec.nBins} bins; main peaks ${structure.rdf.pairs.map((p) => `${p} ${f(summary.peaksA[p], 2)} Å`).join(', ')}; first minimum of g_SiO ${f(summary.firstMinimumSiOA, 2)} Å`,
    `bonds: ${Object.entries(structure.bondCutoffs ?? {}).map(([p, r]) => `${p} < ${f(r as number, 2)} Å`).join(', ')}${bondCutoff === undefined ? ' (first minimum of g)' : ''}`,
  ];
  if (structure.adf) lines.push(`angles: ${structure.adf.triplets.map((t) => `${t} mean ${f(structure.adf!.mean[t], 2)}° (${structure.adf!.total[t]} angles)`).join(', ')}`);
  for (const c of summary.coordination) {
    lines.push(`coordination ${c.centre}–${c.neighbour}: mean ${f(c.mean, 4)}; ${Object.entries(c.fractions).map(([z, v]) => `${z}-fold ${f(100 * (v as number), 2)} %`).join(', ')}`);
  }
  if (out) lines.push(`wrote g(r) to ${out}`);
  if (adfOut) lines.push(`wrote angle distributions to ${adfOut}`);
  lines.push(`(${f(seconds, 2)} s)`);
  console.log(lines.join('\n'));
  return 0;
}
