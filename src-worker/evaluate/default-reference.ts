/**
 * The built-in reference (resources/reference/): the CHIK liquid at 3600 K from LAMMPS — a classical-MD
 * stand-in for the user's AIMD data — assembled from its three files' texts. Reading the files is the
 * caller's business (src-main/reference/load.ts in Node; a bundler import in the renderer), so this stays
 * environment-free.
 */
import { z } from 'zod';
import { SILICA, type SpeciesTable } from '../species.ts';
import { MAX_COORDINATION, type Coordination } from '../analysis/coordination.ts';
import { readAdfTable, readGrTable } from '../io/gr-table.ts';
import { referenceFromGrTable, ReferenceProvenanceSchema, referenceHash, type Reference } from './reference.ts';

/** provenance.json: the provenance the app shows, plus how to read the data files. */
export const BuiltinManifestSchema = ReferenceProvenanceSchema.extend({
  files: z.object({ gr: z.string(), adf: z.string().optional() }),
  adfBondCutoffs: z.record(z.string(), z.number().positive()).optional(),
  coordination: z
    .array(z.object({ centre: z.string(), neighbour: z.string(), mean: z.number(), fractions: z.record(z.string(), z.number()) }))
    .optional(),
});
export type BuiltinManifest = z.infer<typeof BuiltinManifestSchema>;

/**
 * Build the reference from provenance.json's text and the data files' texts (name → text, names as in
 * `files`). Throws ParseError for a malformed data file, a zod error for a malformed manifest.
 */
export function builtinReference(manifestText: string, files: Readonly<Record<string, string>>, species: SpeciesTable = SILICA): Reference {
  const m = BuiltinManifestSchema.parse(JSON.parse(manifestText));
  const { files: names, adfBondCutoffs, coordination, ...provenance } = m;
  const text = (name: string) => {
    const t = files[name];
    if (t === undefined) throw new Error(`built-in reference: data file ${name} is missing`);
    return t;
  };
  const gr = readGrTable(text(names.gr), names.gr, species);
  const adf = names.adf ? readAdfTable(text(names.adf), names.adf, species) : null;
  if (adf && !adfBondCutoffs) throw new Error('built-in reference: provenance.json must give adfBondCutoffs for the ADF file');
  const ref = referenceFromGrTable(gr, { species, provenance: { ...provenance, kind: 'builtin' }, adf, adfBondCutoffs });
  if (!coordination) return ref;
  const coord: Coordination[] = coordination.map((c) => {
    const fractions = new Float64Array(MAX_COORDINATION + 1);
    for (const [z, f] of Object.entries(c.fractions)) fractions[Number(z)] = f;
    return { centre: c.centre, neighbour: c.neighbour, fractions, mean: c.mean, samples: 0, frames: m.frames ?? 0 };
  });
  const data = { ...ref, coordination: coord };
  return { ...data, hash: referenceHash(data) };
}
