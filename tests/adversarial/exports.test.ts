/**
 * Exports and names (issue 12, items 2 and 4): a campaign or reference name cannot make LAMMPS run a command (the
 * exported include file is run by the real `lmp`, beside a positive control proving `shell` would have run);
 * every CLI export goes through a temporary file and a rename, refuses an existing file without --force and the
 * open database always (through a symlink or a hard link too), names the file it wrote, and a full disk leaves
 * the old file whole and no fragment.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src-main/cli/glassfit.ts';
import { writeFileAtomic, WriteRefusedError, type WriteFs } from '../../src-main/files/atomic-write.ts';
import { createApi } from '../../src-main/api/handlers.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { lammpsInclude } from '../../src-worker/io/lammps-export.ts';
import { exportCsv } from '../../src-worker/campaign/export.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { SILICA } from '../../src-worker/species.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-adv-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const haveLmp = spawnSync('lmp', ['-h'], { stdio: 'ignore' }).status === 0;
if (!haveLmp && process.env.CI) throw new Error('tests/adversarial/exports.test.ts needs LAMMPS (`lmp`) in CI');

/** Run an include file in LAMMPS on an empty box of two atom types; its exit status. */
function runInLammps(includeText: string, cwd: string): number | null {
  writeFileSync(join(cwd, 'ff.lmp'), includeText);
  writeFileSync(join(cwd, 'in.check'), ['units metal', 'atom_style charge', 'boundary p p p', 'region box block 0 20 0 20 0 20', 'create_box 2 box', 'create_atoms 1 single 5 5 5', 'create_atoms 2 single 6.6 5 5', 'include ff.lmp', 'run 0'].join('\n') + '\n');
  const r = spawnSync('lmp', ['-in', 'in.check', '-log', 'none', '-nocite'], { cwd, encoding: 'utf8', env: { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } });
  return r.status;
}

describe.skipIf(!haveLmp)('names written into a LAMMPS include file (item 2)', () => {
  it('cannot run a command, whatever the campaign or reference name holds', () => {
    const work = mkdtempSync(join(dir, 'lmp-'));
    const pwned = join(work, 'PWNED');
    const bks = (name: string, against: string, note: string) =>
      lammpsInclude(builtinForceField('BKS'), SILICA, { campaign: { name, id: '00000000-0000-4000-8000-000000000000' }, rChi: { value: 0.1, against }, date: '2026-01-01', notes: [note] });
    // Positive control: this LAMMPS runs `shell` from an include file (a header written raw, as before the fix),
    // so the test below is not vacuous.
    expect(runInLammps(bks('x', 'ref', 'note').replace('# campaign: x', `shell touch ${pwned}-control\n# campaign: x`), work)).toBe(0);
    expect(existsSync(`${pwned}-control`)).toBe(true);

    const names = [`x\nshell touch ${pwned}`, `x\rshell touch ${pwned}`, `x\u2028shell touch ${pwned}`, `x &`, `y\u000bshell touch ${pwned}`];
    for (const name of names) {
      const text = bks(name, `ref &\nshell touch ${pwned}`, `note\nshell touch ${pwned}`);
      for (const line of text.split('\n')) if (line.includes('shell')) expect(line.startsWith('#'), JSON.stringify(line)).toBe(true);
      expect(runInLammps(text, work), JSON.stringify(name)).toBe(0);
      expect(existsSync(pwned), JSON.stringify(name)).toBe(false);
    }
  });
});

describe('CSV text fields', () => {
  it('are never read as spreadsheet formulas', () => {
    const info = { id: '00000000-0000-4000-8000-000000000000', name: 'csv', space: presetSpace('BKS-2D') } as unknown as Parameters<typeof exportCsv>[0];
    const row = { id: 1, seq: 1, origin: 'optimizer', phase: 'bo', label: '=HYPERLINK("http://evil")', status: 'failed', rChi: null, chiByPair: null, values: {}, u: [0.5, 0.5], seed: 1, kernel: 'table', startedAt: null, finishedAt: null, durationS: null, usPerAtomStep: null, engineVersion: null, error: '@SUM(1)' } as unknown as Parameters<typeof exportCsv>[1][number];
    const csv = exportCsv(info, [row]).text.split('\n')[1];
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain("'@SUM(1)");
  });
});

