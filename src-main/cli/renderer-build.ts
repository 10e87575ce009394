/**
 * The built renderer `glassfit serve` hands to the browser, built on first use: a fresh clone after the
 * README's `npm ci` has sources but no `out/`, and a `git pull` leaves an old build behind. Building here (not
 * in an npm `prepare`/`postinstall` script) keeps CI's and every other `npm ci` as fast as before and costs
 * the first `serve` about half a minute, once.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CliError } from './errors.ts';

/** What the renderer build reads besides src-renderer/: a change in any of these makes the build stale. */
const BUILD_INPUTS = ['electron.vite.config.ts', 'package.json', 'tsconfig.web.json'];

/** Newest modification time (ms) of the renderer's sources, or 0 when there are none to look at. */
export function newestSourceMs(root: string): number {
  let newest = 0;
  const visit = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) visit(p);
      else if (st.mtimeMs > newest) newest = st.mtimeMs;
    }
  };
  visit(join(root, 'src-renderer'));
  for (const f of BUILD_INPUTS) {
    const st = statSync(join(root, f), { throwIfNoEntry: false });
    if (st && st.mtimeMs > newest) newest = st.mtimeMs;
  }
  return newest;
}

/** Why the build in `root/out/renderer` cannot be served as it is, or null when it is current. */
export function rendererBuildNeeded(root: string): string | null {
  const index = join(root, 'out', 'renderer', 'index.html');
  const built = statSync(index, { throwIfNoEntry: false });
  if (!built) return 'no built renderer yet';
  // An installed package has no src-renderer: its out/ is what ships.
  const src = newestSourceMs(root);
  if (src > built.mtimeMs) return 'the renderer sources changed since the last build';
  return null;
}

/** electron-vite's command-line script, or null when the dev dependencies are not installed. */
function electronViteBin(root: string): string | null {
  try {
    const req = createRequire(join(root, 'package.json'));
    const pkgPath = req.resolve('electron-vite/package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.['electron-vite'];
    return bin ? join(dirname(pkgPath), bin) : null;
  } catch {
    return null;
  }
}

/**
 * Build the renderer when it is missing or older than its sources (`electron-vite build`, the same build as
 * `npm run build`), printing one line before and one after. Throws a CliError naming the fix when it cannot.
 */
export async function ensureRendererBuilt(root: string, log: (line: string) => void = (l) => console.log(l)): Promise<void> {
  const why = rendererBuildNeeded(root);
  if (!why) return;
  const bin = electronViteBin(root);
  if (!bin) {
    if (existsSync(join(root, 'out', 'renderer', 'index.html'))) return; // stale but nothing to rebuild with: serve it
    throw new CliError(`${why}, and electron-vite (a dev dependency) is not installed to build it: run 'npm ci' in ${root}, then 'npm run build'`);
  }
  log(`glassfit: ${why}: building the workbench (npm run build; about a minute, once)…`);
  const t0 = Date.now();
  const out: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    child.stdout.on('data', (d) => out.push(String(d)));
    child.stderr.on('data', (d) => out.push(String(d)));
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0 || rendererBuildNeeded(root) === 'no built renderer yet') {
    const tail = out.join('').trim().split('\n').slice(-12).join('\n');
    throw new CliError(`building the workbench failed (exit ${code}); run 'npm run build' in ${root} to see why:\n${tail}`, 1);
  }
  log(`glassfit: built in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
