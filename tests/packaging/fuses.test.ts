/**
 * The packaged app's Electron fuses (issue 12, item 8), tested without Electron: electron-builder.yml passes
 * electron-builder's own schema and names the afterPack hook; the hook's table sets every V1 fuse to its
 * hardened value; the hook, run on a stand-in binary that carries Electron's fuse wire, flips exactly those bytes;
 * docs/desktop.md explains each fuse.
 */
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = join(import.meta.dirname, '..', '..');

interface FusesModule {
  getCurrentFuseWire(path: string): Promise<Record<string, number>>;
  FuseV1Options: Record<string, number | string>;
}
const fuses = require('@electron/fuses') as FusesModule;
// A plain .mjs (electron-builder loads it without TypeScript): imported by URL, its shape declared here.
const hookUrl = pathToFileURL(join(ROOT, 'scripts', 'electron-fuses.mjs')).href;
const hook = (await import(hookUrl)) as {
  FUSES: Record<string, boolean>;
  default: (context: unknown) => Promise<void>;
};

const HARDENED: Record<string, boolean> = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  GrantFileProtocolExtraPrivileges: false,
};
const V1_NAMES = Object.keys(fuses.FuseV1Options).filter((k) => Number.isNaN(Number(k)));

describe('electron-builder configuration', () => {
  it("passes electron-builder's own schema and runs the fuse hook on an asar app", async () => {
    const yaml = require('js-yaml') as { load(s: string): Record<string, unknown> };
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const config = yaml.load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.afterPack).toBe('scripts/electron-fuses.mjs');
    expect(config.asar).toBe(true);
  });
});

describe('fuse table', () => {
  it('sets every V1 fuse, each to its hardened value', () => {
    expect(Object.keys(hook.FUSES).sort()).toEqual([...V1_NAMES].sort());
    expect(hook.FUSES).toEqual(HARDENED);
  });

  it('is explained fuse by fuse in docs/desktop.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'desktop.md'), 'utf8');
    for (const [name, on] of Object.entries(HARDENED)) expect(doc).toMatch(new RegExp(`\\| ${name} \\| ${on ? 'on' : 'off'} \\|`));
  });
});

describe('afterPack hook', () => {
  it('flips the fuse wire of the packed binary to the table', async () => {
    const dir = { path: mkdtempSync(join(tmpdir(), 'glassfit-fuses-')) };
    try {
      // Electron's wire: the sentinel, version 1, the number of fuses, then one byte each ('0' off, '1' on), with
      // Electron 39's defaults (RunAsNode, cookies off, NODE_OPTIONS, inspect on, …) as shipped.
      const defaults = '10110001';
      const bin = Buffer.concat([Buffer.from('\x7fELF stand-in binary '), Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'), Buffer.from([1, 8]), Buffer.from(defaults), Buffer.from(' rest of the binary')]);
      writeFileSync(join(dir.path, 'glassfit'), bin);
      await hook.default({ appOutDir: dir.path, electronPlatformName: 'linux', packager: { appInfo: { productFilename: 'glassfit' }, executableName: 'glassfit' } });
      const wire = await fuses.getCurrentFuseWire(join(dir.path, 'glassfit'));
      for (const [name, on] of Object.entries(HARDENED)) expect(wire[fuses.FuseV1Options[name] as number], name).toBe(on ? 49 : 48);
      const after = readFileSync(join(dir.path, 'glassfit'));
      expect(after.length).toBe(bin.length);
      expect(after.subarray(0, 20).equals(bin.subarray(0, 20))).toBe(true);
    } finally {
      rmSync(dir.path, { recursive: true, force: true });
    }
  });
});
