/**
 * A newcomer's first run, exactly as the README tells it, from a fresh clone: `npm ci` (the README's install
 * command, no build step), `npx glassfit serve` (its first run builds the workbench), open the printed address,
 * create a campaign from a reference file, watch it run to its end, and export the best forcefield for
 * LAMMPS. The clone is of the committed HEAD (`git clone` of this checkout); npm reuses the local cache
 * (--prefer-offline). The default database goes to a temporary XDG_CONFIG_HOME, so nothing of the user's is
 * touched. The campaign is tiny (648 atoms, 0.05 + 0.05 ps, 3 evaluations and one final replica, no baselines),
 * so its best is run twice and the workbench shows the measured noise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

// Async: a synchronous two-minute `npm ci` blocks the test worker's RPC with vitest ("Timeout calling onTaskUpdate").
const run = promisify(execFile);
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, ensureArtifacts, launchChromium, serveWith, tempDir, type Served } from './harness.ts';

const dir = tempDir('glassfit-first-run-');
const clone = join(dir.path, 'glassfit');
const artifacts = ensureArtifacts();
let server: Served | null = null;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1024, height: 700 }, deviceScaleFactor: 1, acceptDownloads: true });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  dir.remove();
});

describe('first run from a fresh clone', () => {
  it('installs with the README’s command alone', async () => {
    await run('git', ['clone', '--quiet', ROOT, clone]);
    expect(existsSync(join(clone, 'out'))).toBe(false);
    // The README: ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci. Nothing else.
    await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: clone, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, timeout: 15 * 60_000, maxBuffer: 64 << 20 });
    expect(existsSync(join(clone, 'node_modules', 'better-sqlite3'))).toBe(true);
    expect(existsSync(join(clone, 'out', 'renderer', 'index.html'))).toBe(false);
  });

  it('`npx glassfit serve` builds the workbench on its first run and serves it', async () => {
    server = await serveWith('npx', ['glassfit', 'serve'], clone, { XDG_CONFIG_HOME: join(dir.path, 'config') }, 8 * 60_000);
    expect(server.output()).toMatch(/no built renderer yet: building the workbench/);
    expect(server.output()).toMatch(/glassfit: built in \d+ s/);
    expect(server.output()).toContain(join(dir.path, 'config', 'glassfit', 'glassfit.sqlite'));
    await page.goto(server.url);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Campaigns');
    await page.screenshot({ path: join(artifacts, 'first-run-01-empty.png'), fullPage: true });
  });

  it('creates a campaign from a reference file and watches it to its end', async () => {
    await page.getByRole('button', { name: 'New campaign…' }).first().click();
    await page.waitForSelector('form[aria-label="New campaign"]');
    await page.check('input[name="refkind"][value="file"]');
    await page.setInputFiles('input[aria-label="Reference file"]', join(clone, 'resources', 'reference', 'gr_CHIK_s1.csv'));
    await page.waitForSelector('canvas[data-plot="Reference partial g(r)"]', { timeout: 60_000 });
    await page.fill('input[aria-label="Campaign name"]', 'my first fit');
    await page.selectOption('select[aria-label="Preset"]', 'BKS-2D');
    const field = (k: string) => page.locator(`input[data-field="${k}"]`);
    await field('atoms').fill('648');
    await field('relax').fill('0.05');
    await field('production').fill('0.05');
    await field('sampleEvery').fill('10');
    await field('softSteps').fill('200');
    await page.fill('input[aria-label="Budget (evaluations)"]', '3');
    await page.fill('input[aria-label="Initial design size"]', '2');
    await page.fill('input[aria-label="Workers"]', '2');
    await page.fill('input[aria-label="Final replicas"]', '1');
    const checkedBaselines = page.locator('.baselines input[type="checkbox"]:checked');
    while ((await checkedBaselines.count()) > 0) await checkedBaselines.first().uncheck();
    await page.screenshot({ path: join(artifacts, 'first-run-02-form.png'), fullPage: true });
    await page.click('button:has-text("Create and start")');
    await page.waitForSelector('table[aria-label="Evaluations"]');
    await expect.poll(() => page.locator('header.ch [data-status]').getAttribute('data-status'), { timeout: 10 * 60_000, interval: 1000 }).toBe('finished');
    expect(await page.locator('header.ch').textContent()).toContain('gr_CHIK_s1.csv');
    // The best ran twice (its final replica): the noise is measured, beside the best and as a band.
    await expect.poll(() => page.locator('[data-testid="noise"]').textContent()).toMatch(/±\d+\.\d\d\s%/);
    const labels = await page.evaluate(() => {
      const c = document.querySelector('canvas[data-plot^="Convergence"]') as HTMLCanvasElement & { chart: { data: { datasets: { label: string }[] } } };
      return c.chart.data.datasets.map((d) => d.label);
    });
    expect(labels.some((l) => /^noise ±σ \(\d+\.\d\d\s%\)$/.test(l))).toBe(true);
    expect(labels).toContain('final replica of the best');
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(artifacts, 'first-run-03-finished.png'), fullPage: true });
  });

  it('exports the best forcefield for LAMMPS', async () => {
    await page.click('nav button[data-view="export"]');
    await page.waitForSelector('pre.preview');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="save-lammps"]')]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/^my-first-fit-eval\d+\.lmp$/);
    expect(text).toMatch(/^# campaign: my first fit/m);
    expect(text).toMatch(/^# R_chi = \d+\.\d\d % ± \d+\.\d\d % \(2 runs\)/m);
    expect(text).toMatch(/^pair_style hybrid\/overlay coul\/dsf 0\.25 8 buck 8/m);
  });

  it('raised no console error on the way', () => {
    expect(problems).toEqual([]);
  });
});
