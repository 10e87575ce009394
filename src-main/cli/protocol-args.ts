/**
 * The MD protocol as command-line options (--atoms, --relax-ps, …): the option table, its help text and the
 * parser, so every command that runs the protocol offers the same flags with the same units and checks.
 */
import { PAPER_PROTOCOL, type Protocol } from '../../src-worker/md/protocol.ts';
import { PS_PER_FS } from '../../src-worker/units.ts';
import { int, num, type OptionSpec } from './args.ts';

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

/** The protocol from parsed option values (strings), each checked and named in its error. */
export function protocolFromOptions(values: Readonly<Record<string, string | undefined>>, base: Protocol = PAPER_PROTOCOL): Protocol {
  return {
    ...base,
    atoms: int(values.atoms, 'atoms', base.atoms, 3),
    densityGcm3: num(values.density, 'density', base.densityGcm3, (x) => x > 0),
    temperature: num(values.temp, 'temp', base.temperature, (x) => x > 0),
    relax: num(values['relax-ps'], 'relax-ps', base.relax, (x) => x >= 0),
    production: num(values['prod-ps'], 'prod-ps', base.production, (x) => x > 0),
    timestep: num(values['dt-fs'], 'dt-fs', base.timestep / PS_PER_FS, (x) => x > 0) * PS_PER_FS,
    tDamp: num(values['tdamp-ps'], 'tdamp-ps', base.tDamp, (x) => x > 0),
    skin: num(values.skin, 'skin', base.skin, (x) => x >= 0),
    sampleEvery: int(values['sample-every'], 'sample-every', base.sampleEvery, 1),
  };
}
