/**
 * The MD protocol as command-line options (--atoms, --relax-ps, …): the option table, its help text and the
 * parser, so every command that runs the protocol offers the same flags with the same units and checks.
 */
import { PAPER_PROTOCOL, type Protocol } from '../../src-worker/md/protocol.ts';
import { PS_PER_FS } from '../../src-worker/units.ts';
import { num, type OptionSpec } from './args.ts';
import { CliError } from './errors.ts';
import { CostRangeSchema, ProtocolSchema } from '../../src-worker/evaluate/spec.ts';
import { DEFAULT_COST_RANGE, type CostRange } from '../../src-worker/evaluate/cost.ts';
import { defaultSoftStart } from '../../src-worker/md/start.ts';
import { SETTING_BOUNDS, settingProblem } from '../../src-worker/settings-bounds.ts';

export const PROTOCOL_OPTIONS = {
  atoms: { type: 'string' },
  density: { type: 'string' },
  temp: { type: 'string' },
  'relax-ps': { type: 'string' },
  'prod-ps': { type: 'string' },
  'dt-fs': { type: 'string' },
  'tdamp-ps': { type: 'string' },
  skin: { type: 'string' },
  'sample-every': { type: 'string' },
} as const satisfies OptionSpec;

export function protocolHelp(base: Protocol = PAPER_PROTOCOL): string {
  return `  --atoms N              number of atoms, a multiple of 3 for SiO2 (default ${base.atoms})
  --density G_CM3        mass density, g/cm³ (default ${base.densityGcm3})
  --temp K               temperature (default ${base.temperature})
  --relax-ps PS          NVT relaxation, ps (default ${base.relax})
  --prod-ps PS           NVT production, ps (default ${base.production})
  --dt-fs FS             timestep, fs (default ${base.timestep / PS_PER_FS})
  --tdamp-ps PS          Nosé–Hoover damping time, ps (default ${base.tDamp})
  --skin A               neighbour-list skin, Å (default ${base.skin})
  --sample-every N       structure sample every N production steps (default ${base.sampleEvery})`;
}

/** Option name of each protocol field, and the factor from the option's unit to the stored one. */
const FIELDS: readonly { readonly key: keyof Protocol; readonly option: string; readonly factor?: number }[] = [
  { key: 'atoms', option: 'atoms' },
  { key: 'densityGcm3', option: 'density' },
  { key: 'temperature', option: 'temp' },
  { key: 'relax', option: 'relax-ps' },
  { key: 'production', option: 'prod-ps' },
  { key: 'timestep', option: 'dt-fs', factor: PS_PER_FS },
  { key: 'tDamp', option: 'tdamp-ps' },
  { key: 'skin', option: 'skin' },
  { key: 'sampleEvery', option: 'sample-every' },
];

/**
 * The protocol from parsed option values (strings): each a number, then checked against the one schema the API
 * and the forms use (evaluate/spec.ts ProtocolSchema, bounds and reasons from settings-bounds.ts), so
 * `--atoms 3e9` or `--dt-fs 1e-300` is refused here with the same reason. Options not given keep `base`.
 * `allowZeroProduction` is for `glassfit md`, which samples nothing.
 */
export function protocolFromOptions(values: Readonly<Record<string, string | undefined>>, base: Protocol = PAPER_PROTOCOL, opts: { allowZeroProduction?: boolean } = {}): Protocol {
  const out: Protocol = { ...base };
  for (const f of FIELDS) {
    const raw = values[f.option];
    if (raw === undefined) continue;
    const shown = num(raw, f.option, 0);
    const x = shown * (f.factor ?? 1);
    (out as Record<keyof Protocol, number>)[f.key] = x;
    if (f.key === 'production' && x === 0 && opts.allowZeroProduction) continue;
    const r = ProtocolSchema.shape[f.key].safeParse(x);
    if (!r.success) throw new CliError(`--${f.option} ${raw}: ${r.error.issues[0].message}`);
  }
  return out;
}

/**
 * --start-ps as soft-start steps (capped MD at the soft start's own timestep), bounded like the schema's
 * softStart.steps; undefined when the option is absent.
 */
export function softStartSteps(value: string | undefined, temperature: number): number | undefined {
  if (value === undefined) return undefined;
  const ps = num(value, 'start-ps', 1, (x) => x >= 0);
  const steps = Math.round(ps / defaultSoftStart(temperature).timestep);
  const why = settingProblem(SETTING_BOUNDS.softStartSteps, steps);
  if (why) throw new CliError(`--start-ps ${value} is ${steps} soft-start steps: ${why}`);
  return steps;
}

/** --rmin/--rmax, checked by the same schema as the API's costRange. */
export function costRangeFromOptions(values: Readonly<Record<string, string | undefined>>): CostRange {
  const range = { rMin: num(values.rmin, 'rmin', DEFAULT_COST_RANGE.rMin), rMax: num(values.rmax, 'rmax', DEFAULT_COST_RANGE.rMax) };
  const r = CostRangeSchema.safeParse(range);
  if (!r.success) throw new CliError(`--rmin/--rmax ${range.rMin}–${range.rMax} Å: ${r.error.issues[0].message}`);
  return range;
}
