/**
 * `glassfit forces`: single-point energy and per-atom forces of a configuration (extended XYZ or LAMMPS data
 * file) under a potential — the check a user makes of a potential on a structure, and the one the tests make
 * against LAMMPS. Energy in eV on stdout (or one JSON object with --json); forces as CSV `id,fx,fy,fz`
 * (eV/Å), atoms in file order.
 */
import { parse } from '../args.ts';
import { checkOutput, fileSource, readInWorker, writeOutput } from '../files.ts';
import { CliError } from '../errors.ts';
import { resolvePotential, splitOptions } from '../potential-arg.ts';
import { formatOf, frameToSystem } from '../../../src-worker/io/configuration.ts';
import { KERNEL_NAMES, preparePotential, type KernelName } from '../../../src-worker/md/engine.ts';
import { createNeighborList, boxProblem } from '../../../src-worker/md/neighbor.ts';
import { energyParts } from '../../../src-worker/md/buck-dsf.ts';

export const help = `usage: glassfit forces --potential <name|file.json> --config <file.data|file.extxyz> [options]

Single-point potential energy (eV, LAMMPS's coul/dsf self energy included) and per-atom forces.

options:
  --potential NAME|FILE  built-in set (bks, chik, ml, ml-sio, ml-all) or JSON parameter file
  --config FILE          configuration: .extxyz/.xyz (extended XYZ) or .data (LAMMPS data file)
  --frame K              frame of a multi-frame extxyz file (0-based, negative from the end; default 0)
  --out FILE             write forces as CSV id,fx,fy,fz (eV/Å), atoms in file order
  --force                replace --out if it exists
  --kernel exact|table   pair kernel (default exact: LAMMPS's numerics to round-off)
  --json                 print {"energy": eV, "atoms": N, ...} instead of text
`;

export async function run(argv: string[]): Promise<number> {
  const { values: raw } = parse(argv, {
    potential: { type: 'string' },
    config: { type: 'string' },
    frame: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    kernel: { type: 'string' },
    json: { type: 'boolean' },
  });
  const { str: values, flag } = splitOptions(raw);
  const pot = await resolvePotential(values.potential);
  if (!values.config) throw new CliError('--config is required (a .data or .extxyz file)');
  try {
    formatOf(values.config);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  checkOutput(values.out, { force: flag.force === true, what: '--out' });
  const kernel = (values.kernel ?? 'exact') as KernelName;
  if (!KERNEL_NAMES.includes(kernel)) throw new CliError(`--kernel must be one of ${KERNEL_NAMES.join(', ')}, got '${values.kernel}'`);
  const frameIndex = values.frame === undefined ? 0 : Number(values.frame);
  if (!Number.isInteger(frameIndex)) throw new CliError(`--frame must be an integer, got '${values.frame}'`);

  const frame = await readInWorker({ kind: 'configuration', ...fileSource(values.config), fileName: values.config, species: pot.species, index: frameIndex }, 'configuration');
  const ids: Int32Array | undefined = frame.ids;
  let sys;
  try {
    sys = frameToSystem(frame, pot.species, pot.ff, values.config);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const prepared = preparePotential(pot.species, pot.ff, kernel);
  const skin = 0; // a single point needs no skin: the list cut-off is the potential's
  const problem = boxProblem(sys.box, prepared.table.maxCutoff, skin);
  if (problem) throw new CliError(`${values.config}: ${problem}`);
  const nl = createNeighborList(sys.n, prepared.table.maxCutoff, skin, 0);
  const energy = prepared.pot.compute(sys, nl, prepared.table);
  const parts = energyParts(nl);

  if (values.out) {
    const lines = ['id,fx,fy,fz'];
    for (let a = 0; a < sys.n; a++) {
      const id = ids ? ids[a] : a + 1;
      lines.push(`${id},${sys.force[3 * a]},${sys.force[3 * a + 1]},${sys.force[3 * a + 2]}`);
    }
    writeOutput(values.out, lines.join('\n') + '\n', { force: flag.force === true, what: '--out' });
  }
  if (flag.json) {
    const out: Record<string, unknown> = { energy, atoms: sys.n, potential: pot.name, kernel: prepared.kernel };
    if (prepared.kernel === 'exact') Object.assign(out, { ecoul: parts.coul + parts.self, eshort: parts.short, eself: parts.self });
    console.log(JSON.stringify(out));
  } else {
    console.log(`energy ${energy} eV  (${sys.n} atoms, ${pot.name}, ${prepared.kernel} kernel)`);
    if (values.out) console.error(`forces written to ${values.out}`);
  }
  return 0;
}
