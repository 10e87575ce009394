/**
 * Where a campaign's evaluations run, in the workbench (issue 13), end to end in Chromium against `glassfit serve`:
 * the new-campaign form creates a draft on the lammps backend (command and MPI ranks; a bad command blocks
 * Create and names the field) — nothing is run —, the header shows the backend's label, the Edit dialog names a
 * bad SLURM time limit and switches the campaign to threads through campaigns.setExecution (the stored LAMMPS
 * settings kept); with results from two engines in the store the header warns, and once the campaign is finished
 * Edit is disabled with the reason (the API refuses the same).
 * Screenshots at 1440×900 and 1024×700 go to tests/artifacts/backend-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WIDE, launchChromium, requireBuild, serve, shotBoth, tempDir, type Served } from './harness.ts';
import { openStore } from '../../src-main/store/store.ts';
import { proposalEvaluation } from '../../src-worker/campaign/setup.ts';
import type { ExecutionSettings } from '../../src-worker/campaign/records.ts';

const dir = tempDir('glassfit-e2e-backend-');
const dbPath = join(dir.path, 'backend.sqlite');
let server: Served;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  requireBuild();
  server = await serve(dbPath);
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

async function api<T>(channel: string, input?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.origin}/api/${channel}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, ...(input === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: input === undefined ? undefined : JSON.stringify(input),
  });
  return { status: res.status, body: (await res.json()) as T };
}

type Got = { campaign: { id: string; status: string; execution: ExecutionSettings }; engines: { engine: string; n: number }[] };
const label = () => page.locator('[data-testid="backend-label"]').textContent();
let id = '';

describe('where evaluations run, in the workbench', () => {
  it('new campaign on the lammps backend: the form sends the choice, the header shows it', async () => {
    await page.goto(server.url);
    await page.click('nav button[data-view="new"]');
    await page.waitForSelector('form[aria-label="New campaign"]');
    const section = page.locator('[data-testid="execution-section"]');
    expect(await page.isChecked('input[aria-label="threads backend"]')).toBe(true);
    expect(await section.locator('input[aria-label="LAMMPS command"]').count()).toBe(0);

    await page.check('input[aria-label="lammps backend"]');
    await page.fill('input[aria-label="LAMMPS command"]', 'lmp -in');
    await expect.poll(() => page.locator('ul.blockers').textContent()).toContain('where evaluations run: LAMMPS command: must be one executable name or path');
    expect(await page.isDisabled('button:has-text("Create as draft")')).toBe(true);
    await page.fill('input[aria-label="LAMMPS command"]', 'lmp');
    await page.fill('input[aria-label="MPI ranks"]', '2');
    await page.fill('input[aria-label="Campaign name"]', 'e2e on lammps');
    await section.scrollIntoViewIfNeeded();
    await shotBoth(page, 'backend-01-new-campaign');

    await page.click('button:has-text("Create as draft")');
    await page.waitForSelector('[data-testid="backend-label"]');
    expect(await label()).toMatch(/^lammps \(lmp, 2 ranks per evaluation, \d+ at once\)$/);
    const list = (await api<{ id: string; name: string }[]>('campaigns.list')).body;
    id = list.find((c) => c.name === 'e2e on lammps')!.id;
    const got = (await api<Got>('campaigns.get', { id })).body;
    expect(got.campaign.status).toBe('draft');
    expect(got.campaign.execution).toMatchObject({ backend: 'lammps', lammps: { command: 'lmp', mpiRanks: 2 } });
    expect(got.engines).toEqual([]);
  });

  it('the Edit dialog names a bad field, then switches the draft to threads through campaigns.setExecution', async () => {
    await page.click('[data-testid="backend"] button:has-text("Edit")');
    const dialog = page.locator('dialog[aria-labelledby="exec-title"]');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('input[aria-label="lammps backend"]').isChecked()).toBe(true);
    expect(await dialog.locator('input[aria-label="MPI ranks"]').inputValue()).toBe('2');

    await dialog.locator('input[aria-label="slurm backend"]').check();
    await dialog.locator('input[aria-label="Time limit"]').fill('soon');
    await expect.poll(() => dialog.locator('[data-testid="execution-problems"]').textContent()).toContain('time limit: must be a SLURM time');
    expect(await dialog.locator('button[type="submit"]').isDisabled()).toBe(true);
    await dialog.locator('input[aria-label="Time limit"]').fill('2:00:00');
    await dialog.locator('input[aria-label="Partition"]').fill('short');
    await expect.poll(() => dialog.locator('[data-testid="execution-problems"]').count()).toBe(0);
    // The cluster's login node through ssh: a host needs the remote folder; the nodes' glassfit is the js payload's.
    await dialog.locator('input[aria-label="ssh host"]').fill('me@login.cluster');
    await expect.poll(() => dialog.locator('[data-testid="execution-problems"]').textContent()).toContain('remote folder: ssh host me@login.cluster needs');
    await dialog.locator('input[aria-label="Remote folder"]').fill('/scratch/me/gf');
    await dialog.locator('input[aria-label="ssh port"]').fill('2222');
    await dialog.locator('input[aria-label="glassfit on the nodes"]').fill('node /opt/glassfit/bin/glassfit.mjs');
    await expect.poll(() => dialog.locator('[data-testid="execution-problems"]').count()).toBe(0);
    await shotBoth(page, 'backend-02-edit-dialog');

    await dialog.locator('input[aria-label="threads backend"]').check();
    await dialog.locator('button[type="submit"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(label).toMatch(/^threads \(\d+ workers?, glassfit's engine\)$/);
    const got = (await api<Got>('campaigns.get', { id })).body;
    // threads chosen: the SLURM fields typed on the way were not sent; the LAMMPS settings stay stored.
    expect(got.campaign.execution).toMatchObject({ backend: 'threads', lammps: { command: 'lmp', mpiRanks: 2 }, slurm: { timeLimit: '1:00:00', partition: null } });
    expect(problems).toEqual([]);
  });

  it('warns when results come from two engines; a finished campaign cannot be edited, with the reason', async () => {
    const store = openStore(dbPath);
    try {
      const c = store.campaign(id);
      const d = c.space.free.length;
      const rows = store.addProposals(id, [0.3, 0.6].map((x) => ({ item: proposalEvaluation(c, { u: Array.from({ length: d }, () => x), phase: 'initial' }), screened: null })));
      const now = new Date().toISOString();
      const finish = store.db.prepare(`UPDATE evaluations SET status = 'done', r_chi = 0.05, started_at = @now, finished_at = @now, duration_s = 100, engine_version = @engine WHERE id = @id`);
      finish.run({ id: rows[0].id, now, engine: 'glassfit-md 1' });
      finish.run({ id: rows[1].id, now, engine: 'lammps 2Aug2023' });
      store.setStatus(id, 'finished', { kind: 'budget', detail: 'seeded for the e2e test' });
    } finally {
      store.close();
    }
    await page.goto(server.url);
    await page.locator('tr[data-campaign="e2e on lammps"] button:has-text("Open")').click();
    await page.waitForSelector('[data-testid="backend-label"]');
    expect(await page.locator('[data-testid="engines-mixed"]').textContent()).toMatch(/Results come from 2 engines \(glassfit-md 1: 1, lammps 2Aug2023: 1\)/);
    const edit = page.locator('[data-testid="backend"] button:has-text("Edit")');
    expect(await edit.isDisabled()).toBe(true);
    expect(await edit.getAttribute('title')).toBe('Campaign finished: duplicate it to run it elsewhere');
    const refused = await api<{ message?: string }>('campaigns.setExecution', { id, execution: { backend: 'lammps' } });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(refused.body)).toContain('is finished');
    await shotBoth(page, 'backend-03-header-mixed-engines');
    expect(problems).toEqual([]);
  });
});
