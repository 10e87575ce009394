/**
 * `glassfit serve` builds the renderer on first use (src-main/cli/renderer-build.ts): when is a build missing
 * or stale, and the one-line error when there is nothing to build it with. The build itself runs in the
 * first-run e2e test (tests/e2e/first-run.test.ts), from a fresh clone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRendererBuilt, rendererBuildNeeded } from '../../src-main/cli/renderer-build.ts';
import { CliError } from '../../src-main/cli/errors.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A project tree with a renderer source and (optionally) a build, with chosen modification times (s). */
function tree(opts: { sourceAt: number; builtAt: number | null }): string {
  const root = mkdtempSync(join(tmpdir(), 'glassfit-rb-'));
  dirs.push(root);
  mkdirSync(join(root, 'src-renderer', 'src'), { recursive: true });
  const src = join(root, 'src-renderer', 'src', 'App.svelte');
  writeFileSync(src, '<p>hi</p>\n');
  utimesSync(src, opts.sourceAt, opts.sourceAt);
  writeFileSync(join(root, 'package.json'), '{"name":"x"}\n');
  utimesSync(join(root, 'package.json'), 1000, 1000);
  if (opts.builtAt !== null) {
    mkdirSync(join(root, 'out', 'renderer'), { recursive: true });
    const idx = join(root, 'out', 'renderer', 'index.html');
    writeFileSync(idx, '<!doctype html>\n');
    utimesSync(idx, opts.builtAt, opts.builtAt);
  }
  return root;
}

describe('the renderer build of glassfit serve', () => {
  it('is needed when missing, or older than a source file, and not when current', () => {
    expect(rendererBuildNeeded(tree({ sourceAt: 2000, builtAt: null }))).toMatch(/no built renderer/);
    expect(rendererBuildNeeded(tree({ sourceAt: 3000, builtAt: 2000 }))).toMatch(/sources changed/);
    expect(rendererBuildNeeded(tree({ sourceAt: 2000, builtAt: 3000 }))).toBeNull();
  });

  it('a change to the build configuration makes the build stale too', () => {
    const root = tree({ sourceAt: 2000, builtAt: 3000 });
    writeFileSync(join(root, 'electron.vite.config.ts'), 'export default {};\n');
    utimesSync(join(root, 'electron.vite.config.ts'), 4000, 4000);
    expect(rendererBuildNeeded(root)).toMatch(/sources changed/);
  });

  it('without electron-vite installed: one line naming the fix when there is no build, and a stale build is served as it is', async () => {
    const missing = tree({ sourceAt: 2000, builtAt: null });
    const err = await ensureRendererBuilt(missing, () => {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(/^no built renderer yet, and electron-vite .* is not installed to build it: run 'npm ci' in .*, then 'npm run build'$/);
    expect((err as Error).message).not.toContain('\n');
    const stale = tree({ sourceAt: 3000, builtAt: 2000 });
    const lines: string[] = [];
    await ensureRendererBuilt(stale, (l) => lines.push(l));
    expect(lines).toEqual([]);
  });
});
