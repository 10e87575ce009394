/**
 * The Electron main process: one window showing the workbench, the campaign backend (store + runner, via the
 * Electron-free api/handlers) embedded in this process, and the File menu that opens or creates a database.
 *
 * Security follows Electron's checklist: the renderer is sandboxed with context isolation and no Node, web
 * security on, content served from our own `app://` scheme (not file://) with a strict CSP header, no remote
 * content, navigation, new windows, webviews and permission requests refused, and every IPC message checked
 * and validated in ipc.ts before it reaches the backend.
 */
import { app, BrowserWindow, dialog, Menu, net, protocol, session, shell, type MenuItemConstructorOptions } from 'electron';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createApi } from '../api/handlers.ts';
import type { Api } from '../api/contract.ts';
import { DB_FILE_NAME } from '../paths.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { registerIpc } from './ipc.ts';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security.ts';

// electron-vite emits this file as an ES module (package.json "type": "module"): no __dirname.
const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = resolve(here, '../renderer');
const preloadPath = join(here, '../preload/index.cjs');
/** The worker script the runner spawns: built beside this file by electron-vite (entry "worker"). */
const workerEntry = join(here, 'worker.js');
/** The worker that reads uploaded files off this process's event loop (entry "parse-worker", src-main/parse/client.ts). */
const parseWorkerEntry = join(here, 'parse-worker.js');
/** electron-vite dev server URL; set only by `electron-vite dev`, never in a packaged app. */
const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;

// Must precede 'ready': `app://` behaves like https (standard URL parsing, secure context, fetch of its assets).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

let win: BrowserWindow | null = null;
let backend: Api | null = null;

// ------------------------------------------------------------------------------------------- settings

/** The last database opened, so the app reopens it; everything else lives in the database itself. */
const settingsPath = () => join(app.getPath('userData'), 'settings.json');
const defaultDbPath = () => join(app.getPath('userData'), DB_FILE_NAME);

function lastDbPath(): string {
  try {
    const s = JSON.parse(readFileSync(settingsPath(), 'utf8')) as { dbPath?: unknown };
    if (typeof s.dbPath === 'string' && existsSync(s.dbPath)) return s.dbPath;
  } catch {
    // No settings yet, or unreadable: fall back to the default database.
  }
  return defaultDbPath();
}

function rememberDbPath(dbPath: string): void {
  mkdirSync(app.getPath('userData'), { recursive: true });
  // Whole or not at all: a crash mid-write must not leave a settings file that hides the last database.
  writeFileAtomic(settingsPath(), JSON.stringify({ dbPath }, null, 2), { force: true });
}

// -------------------------------------------------------------------------------------------- backend

async function switchDatabase(dbPath: string, mustExist = false): Promise<void> {
  const previous = backend;
  backend = null;
  // Running campaigns of the old database are paused (resumable), never dropped.
  if (previous) await previous.close();
  try {
    backend = await createApi({
      dbPath,
      // File → Open must not create a file where the user pointed at one that has gone.
      mustExist,
      workerEntry,
      parseWorkerEntry,
      emit: (event, payload) => win?.webContents.send(`glassfit:${event}`, payload),
      // Inside the packaged app's asar archive; Electron's fs reads it transparently.
      referenceDir: join(app.getAppPath(), 'resources/reference'),
      experimentDir: join(app.getAppPath(), 'resources/experiment'),
      version: app.getVersion(),
    });
    rememberDbPath(dbPath);
  } catch (e) {
    dialog.showErrorBox('glassfit: cannot open database', `${dbPath}\n\n${(e as Error).message}`);
    if (previous && previous.dbPath !== dbPath) return switchDatabase(previous.dbPath);
    if (dbPath !== defaultDbPath()) return switchDatabase(defaultDbPath());
    app.quit();
    return;
  }
  if (win) {
    win.setTitle(`glassfit — ${dbPath}`);
    // The renderer starts over on the new database: lists, open campaign and plots all belong to the old one.
    win.webContents.reload();
  }
}

async function chooseDatabase(kind: 'open' | 'new'): Promise<void> {
  if (!win) return;
  const filters = [{ name: 'glassfit database', extensions: ['sqlite', 'db'] }];
  if (kind === 'open') {
    const r = await dialog.showOpenDialog(win, { title: 'Open glassfit database', properties: ['openFile'], filters, defaultPath: dirname(backend?.dbPath ?? defaultDbPath()) });
    if (!r.canceled && r.filePaths[0]) await switchDatabase(r.filePaths[0], true);
  } else {
    const r = await dialog.showSaveDialog(win, { title: 'New glassfit database', filters, defaultPath: join(dirname(backend?.dbPath ?? defaultDbPath()), 'campaigns.sqlite') });
    if (r.canceled || !r.filePath) return;
    if (existsSync(r.filePath)) {
      // The save dialog already confirmed overwriting; we still refuse to wipe a database silently.
      dialog.showErrorBox('glassfit', `${r.filePath} exists. Use File → Open database… to open it, or choose a new name.`);
      return;
    }
    await switchDatabase(r.filePath);
  }
}

