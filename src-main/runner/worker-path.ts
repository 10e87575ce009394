/**
 * Where the worker script is when glassfit runs from its sources in plain Node (CLI, tests, scripts): the
 * bootstrap bin/worker-ts.mjs, which registers the TypeScript loader and runs src-worker/entry.ts.
 * The Electron main process passes its bundled out/main/worker.js to the pool instead.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function nodeWorkerEntry(): string {
  const path = fileURLToPath(new URL('../../bin/worker-ts.mjs', import.meta.url));
  if (!existsSync(path)) throw new Error(`worker bootstrap not found at ${path}`);
  return path;
}
