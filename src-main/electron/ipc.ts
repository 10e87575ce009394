/**
 * The trust boundary between the renderer and the backend: one `ipcMain.handle` per API channel. Each call
 * checks that it comes from our window's main frame showing our own page, parses its input with the
 * contract's zod schema (dispatch.ts), and only then calls the handler. Replies are `{ok, value}` or
 * `{ok: false, error}` data, which the preload unwraps, so messages reach the page without Electron's
 * "Error invoking remote method" prefix.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { channels } from '../api/channels.ts';
import { dispatch, type Reply } from '../bridge/dispatch.ts';
import type { Api } from '../api/contract.ts';
import { APP_ORIGIN } from './security.ts';

export function registerIpc(getBackend: () => Api | null, getWindow: () => BrowserWindow | null, devUrl: string | undefined): void {
  const devOrigin = devUrl ? new URL(devUrl).origin : null;

  function trusted(event: IpcMainInvokeEvent): boolean {
    const w = getWindow();
    const frame = event.senderFrame;
    if (!w || event.sender !== w.webContents || !frame || frame !== w.webContents.mainFrame) return false;
    let origin: string;
    try {
      origin = new URL(frame.url).origin;
    } catch {
      return false;
    }
    // app://glassfit's origin serialises as "null" for non-special schemes in some versions; compare the prefix too.
    return frame.url.startsWith(`${APP_ORIGIN}/`) || (devOrigin !== null && origin === devOrigin);
  }

  for (const channel of channels) {
    ipcMain.handle(`glassfit:${channel}`, async (event, raw: unknown): Promise<Reply> => {
      if (!trusted(event)) return { ok: false, error: { code: 'forbidden', message: `glassfit:${channel} refused: the sender is not the workbench window` } };
      const backend = getBackend();
      if (!backend) return { ok: false, error: { code: 'unavailable', message: 'no database is open (File → Open database…)' } };
      return dispatch(backend.handlers, channel, raw);
    });
  }
}
