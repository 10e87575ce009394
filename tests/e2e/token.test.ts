/**
 * The bridge token in a real browser (issue 12, item 7): after the page opens the printed address, the token is
 * gone from the page's URL and its history entry, no cookie exists, the page still works (API and live events)
 * and keeps working after a reload; and another server on 127.0.0.1 at another port, visited in the same browser,
 * receives the token in no header, cookie or URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, requireBuild, serve, tempDir, type Served } from './harness.ts';

const dir = tempDir('glassfit-token-');
let server: Served;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let other: Server;
let otherPort = 0;
const seenByOther: { url: string; headers: IncomingMessage['headers'] }[] = [];

beforeAll(async () => {
  requireBuild();
  server = await serve(join(dir.path, 'token.sqlite'));
  browser = await launchChromium();
  context = await browser.newContext();
  page = await context.newPage();
  // Another local service, as any user of the machine could run: it records what the browser sends it.
  other = createServer((req, res) => {
    seenByOther.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>other</title><img src="/pixel.png">');
  });
  await new Promise<void>((ok) => other.listen(0, '127.0.0.1', ok));
  otherPort = (other.address() as { port: number }).port;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((ok) => (other ? other.close(() => ok()) : ok()));
  const code = await server?.stop();
  dir.remove();
  expect(code, server?.output()).toBe(0);
});

describe('the token in the browser', () => {
  it('leaves the address bar and the history entry at once, and lives only in this tab’s sessionStorage', async () => {
    await page.goto(server.url);
    await expect.poll(() => page.locator('.conn').textContent()).toBe('live');
    expect(page.url()).toBe(`${server.origin}/`);
    expect(await page.evaluate(() => location.href)).not.toContain(server.token);
    expect(await page.evaluate(() => sessionStorage.getItem('glassfit-token'))).toBe(server.token);
    expect(await context.cookies()).toEqual([]);
    // The token-bearing entry was replaced, not followed by a second one: one step back is the blank tab.
    await page.goBack();
    expect(page.url()).toBe('about:blank');
    await page.goForward();
    expect(page.url()).toBe(`${server.origin}/`);
  });

  it('works after a reload, from sessionStorage', async () => {
    await page.reload();
    await expect.poll(() => page.locator('.conn').textContent()).toBe('live');
    await expect.poll(() => page.locator('h1').first().textContent()).toBe('Campaigns');
    expect(page.url()).toBe(`${server.origin}/`);
  });

  it('never reaches another server on 127.0.0.1', async () => {
    const tab = await context.newPage();
    await tab.goto(`http://127.0.0.1:${otherPort}/?from=glassfit`);
    await tab.waitForLoadState('networkidle');
    await tab.close();
    expect(seenByOther.length).toBeGreaterThan(0);
    for (const r of seenByOther) {
      expect(r.url).not.toContain(server.token);
      expect(r.headers.cookie ?? '').not.toContain(server.token);
      expect(JSON.stringify(r.headers)).not.toContain(server.token);
    }
  });
});