describe('writeFileAtomic', () => {
  const target = join(dir, 'out.txt');

  it('refuses an existing file without force and replaces it with force', () => {
    writeFileSync(target, 'old');
    expect(() => writeFileAtomic(target, 'new', { what: '--out' })).toThrow(/--out .*out\.txt exists; pass --force to replace it/);
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(writeFileAtomic(target, 'new', { force: true })).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('never writes the protected database, through its name, a symlink, a hard link or its WAL', () => {
    const db = join(dir, 'protected.sqlite');
    writeFileSync(db, 'SQLite format 3\0');
    symlinkSync(db, join(dir, 'link.sqlite'));
    linkSync(db, join(dir, 'hard.sqlite'));
    for (const p of [db, join(dir, 'link.sqlite'), join(dir, 'hard.sqlite'), `${db}-wal`, join(dir, '.', 'protected.sqlite')]) {
      expect(() => writeFileAtomic(p, 'x', { force: true, protect: [db] }), p).toThrow(/is the open campaign database \(or one of its files\); it is never overwritten/);
    }
    expect(readFileSync(db, 'utf8')).toBe('SQLite format 3\0');
  });

  it('leaves the old file whole and no fragment when the disk fills up mid-write', () => {
    writeFileSync(target, 'the old export');
    let written = 0;
    const full: WriteFs = {
      ...(require('node:fs') as WriteFs),
      writeSync: () => {
        if (written > 0) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        written += 4;
        return 4;
      },
    };
    const before = readdirSync(dir).sort();
    expect(() => writeFileAtomic(target, 'x'.repeat(1000), { force: true }, full)).toThrow(WriteRefusedError);
    expect(() => writeFileAtomic(target, 'x'.repeat(1000), { force: true }, full)).toThrow(/could not write .*out\.txt: ENOSPC \(the disk is full\); nothing was changed/);
    expect(readFileSync(target, 'utf8')).toBe('the old export');
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('campaign export from the CLI (item 4)', () => {
  const db = join(dir, 'campaigns.sqlite');
  let id: string;
  let err: string[];

  beforeAll(async () => {
    const api = await createApi({ dbPath: db, workerEntry: nodeWorkerEntry(), emit: () => {} });
    const r = await api.handlers['campaigns.create']({
      name: 'export test',
      reference: { kind: 'builtin' },
      space: presetSpace('BKS-2D'),
      preset: 'BKS-2D',
      protocol: { atoms: 648, relax: 0.1, production: 0.1 },
      optimizer: { strategy: 'bo', budget: 4 },
      workers: 1,
      baselines: ['BKS'],
      finalReplicas: 0,
    } as Parameters<(typeof api.handlers)['campaigns.create']>[0]);
    id = r.id;
    await api.close();
  });

  const exportTo = async (...args: string[]) => {
    err = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    try {
      return await main(['campaign', 'export', id, '--db', db, '--format', 'json', ...args]);
    } finally {
      spy.mockRestore();
    }
  };

  it('writes a new file and names it', async () => {
    const out = join(dir, 'evaluations.json');
    expect(await exportTo('--out', out)).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('glassfit-campaign');
    expect(err.join('\n')).toContain(`wrote JSON of every evaluation to ${out}`);
  });

  it('refuses an existing file without --force, replaces it with --force', async () => {
    const out = join(dir, 'mine.json');
    writeFileSync(out, 'precious');
    expect(await exportTo('--out', out)).toBe(2);
    expect(err.join('\n')).toMatch(/mine\.json exists; pass --force to replace it/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    expect(await exportTo('--out', out, '--force')).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/glassfit-campaign/);
  });

  it('never writes over the open database, not even with --force or through a link', async () => {
    const before = sha(db);
    symlinkSync(db, join(dir, 'db-link.json'));
    for (const out of [db, join(dir, 'db-link.json')]) {
      expect(await exportTo('--out', out, '--force')).toBe(2);
      expect(err.join('\n')).toMatch(/is the open campaign database \(or one of its files\); it is never overwritten/);
    }
    expect(sha(db)).toBe(before);
  });
});
