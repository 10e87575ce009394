/**
 * The workbench end to end, as a user drives it: Chromium opens the address `glassfit serve` printed, the user
 * tries a bad reference file (clear error) and a good one (preview), then creates a small BKS-2D campaign on
 * the built-in reference with a tiny protocol and watches evaluations arrive live; every view is opened, every
 * plot and the 3D canvas must show data, a LAMMPS file is exported and checked, and a duplicate is deleted
 * after confirmation. Screenshots of every view go to tests/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, canvasStats, ensureArtifacts, launchChromium, requireBuild, serve, tempDir, type Served } from './harness.ts';

const dir = tempDir('glassfit-e2e-');
const artifacts = ensureArtifacts();
let server: Served;
let browser: Browser;
let page: Page;
/** Console errors, uncaught exceptions and CSP violations of the page: must stay empty. */
const problems: string[] = [];

const CAMPAIGN = 'e2e BKS-2D tiny';

beforeAll(async () => {
  requireBuild();
  server = await serve(join(dir.path, 'e2e.sqlite'));
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
});

afterAll(async () => {
  await browser?.close();
  const code = await server?.stop();
  dir.remove();
  expect(code, server?.output()).toBe(0);
});

async function shot(name: string, settleMs = 400): Promise<void> {
  // Let the charts finish their layout after the last data change; capture from the top, where the sticky
  // navigation and header sit in a full-page image.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(settleMs);
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function go(view: string): Promise<void> {
  await page.click(`nav button[data-view="${view}"]`);
}

/** Every canvas of the view shows data: coloured pixels (curves, points, bars, atoms), not only grey axes. */
async function expectPlotsDrawn(min: number): Promise<void> {
  const stats = await canvasStats(page, 'main canvas');
  expect(stats.length, 'number of plots').toBeGreaterThanOrEqual(min);
  for (const s of stats) {
    expect(s.width * s.height, `${s.label}: canvas has no size`).toBeGreaterThan(10_000);
    expect(s.variance, `${s.label}: blank`).toBeGreaterThan(20);
    expect(s.coloured, `${s.label}: no data drawn`).toBeGreaterThan(60);
  }
}

/** Done rows of the evaluations table. */
const doneRows = () => page.locator('table[aria-label="Evaluations"] tbody tr:has([data-status="done"])').count();

describe('workbench', () => {
  it('opens on the campaign list', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Campaigns');
    await expect.poll(() => page.locator('.conn').textContent()).toBe('live');
    await shot('01-campaigns-empty');
  });

  it('reads a reference file: a clear error for a bad one, a preview for a good one', async () => {
    await go('new');
    await page.waitForSelector('form[aria-label="New campaign"]');
    await page.check('input[name="refkind"][value="file"]');
    await page.setInputFiles('input[aria-label="Reference file"]', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('r,SiSi,SiO,OO\n0.01,0,0,0\n0.03,zero,0,0\n') });
    const err = page.locator('[data-testid="reference-error"]');
    await expect.poll(() => err.textContent(), { timeout: 30_000 }).toMatch(/broken\.csv/);
    expect(await err.textContent()).toMatch(/line|column|number/i);
    await shot('02-new-campaign-bad-file');

    const good = readFileSync(join(ROOT, 'resources', 'reference', 'gr_CHIK_s1.csv'));
    await page.setInputFiles('input[aria-label="Reference file"]', { name: 'gr_CHIK_s1.csv', mimeType: 'text/csv', buffer: good });
    await expect.poll(() => page.locator('[data-testid="reference-error"]').count(), { timeout: 30_000 }).toBe(0);
    await page.waitForSelector('canvas[data-plot="Reference partial g(r)"]');
    await expectPlotsDrawn(1);
    await shot('03-new-campaign-file-preview');
    // The campaign itself fits the built-in reference, which says plainly what it is.
    await page.check('input[name="refkind"][value="builtin"]');
    expect(await page.locator('form').textContent()).toContain('classical LAMMPS CHIK liquid, 3600 K — a stand-in, not AIMD');
  });

  it('edits the bounds table of a custom space and refuses impossible bounds', async () => {
    await page.selectOption('select[aria-label="Preset"]', 'custom');
    const row = (n: string) => page.locator(`table[aria-label="Parameter bounds"] tr[data-param="${n}"]`);
    // Fix C_O–O: its bounds give way to a value (BKS's); free A_Si–Si: it gets the default range.
    await row('C_OO').locator('input[type="checkbox"]').uncheck();
    expect(await row('C_OO').locator('input[aria-label="C_OO fixed value"]').inputValue()).toBe('175');
    await row('A_SiSi').locator('input[type="checkbox"]').check();
    expect(await row('A_SiSi').locator('input[aria-label="A_SiSi lower bound"]').inputValue()).toBe('100');
    expect(await row('A_SiSi').locator('select').inputValue()).toBe('log');
    // A lower bound above the upper one is named on its row and blocks creation.
    await row('qSi').locator('input[aria-label="qSi lower bound"]').fill('3');
    await expect.poll(() => row('qSi').locator('.err').count()).toBe(1);
    expect(await row('qSi').locator('.err').textContent()).toMatch(/lower|upper/);
    expect(await page.locator('button:has-text("Create and start")').isDisabled()).toBe(true);
    await shot('04a-new-campaign-custom-bounds');
    await row('qSi').locator('input[aria-label="qSi lower bound"]').fill('1.2');
    await expect.poll(() => row('qSi').locator('.err').count()).toBe(0);
  });

  it('creates a BKS-2D campaign with a tiny protocol and sees evaluations arrive live', async () => {
    await page.fill('input[aria-label="Campaign name"]', CAMPAIGN);
    await page.selectOption('select[aria-label="Preset"]', 'BKS-2D');
    expect(await page.locator('table[aria-label="Parameter bounds"] tr[data-param] input[type="checkbox"]:checked').count()).toBe(2);
    const field = (k: string) => page.locator(`input[data-field="${k}"]`);
    await field('atoms').fill('648');
    await field('relax').fill('0.1');
    await field('production').fill('0.1');
    await field('sampleEvery').fill('10');
    await field('softSteps').fill('300');
    await page.fill('input[aria-label="Budget (evaluations)"]', '8');
    await page.fill('input[aria-label="Initial design size"]', '4');
    await page.fill('input[aria-label="Workers"]', '2');
    await page.fill('input[aria-label="Final replicas"]', '2');
    await page.fill('input[aria-label="Seed"]', '7');
    expect(await page.locator('[data-testid="estimate"]').textContent()).toMatch(/per evaluation/);
    await shot('04-new-campaign-filled');
    await page.click('button:has-text("Create and start")');

    await page.waitForSelector('table[aria-label="Evaluations"]');
    const start = await doneRows();
    expect(start).toBeLessThan(3);
    // Watch the table grow without reloading the page: each row arrives by a WebSocket event.
    const seen = new Set<number>([start]);
    await expect
      .poll(
        async () => {
          const n = await doneRows();
          seen.add(n);
          return n;
        },
        { timeout: 10 * 60_000, interval: 250 },
      )
      .toBeGreaterThanOrEqual(start + 3);
    expect(seen.size, `done counts seen: ${[...seen].join(', ')}`).toBeGreaterThanOrEqual(2);
    // Per-worker status streams in too: wait for a worker that reports MD steps (unless the run ended first).
    const streamed = await page
      .waitForFunction(() => document.querySelector('table[aria-label="Workers"] progress') !== null, null, { timeout: 120_000 })
      .then(() => true)
      .catch(() => false);
    // Worker progress lasts seconds: capture the workers card at once, the whole view after.
    if (streamed) await page.locator('section.card:has(table[aria-label="Workers"])').screenshot({ path: join(artifacts, '05a-run-workers.png') });
    await shot('05-run-live');
  });

  it('runs the campaign to its end', async () => {
    await expect.poll(() => page.locator('header.ch [data-status]').getAttribute('data-status'), { timeout: 15 * 60_000, interval: 1000 }).toBe('finished');
    const best = await page.locator('[data-testid="best-rchi"]').textContent();
    expect(best).toMatch(/^\d+\.\d\d\s%$/);
    await page.waitForTimeout(500);
    await expectPlotsDrawn(4); // convergence, per-pair χ, two parameter traces
    await shot('06-run-finished');
  });

  it('inspects an evaluation from the sortable table', async () => {
    const table = page.locator('table[aria-label="Evaluations"]');
    await table.locator('th button:has-text("R")').first().click(); // sort by R_χ
    const first = table.locator('tbody tr').first();
    const seq = await first.getAttribute('data-seq');
    await first.click();
    await expect.poll(() => page.locator('section.inspector h2').textContent()).toBe(`Evaluation #${seq}`);
    await first.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('section.inspector').textContent()).toMatch(/eV·Å⁶/);
  });

  it('shows the surrogate: 1-D slice with band and EI, 2-D map with paths', async () => {
    await go('surrogate');
    await page.waitForSelector('canvas[data-plot^="(a) GP posterior"]', { timeout: 120_000 });
    await page.waitForSelector('canvas[data-plot^="GP mean of R_χ"]', { timeout: 120_000 });
    await expectPlotsDrawn(3);
    await shot('07-surrogate');
  });

  it('shows structure against the reference and the baselines', async () => {
    await go('structure');
    await page.waitForSelector('canvas[data-plot="(a) g_Si–O(r)"]');
    // Back to the campaign's best after inspecting another row.
    await page.selectOption('.picker select', 'best');
    // The reference is named for what it is.
    expect(await page.locator('main').textContent()).toContain('classical LAMMPS CHIK liquid');
    await expect.poll(() => page.locator('table[aria-label="Mean angles and coordination"] tbody tr').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    await expectPlotsDrawn(5);
    await shot('08-structure');
  });

  it('shows the final configuration in 3D', async () => {
    await go('viewer');
    await expect.poll(() => page.locator('[data-testid="atom-count"]').textContent(), { timeout: 60_000 }).toBe('648');
    await page.waitForTimeout(800);
    const [gl] = await canvasStats(page, 'canvas[data-plot="3d"]');
    expect(gl.variance).toBeGreaterThan(100);
    expect(gl.coloured).toBeGreaterThan(5_000);
    // Rotating re-renders (orbit controls): the image changes.
    const box = (await page.locator('canvas[data-plot="3d"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 40, { steps: 5 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    const [after] = await canvasStats(page, 'canvas[data-plot="3d"]');
    expect(after.coloured).toBeGreaterThan(5_000);
    expect(Math.abs(after.variance - gl.variance) + Math.abs(after.coloured - gl.coloured)).toBeGreaterThan(0);
    await shot('09-viewer-3d');
  });

  it('compares the best point with the baselines', async () => {
    await go('compare');
    await page.waitForSelector('table[aria-label="Comparison"]', { timeout: 60_000 });
    const rows = await page.locator('table[aria-label="Comparison"] tbody tr').count();
    expect(rows).toBe(3); // best, BKS, CHIK
    await expectPlotsDrawn(2);
    await shot('10-compare');
  });

  it('exports a LAMMPS file, the evaluations as CSV and JSON, and a plot as PNG', async () => {
    await go('export');
    await page.waitForSelector('pre.preview');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="save-lammps"]')]);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/\.lmp$/);
    expect(text).toMatch(/^pair_style hybrid\/overlay coul\/dsf 0\.25 8 buck 8/m);
    expect(text).toMatch(/^set type 1 charge \d/m);
    expect(text).toMatch(/^pair_coeff 1 2 buck [\d.e+]+ [\d.]+ /m);
    await shot('11-export');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Save CSV")')]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(1 + 8); // header + at least the optimizer's evaluations
    expect(lines[0]).toMatch(/qSi/);
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Save JSON")')]);
    expect(json.suggestedFilename()).toMatch(/\.json$/);
    expect(JSON.parse(readFileSync((await json.path())!, 'utf8'))).toBeTypeOf('object');

    await go('run');
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('section.plot:has(canvas[data-plot^="Convergence"]) button:has-text("PNG")').click()]);
    expect(png.suggestedFilename()).toBe('convergence.png');
    const bytes = readFileSync((await png.path())!);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(5_000);
  });

  it('lists the campaign, duplicates it, runs and stops the copy, and deletes it after confirmation', async () => {
    await go('campaigns');
    const row = page.locator(`tr[data-campaign="${CAMPAIGN}"]`);
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('finished');
    expect(await row.textContent()).toMatch(/\d+\.\d\d\s%/);
    await row.locator('button:has-text("Duplicate")').click();
    const copy = page.locator(`tr[data-campaign="${CAMPAIGN} (copy)"]`);
    await copy.waitFor();
    await shot('12-campaigns');
    // Run controls on the copy: start, pause, stop (a stopped campaign can still be resumed).
    const status = () => copy.locator('[data-status]').getAttribute('data-status');
    await copy.locator('button:has-text("Start")').click();
    await expect.poll(status, { timeout: 30_000 }).toBe('running');
    expect(await copy.locator('button:has-text("Delete")').isDisabled()).toBe(true);
    await copy.locator('button:has-text("Pause")').click();
    await expect.poll(status, { timeout: 120_000 }).toBe('paused');
    await copy.locator('button:has-text("Stop")').click();
    await expect.poll(status, { timeout: 60_000 }).toBe('stopped');
    await copy.locator('button:has-text("Delete")').click();
    await page.waitForSelector('dialog[open]');
    await shot('13-delete-confirmation');
    await page.click('dialog[open] button:has-text("Delete")');
    await expect.poll(() => copy.count()).toBe(0);
    expect(await row.count()).toBe(1);
  });

  it('raised no console error, exception or CSP violation', () => {
    expect(problems).toEqual([]);
  });
});
