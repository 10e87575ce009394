/**
 * The Glass view (issue 16) end to end in Chromium against `glassfit serve`: two tiny glasses (CHIK, then BKS:
 * 192 atoms at 2000 K/ps, tenths of a ps per stage) made from the view run in the server's worker thread with
 * progress, end in the table (density, R_χ, FSDP) and are overlaid on the F(Q)-against-experiment, T(r) and
 * angle plots, the measured data's source and licence in the caption. Screenshots at 1440×900 and 1024×700 go
 * to tests/artifacts/glass-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { BKS_U, TINY_PROTOCOL } from '../runner/tiny.ts';
import { WIDE, canvasStats, launchChromium, requireBuild, serve, shotBoth, tempDir, type Served } from './harness.ts';

const dir = tempDir('glassfit-e2e-glass-');
let server: Served;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  requireBuild();
  server = await serve(join(dir.path, 'glass.sqlite'));
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: WIDE, deviceScaleFactor: 1 })).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
  const code = await server?.stop();
  dir.remove();
  expect(code, server?.output()).toBe(0);
});

async function api<T>(channel: string, input?: unknown): Promise<T> {
  const res = await fetch(`${server.origin}/api/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (res.status !== 200) throw new Error(`${channel}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function tinySettings(): Promise<void> {
  await page.fill('[data-testid="glass-atoms"]', '192');
  await page.fill('[data-testid="glass-rate"]', '2000');
  await page.fill('[data-testid="glass-liquid"]', '0.2');
  await page.fill('[data-testid="glass-relax"]', '0.1');
  await page.fill('[data-testid="glass-sample"]', '0.2');
  await page.fill('[data-testid="glass-start-steps"]', '200');
}

async function makeGlass(name: string): Promise<void> {
  await page.check('input[type="radio"][value="builtin"]');
  await page.selectOption('select[aria-label="Built-in set"]', name);
  await tinySettings();
  await page.click('[data-testid="glass-start"]');
}

describe('the Glass view', () => {
  it('makes a tiny glass, shows its properties and F(Q) against experiment; a second is overlaid', async () => {
    await page.goto(server.url);
    await page.click('nav button[data-view="glass"]');
    await page.waitForSelector('section[aria-label="Make a glass"]');
    await makeGlass('CHIK');
    const rows = page.locator('[data-testid="glass-table"] tbody tr');
    await expect.poll(() => page.locator('[data-testid="glass-density"]').first().textContent(), { timeout: 120_000, interval: 300 }).toMatch(/^\d\.\d{3}$/);
    const density = Number(await page.locator('[data-testid="glass-density"]').first().textContent());
    expect(density).toBeGreaterThan(1.5);
    expect(density).toBeLessThan(3.5);
    // The experiment row and the CHIK glass.
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('2.20');
    expect(await rows.nth(1).textContent()).toMatch(/CHIK.*192 at\. · 2000 K\/ps · ×1.*done/);

    await makeGlass('BKS');
    await expect.poll(() => page.locator('[data-testid="glass-density"]').nth(1).textContent(), { timeout: 120_000, interval: 300 }).toMatch(/^\d\.\d{3}$/);
    const plots = page.locator('[data-testid="glass-plots"]');
    expect(await plots.locator('h3').allTextContents()).toEqual(['Neutron F(Q)', 'Total correlation T(r)', 'Si–O–Si angle', 'O–Si–O angle']);
    expect(await plots.textContent()).toMatch(/ISIS NIMROD.*GPL-3\.0/);
    await expect
      .poll(async () => (await canvasStats(page, '[data-testid="glass-plots"] canvas')).map((s) => s.coloured > 200), { timeout: 10_000 })
      .toEqual([true, true, true, true]);
    await shotBoth(page, 'glass-01-two-glasses');

    // A glass's curves as CSV: one zip of fq.csv, tr.csv, gr.csv and adf.csv.
    const [download] = await Promise.all([page.waitForEvent('download'), rows.nth(1).locator('button:has-text("CSV")').click()]);
    expect(download.suggestedFilename()).toMatch(/^CHIK-2000Kps-glass\.zip$/);
    const bytes = readFileSync((await download.path())!);
    for (const name of ['fq.csv', 'tr.csv', 'gr.csv', 'adf.csv']) expect(bytes.includes(Buffer.from(`CHIK-2000Kps-glass-${name}`))).toBe(true);
    expect(bytes.includes(Buffer.from('Q_invA,F_sim_barn,S_sim,Q_exp_invA,F_exp_barn'))).toBe(true);
    expect(problems).toEqual([]);
  });

  it("'Make the glass' on a finished campaign opens the Glass view with its best set; Cancel stops a glass", async () => {
    const { id } = await api<{ id: string }>('campaigns.create', {
      name: 'e2e glass campaign',
      reference: { kind: 'builtin' },
      space: presetSpace('BKS-2D'),
      preset: 'BKS-2D',
      protocol: TINY_PROTOCOL,
      optimizer: { strategy: 'bo', budget: 2, bo: { initial: { include: [BKS_U] } }, cg: { reserve: 0 } },
      search: { screen: false, earlyStop: { enabled: false } },
      workers: 2,
      seed: 5,
      baselines: [],
      finalReplicas: 0,
      start: true,
    });
    let best: number | null = null;
    await expect
      .poll(
        async () => {
          const g = await api<{ progress: { status: string; bestEvaluationId: number | null } }>('campaigns.get', { id });
          best = g.progress.bestEvaluationId;
          return g.progress.status;
        },
        { timeout: 120_000, interval: 500 },
      )
      .toBe('finished');
    expect(best).not.toBeNull();
    await page.click('nav button[data-view="campaigns"]');
    await page.locator('tr[data-campaign="e2e glass campaign"] button:has-text("Open")').click();
    await page.click('[data-testid="make-glass"]');
    await page.waitForSelector('section[aria-label="Make a glass"]');
    expect(await page.isChecked('input[type="radio"][value="evaluation"]')).toBe(true);
    expect(await page.inputValue('input[aria-label="Evaluation id"]')).toBe(String(best));
    // Side by side with the built-ins: BKS and CHIK made with these settings in the first test are not made again.
    expect(await page.isChecked('[data-testid="glass-with-builtins"]')).toBe(true);
    await tinySettings();
    await page.click('[data-testid="glass-start"]');
    const rows = page.locator('[data-testid="glass-table"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(4);
    await expect.poll(() => page.locator('[data-testid="glass-density"]').nth(2).textContent(), { timeout: 120_000, interval: 300 }).toMatch(/^\d\.\d{3}$/);
    expect(await rows.nth(3).textContent()).toMatch(/^e2e glass campaign: /);
    await shotBoth(page, 'glass-02-best-and-builtins');

    // A long liquid stage, cancelled from the list while it runs (or waits).
    await page.uncheck('[data-testid="glass-with-builtins"]');
    await page.fill('[data-testid="glass-liquid"]', '1000');
    await page.click('[data-testid="glass-start"]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(5);
    const row = rows.nth(4);
    await row.locator('button:has-text("Cancel")').click();
    await expect.poll(() => row.textContent(), { timeout: 60_000, interval: 300 }).toMatch(/cancelled/);
    await shotBoth(page, 'glass-03-cancelled');
    expect(problems).toEqual([]);
  });
});
