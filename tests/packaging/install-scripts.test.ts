/**
 * Which dependencies may run install scripts (issue 12): every package the lockfile marks `hasInstallScript` must be
 * reviewed — listed in package.json `allowScripts` and in docs/desktop.md's table with its reason — so a new one
 * fails here before it lands. npm itself runs every install script, so this test is the guard.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; version?: string }> };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts: Record<string, boolean>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const doc = readFileSync(join(ROOT, 'docs', 'desktop.md'), 'utf8');

/** 'node_modules/a/node_modules/@b/c' → '@b/c'. */
const nameOf = (path: string) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

describe('install scripts', () => {
  const withScripts = [...new Set(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([path]) => nameOf(path)))].sort();

  it('are run only by reviewed packages, each listed in package.json and in docs/desktop.md with a reason', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    for (const name of withScripts) {
      expect(pkg.allowScripts, `${name} runs an install script but is not in package.json allowScripts`).toHaveProperty([name]);
      expect(doc, `${name} is not in docs/desktop.md's install-script table`).toMatch(new RegExp(`\\| ${name.replace(/[/.]/g, '\\$&')} \\| (yes|no) \\| .+ \\|`));
    }
    expect(Object.keys(pkg.allowScripts).sort()).toEqual(withScripts);
  });

  it('come from a lockfile that pins every package to one version with an integrity hash', () => {
    for (const [path, p] of Object.entries(lock.packages)) {
      if (path === '' || (p as { link?: boolean }).link) continue;
      expect(p.version, path).toMatch(/^\d+\.\d+\.\d+/);
      expect((p as { integrity?: string }).integrity, path).toMatch(/^sha(512|1)-/);
    }
  });
});
