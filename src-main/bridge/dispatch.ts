/**
 * One API call, the same for every transport (Electron IPC, the HTTP bridge): parse the raw input with the
 * channel's zod schema, call the handler, and turn the outcome into JSON-safe data — `{ok: true, value}` or
 * `{ok: false, error: {code, message}}`. Nothing unparsed reaches a handler, and no stack trace or internal
 * object reaches the page.
 */
import { channels, type Channel } from '../api/channels.ts';
import { ApiError, parseInput, type ApiErrorShape, type Handlers } from '../api/contract.ts';

/** The contract's error codes, plus the transports' own: 'forbidden' (untrusted sender), 'unavailable' (no database open). */
export type ReplyError = { readonly code: ApiErrorShape['code'] | 'forbidden' | 'unavailable'; readonly message: string };

export type Reply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ReplyError };

export function isChannel(name: string): name is Channel {
  return (channels as readonly string[]).includes(name);
}

/** Never throws: programmer errors become code 'internal' with their message, logged here with the stack. */
export async function dispatch(handlers: Handlers, channel: Channel, raw: unknown): Promise<Reply> {
  try {
    const input = parseInput(channel, raw);
    const call = handlers[channel] as (i: unknown) => Promise<unknown>;
    return { ok: true, value: await call(input) };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: { code: e.code, message: e.message } };
    console.error(`glassfit: ${channel} failed:`, e);
    return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
  }
}
