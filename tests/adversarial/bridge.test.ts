/**
 * Adversarial bridge (issue 12, item 1): generated raw HTTP requests — broken request lines and paths, bad
 * %-escapes, wrong or missing Host, Origin and token, odd methods, bodies that are not JSON, WebSocket upgrades to
 * anywhere — each get a status line (or a closed socket), and the server keeps answering: nothing a request
 * contains reaches the process. The bridge runs in this process, so an uncaught error would fail the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBridge, type Bridge } from '../../src-main/bridge/server.ts';
import { createApi } from '../../src-main/api/handlers.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { newTally, printTally, type Tally } from './inputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-adv-bridge-'));
const TOKEN = 'T'.repeat(43);
const FC_SEED = Number(process.env.GLASSFIT_FC_SEED ?? 12);
let bridge: Bridge;
const tally: Tally = newTally();
const statuses = new Map<string, number>();

beforeAll(async () => {
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>glassfit</title><script src="./assets/app.js"></script>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  bridge = await startBridge({ rendererDir: renderer, token: TOKEN, open: (emit) => createApi({ dbPath: join(dir, 'b.sqlite'), workerEntry: nodeWorkerEntry(), emit }) });
});

afterAll(async () => {
  await bridge?.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`adversarial bridge statuses: ${[...statuses].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  expect(printTally('bridge', { 'raw requests': tally })).toBeGreaterThanOrEqual(300);
});

/** Send raw bytes; resolve with the status of the first response (null: the server closed or waited without answering). */
function raw(bytes: string | Buffer, timeoutMs = 1500): Promise<number | null> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port: bridge.port });
    let data = '';
    const done = (v: number | null) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    s.on('data', (d) => {
      data += d.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(data);
      if (m && data.includes('\r\n\r\n')) done(Number(m[1]));
    });
    s.on('error', () => done(null));
    s.on('close', () => done(/^HTTP\/1\.[01] (\d{3})/.exec(data) ? Number(/^HTTP\/1\.[01] (\d{3})/.exec(data)![1]) : null));
    s.write(bytes);
  });
}

const hostOk = () => `127.0.0.1:${bridge.port}`;

