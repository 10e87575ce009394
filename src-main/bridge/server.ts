/**
 * The local bridge: the workbench API over HTTP + WebSocket on 127.0.0.1, and the built renderer beside it, so
 * a browser on the same machine can drive campaigns (a headless workstation, the e2e tests) exactly as the
 * Electron window does through IPC. Same contract, same validation (dispatch.ts), same handlers.
 *
 * Only this machine and only whoever holds the token may use it:
 * - bound to 127.0.0.1, never another interface;
 * - a random 256-bit token on every API call (`Authorization: Bearer <token>`) and on the WebSocket handshake
 *   (`?token=`); anything else gets 403. The page and its assets are the public build of the renderer (no data)
 *   and are served without it: the page takes the token from the printed address once, keeps it in the tab's
 *   sessionStorage — which browsers scope to this origin, port included — and removes it from the address bar
 *   (src-renderer/src/lib/api.ts). No cookie is ever set: a cookie would go to every server on 127.0.0.1,
 *   whatever its port;
 * - the Host header must name 127.0.0.1 / localhost and our port (no DNS rebinding), and a request that
 *   carries an Origin must come from our own origin (no cross-site requests or WebSockets);
 * - API inputs are parsed with the contract's zod schema: bad input is a 400 with the zod message;
 * - every request is handled inside its own catch: a malformed URL, a bad escape, a socket reset or a bug in a
 *   handler answers that request (400/500) or drops that socket, and never reaches the process.
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
import { MAX_FILE_BYTES } from '../../src-worker/io/limits.ts';

/** The only interface the bridge listens on. Not an option on purpose. */
export const BRIDGE_HOST = '127.0.0.1';
/**
 * Reference trajectories arrive as text in a JSON request body: the largest file a reader accepts
 * (io/limits.ts) plus room for JSON's escapes; bigger is refused with 413 before it is buffered.
 */
const MAX_BODY_BYTES = MAX_FILE_BYTES + 64 * 1024 * 1024;

/** A request that cannot be answered normally: its status and one line. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The request's URL, or a 400: `GET //[` and friends make `new URL` throw. */
function requestUrl(raw: string | undefined): URL {
  try {
    return new URL(raw ?? '/', `http://${BRIDGE_HOST}`);
  } catch {
    throw new RequestError(400, 'malformed request URL');
  }
}

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

  /**
   * The bearer token of an API call, or the `?token=` of the WebSocket handshake only (browsers cannot set its
   * headers): a token in an API URL would end up in logs and histories, so it is not accepted there.
   */
  function presentedToken(req: IncomingMessage, url: URL, queryAllowed: boolean): string | null {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
    return queryAllowed ? url.searchParams.get('token') : null;
  }

  /** A header value for a message: one line, cut short (it is the client's text). */
  const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);

  /** Why a request is refused, or null: host (DNS rebinding), origin (cross-site), and, when asked, the token. */
  function refusal(req: IncomingMessage, url: URL, needToken: 'api' | 'events' | false): string | null {
    const host = req.headers.host ?? '';
    if (host !== `${BRIDGE_HOST}:${port}` && host !== `localhost:${port}`) return `unexpected Host ${shown(host)}`;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${BRIDGE_HOST}:${port}` && origin !== `http://localhost:${port}`) return `cross-origin request from ${shown(origin)}`;
    if (needToken && !tokenOk(presentedToken(req, url, needToken === 'events'))) return 'missing or wrong token: open the address glassfit serve printed';
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
      if (size > MAX_BODY_BYTES) throw new RequestError(413, `request body exceeds ${MAX_BODY_BYTES / 1024 / 1024} MiB`);
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
      return send(res, e instanceof RequestError ? e.status : 400, JSON.stringify({ error: { code: 'bad-input', message: (e as Error).message } }), 'application/json');
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

  /** The built renderer's files: public (no data), so a reload finds the page without the token in its address. */
  function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain', { Allow: 'GET, HEAD' });
    let pathname: string;
    try {
      pathname = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
    } catch {
      throw new RequestError(400, 'malformed %-escape in the request path');
    }
    if (pathname.includes('\0')) throw new RequestError(400, 'NUL in the request path');
    const path = resolve(rendererDir, `.${pathname}`);
    const rel = relative(rendererDir, path);
    if (rel.startsWith('..') || isAbsolute(rel) || !existsSync(path) || !statSync(path).isFile()) return send(res, 404, 'not found', 'text/plain');
    send(res, 200, readFileSync(path), CONTENT_TYPES[extname(path)] ?? 'application/octet-stream');
  }

  /** Every request, inside one catch: whatever goes wrong answers this request and nothing else. */
  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    const m = /^\/api\/([A-Za-z.]{1,64})$/.exec(url.pathname);
    const why = refusal(req, url, m !== null || url.pathname.startsWith('/api/') ? 'api' : false);
    if (why) return send(res, 403, JSON.stringify({ error: { code: 'forbidden', message: why } }), 'application/json');
    if (m) return handleApi(req, res, m[1]);
    if (url.pathname.startsWith('/api/')) return sendError(res, { code: 'not-found', message: 'no such API channel' });
    handleStatic(req, res, url);
  }

  function failRequest(res: ServerResponse, e: unknown): void {
    const status = e instanceof RequestError ? e.status : 500;
    if (!(e instanceof RequestError)) console.error('glassfit bridge:', e);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    try {
      send(res, status, JSON.stringify({ error: { code: status === 500 ? 'internal' : 'bad-input', message: (e as Error).message?.split('\n')[0] ?? String(e) } }), 'application/json');
    } catch {
      res.destroy();
    }
  }

  const server: Server = createServer((req, res) => {
    handleRequest(req, res).catch((e) => failRequest(res, e));
  });
  // A request Node cannot even parse (bad request line, oversized headers): answer 400 on that socket, if it is still open.
  server.on('clientError', (_e, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    let why: string | null;
    try {
      const url = requestUrl(req.url);
      why = url.pathname === '/events' ? refusal(req, url, 'events') : 'no WebSocket here';
    } catch (e) {
      why = e instanceof RequestError ? e.message : 'malformed request';
    }
    if (why) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${why.replace(/[\r\n]/g, ' ')}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The socket is ours from here: a reset by the client must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    try {
      handleUpgrade(req, socket, head);
    } catch (e) {
      console.error('glassfit bridge (upgrade):', e);
      socket.destroy();
    }
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
