#!/usr/bin/env node
// Command-line entry: registers the TypeScript loader (tsx) and hands over to src-main/cli/glassfit.ts,
// so `npx glassfit …` runs the same sources the tests and the Electron build use.
import { register } from 'tsx/esm/api';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { resolve, dirname } from 'node:path';

register();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { main } = await import(pathToFileURL(resolve(root, 'src-main/cli/glassfit.ts')).href);
process.exitCode = await main(process.argv.slice(2));
