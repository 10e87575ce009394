/**
 * The sandboxed preload: exposes `window.glassfit`, one method per API channel plus a typed `on(event)`,
 * and nothing else — no ipcRenderer, no generic `invoke(channel)`, so the page can only send the messages
 * the contract names (Electron's context-isolation guide). Built as CommonJS: sandboxed preloads cannot be
 * ES modules, and they may require only 'electron', so this file imports nothing but the dependency-free
 * channel list. Inputs are validated in main (ipc.ts), not here: the renderer is not trusted.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channels, eventNames, type EventName } from '../api/channels.ts';

/** What ipc.ts answers: a value, or an error as data (Electron would otherwise prefix the message). */
type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

const api: Record<string, unknown> = {};
for (const c of channels) {
  api[c] = async (input?: unknown) => {
    const r = (await ipcRenderer.invoke(`glassfit:${c}`, input)) as Reply;
    if (r.ok) return r.value;
    const e = new Error(r.error.message);
    e.name = r.error.code; // 'bad-input' | 'not-found' | 'conflict' | 'internal' | 'forbidden' | 'unavailable'
    throw e;
  };
}

api.on = (event: EventName, listener: (payload: unknown) => void): (() => void) => {
  if (!(eventNames as readonly string[]).includes(event)) throw new Error(`glassfit: unknown event '${String(event)}'`);
  if (typeof listener !== 'function') throw new Error('glassfit: listener must be a function');
  // Only the payload crosses: the IpcRendererEvent (with its sender) stays in the preload.
  const h = (_e: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(`glassfit:${event}`, h);
  return () => {
    ipcRenderer.off(`glassfit:${event}`, h);
  };
};

contextBridge.exposeInMainWorld('glassfit', Object.freeze(api));
