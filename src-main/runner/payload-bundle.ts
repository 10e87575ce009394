/**
 * The SLURM js payload as one self-contained file: esbuild bundles src-main/payload/main.ts (the engine, the
 * analysis and the job format; no desktop, database or TypeScript loader) into out/payload/glassfit-payload.mjs.
 * A node starts it in ≈ 0.2 s where bin/glassfit.mjs takes ≈ 0.6 s to load the TypeScript sources through tsx
 * (measured here under load), which is most of the js payload's fixed overhead per evaluation; and a cluster user
 * can copy the one file to the cluster and name it with --node-glassfit 'node /path/glassfit-payload.mjs'.
 *
 * Built when missing or stale: the bundle's inputs (esbuild's metafile) are recorded beside it with the build's
 * start time, and any input modified since makes it stale, so an edited source is never run from an old bundle.
 * Where esbuild is not installed (a packaged app), nothing is built and the caller keeps its command.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PAYLOAD_BUNDLE = join(ROOT, 'out', 'payload', 'glassfit-payload.mjs');
const INPUTS = join(ROOT, 'out', 'payload', 'glassfit-payload.inputs.json');
const ENTRY = 'src-main/payload/main.ts';

/** Whether the bundle exists and no input changed since it was built. */
export function payloadBundleFresh(): boolean {
  if (!existsSync(PAYLOAD_BUNDLE) || !existsSync(INPUTS)) return false;
  try {
    const { builtMs, inputs } = JSON.parse(readFileSync(INPUTS, 'utf8')) as { builtMs: number; inputs: string[] };
    if (!Array.isArray(inputs) || inputs.length === 0) return false;
    for (const f of inputs) if (statSync(join(ROOT, f)).mtimeMs > builtMs) return false;
    return true;
  } catch {
    return false; // an input gone, a record unreadable: rebuild
  }
}

/** Build the bundle (≈ 0.2 s); written by rename, so a concurrent reader never sees half a file. */
export async function buildPayloadBundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const builtMs = Date.now();
  mkdirSync(dirname(PAYLOAD_BUNDLE), { recursive: true });
  const tmp = `${PAYLOAD_BUNDLE}.${process.pid}.tmp`;
  const r = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: tmp,
    metafile: true,
    logLevel: 'silent',
    banner: { js: `// glassfit's node payload (glassfit evaluate --spec JOB.json --result RESULT.json), bundled from ${ENTRY} by src-main/runner/payload-bundle.ts` },
  });
  const inputs = Object.keys(r.metafile.inputs);
  writeFileSync(`${INPUTS}.${process.pid}.tmp`, JSON.stringify({ builtMs, inputs }));
  renameSync(tmp, PAYLOAD_BUNDLE);
  renameSync(`${INPUTS}.${process.pid}.tmp`, INPUTS);
  return PAYLOAD_BUNDLE;
}

/** [node, bundle], built first if needed; null where it cannot be built (the caller keeps its own command). */
export async function payloadBundleCommand(): Promise<string[] | null> {
  try {
    if (!payloadBundleFresh()) await buildPayloadBundle();
    return [process.execPath, PAYLOAD_BUNDLE];
  } catch {
    return null;
  }
}
