/**
 * The bundled node payload (src-main/runner/payload-bundle.ts): built from the sources, fresh until an input
 * changes, and it gives exactly the in-process evaluation's result (same engine, same arithmetic), with the same
 * exit statuses as `glassfit evaluate --spec` for a bad job file.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPayloadBundle, PAYLOAD_BUNDLE, payloadBundleCommand, payloadBundleFresh } from '../../src-main/runner/payload-bundle.ts';
import { jobToJson, resultFromJson } from '../../src-worker/evaluate/job-json.ts';
import { evaluate } from '../../src-worker/evaluate/evaluate.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { builtin, smallSpec } from '../evaluate/small.ts';

describe('bundled node payload', () => {
  it('is built, stays fresh until a source changes, and evaluates a job exactly as in process', { timeout: 120_000 }, async () => {
    await buildPayloadBundle();
    expect(payloadBundleFresh()).toBe(true);
    // A source touched after the build makes it stale; the command rebuilds it.
    const src = 'src-worker/evaluate/job-json.ts';
    const st = statSync(src);
    utimesSync(src, st.atime, new Date(Date.now() + 5000));
    try {
      expect(payloadBundleFresh()).toBe(false);
      const cmd = await payloadBundleCommand();
      expect(cmd).toEqual([process.execPath, PAYLOAD_BUNDLE]);
    } finally {
      utimesSync(src, st.atime, st.mtime);
    }

    const dir = mkdtempSync(join(tmpdir(), 'glassfit-payload-'));
    try {
      const spec = smallSpec({ relax: 0.05, production: 0.05 });
      writeFileSync(join(dir, 'job.json'), jobToJson(builtin('bks'), spec));
      const r = spawnSync(process.execPath, [PAYLOAD_BUNDLE, 'evaluate', '--spec', 'job.json', '--result', 'result.json'], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const fromBundle = resultFromJson(readFileSync(join(dir, 'result.json'), 'utf8'), spec);
      const local = evaluate(builtin('bks'), spec, silentContext(() => performance.now()));
      if (fromBundle.status !== 'done' || local.status !== 'done') throw new Error('expected done runs');
      expect(fromBundle.rChi).toBe(local.rChi);
      expect(fromBundle.final.pos).toEqual(local.final.pos);

      // A missing or malformed job file: exit 2 and a message naming the file; bad usage: exit 2.
      const missing = spawnSync(process.execPath, [PAYLOAD_BUNDLE, 'evaluate', '--spec', 'nope.json', '--result', 'r.json'], { cwd: dir, encoding: 'utf8' });
      expect(missing.status).toBe(2);
      expect(missing.stderr).toMatch(/job file 'nope\.json': no such file/);
      writeFileSync(join(dir, 'bad.json'), '{"ff": 1}');
      const bad = spawnSync(process.execPath, [PAYLOAD_BUNDLE, 'evaluate', '--spec', 'bad.json', '--result', 'r.json'], { cwd: dir, encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/bad\.json/);
      expect(spawnSync(process.execPath, [PAYLOAD_BUNDLE, 'md'], { encoding: 'utf8' }).status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
