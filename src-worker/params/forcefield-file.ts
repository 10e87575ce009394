/**
 * The JSON parameter file: the format the campaign export writes and `--potential file.json` reads.
 *
 * Full form (any species):
 *   { "format": "glassfit-forcefield", "version": 1, "name": "BKS",
 *     "species": [{ "name": "Si", "mass": 28.0855 }, { "name": "O", "mass": 15.9994 }],
 *     "charges": { "Si": 2.4, "O": -1.2 },
 *     "pairs": { "SiSi": { "A": 0, "rho": 1, "C": 0, "D": 3423200 }, "SiO": { … }, "OO": { … } },
 *     "cutoff": 8, "dsf": { "alpha": 0.25, "cutoff": 8 }, "source": "…", "composition": { "Si": 1, "O": 2 } }
 * Short silica forms (Si and O, q_O = −q_Si/2, D from the paper's fixed walls unless given, 8 Å, α = 0.25):
 *   { "qSi": 2.4, "pairs": { "SiO": { "A", "rho", "C" [, "D"] }, "OO": { … }, "SiSi": { … } } }
 *   { "qSi": 2.4, "A_SiO": …, "rho_SiO": …, "C_SiO": …, "A_OO": …, … }     (the paper's parameter names)
 * A campaign export (`campaign export --format json`, "format": "glassfit-campaign") is read too: its best
 * set (`best.forcefield`, a full-form file) is taken, so the file a user already has works as a potential.
 * Any other "format" gets one line saying which formats are read, not a list of schema errors.
 * Units are LAMMPS metal (eV, Å, e; C in eV·Å⁶, D in eV·Å²⁴). Every problem is reported with its JSON path.
 */
import { z } from 'zod';
import { oneLine } from '../io/limits.ts';
import { SILICA, SILICA_COMPOSITION, pairList, type SpeciesTable } from '../species.ts';
import { DEFAULT_CUTOFF, DEFAULT_DSF, SILICA_D, checkForceField, netCharge, silicaCharges, type ForceField } from '../md/forcefield.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nonNegative = finite.refine((x) => x >= 0, 'must be ≥ 0');

const FullPair = z.strictObject({ A: nonNegative, rho: finite.refine((x) => x > 0, 'must be > 0'), C: nonNegative, D: nonNegative });
const ShortPair = z.strictObject({ A: nonNegative, rho: finite.refine((x) => x > 0, 'must be > 0'), C: nonNegative, D: nonNegative.optional() });

export const ForceFieldFileSchema = z.strictObject({
  format: z.literal('glassfit-forcefield'),
  version: z.literal(1),
  name: z.string().optional(),
  species: z.array(z.strictObject({ name: z.string().regex(/^[A-Z][a-z]?$/, 'must be an element symbol such as Si'), mass: finite.refine((x) => x > 0, 'must be > 0') })).min(1),
  charges: z.record(z.string(), finite),
  pairs: z.record(z.string(), FullPair),
  cutoff: finite.refine((x) => x > 0, 'must be > 0'),
  dsf: z.strictObject({ alpha: nonNegative, cutoff: finite.refine((x) => x > 0, 'must be > 0') }),
  source: z.string().optional(),
  composition: z.record(z.string(), finite).optional(),
});
export type ForceFieldFileJson = z.infer<typeof ForceFieldFileSchema>;

const SilicaPairsSchema = z.strictObject({
  name: z.string().optional(),
  source: z.string().optional(),
  qSi: finite,
  pairs: z.strictObject({ SiO: ShortPair, OO: ShortPair, SiSi: ShortPair }),
});

const flatKeys = ['SiO', 'OO', 'SiSi'].flatMap((p) => ['A', 'rho', 'C'].map((k) => `${k}_${p}`));
const SilicaFlatSchema = z.strictObject({
  name: z.string().optional(),
  source: z.string().optional(),
  qSi: finite,
  ...Object.fromEntries(flatKeys.map((k) => [k, k.startsWith('rho') ? finite.refine((x) => x > 0, 'must be > 0') : nonNegative])),
  ...Object.fromEntries(['SiO', 'OO', 'SiSi'].map((p) => [`D_${p}`, nonNegative.optional()])),
});

/** A forcefield read from a file, with its species and provenance. */
export interface ForceFieldFile {
  readonly name?: string;
  readonly source?: string;
  readonly species: SpeciesTable;
  readonly ff: ForceField;
}

/** Thrown for a parameter file that cannot be used; the message names the file and every problem. */
export class ForceFieldFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    // One bounded line whatever the file held (JSON.parse quotes the text around an error, newlines included).
    const text = oneLine(`${file}: ${problems.join('; ')}`);
    super(text.length > 600 ? `${text.slice(0, 599)}…` : text);
    this.name = 'ForceFieldFileError';
  }
}

function issues(e: z.ZodError): string[] {
  return e.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
}

