// electron-builder afterPack hook: flips Electron's fuses in the packaged binary before it is signed, so the
// installed app cannot be turned into a general-purpose Node.js runtime or debugger, and only runs the code in
// its own (integrity-checked) app.asar. electron-builder 25 has no `electronFuses` option (26 added it; its
// schema refuses unknown keys), so this is Electron's documented recipe with @electron/fuses. Each fuse and why
// is listed in docs/desktop.md; tests/packaging/fuses.test.ts checks this table and the builder configuration.
import { join } from 'node:path';
import fuses from '@electron/fuses';

const { flipFuses, FuseVersion, FuseV1Options } = fuses;

/** Every V1 fuse and the value the packaged app ships with. */
export const FUSES = {
  // ELECTRON_RUN_AS_NODE would make the signed app binary a plain Node.js that runs any script.
  RunAsNode: false,
  // Cookies on disk are encrypted with the OS keychain (the app sets none; defence in depth).
  EnableCookieEncryption: true,
  // NODE_OPTIONS could preload arbitrary code into the main process.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect and friends would open a debugger port into the main process, which holds the database.
  EnableNodeCliInspectArguments: false,
  // app.asar is checked against the hash electron-builder embeds (Info.plist on macOS, a resource on Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Only app.asar is loaded as the app: no app/ folder or loose default_app beside it can take its place.
  OnlyLoadAppFromAsar: true,
  // The browser process uses the shared V8 snapshot; no second snapshot file to tamper with.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // file:// pages get no extra privileges (the workbench is served from app://, never file://).
  GrantFileProtocolExtraPrivileges: false,
};

/** The Electron executable electron-builder just packed, per platform. */
export function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${name}.exe`);
  return join(appOutDir, packager.executableName ?? name);
}

export default async function afterPack(context) {
  const config = { version: FuseVersion.V1, strictlyRequireAllFuses: true };
  for (const [name, value] of Object.entries(FUSES)) config[FuseV1Options[name]] = value;
  // Flipping bytes invalidates macOS's ad-hoc signature; electron-builder signs properly afterwards.
  config.resetAdHocDarwinSignature = context.electronPlatformName === 'darwin';
  await flipFuses(electronBinary(context), config);
}
