// Compiles the WebAssembly kernels (scripts/wasm-kernels.ts) after a *.as.ts was edited: `npm run build:wasm`;
// `-- --check` only says whether the committed modules are up to date (exit 1 when one is not).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileKernel, KERNELS, moduleText, ROOT } from './wasm-kernels.ts';

const check = process.argv.includes('--check');
let stale = 0;
for (const k of KERNELS) {
  const text = moduleText(k, await compileKernel(k));
  const path = join(ROOT, k.module);
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // first build
  }
  if (old === text) console.log(`${k.module}: up to date`);
  else if (check) {
    console.error(`${k.module} is out of date with ${k.source}: run npm run build:wasm`);
    stale++;
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${k.module}`);
  }
}
process.exit(stale ? 1 : 0);