/** Parse a parameter file (JSON text) in any of the three forms. */
export function readForceFieldFile(text: string, file: string): ForceFieldFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ForceFieldFileError(file, [`not valid JSON (${(e as Error).message})`]);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new ForceFieldFileError(file, ['expected a JSON object']);
  const obj = json as Record<string, unknown>;
  if (obj.format === CAMPAIGN_FORMAT) return campaignBest(obj, file);
  if ('format' in obj && obj.format !== 'glassfit-forcefield')
    throw new ForceFieldFileError(file, [
      `'format' is ${JSON.stringify(obj.format)}: a potential file is a 'glassfit-forcefield' file (campaign export --format forcefield) or a campaign export (--format json, its best set is used)`,
    ]);
  let out: ForceFieldFile;
  if ('format' in obj) {
    const r = ForceFieldFileSchema.safeParse(obj);
    if (!r.success) throw new ForceFieldFileError(file, issues(r.error));
    const j = r.data;
    const species: SpeciesTable = { species: j.species.map((s) => ({ name: s.name, mass: s.mass })) };
    const ff: ForceField = { charge: j.charges, pair: j.pairs, cutoff: j.cutoff, dsf: j.dsf };
    const problems = checkForceField(ff, species);
    const known = new Set(pairList(species).map((p) => p.name));
    for (const k of Object.keys(j.pairs)) if (!known.has(k)) problems.push(`pairs.${k}: not a pair of the species ${species.species.map((s) => s.name).join(', ')} (write pairs in species order, e.g. 'SiO')`);
    const composition = j.composition ?? (isSilica(species) ? SILICA_COMPOSITION : undefined);
    if (composition) {
      const q = netCharge(ff, composition);
      if (Math.abs(q) > 1e-9) problems.push(`charges are not neutral for the composition (net ${q} e per formula unit)`);
    }
    if (problems.length) throw new ForceFieldFileError(file, problems);
    out = { species, ff, ...(j.name !== undefined ? { name: j.name } : {}), ...(j.source !== undefined ? { source: j.source } : {}) };
  } else if ('pairs' in obj) {
    const r = SilicaPairsSchema.safeParse(obj);
    if (!r.success) throw new ForceFieldFileError(file, issues(r.error));
    const j = r.data;
    const pair = Object.fromEntries(
      (['SiSi', 'SiO', 'OO'] as const).map((p) => [p, { A: j.pairs[p].A, rho: j.pairs[p].rho, C: j.pairs[p].C, D: j.pairs[p].D ?? SILICA_D[p] }]),
    );
    out = silicaFile(j.qSi, pair, j.name, j.source);
  } else {
    const r = SilicaFlatSchema.safeParse(obj);
    if (!r.success) {
      const hint = 'qSi' in obj ? [] : ["expected a 'format': 'glassfit-forcefield' file, or a silica file with qSi and pairs or A_SiO, rho_SiO, …"];
      throw new ForceFieldFileError(file, [...hint, ...issues(r.error)]);
    }
    const j = r.data as unknown as Record<string, number> & { name?: string; source?: string };
    const pair = Object.fromEntries(
      (['SiSi', 'SiO', 'OO'] as const).map((p) => [p, { A: j[`A_${p}`], rho: j[`rho_${p}`], C: j[`C_${p}`], D: j[`D_${p}`] ?? SILICA_D[p] }]),
    );
    out = silicaFile(j.qSi, pair, j.name, j.source);
  }
  return out;
}

/** What `campaign export --format json` writes (src-worker/campaign/export.ts exportJson). */
const CAMPAIGN_FORMAT = 'glassfit-campaign';

/** The best set of a campaign export, named after the campaign; one line when the export has none. */
function campaignBest(obj: Record<string, unknown>, file: string): ForceFieldFile {
  const best = obj.best as { forcefield?: unknown } | null | undefined;
  const name = (obj.campaign as { name?: unknown } | undefined)?.name;
  if (!best || typeof best !== 'object' || best.forcefield === undefined)
    throw new ForceFieldFileError(file, [
      `a campaign export${typeof name === 'string' ? ` of '${name}'` : ''} with no finished evaluation, so no best set to use: run the campaign first, or pass a 'glassfit-forcefield' file`,
    ]);
  const ff = readForceFieldFile(JSON.stringify(best.forcefield), `${file} (best.forcefield)`);
  return { ...ff, name: ff.name ?? (typeof name === 'string' ? `best of ${name}` : file) };
}

function isSilica(species: SpeciesTable): boolean {
  const names = species.species.map((s) => s.name).sort();
  return names.length === 2 && names[0] === 'O' && names[1] === 'Si';
}

function silicaFile(qSi: number, pair: ForceField['pair'], name?: string, source?: string): ForceFieldFile {
  const ff: ForceField = { charge: silicaCharges(qSi), pair, cutoff: DEFAULT_CUTOFF, dsf: { ...DEFAULT_DSF } };
  return { species: SILICA, ff, ...(name !== undefined ? { name } : {}), ...(source !== undefined ? { source } : {}) };
}

/** The full form as pretty JSON text (what the campaign export writes). */
export function writeForceFieldFile(
  ff: ForceField,
  species: SpeciesTable = SILICA,
  meta: { name?: string; source?: string; composition?: Readonly<Record<string, number>> } = {},
): string {
  const json: ForceFieldFileJson = {
    format: 'glassfit-forcefield',
    version: 1,
    ...(meta.name !== undefined ? { name: meta.name } : {}),
    species: species.species.map((s) => ({ name: s.name, mass: s.mass })),
    charges: Object.fromEntries(species.species.map((s) => [s.name, ff.charge[s.name]])),
    pairs: Object.fromEntries(pairList(species).map(({ name }) => [name, { ...ff.pair[name] }])),
    cutoff: ff.cutoff,
    dsf: { alpha: ff.dsf.alpha, cutoff: ff.dsf.cutoff },
    ...(meta.source !== undefined ? { source: meta.source } : {}),
    ...(meta.composition !== undefined ? { composition: { ...meta.composition } } : {}),
  };
  return JSON.stringify(json, null, 2) + '\n';
}
