/**
 * Shared option parsing for the CLI commands, on node:util parseArgs: typed numeric options with clear
 * errors, so every command rejects bad input the same way.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors.ts';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parse(argv: string[], options: OptionSpec, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** A finite number from an option value, or the default when absent. */
export function num(value: string | boolean | undefined, name: string, dflt: number, check?: (x: number) => boolean): number {
  if (value === undefined) return dflt;
  const x = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(x)) throw new CliError(`--${name} must be a number, got '${String(value)}'`);
  if (check && !check(x)) throw new CliError(`--${name} = ${x} is out of range`);
  return x;
}

/** An integer option. */
export function int(value: string | boolean | undefined, name: string, dflt: number, min = -Infinity): number {
  const x = num(value, name, dflt);
  if (!Number.isInteger(x) || x < min) throw new CliError(`--${name} must be an integer ≥ ${min}, got '${String(value)}'`);
  return x;
}
