/**
 * The local bridge: the workbench API over HTTP + WebSocket on 127.0.0.1, and the built renderer beside it, so
 * a browser on the same machine can drive campaigns (a headless workstation, the e2e tests) exactly as the
 * Electron window does through IPC. Same contract, same validation (dispatch.ts), same handlers.
 *
 * Only this machine and only whoever holds the token may use it:
 * - bound to 127.0.0.1, never another interface;
 * - a random 256-bit token on every request: `Authorization: Bearer <token>` (API calls), `?token=` (the first
 *   page load, the WebSocket handshake), or the HttpOnly SameSite=Strict cookie the first page load sets
 *   (assets); anything else gets 403;
 * - the Host header must name 127.0.0.1 / localhost and our port (no DNS rebinding), and a request that
 *   carries an Origin must come from our own origin (no cross-site requests or WebSockets);
 * - API inputs are parsed with the contract's zod schema: bad input is a 400 with the zod message.
 *
 * HTTP: `POST /api/<channel>` with the JSON input as body (no body for input-less channels) → 200 with the JSON
 * output, or 400/403/404/409/500 with `{error: {code, message}}`. WebSocket `/events`: `{event, payload}` JSON
 * messages for every API event.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Api, EventSink } from '../api/contract.ts';
import { CONTENT_SECURITY_POLICY as CSP } from './csp.ts';
import { dispatch, isChannel, type ReplyError } from './dispatch.ts';

/** The only interface the bridge listens on. Not an option on purpose. */
export const BRIDGE_HOST = '127.0.0.1';
const COOKIE = 'glassfit_token';
/** Reference trajectories arrive as text in a request body; bigger than this is refused with 413. */
const MAX_BODY_BYTES = 256 * 1024 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface BridgeOptions {
  /** Opens the backend with the bridge's event sink (createApi from api/handlers.ts). */
  readonly open: (emit: EventSink) => Promise<Api>;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  /** 0 (default) lets the system pick a free port. */
  readonly port?: number;
  /** For tests only; default a fresh random token. */
  readonly token?: string;
}

export interface Bridge {
  readonly port: number;
  readonly token: string;
  /** The address to open in a browser, token included. */
  readonly url: string;
  readonly api: Api;
  /** Stop listening, drop WebSocket clients, close the backend (running campaigns are paused). */
  close(): Promise<void>;
}

