/**
 * Application-wide state: the API transport, which view and campaign are shown, the evaluation being
 * inspected, the app info and built-ins (fetched once), the event-stream connection and the notices bar.
 */
import { connect, type ConnectionState } from '../lib/api';
import type { AppInfo, Builtins } from './types';

export type View = 'campaigns' | 'new' | 'run' | 'surrogate' | 'structure' | 'viewer' | 'compare' | 'export' | 'glass';

/** Views that show one campaign: disabled in the navigation until a campaign is open. */
export const CAMPAIGN_VIEWS: readonly View[] = ['run', 'surrogate', 'structure', 'viewer', 'export'];

export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
}

const transport = connect();
export const api = transport.api;
export const transportKind = transport.kind;

class AppState {
  view = $state<View>('campaigns');
  /** The evaluation the structure, 3D and export views show (null: the campaign's best). */
  evaluationId = $state<number | null>(null);
  /** The evaluation shown in the inspector drawer (a point clicked in a plot), or null when it is closed. */
  inspecting = $state<number | null>(null);
  /** Where focus goes back to when the drawer closes (the plot that was clicked). */
  #inspectReturn: HTMLElement | null = null;
  info = $state.raw<AppInfo | null>(null);
  builtins = $state.raw<Builtins | null>(null);
  connection = $state<ConnectionState>('connecting');
  notices = $state<Notice[]>([]);
  /** Bumped when the event stream reconnects, so views reload what they may have missed. */
  reconnects = $state(0);
  #nextNotice = 1;

  notify(text: string, kind: Notice['kind'] = 'info'): void {
    const id = this.#nextNotice++;
    this.notices = [...this.notices, { id, kind, text }];
    if (kind === 'info') setTimeout(() => this.dismiss(id), 5000);
  }

  /** Open an evaluation in the inspector drawer (from a click on its point in any plot) and make it the chosen one. */
  inspect(id: number, from: HTMLElement | null = null): void {
    this.#inspectReturn = from ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null);
    this.evaluationId = id;
    this.inspecting = id;
  }

  closeInspector(): void {
    this.inspecting = null;
    const back = this.#inspectReturn;
    this.#inspectReturn = null;
    if (back?.isConnected) back.focus();
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  /** Run an API call; a failure becomes an error notice (and `undefined`), never an unhandled rejection. */
  async guard<T>(what: string, p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (e) {
      this.notify(`${what}: ${(e as Error).message}`, 'error');
      return undefined;
    }
  }

  async load(): Promise<void> {
    const [info, builtins] = await Promise.all([this.guard('app info', api['app.info'](undefined)), this.guard('built-ins', api['builtins.get'](undefined))]);
    this.info = info ?? null;
    this.builtins = builtins ?? null;
  }
}

export const app = new AppState();

let wasClosed = false;
transport.onConnection((s) => {
  app.connection = s;
  if (s === 'closed') wasClosed = true;
  if (s === 'open' && wasClosed) {
    wasClosed = false;
    app.reconnects++;
  }
});
