/**
 * The bridge's guards, against a real `glassfit serve`: the token on every API call and WebSocket (the page and its
 * assets are the public build, served without it, and no cookie is ever set), the Host and Origin checks,
 * 127.0.0.1 as the only interface, zod validation answered with 400 and the zod message, and the CSP it sends
 * (the same as the page's own meta tag). The page's own handling of the token is tested in Chromium (token.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { CONTENT_SECURITY_POLICY, CSP_META } from '../../src-main/bridge/csp.ts';
import { ROOT, requireBuild, serve, tempDir, type Served } from './harness.ts';

let server: Served;
const dir = tempDir('glassfit-bridge-');

beforeAll(async () => {
  requireBuild();
  server = await serve(join(dir.path, 'bridge.sqlite'));
});

afterAll(async () => {
  const code = await server?.stop();
  dir.remove();
  expect(code).toBe(0);
});

/** A raw request, so tests can send headers fetch() would not (Host, Origin). */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: opts.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers } }, (r) => {
      let body = '';
      r.on('data', (d) => (body += String(d)));
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }));
    });
    req.on('error', rej);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const bearer = () => ({ Authorization: `Bearer ${server.token}` });

describe('token', () => {
  it('refuses the API without the token, and a cookie is no token', async () => {
    expect((await raw('/api/app.info', { method: 'POST' })).status).toBe(403);
    expect((await raw('/api/app.info', { method: 'POST', headers: { Authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await raw('/api/app.info', { method: 'POST', headers: { Cookie: `glassfit_token=${server.token}` } })).status).toBe(403);
    expect((await raw(`/api/app.info?token=${server.token}`, { method: 'POST' })).status).toBe(403);
    const r = await raw('/api/app.info', { method: 'POST' });
    expect(JSON.parse(r.body).error.message).toMatch(/token/);
  });

  it('serves the page and its assets (the public build) with the CSP header, and never sets a cookie', async () => {
    for (const path of ['/', `/?token=${server.token}`, '/index.html']) {
      const page = await raw(path);
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['set-cookie']).toBeUndefined();
    }
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec((await raw('/')).body)![1];
    const js = await raw(`/${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['set-cookie']).toBeUndefined();
  });

  it('answers the API with the bearer token', async () => {
    const r = await raw('/api/app.info', { method: 'POST', headers: bearer() });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).dbPath).toMatch(/bridge\.sqlite$/);
  });

  it('refuses a path outside the renderer', async () => {
    expect((await raw('/../package.json')).status).toBe(404);
    expect((await raw('/%2e%2e/package.json')).status).toBe(404);
    expect((await raw('/%E0%A4%A')).status).toBe(400);
  });
});

describe('host and origin', () => {
  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await raw('/api/app.info', { method: 'POST', headers: { ...bearer(), Host: `evil.example:${server.port}` } });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toMatch(/Host/);
  });

  it('refuses a cross-origin request', async () => {
    const r = await raw('/api/campaigns.list', { method: 'POST', headers: { ...bearer(), Origin: 'http://evil.example' } });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.message).toMatch(/cross-origin/);
  });

  it('accepts its own origin', async () => {
    const r = await raw('/api/campaigns.list', { method: 'POST', headers: { ...bearer(), Origin: server.origin } });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual([]);
  });
});

describe('input validation', () => {
  it('answers invalid input with 400 and the zod message', async () => {
    const r = await raw('/api/campaigns.get', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/json' }, body: JSON.stringify({ id: 'not-a-uuid' }) });
    expect(r.status).toBe(400);
    const e = JSON.parse(r.body).error;
    expect(e.code).toBe('bad-input');
    expect(e.message).toBe('campaigns.get: id: Invalid UUID');
  });

  it('names every bad field of a new campaign', async () => {
    const r = await raw('/api/campaigns.create', {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: '', reference: { kind: 'nowhere' }, optimizer: { strategy: 'bo', budget: 0 } }),
    });
    expect(r.status).toBe(400);
    const msg = JSON.parse(r.body).error.message as string;
    for (const field of ['name', 'reference.kind', 'space', 'optimizer.budget']) expect(msg).toContain(field);
  });

  it('refuses a body that is not JSON, a non-JSON content type, an unknown channel and GET', async () => {
    const notJson = await raw('/api/campaigns.get', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/json' }, body: '{id:' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/not JSON/);
    const form = await raw('/api/campaigns.get', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'id=1' });
    expect(form.status).toBe(400);
    expect((await raw('/api/no.such', { method: 'POST', headers: bearer() })).status).toBe(404);
    expect((await raw('/api/app.info', { headers: bearer() })).status).toBe(405);
  });

  it('answers an unknown id with 404', async () => {
    const r = await raw('/api/campaigns.get', { method: 'POST', headers: { ...bearer(), 'Content-Type': 'application/json' }, body: JSON.stringify({ id: '00000000-0000-4000-8000-000000000000' }) });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error.code).toBe('not-found');
  });
});

describe('WebSocket', () => {
  const open = (url: string, headers: Record<string, string> = {}) =>
    new Promise<{ ok: boolean; status?: number }>((res) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => {
        ws.close();
        res({ ok: true });
      });
      ws.on('unexpected-response', (_req, r) => res({ ok: false, status: r.statusCode }));
      ws.on('error', () => res({ ok: false }));
    });

  it('refuses the handshake without the token or from another origin', async () => {
    expect(await open(`ws://127.0.0.1:${server.port}/events`)).toEqual({ ok: false, status: 403 });
    expect(await open(`ws://127.0.0.1:${server.port}/events?token=wrong`)).toEqual({ ok: false, status: 403 });
    expect(await open(`ws://127.0.0.1:${server.port}/events?token=${server.token}`, { Origin: 'http://evil.example' })).toEqual({ ok: false, status: 403 });
  });

  it('opens with the token and pushes events', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${server.token}`, { headers: { Origin: server.origin } });
    await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
    const got = new Promise<{ event: string }>((res) => ws.once('message', (m) => res(JSON.parse(String(m)))));
    // Creating a draft campaign announces a list change.
    const builtins = JSON.parse((await raw('/api/builtins.get', { method: 'POST', headers: bearer() })).body);
    const space = builtins.presets.find((p: { name: string }) => p.name === 'BKS-qSi').space;
    const created = await raw('/api/campaigns.create', {
      method: 'POST',
      headers: { ...bearer(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'ws event', reference: { kind: 'builtin' }, space, optimizer: { strategy: 'bo', budget: 4 } }),
    });
    expect(created.status).toBe(200);
    expect((await got).event).toBe('campaigns.changed');
    ws.close();
  });
});

describe('interfaces', () => {
  it('listens on 127.0.0.1 only', async () => {
    // The kernel's table of listening sockets: our port bound to 127.0.0.1 (0100007F), nowhere else.
    if (existsSync('/proc/net/tcp')) {
      const hex = server.port.toString(16).toUpperCase().padStart(4, '0');
      const listening = [...readFileSync('/proc/net/tcp', 'utf8').split('\n'), ...(existsSync('/proc/net/tcp6') ? readFileSync('/proc/net/tcp6', 'utf8').split('\n') : [])]
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f[1]?.endsWith(`:${hex}`) && f[3] === '0A')
        .map((f) => f[1]);
      expect(listening).toEqual([`0100007F:${hex}`]);
    }
    // And a connection to any other address of this machine is refused.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal)
      .map((a) => a!.address);
    for (const address of [...others, '::1']) {
      const refused = await new Promise<boolean>((res) => {
        const s = connect({ host: address, port: server.port, timeout: 3000 });
        s.once('connect', () => (s.destroy(), res(false)));
        s.once('error', () => res(true));
        s.once('timeout', () => (s.destroy(), res(true)));
      });
      expect(refused, `port ${server.port} reachable on ${address}`).toBe(true);
    }
  });
});

describe('content security policy', () => {
  it('is the same in the page meta tag as in the header', () => {
    const html = readFileSync(join(ROOT, 'src-renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1];
    expect(meta).toBe(CSP_META);
    expect(CONTENT_SECURITY_POLICY.startsWith(CSP_META)).toBe(true);
  });
});