function request(method: string, path: string, headers: readonly (readonly [string, string])[], body = ''): string {
  const lines = [`${method} ${path} HTTP/1.1`, ...headers.map(([k, v]) => `${k}: ${v}`)];
  if (body) lines.push(`Content-Length: ${Buffer.byteLength(body, 'latin1')}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** Still serving: the API answers with the token. */
async function alive(): Promise<void> {
  const status = await raw(request('POST', '/api/app.info', [['Host', hostOk()], ['Authorization', `Bearer ${TOKEN}`], ['Connection', 'close']]), 10_000);
  expect(status).toBe(200);
}

const PATHS = [
  '//[',
  '//[::1',
  '/%E0%A4%A',
  '/%',
  '/%00',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/../package.json',
  '/..%2f..%2fpackage.json',
  '/index.html',
  '/',
  '/assets/app.js',
  '/api/app.info',
  '/api/campaigns.get',
  '/api/campaigns.create',
  '/api/no.such',
  '/api/%E0%A4%A',
  '/api/',
  '/events',
  '*',
  'http://evil.example/',
  '/?token=' + TOKEN,
  '/?token=%E0%A4%A',
  '/' + 'a'.repeat(9000),
];
const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'get', 'G ET'];

const headerArb = fc.oneof(
  fc.constantFrom<[string, string]>(
    ['Authorization', `Bearer ${TOKEN}`],
    ['Authorization', 'Bearer wrong'],
    ['Authorization', 'Basic x'],
    ['Origin', 'http://evil.example'],
    ['Origin', 'null'],
    ['Content-Type', 'application/json'],
    ['Content-Type', 'text/plain'],
    ['Cookie', `glassfit_token=${TOKEN}`],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ['Sec-WebSocket-Version', '13'],
    ['Transfer-Encoding', 'chunked'],
    ['Expect', '100-continue'],
    ['Host', 'evil.example'],
    ['X-Long', 'x'.repeat(20_000)],
  ),
  fc.tuple(fc.string({ minLength: 1, maxLength: 8, unit: 'grapheme-ascii' }).filter((k) => /^[A-Za-z-]+$/.test(k)), fc.string({ maxLength: 30, unit: 'grapheme-ascii' }).filter((v) => !/[\r\n]/.test(v))),
);

const requestArb = fc.record({
  method: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6, unit: 'grapheme-ascii' }).filter((m) => !/[\s]/.test(m)) }),
  path: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...PATHS) }, { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'grapheme-ascii' }).filter((p) => !/[\s]/.test(p)).map((p) => `/${p}`) }),
  host: fc.constantFrom('ok', 'ok', 'ok', 'missing', 'evil', 'localhost', 'twice'),
  headers: fc.array(headerArb, { maxLength: 5 }),
  body: fc.oneof(fc.constant(''), fc.constant('{"id":'), fc.constant('{"id":"00000000-0000-4000-8000-000000000000"}'), fc.json({ maxDepth: 2 }), fc.string({ maxLength: 50, unit: 'binary' })),
});

describe('the bridge on generated raw requests', () => {
  it('answers every one with a status line (or a closed socket) and keeps serving', async () => {
    await alive();
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        tally.inputs++;
        const host: [string, string][] =
          r.host === 'ok' ? [['Host', hostOk()]] : r.host === 'evil' ? [['Host', `evil.example:${bridge.port}`]] : r.host === 'localhost' ? [['Host', `localhost:${bridge.port}`]] : r.host === 'twice' ? [['Host', hostOk()], ['Host', hostOk()]] : [];
        // Chunked or 100-continue bodies are left out: the server rightly waits for the rest.
        const headers = [...host, ...r.headers.filter(([k]) => k !== 'Transfer-Encoding' && k !== 'Expect'), ['Connection', 'close'] as const];
        const body = new TextEncoder().encode(r.body).length === r.body.length ? r.body : '';
        const status = await raw(request(r.method, r.path, headers, body));
        const key = status === null ? 'no answer' : String(status);
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (status !== null) expect(status, JSON.stringify(r).slice(0, 300)).toBeGreaterThanOrEqual(100);
        if (status !== null && status < 400) tally.accepted++;
        else tally.rejected++;
        if (tally.inputs % 50 === 0) await alive();
      }),
      { numRuns: 300, seed: FC_SEED, endOnFailure: true },
    );
    await alive();
  });
});

describe('issue 12 regressions (item 1)', () => {
  it('GET //[ without a token, and on the WebSocket upgrade, is a 400 or 403, and the server lives', async () => {
    expect(await raw(`GET //[ HTTP/1.1\r\nHost: ${hostOk()}\r\nConnection: close\r\n\r\n`)).toBe(400);
    expect(await raw(`GET //[ HTTP/1.1\r\nHost: ${hostOk()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)).toBe(403);
    await alive();
  });

  it('GET /%E0%A4%A with the token is a 400, and the server lives', async () => {
    expect(await raw(`GET /%E0%A4%A HTTP/1.1\r\nHost: ${hostOk()}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`)).toBe(400);
    await alive();
  });

  it('a socket reset in the middle of a request or an upgrade does not reach the process', async () => {
    for (const bytes of [`POST /api/campaigns.get HTTP/1.1\r\nHost: ${hostOk()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":`, `GET /events?token=${TOKEN} HTTP/1.1\r\nHost: ${hostOk()}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`]) {
      await new Promise<void>((resolve) => {
        const s = connect({ host: '127.0.0.1', port: bridge.port }, () => {
          s.write(bytes);
          setTimeout(() => {
            s.resetAndDestroy();
            resolve();
          }, 50);
        });
        s.on('error', () => resolve());
      });
    }
    await alive();
  });
});