const HTTP_STATUS: Readonly<Record<ReplyError['code'], number>> = {
  'bad-input': 400,
  'not-found': 404,
  conflict: 409,
  internal: 500,
  forbidden: 403,
  unavailable: 503,
};

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const rendererDir = resolve(opts.rendererDir);
  if (!existsSync(resolve(rendererDir, 'index.html'))) throw new Error(`no built renderer at ${rendererDir} (run 'npm run build' first)`);
  const token = opts.token ?? randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);

  const clients = new Set<WebSocket>();
  const emit: EventSink = (event, payload) => {
    if (clients.size === 0) return;
    const msg = JSON.stringify({ event, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(msg);
  };
  const api = await opts.open(emit);

  let port = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    // The socket is push-only; anything the page sends is ignored.
  });
  // Drop clients that vanished without a close frame (a suspended laptop, a killed browser).
  const alive = new WeakSet<WebSocket>();
  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  });
  const heartbeat = setInterval(() => {
    for (const ws of clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        clients.delete(ws);
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, 30_000);
  heartbeat.unref();

  // ------------------------------------------------------------------------------------ checks

  function tokenOk(candidate: string | undefined | null): boolean {
    if (!candidate) return false;
    const b = Buffer.from(candidate);
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
  }

  function presentedToken(req: IncomingMessage, url: URL): string | null {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
    const q = url.searchParams.get('token');
    if (q) return q;
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === COOKIE) return v.join('=');
    }
    return null;
  }

  /** Why a request is refused, or null: host (DNS rebinding), origin (cross-site), token. */
  function refusal(req: IncomingMessage, url: URL): string | null {
    const host = req.headers.host ?? '';
    if (host !== `${BRIDGE_HOST}:${port}` && host !== `localhost:${port}`) return `unexpected Host '${host}'`;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${BRIDGE_HOST}:${port}` && origin !== `http://localhost:${port}`) return `cross-origin request from '${origin}'`;
    if (!tokenOk(presentedToken(req, url))) return 'missing or wrong token: open the address glassfit serve printed';
    return null;
  }

  // --------------------------------------------------------------------------------------- HTTP

  function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(body);
  }

  function sendError(res: ServerResponse, error: ReplyError): void {
    send(res, HTTP_STATUS[error.code], JSON.stringify({ error }), 'application/json; charset=utf-8');
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw Object.assign(new Error(`request body exceeds ${MAX_BODY_BYTES / 1024 / 1024} MiB`), { status: 413 });
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, channel: string): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, JSON.stringify({ error: { code: 'bad-input', message: 'use POST' } }), 'application/json', { Allow: 'POST' });
    if (!isChannel(channel)) return sendError(res, { code: 'not-found', message: `no API channel '${channel}'` });
    let raw: unknown = undefined;
    let text: string;
    try {
      text = await readBody(req);
    } catch (e) {
      return send(res, (e as { status?: number }).status ?? 400, JSON.stringify({ error: { code: 'bad-input', message: (e as Error).message } }), 'application/json');
    }
    if (text.length > 0) {
      // A JSON content type keeps plain HTML forms (which cannot set it) from posting here at all.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return sendError(res, { code: 'bad-input', message: 'Content-Type must be application/json' });
      try {
        raw = JSON.parse(text);
      } catch (e) {
        return sendError(res, { code: 'bad-input', message: `${channel}: body is not JSON: ${(e as Error).message}` });
      }
    }
    const reply = await dispatch(api.handlers, channel, raw);
    if (reply.ok) send(res, 200, JSON.stringify(reply.value ?? null), 'application/json; charset=utf-8');
    else sendError(res, reply.error);
  }

  function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain', { Allow: 'GET, HEAD' });
    const pathname = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
    const path = resolve(rendererDir, `.${pathname}`);
    const rel = relative(rendererDir, path);
    if (rel.startsWith('..') || isAbsolute(rel) || !existsSync(path) || !statSync(path).isFile()) return send(res, 404, 'not found', 'text/plain');
    const extra: Record<string, string> = {};
    // The first page load carries the token in the URL; the cookie lets the page's own assets through.
    if (url.searchParams.get('token')) extra['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    send(res, 200, readFileSync(path), CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', extra);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${BRIDGE_HOST}`);
    const why = refusal(req, url);
    if (why) return send(res, 403, JSON.stringify({ error: { code: 'forbidden', message: why } }), 'application/json');
    const m = /^\/api\/([A-Za-z.]+)$/.exec(url.pathname);
    if (m) {
      handleApi(req, res, m[1]).catch((e) => {
        console.error('glassfit bridge:', e);
        if (!res.headersSent) sendError(res, { code: 'internal', message: (e as Error).message });
      });
      return;
    }
    handleStatic(req, res, url);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${BRIDGE_HOST}`);
    const why = url.pathname === '/events' ? refusal(req, url) : 'no WebSocket here';
    if (why) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${why}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, BRIDGE_HOST, () => {
      server.off('error', fail);
      ok();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;

  let closed: Promise<void> | null = null;
  return {
    port,
    token,
    url: `http://${BRIDGE_HOST}:${port}/?token=${token}`,
    api,
    close() {
      closed ??= (async () => {
        clearInterval(heartbeat);
        for (const ws of clients) ws.terminate();
        clients.clear();
        wss.close();
        server.closeAllConnections();
        await new Promise<void>((ok) => server.close(() => ok()));
        await api.close();
      })();
      return closed;
    },
  };
}
