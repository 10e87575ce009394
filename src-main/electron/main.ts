import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';
app.whenReady().then(() => {
  const w = new BrowserWindow({ webPreferences: { preload: join(__dirname, '../preload/index.cjs'), sandbox: true, contextIsolation: true } });
  void w.loadFile(join(__dirname, '../renderer/index.html'));
});
