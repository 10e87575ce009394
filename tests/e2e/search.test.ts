/**
 * The physics-aware search in the workbench (issue 11), end to end in Chromium against `glassfit serve`:
 * - the new-campaign form shapes the ML preset by the reference (wall coordinates r_min,Si–O and r_wall,O–O
 *   with their reasons), states the physics screen's verdict on the box and follows a bound edit (debounced),
 *   warns when almost all of the paper's box is screened, and creates the campaign as a shape with the edited
 *   bound as an override and the search switches it shows;
 * - a campaign seeded in the store with done, failed, stopped-early and screened rows (the screened ones are
 *   real verdicts of the screen on points of the box; the R_χ of the others is a smooth function of the point,
 *   no MD runs here) shows screened points as a row of ticks under the convergence plot and stopped runs as
 *   open triangles at their partial R_χ, counts them apart in the header with the MD time saved, filters the
 *   table by status with each reason, and draws BO's trust region on the surrogate map.
 * Screenshots at 1440×900 and 1024×700 go to tests/artifacts/search-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WIDE, ensureArtifacts, launchChromium, requireBuild, serve, shot, shotBoth, tempDir, type Served } from './harness.ts';
import { openStore } from '../../src-main/store/store.ts';
import { campaignReference, proposalEvaluation } from '../../src-worker/campaign/setup.ts';
import { fromUnit } from '../../src-worker/params/space.ts';
import { screenContextFor, screenForceField } from '../../src-worker/physics/screen.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';

const dir = tempDir('glassfit-e2e-search-');
const dbPath = join(dir.path, 'search.sqlite');
let server: Served;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  requireBuild();
  server = await serve(dbPath);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: WIDE, deviceScaleFactor: 1, acceptDownloads: true })).newPage();
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
    headers: { Authorization: `Bearer ${server.token}`, ...(input === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: input === undefined ? undefined : JSON.stringify(input),
  });
  if (!res.ok) throw new Error(`${channel}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The datasets of the chart whose title starts with `plot`: label, the y axis chart.js drew it on, and points. */
function datasets(plot: string): Promise<{ label: string; yAxisID: string | null; data: { x: number; y: number; id?: number }[] }[]> {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel) as
      | (HTMLCanvasElement & { chart?: { data: { datasets: { label?: string; data: unknown[] }[] }; getDatasetMeta(i: number): { yAxisID?: string } } })
      | null;
    const chart = c?.chart;
    return (chart?.data.datasets ?? []).map((d, i) => ({ label: d.label ?? '', yAxisID: chart!.getDatasetMeta(i).yAxisID ?? null, data: d.data as { x: number; y: number; id?: number }[] }));
  }, `canvas[data-plot^="${plot}"]`);
}

const verdict = () => page.locator('[data-testid="screen-summary"]').textContent();
const row = (n: string) => page.locator(`table[aria-label="Parameter bounds"] tr[data-param="${n}"]`);