// ------------------------------------------------------------------------------------------- window

function buildMenu(): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New database…', accelerator: 'CmdOrCtrl+Shift+N', click: () => void chooseDatabase('new') },
        { label: 'Open database…', accelerator: 'CmdOrCtrl+O', click: () => void chooseDatabase('open') },
        { label: 'Show database in folder', click: () => backend && shell.showItemInFolder(backend.dbPath) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 960,
    minHeight: 640,
    title: 'glassfit',
    backgroundColor: '#f5f5f1',
    // Linux shows this in the task bar (Windows and macOS take the installer's icon).
    icon: join(app.getAppPath(), 'resources/icons/png/256x256.png'),
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      webviewTag: false,
      // Middle-click would ask for a new window (refused anyway by setWindowOpenHandler); switch the feature off.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  w.once('ready-to-show', () => w.show());
  // The page's <title> names the open campaign ('fit A (running) — glassfit'); the window adds the database.
  w.on('page-title-updated', (e, title) => {
    e.preventDefault();
    w.setTitle(backend ? `${title} — ${backend.dbPath}` : title);
  });
  // A crashed or killed renderer comes back on its own; the backend and running campaigns were never in it.
  w.webContents.on('render-process-gone', (_e, details) => {
    console.error(`glassfit: renderer gone (${details.reason}); reloading`);
    if (details.reason !== 'clean-exit') w.webContents.reload();
  });
  w.on('closed', () => {
    win = null;
  });
  if (devUrl) void w.loadURL(devUrl);
  else void w.loadURL(`${APP_ORIGIN}/index.html`);
  return w;
}

/** Files of the built renderer under app://glassfit/, with the CSP header; nothing outside out/renderer. */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('not found', { status: 404 });
    const pathname = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
    const path = resolve(rendererRoot, `.${pathname}`);
    const rel = relative(rendererRoot, path);
    if (rel.startsWith('..') || isAbsolute(rel) || !existsSync(path)) return new Response('not found', { status: 404 });
    const file = await net.fetch(pathToFileURL(path).href);
    const headers = new Headers(file.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    if (extname(path) === '.js') headers.set('Content-Type', 'text/javascript');
    return new Response(file.body, { status: file.status, headers });
  });
}

/** Applies to every web contents the app could ever create, not only our window (defence in depth). */
function hardenWebContents(): void {
  app.on('web-contents-created', (_e, contents) => {
    // The workbench is one page: links, location changes and redirects never leave it.
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function denyPermissions(): void {
  const s = session.defaultSession;
  // The workbench needs no camera, notifications, geolocation, clipboard-read, …: refuse every request and check.
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  s.setDevicePermissionHandler(() => false);
  // No remote content: any request that is neither our scheme nor (in development) the dev server — its page,
  // modules and HMR WebSocket, all on its host — is cancelled.
  const devHost = devUrl ? new URL(devUrl).host : null;
  s.webRequest.onBeforeRequest((details, callback) => {
    const u = details.url;
    let host: string | null = null;
    try {
      host = new URL(u).host;
    } catch {
      // Unparseable URLs are cancelled below.
    }
    const ok = u.startsWith(`${APP_ORIGIN}/`) || u.startsWith('devtools:') || u.startsWith('blob:') || u.startsWith('data:') || (devHost !== null && host === devHost);
    callback({ cancel: !ok });
  });
}

// --------------------------------------------------------------------------------------------- start

if (!app.requestSingleInstanceLock()) {
  // A second instance would run the same campaigns from the same database: hand over to the first.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  hardenWebContents();

  void app.whenReady().then(async () => {
    serveRenderer();
    denyPermissions();
    buildMenu();
    registerIpc(
      () => backend,
      () => win,
      devUrl,
    );
    // The database first, so the page's first requests find it open.
    await switchDatabase(lastDbPath());
    win = createWindow();
    if (backend) win.setTitle(`glassfit — ${backend.dbPath}`);
  });

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !backend) return;
    // Pause the runner and close the database before leaving, so every finished evaluation is committed.
    event.preventDefault();
    closing = true;
    const b = backend;
    backend = null;
    void b.close().finally(() => app.quit());
  });
}
