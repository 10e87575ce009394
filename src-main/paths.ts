/**
 * Where glassfit keeps its data when nobody names a file: the same user-data folder Electron's
 * app.getPath('userData') gives an app named glassfit, so the CLI and the desktop app share one database
 * without either importing Electron.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'glassfit';
export const DB_FILE_NAME = 'glassfit.sqlite';

/** Electron's userData for app name 'glassfit': Linux $XDG_CONFIG_HOME or ~/.config, macOS Application Support, Windows %APPDATA%. */
export function userDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_NAME);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
    default:
      return join(env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config'), APP_NAME);
  }
}

/** The default campaign database: <userData>/glassfit.sqlite. */
export function defaultDbPath(): string {
  return join(userDataDir(), DB_FILE_NAME);
}
