/**
 * Electronegativity (Doyensec's Electron security linter) over the Electron sources and the page: no finding of
 * HIGH severity. It reads src-main/electron, src-main/bridge (the CSP) and src-renderer (index.html with its
 * CSP meta tag); no check is excluded. It runs offline (it only warns that it cannot fetch Electron's release
 * list), with the Electron version given explicitly.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from './harness.ts';

interface Finding {
  readonly issue: string;
  readonly severity: string;
  readonly file: string;
  readonly location: string;
  readonly description: string;
}

/** The tool's CSV: a header, then one quoted-field row per finding. */
function parseCsv(text: string): Finding[] {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => {
      const f = [...l.matchAll(/"((?:[^"]|"")*)"|([^,]+)|(?<=,)(?=,|$)/g)].map((m) => (m[1] ?? m[2] ?? '').replace(/""/g, '"'));
      return { issue: f[0], severity: f[1], file: f[3], location: f[4], description: f[6] };
    });
}

describe('electronegativity', () => {
  it('finds nothing of HIGH severity in the Electron app', () => {
    const electronVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
    const stage = tempDir('glassfit-electronegativity-');
    try {
      // Only the app's own code: the tool would otherwise walk node_modules and the engine.
      for (const p of ['src-main/electron', 'src-main/bridge', 'src-main/api/channels.ts', 'src-renderer/index.html', 'src-renderer/src', 'package.json'])
        cpSync(join(ROOT, p), join(stage.path, 'app', p), { recursive: true });
      const out = join(stage.path, 'report.csv');
      execFileSync(process.execPath, [join(ROOT, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js'), '-i', join(stage.path, 'app'), '-e', electronVersion, '-o', out, '-v', 'false'], {
        stdio: 'pipe',
        timeout: 240_000,
      });
      const findings = parseCsv(readFileSync(out, 'utf8'));
      const high = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
      expect(high, JSON.stringify(high, null, 2)).toEqual([]);
      // The checks that matter most ran and found the app hardened: none of these may appear at any severity.
      const hardened = ['CONTEXT_ISOLATION_JS_CHECK', 'NODE_INTEGRATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'WEB_SECURITY_JS_CHECK', 'AUXCLICK_JS_CHECK'];
      expect(findings.filter((f) => hardened.includes(f.issue))).toEqual([]);
      expect(findings.some((f) => f.issue === 'CSP_GLOBAL_CHECK' && f.description.startsWith('No CSP'))).toBe(false);
    } finally {
      stage.remove();
    }
  });
});