describe('the physics-aware search in the workbench', () => {
  it('new campaign: reference-shaped bounds, the screen’s verdict following an edit, created as a shape', async () => {
    await page.goto(server.url);
    await page.click('nav button[data-view="new"]');
    await page.waitForSelector('form[aria-label="New campaign"]');
    // ML in wall coordinates: A_Si–O and A_O–O are searched as r_min,Si–O and r_wall,O–O (Å), bounded by the peaks.
    await expect.poll(() => row('rmin_SiO').count(), { timeout: 20_000 }).toBe(1);
    expect(await row('rwall_OO').count()).toBe(1);
    expect(await row('A_SiO').count()).toBe(0);
    expect(await row('rmin_SiO').textContent()).toMatch(/Å.*position of the Si–O potential minimum.*first Si–O peak at 1\.\d\d Å/);
    expect(await page.locator('[data-testid="shape-note"]').textContent()).toMatch(/Bounds shaped by the reference: Si–O peak 1\.\d\d Å/);
    await expect.poll(verdict, { timeout: 20_000 }).toMatch(/^(\d+ % of this box is rejected before MD: .* \(of 1000 random points\)\.|No point of this box is rejected)/);
    const before = await verdict();
    expect(await page.locator('[data-testid="screen-verdict"]').textContent()).toMatch(/BKS (in the box, passes|outside the box)/);

    // A Si–O minimum far inside the first peak: the bond rule rejects more of the box; the verdict follows.
    const lower = row('rmin_SiO').locator('input[aria-label="rmin_SiO lower bound"]');
    await lower.fill('1.05');
    await expect.poll(verdict, { timeout: 20_000 }).not.toBe(before);
    expect(await verdict()).toMatch(/no bond at the first peak \d+/);
    expect(await page.locator('[data-testid="shape-note"]').textContent()).toContain('Edited bounds: rmin_SiO');
    // The search switches new campaigns get: all on, 20 % of the budget kept for CG, CG from 2 starts (set to 3 here).
    for (const s of ['Physics screen', 'Early stopping', 'Trust region']) expect(await page.isChecked(`input[aria-label="${s}"]`)).toBe(true);
    expect(await page.inputValue('input[aria-label="CG reserve (% of the budget)"]')).toBe('20');
    expect(await page.inputValue('input[aria-label="CG starts"]')).toBe('2');
    await page.fill('input[aria-label="CG starts"]', '3');
    // The refinement after BO: least squares on g(r) by default, the paper's CG on request.
    expect(await page.inputValue('select[aria-label="Refinement method"]')).toBe('ls');
    await page.selectOption('select[aria-label="Refinement method"]', 'cg');
    await page.locator('[data-testid="screen-verdict"]').scrollIntoViewIfNeeded();
    await shotBoth(page, 'search-01-new-campaign-verdict');

    // Created as what `campaign new --preset ml --bound rmin_SiO=…` sends: the shape with the edited bound.
    await page.fill('input[aria-label="Campaign name"]', 'e2e shaped ML');
    await page.uncheck('input[aria-label="Early stopping"]');
    await page.click('button:has-text("Create as draft")');
    await page.waitForSelector('table[aria-label="Evaluations"]');
    const list = await api<{ id: string; name: string }[]>('campaigns.list');
    const created = await api<{
      campaign: {
        space: { free: { name: string; lower: number }[] };
        optimizer: { bo: { trustRegion: { enabled: boolean } }; cg: { reserve: number; starts: number; method: string } };
        search: { screen: boolean; earlyStop: { enabled: boolean } };
      };
    }>(
      'campaigns.get',
      { id: list.find((c) => c.name === 'e2e shaped ML')!.id },
    );
    expect(created.campaign.space.free.find((d) => d.name === 'rmin_SiO')!.lower).toBe(1.05);
    expect(created.campaign.optimizer.bo.trustRegion.enabled).toBe(true);
    expect(created.campaign.optimizer.cg.reserve).toBeCloseTo(0.2, 12);
    expect(created.campaign.optimizer.cg.starts).toBe(3);
    expect(created.campaign.optimizer.cg.method).toBe('cg');
    expect(created.campaign.search).toMatchObject({ screen: true, earlyStop: { enabled: false } });

    // The paper's box of ML is nearly all unphysical for this reference: the form says so before anything runs.
    await page.click('nav button[data-view="new"]');
    await page.check('input[name="coords"][value="paper"]');
    await expect.poll(() => row('A_SiO').count(), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-testid="screen-warning"]').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('[data-testid="screen-warning"]').textContent()).toMatch(/^Almost all of this box is screened out/);
    await page.locator('[data-testid="screen-verdict"]').scrollIntoViewIfNeeded();
    await shot(page, 'search-02-new-campaign-paper-box');
  });

  let seeded = '';
  const N = { done: 0, failed: 0, stopped: 0, screened: 0 };

  it('seeds a campaign with done, failed, stopped and screened rows', async () => {
    const { id } = await api<{ id: string }>('campaigns.create', {
      name: 'e2e seeded search',
      reference: { kind: 'builtin' },
      shape: { preset: 'ML', coordinates: 'wall' },
      preset: 'ML',
      protocol: { atoms: 648, relax: 1, production: 1 },
      optimizer: { strategy: 'bo', budget: 40 },
      workers: 1,
      seed: 11,
      baselines: ['BKS'],
      finalReplicas: 0,
    });
    seeded = id;
    const store = openStore(dbPath);
    try {
      const c = store.campaign(id);
      const ctx = screenContextFor({ species: c.space.species, reference: campaignReference(c), temperature: c.protocol.temperature });
      const d = c.space.free.length;
      const rng = createRng(3);
      const centre = Array.from({ length: d }, () => 0.35 + 0.3 * uniform(rng));
      const rChiAt = (u: readonly number[]) => 0.035 + (0.6 * u.reduce((s, x, k) => s + (x - centre[k]) ** 2, 0)) / d;
      const now = new Date().toISOString();
      const finish = store.db.prepare(
        `UPDATE evaluations SET status = @status, r_chi = @r, error = @error, early_stop = @stop, started_at = @now, finished_at = @now, duration_s = @dur, us_per_atom_step = 6, engine_version = 'seeded' WHERE id = @id`,
      );
      let bestU: number[] | null = null;
      let md = 0;
      // Most of the box is screened out: draw until 26 points run "MD", keeping the first 14 screened ones.
      for (let attempt = 0; md < 26 && attempt < 5000; attempt++) {
        // The design first (random points of the box), then BO's steps around the best so far.
        const bo: boolean = md >= 10 && bestU !== null;
        const u: number[] = bo ? bestU!.map((x) => Math.min(1, Math.max(0, x + 0.16 * (uniform(rng) - 0.5)))) : Array.from({ length: d }, () => uniform(rng));
        const v = screenForceField(fromUnit(c.space, u), ctx);
        if (!v.ok && N.screened >= 14) continue;
        const item = proposalEvaluation(c, { u, phase: bo ? 'bo' : 'initial', ...(bo ? { meta: { role: 'tr', length: 0.4 } } : {}) });
        const [rec] = store.addProposals(id, [{ item, screened: v.ok ? null : { detail: { rule: v.rule, message: v.reason }, durationS: 0.0001 } }]);
        if (!v.ok) {
          N.screened++;
          continue;
        }
        md++;
        const r = rChiAt(u);
        if (md % 9 === 4) {
          N.failed++;
          finish.run({ id: rec.id, status: 'failed', r: null, error: 'lost atoms: the liquid blew up at step 812', stop: null, now, dur: 40 });
        } else if (r > 0.09 && N.stopped < 3 && md > 6) {
          N.stopped++;
          const stop = { atStep: 14000, totalSteps: 40000, partialRChi: r * 1.4, threshold: 0.09, incumbent: 0.06, windowPs: 1, frames: 10, stage: 'relax' };
          finish.run({ id: rec.id, status: 'stopped', r: stop.partialRChi, error: `stopped early: partial R_χ ${(stop.partialRChi * 100).toFixed(1)} %`, stop: JSON.stringify(stop), now, dur: 60 });
        } else {
          N.done++;
          finish.run({ id: rec.id, status: 'done', r, error: null, stop: null, now, dur: 170 });
          if (bestU === null || r < rChiAt(bestU)) bestU = u;
        }
      }
      for (const b of store.evaluations(id, { origin: ['baseline'] })) finish.run({ id: b.id, status: 'done', r: 0.077, error: null, stop: null, now, dur: 170 });
      store.setStatus(id, 'stopped', { kind: 'user', detail: 'seeded for the e2e test' });
    } finally {
      store.close();
    }
    expect(N.screened, 'the box has points the screen rejects').toBeGreaterThan(0);
    expect(N.stopped).toBeGreaterThan(0);
    expect(N.done).toBeGreaterThan(8);
    const got = await api<{ progress: { screened: number; stopped: number; failed: number }; mdTime: { mdHoursSaved: number } }>('campaigns.get', { id });
    expect(got.progress).toMatchObject({ screened: N.screened, stopped: N.stopped, failed: N.failed });
    expect(got.mdTime.mdHoursSaved).toBeGreaterThan(0);
  });

  it('run view: screened as ticks in their own row, stopped as open triangles, counts apart, reasons in the table', async () => {
    await page.goto(server.url);
    const listed = page.locator('tr[data-campaign="e2e seeded search"]');
    await expect.poll(() => listed.locator('.progcell .counts').textContent()).toMatch(new RegExp(`${N.failed} failed\\s*${N.stopped} stopped early\\s*${N.screened} screened`));
    await shotBoth(page, 'search-00-campaigns');
    await listed.locator('button:has-text("Open")').click();
    await page.waitForSelector('canvas[data-plot^="Convergence"]');
    const counts = page.locator('[data-testid="run-counts"]');
    await expect.poll(() => counts.textContent()).toMatch(new RegExp(`${N.done + N.failed + N.stopped} / 40 MD runs`));
    expect(await counts.textContent()).toContain(`${N.stopped} stopped early`);
    expect(await page.locator('[data-testid="search-counts"]').textContent()).toMatch(new RegExp(`${N.screened} screened before MD[\\s·]*\\d+\\smin\\s\\d+\\ss MD saved by early stops`));

    const ds = await datasets('Convergence');
    const screened = ds.find((x) => x.label.startsWith('screened before MD'))!;
    expect(screened.label).toBe(`screened before MD (${N.screened}, no MD)`);
    // Their own axis (the row under the plot), never a value on the R_χ axis.
    expect(screened.yAxisID).toBe('yScreened');
    expect(screened.data).toHaveLength(N.screened);
    expect(ds.filter((x) => x.yAxisID !== 'yScreened').flatMap((x) => x.data).filter((p) => p.id !== undefined && screened.data.some((q) => q.id === p.id))).toEqual([]);
    // Everything else is on the R_χ axis.
    expect(ds.find((x) => x.label === 'Bayesian optimisation')!.yAxisID).toBe('y');
    const stopped = ds.find((x) => x.label === 'stopped early (partial R_χ)')!;
    expect(stopped.yAxisID).toBe('y');
    expect(stopped.data).toHaveLength(N.stopped);

    // The table: filter by status, each row with its reason.
    await page.selectOption('[data-testid="filter-status"]', 'screened');
    const rows = page.locator('table[aria-label="Evaluations"] tbody tr');
    await expect.poll(() => rows.count()).toBe(N.screened);
    expect(await rows.first().locator('[data-testid="eval-reason"]').textContent()).toMatch(/^(no bond at the first peak|inner well|no repulsive core|invalid parameters): /);
    await page.selectOption('[data-testid="filter-status"]', 'stopped');
    await expect.poll(() => rows.count()).toBe(N.stopped);
    expect(await rows.first().locator('[data-testid="eval-reason"]').textContent()).toMatch(/^stopped at 35 % of MD \(relax\): partial R_χ/);
    await page.selectOption('[data-testid="filter-status"]', 'all');
    await shotBoth(page, 'search-03-run-screened-stopped');

    // The convergence figure at a journal's column width keeps the row of screened points (legend names it).
    const section = page.locator('section.plot:has(canvas[data-plot^="Convergence"])');
    await section.locator('button:has-text("Export")').click();
    const [d] = await Promise.all([page.waitForEvent('download'), section.locator('[data-export="png-column"]').click()]);
    writeFileSync(join(ensureArtifacts(), 'search-05-figure-convergence-300dpi.png'), readFileSync((await d.path())!));
  });

  it('surrogate map: BO’s trust region drawn as a box', async () => {
    await page.click('nav button[data-view="surrogate"]');
    await page.waitForSelector('canvas[data-plot^="GP mean of R_χ"]', { timeout: 60_000 });
    const tr = (await datasets('GP mean of R_χ')).find((x) => x.label.startsWith('trust region'))!;
    expect(tr.data).toHaveLength(5);
    const xs = tr.data.map((p) => p.x);
    expect(Math.min(...xs)).toBeLessThan(Math.max(...xs));
    const marks = (await datasets('GP mean of R_χ')).map((x) => x.label);
    expect(marks).toEqual(expect.arrayContaining(['evaluated', 'stopped early', 'screened (no MD)']));
    await page.locator('canvas[data-plot^="GP mean of R_χ"]').scrollIntoViewIfNeeded();
    await shotBoth(page, 'search-04-surrogate-trust-region');
  });

  it('raised no console error or exception', () => {
    expect(problems).toEqual([]);
  });
});
