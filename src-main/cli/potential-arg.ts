/**
 * `--potential`: a built-in parameter set by name (case-insensitive: bks, chik, ml, ml-sio, ml-all) or the
 * path of a JSON parameter file (src-worker/params/forcefield-file.ts). Shared by every command that runs
 * or evaluates a potential.
 */
import { existsSync } from 'node:fs';
import { BUILTIN_NAMES, BUILTIN_SETS, findBuiltin, silicaForceField } from '../../src-worker/params/sets.ts';
import { SILICA, type SpeciesTable } from '../../src-worker/species.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import { CliError } from './errors.ts';
import { fileSource, readInWorker } from './files.ts';

export interface ResolvedPotential {
  readonly name: string;
  readonly source: string;
  readonly species: SpeciesTable;
  readonly ff: ForceField;
}

/** A built-in set, or a parameter file read in the parse worker (src-main/cli/files.ts). */
export async function resolvePotential(arg: string | undefined): Promise<ResolvedPotential> {
  if (arg === undefined || arg === '') throw new CliError(`--potential is required: a built-in set (${BUILTIN_NAMES.join(', ')}) or a JSON parameter file`);
  const builtin = findBuiltin(arg);
  if (builtin) return { name: builtin.name, source: BUILTIN_SETS[builtin.name].source, species: SILICA, ff: silicaForceField(builtin) };
  if (!existsSync(arg))
    throw new CliError(`unknown potential '${arg}': not a built-in set (${BUILTIN_NAMES.join(', ')}) and no such file`);
  const f = await readInWorker({ kind: 'forcefield', ...fileSource(arg), fileName: arg }, 'potential file');
  return { name: f.name ?? arg, source: f.source ?? arg, species: f.species, ff: f.ff };
}

/**
 * parseArgs values split into string options and boolean flags (node:util's precise typing is lost through
 * the shared OptionSpec); an option given twice is a usage error.
 */
export function splitOptions(values: Record<string, unknown>): { str: Record<string, string | undefined>; flag: Record<string, boolean> } {
  const str: Record<string, string | undefined> = {};
  const flag: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') str[k] = v;
    else if (typeof v === 'boolean') flag[k] = v;
    else if (v !== undefined) throw new CliError(`--${k} given more than once`);
  }
  return { str, flag };
}
