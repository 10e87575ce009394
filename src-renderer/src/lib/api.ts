/**
 * The workbench API as the renderer sees it: `window.glassfit` (the Electron preload) when it exists, otherwise
 * the local bridge of `glassfit serve` — HTTP POST per call and one WebSocket for events, authorised by the
 * token of the printed address (sessionToken below). Both implement the same GlassfitApi type from the contract, so no view knows which
 * transport it runs on. Only types come from src-main: nothing of the main process is bundled here.
 */
import type { EventPayload, GlassfitApi } from '../../../src-main/api/contract';
import type { Channel, EventName } from '../../../src-main/api/channels';

declare global {
  interface Window {
    glassfit?: GlassfitApi;
  }
}

/** A failed call: `code` is the contract's error code ('bad-input', 'not-found', 'conflict', …). */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface Transport {
  readonly api: GlassfitApi;
  readonly kind: 'electron' | 'bridge';
  /** Event-stream state; always 'open' under Electron. */
  onConnection(listener: (s: ConnectionState) => void): () => void;
}

export function connect(): Transport {
  const w = window.glassfit;
  if (w) return { api: w, kind: 'electron', onConnection: (l) => (l('open'), () => {}) };
  return bridgeTransport();
}

type Listener = (payload: unknown) => void;

const TOKEN_KEY = 'glassfit-token';

/**
 * The bridge's token: taken once from the printed address (`?token=…`), kept in this tab's sessionStorage —
 * scoped by the browser to this origin, port included, so no other server on 127.0.0.1 ever sees it (a cookie
 * would go to all of them) — and removed from the address bar, so it is not left in the page's URL, bookmarks
 * or the history entry. A reload finds it in sessionStorage.
 */
export function sessionToken(): string {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage disabled: the token still works for this page's life.
    }
    params.delete('token');
    const query = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

function bridgeTransport(): Transport {
  const token = sessionToken();
  const listeners = new Map<EventName, Set<Listener>>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let retryMs = 500;

  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of connListeners) l(s);
  };

  function open(): void {
    socket = new WebSocket(`ws://${location.host}/events?token=${encodeURIComponent(token)}`);
    setState('connecting');
    socket.onopen = () => {
      retryMs = 500;
      setState('open');
    };
    socket.onmessage = (m) => {
      const { event, payload } = JSON.parse(String(m.data)) as { event: EventName; payload: unknown };
      for (const l of listeners.get(event) ?? []) l(payload);
    };
    socket.onclose = () => {
      socket = null;
      setState('closed');
      // The server may be restarting (or the laptop sleeping): retry with backoff up to 10 s.
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  }

  async function call(channel: Channel, input: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`/api/${channel}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, ...(input === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: input === undefined ? undefined : JSON.stringify(input),
        cache: 'no-store',
      });
    } catch (e) {
      throw new ApiCallError('unavailable', `cannot reach glassfit serve (${(e as Error).message}); is it still running?`);
    }
    const text = await res.text();
    if (!res.ok) {
      let err: { code?: string; message?: string } = {};
      try {
        err = (JSON.parse(text) as { error?: typeof err }).error ?? {};
      } catch {
        // Not our JSON (a proxy's page?): report the status line.
      }
      throw new ApiCallError(err.code ?? String(res.status), err.message ?? `${channel}: HTTP ${res.status}`);
    }
    return JSON.parse(text);
  }

  // One method per channel, looked up by name: the channel list itself stays in src-main (a type here).
  const api = new Proxy({} as GlassfitApi, {
    get(_t, name: string | symbol) {
      if (typeof name !== 'string' || name === 'then') return undefined;
      if (name === 'on')
        return <E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) => {
          if (!socket && state !== 'open') open();
          let set = listeners.get(event);
          if (!set) listeners.set(event, (set = new Set()));
          set.add(listener as Listener);
          return () => set!.delete(listener as Listener);
        };
      return (input: unknown) => call(name as Channel, input);
    },
  });

  return {
    api,
    kind: 'bridge',
    onConnection(l) {
      connListeners.add(l);
      l(state);
      return () => connListeners.delete(l);
    },
  };
}
