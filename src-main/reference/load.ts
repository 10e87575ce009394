/**
 * Node side of references: reads the built-in reference from resources/reference/ and user files from
 * disk, and hands the texts to the environment-free builders in src-worker/evaluate/.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinReference, BuiltinManifestSchema } from '../../src-worker/evaluate/default-reference.ts';
import { importReference, type ImportOptions, type Reference } from '../../src-worker/evaluate/reference.ts';

/**
 * resources/reference of this checkout. A packaged Electron app passes its own folder instead
 * (process.resourcesPath), since the bundle no longer sits beside the sources.
 */
export function defaultReferenceDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../resources/reference');
}

/** The built-in CHIK stand-in reference (classical MD, not AIMD — its provenance says so). */
export function loadDefaultReference(dir: string = defaultReferenceDir()): Reference {
  const manifestText = readFileSync(join(dir, 'provenance.json'), 'utf8');
  const m = BuiltinManifestSchema.parse(JSON.parse(manifestText));
  const files: Record<string, string> = { [m.files.gr]: readFileSync(join(dir, m.files.gr), 'utf8') };
  if (m.files.adf) files[m.files.adf] = readFileSync(join(dir, m.files.adf), 'utf8');
  return builtinReference(manifestText, files);
}

/** A user's reference file (g(r) table or trajectory); errors name the file by its base name and line. */
export function loadReferenceFile(path: string, opts: ImportOptions = {}): Reference {
  return importReference(readFileSync(path, 'utf8'), basename(path), opts);
}
