/**
 * What the e2e tests share: starting `glassfit serve` on a temporary database (the real CLI, runner and worker
 * threads), launching Debian's Chromium through playwright-core, and measuring whether a canvas shows anything.
 * The renderer must be built first (`npm run test:e2e` builds it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const ARTIFACTS = join(ROOT, 'tests', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Chromium flags: no sandbox (CI containers run as root), no phoning home, and WebGL 2 through ANGLE's
 * SwiftShader (software) so the 3D view renders without a GPU. --disable-gpu is not used: it is not needed for
 * WebGL here and future Chromium versions may read it as "no WebGL".
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html'))) throw new Error("out/renderer is missing: run 'npm run build' (npm run test:e2e does)");
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Served {
  /** The printed address, token included. */
  readonly url: string;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGINT (as Ctrl-C) and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** `node bin/glassfit.mjs serve --db <db>`; resolves once it prints its address. */
export function serve(dbPath: string, extra: string[] = []): Promise<Served> {
  return serveWith(process.execPath, [join(ROOT, 'bin', 'glassfit.mjs'), 'serve', '--db', dbPath, ...extra], ROOT, { GLASSFIT_DEBUG: '1' });
}

/**
 * Any command that ends up in `glassfit serve` (`npx glassfit serve` in a fresh clone, say), in `cwd` with extra
 * environment; resolves once it prints its address (within `timeoutMs`: a first run builds the renderer first).
 */
export async function serveWith(command: string, args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Served> {
  const child: ChildProcess = spawn(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    // Its own process group: `npx` runs `sh -c glassfit serve` and node below it, and a signal to npx alone
    // left the server running after the tests.
    detached: true,
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      child.kill(sig);
    }
  };
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`glassfit serve printed no address within ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /serving the workbench at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`glassfit serve exited with ${code}:\n${out}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    port: Number(u.port),
    token: u.searchParams.get('token')!,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) {
        signal('SIGKILL'); // what the group may still hold
        return child.exitCode;
      }
      signal('SIGINT');
      const t = setTimeout(() => signal('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(t);
      // npx may exit before its children: the group goes with it.
      setTimeout(() => signal('SIGKILL'), 5_000).unref();
      return code;
    },
  };
}

export interface CanvasStats {
  readonly label: string;
  readonly width: number;
  readonly height: number;
  /** Variance of the luminance over all pixels (0 for a blank canvas). */
  readonly variance: number;
  /** Pixels with a clearly saturated colour: data (curves, points, bars, atoms), not axes, grid or text, which are grey. */
  readonly coloured: number;
}

/** Pixel statistics of every canvas matching `selector`, read back through a 2-D canvas. */
export function canvasStats(page: Page, selector = 'canvas'): Promise<CanvasStats[]> {
  return page.$$eval(selector, (canvases) =>
    (canvases as HTMLCanvasElement[]).map((c) => {
      const w = c.width;
      const h = c.height;
      const probe = document.createElement('canvas');
      probe.width = w;
      probe.height = h;
      const ctx = probe.getContext('2d')!;
      ctx.drawImage(c, 0, 0);
      const d = ctx.getImageData(0, 0, w, h).data;
      let s = 0;
      let s2 = 0;
      let coloured = 0;
      const n = w * h;
      for (let i = 0; i < d.length; i += 4) {
        const r = d[i];
        const g = d[i + 1];
        const b = d[i + 2];
        const y = 0.299 * r + 0.587 * g + 0.114 * b;
        s += y;
        s2 += y * y;
        const max = Math.max(r, g, b);
        const min = Math.min(r, g, b);
        if (d[i + 3] > 0 && max - min > 60) coloured++;
      }
      const mean = s / Math.max(1, n);
      return { label: c.getAttribute('aria-label') ?? c.getAttribute('data-plot') ?? '', width: w, height: h, variance: s2 / Math.max(1, n) - mean * mean, coloured };
    }),
  );
}

export function ensureArtifacts(): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}

/** The two window sizes every view is checked and photographed at. */
export const WIDE = { width: 1440, height: 900 };
export const NARROW = { width: 1024, height: 700 };

/**
 * Wait until every plot has followed its box's size: chart.js resizes on a ResizeObserver and the next animation
 * frame, which a loaded machine's headless Chromium can hold back for a second or two after a viewport change.
 */
export async function chartsSettled(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLCanvasElement>('main canvas:not([data-plot="3d"])')].every((c) => Math.abs(c.getBoundingClientRect().width - (c.parentElement?.clientWidth ?? 0)) < 2),
        ),
      { timeout: 10_000, interval: 200 },
    )
    .toBe(true);
}

/** A full-page screenshot at the current size, `<artifacts>/<name>.png`. */
export async function shot(page: Page, name: string, settleMs = 400): Promise<void> {
  // Let the charts finish their layout after the last data change; capture from the top, where the sticky
  // navigation and header sit in a full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(settleMs);
  await chartsSettled(page);
  await page.screenshot({ path: join(ensureArtifacts(), `${name}.png`), fullPage: true });
}

/** Screenshots at 1024×700 (`<name>-1024.png`, nothing may scroll sideways) and at 1440×900 (`<name>.png`). */
export async function shotBoth(page: Page, name: string): Promise<void> {
  await page.setViewportSize(NARROW);
  await page.waitForTimeout(500);
  await chartsSettled(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${name}: the page scrolls sideways at 1024 px`).toBeLessThanOrEqual(1);
  await shot(page, `${name}-1024`);
  await page.setViewportSize(WIDE);
  await shot(page, name);
}
