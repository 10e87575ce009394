/**
 * `glassfit campaign …` end to end on a tiny campaign: new → run → status → list → export (lammps, table, json,
 * csv, forcefield), Ctrl-C pauses cleanly, a second runner gets the lock message, and bad input to every
 * command ends in one line, a non-zero exit and an unchanged database.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src-main/cli/glassfit.ts';
import { openStore } from '../../src-main/store/store.ts';
import { readForceFieldFile } from '../../src-worker/params/forcefield-file.ts';
import { resolvePotential } from '../../src-main/cli/potential-arg.ts';
import { TINY_FLAGS } from '../runner/tiny.ts';

const dir = mkdtempSync(join(tmpdir(), 'glassfit-cli-campaign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());
const BIN = resolve('bin/glassfit.mjs');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  return { out, err };
}

/** The CLI in a child process (what a user runs); resolves with its exit code and output. */
function spawnCli(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function until(cond: () => boolean, timeoutMs = 120_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting for the CLI');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Everything a database holds that a failed command must leave alone. */
function snapshot(db: string): string {
  const s = openStore(db, { mustExist: true });
  try {
    const campaigns = s.listCampaigns();
    return JSON.stringify({ campaigns: campaigns.map((c) => s.campaign(c.id)), evaluations: campaigns.map((c) => s.evaluations(c.id)) });
  } finally {
    s.close();
  }
}

const NEW = ['--preset', 'bks-2d', '--budget', '4', '--baselines', 'bks', '--final-replicas', '1', '--seed', '11', '--workers', '2', ...TINY_FLAGS];

describe('glassfit campaign', () => {
  const db = join(dir, 'main.sqlite');
  let id = '';

  it('--tr-collapse restart is stored with the trust region on; a bad value is one line', async () => {
    const other = join(dir, 'tr.sqlite');
    const io = capture();
    expect(await main(['campaign', 'new', '--db', other, ...NEW, '--tr-collapse', 'restart', '--json'])).toBe(0);
    const s = openStore(other, { mustExist: true });
    const c = s.campaign(JSON.parse(io.out.join('\n')).id);
    s.close();
    expect(c.optimizer.strategy === 'bo' && c.optimizer.bo.trustRegion).toMatchObject({ enabled: true, onCollapse: 'restart' });
    const bad = capture();
    expect(await main(['campaign', 'new', '--db', other, ...NEW, '--tr-collapse', 'later'])).not.toBe(0);
    expect(bad.err.join('\n')).toMatch(/--tr-collapse must be cg or restart, got 'later'/);
  });

  it('new --json prints the id of a draft campaign with the frozen settings', async () => {
    const io = capture();
    // No baseline here: a best that BKS clearly beats gets no final replica (tests/runner), and this flow
    // exports a best with its replica.
    expect(await main(['campaign', 'new', '--db', db, '--name', 'cli test', '--bounds', 'qSi=1.8:2.6', ...NEW, '--baselines', 'none', '--json'])).toBe(0);
    id = JSON.parse(io.out.join('\n')).id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // Budget 4 in 2-D is all initial design: said before it runs (stdout stays the JSON alone).
    expect(io.err.join('\n')).toMatch(/^glassfit: warning: budget 4 does not exceed the initial design: .* no Bayesian step will run/m);
    expect(io.out).toHaveLength(1);
    const s = openStore(db, { mustExist: true });
    const c = s.campaign(id);
    s.close();
    expect(c).toMatchObject({ name: 'cli test', status: 'draft', preset: 'BKS-2D', workers: 2, seed: 11, baselines: [], finalReplicas: 1 });
    // A preset is searched in wall coordinates shaped by the reference: A_SiO becomes the Si–O minimum's position,
    // bounded inside the built-in reference's first Si–O peak (1.61 Å): 0.35 to 0.04 Å below it.
    expect(c.space.free.map((d) => [d.name, d.lower, d.upper])).toEqual([
      ['qSi', 1.8, 2.6],
      ['rmin_SiO', 1.26, 1.57],
    ]);
    expect(c.protocol).toMatchObject({ atoms: 648, relax: 0.1, production: 0.1, softStart: { steps: 200 }, kernel: 'table' });
    expect(c.optimizer).toMatchObject({ strategy: 'bo', dim: 2, budget: 4, bo: { plateau: 100, trustRegion: { enabled: true } }, cg: { reserve: 0.2, starts: 2, method: 'ls' } });
    // A new campaign screens its candidates and stops hopeless runs unless told not to.
    expect(c.search).toMatchObject({ screen: true, earlyStop: { enabled: true } });
  });

  it('new --cg-starts N stores the CG chains; a bad value is refused naming the option', async () => {
    const io = capture();
    const other = join(dir, 'starts.sqlite');
    expect(await main(['campaign', 'new', '--db', other, ...NEW, '--cg-starts', '1', '--json'])).toBe(0);
    const s = openStore(other, { mustExist: true });
    expect(s.campaign(JSON.parse(io.out.join('\n')).id).optimizer).toMatchObject({ cg: { starts: 1, reserve: 0.2 } });
    s.close();
    for (const bad of ['0', '9', '1.5', 'two']) {
      const e = capture();
      expect(await main(['campaign', 'new', '--db', other, ...NEW, '--cg-starts', bad])).toBe(2);
      expect(e.err.join('\n')).toMatch(/--cg-starts must be/);
    }
  });

  it('new --refine ls|cg chooses the refinement after BO; a bad value is refused naming the option', async () => {
    const other = join(dir, 'refine.sqlite');
    for (const method of ['cg', 'ls'] as const) {
      const io = capture();
      expect(await main(['campaign', 'new', '--db', other, ...NEW, '--refine', method, '--json'])).toBe(0);
      const s = openStore(other, { mustExist: true });
      expect(s.campaign(JSON.parse(io.out.join('\n')).id).optimizer).toMatchObject({ cg: { method, starts: 2, reserve: 0.2 } });
      s.close();
    }
    const e = capture();
    expect(await main(['campaign', 'new', '--db', other, ...NEW, '--refine', 'newton'])).toBe(2);
    expect(e.err.join('\n')).toMatch(/--refine must be ls or cg/);
  });

  it('new --no-screen --no-early-stop stores a campaign that does neither', async () => {
    const io = capture();
    const other = join(dir, 'nosearch.sqlite');
    expect(await main(['campaign', 'new', '--db', other, ...NEW, '--no-screen', '--no-early-stop', '--json'])).toBe(0);
    const s = openStore(other, { mustExist: true });
    const c = s.campaign(JSON.parse(io.out.join('\n')).id);
    s.close();
    expect(c.search).toMatchObject({ screen: false, earlyStop: { enabled: false } });
  });

  it('new --backend lammps stores where it evaluates; set changes it while it is not running; status shows it', async () => {
    const io = capture();
    const other = join(dir, 'backend.sqlite');
    expect(await main(['campaign', 'new', '--db', other, ...NEW, '--backend', 'lammps', '--mpi-ranks', '2', '--json'])).toBe(0);
    const cid = JSON.parse(io.out.join('\n')).id;
    const read = () => {
      const s = openStore(other, { mustExist: true });
      const c = s.campaign(cid);
      s.close();
      return c.execution;
    };
    expect(read()).toMatchObject({ backend: 'lammps', lammps: { command: 'lmp', mpiRanks: 2 } });
    expect(await main(['campaign', 'set', cid.slice(0, 8), '--db', other, '--backend', 'threads', '--lammps-command', '/usr/bin/lmp'])).toBe(0);
    expect(io.err.join('\n')).toMatch(/now evaluates on threads/);
    expect(read()).toMatchObject({ backend: 'threads', lammps: { command: '/usr/bin/lmp', mpiRanks: 2 } });
    expect(await main(['campaign', 'set', cid, '--db', other, '--backend', 'slurm', '--partition', 'short', '--slurm-time', '2:00:00', '--module', 'lammps/2021', '--module', 'nodejs/20', '--max-in-flight', '8', '--poll-s', '60'])).toBe(0);
    expect(read()).toMatchObject({ backend: 'slurm', slurm: { payload: 'js', partition: 'short', timeLimit: '2:00:00', modules: ['lammps/2021', 'nodejs/20'], maxInFlight: 8, pollS: 60 } });
    const sl = capture();
    expect(await main(['campaign', 'status', cid, '--db', other])).toBe(0);
    expect(sl.out.join('\n')).toMatch(/backend\s+slurm \(payload glassfit's engine; partition short, time limit 2:00:00, modules lammps\/2021 nodejs\/20; at most 8 in flight, poll every 60 s\)/);
    // The remote path: the ssh settings join the slurm section; --ssh-host '' goes back to sbatch here, forgetting them.
    expect(await main(['campaign', 'set', cid, '--db', other, '--ssh-host', 'me@login.cluster', '--ssh-port', '2222', '--ssh-key', 'id_test', '--remote-dir', '/scratch/me/gf'])).toBe(0);
    expect(read().slurm).toMatchObject({ partition: 'short', sshHost: 'me@login.cluster', sshPort: 2222, sshKey: resolve('id_test'), remoteDir: '/scratch/me/gf' });
    const ss = capture();
    expect(await main(['campaign', 'status', cid, '--db', other])).toBe(0);
    expect(ss.out.join('\n')).toMatch(/backend\s+slurm via ssh me@login\.cluster:2222 in \/scratch\/me\/gf \(payload/);
    expect(await main(['campaign', 'set', cid, '--db', other, '--ssh-host', ''])).toBe(0);
    expect(read().slurm).toMatchObject({ sshHost: null, sshPort: null, sshKey: null, remoteDir: null });
    // How the nodes start glassfit (a cluster where this installation's path does not exist); shell syntax is refused.
    expect(await main(['campaign', 'set', cid, '--db', other, '--node-glassfit', 'node  /opt/glassfit/bin/glassfit.mjs'])).toBe(0);
    expect(read().slurm.glassfit).toBe('node /opt/glassfit/bin/glassfit.mjs');
    const ng = capture();
    expect(await main(['campaign', 'status', cid, '--db', other])).toBe(0);
    expect(ng.out.join('\n')).toMatch(/payload glassfit's engine, run as 'node \/opt\/glassfit\/bin\/glassfit\.mjs'/);
    const bad = capture();
    expect(await main(['campaign', 'set', cid, '--db', other, '--node-glassfit', 'glassfit; rm -rf ~'])).not.toBe(0);
    expect(bad.err.join('\n')).toMatch(/glassfit.*must be words of letters/);
    expect(await main(['campaign', 'set', cid, '--db', other, '--node-glassfit', ''])).toBe(0);
    expect(read().slurm.glassfit).toBeNull();
    expect(await main(['campaign', 'set', cid, '--db', other, '--backend', 'lammps'])).toBe(0);
    const text = capture();
    expect(await main(['campaign', 'status', cid, '--db', other])).toBe(0);
    expect(text.out.join('\n')).toMatch(/backend\s+lammps \(\/usr\/bin\/lmp, 2 ranks per evaluation/);
    expect(text.out.join('\n')).toMatch(/engines\s+none yet/);
    expect(text.out.join('\n')).toMatch(/early stop on\n/);
    const json = capture();
    expect(await main(['campaign', 'status', cid, '--db', other, '--json'])).toBe(0);
    expect(JSON.parse(json.out.join('\n'))).toMatchObject({ execution: { backend: 'lammps' }, engines: [] });
  });

  it('run shows progress, finishes, and status --json reports counts and the best point', async () => {
    const run = spawnCli(['campaign', 'run', id.slice(0, 8), '--db', db]);
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/#\s+1 initial\s/);
    expect(run.stderr()).toMatch(/\d\/4 MD runs.* · best R_χ .*ETA/);
    expect(run.stderr()).toMatch(/campaign finished: 4\/4 MD runs/);

    const io = capture();
    expect(await main(['campaign', 'status', id, '--db', db, '--json'])).toBe(0);
    const st = JSON.parse(io.out.join('\n'));
    expect(st.status).toBe('finished');
    // The budget counts MD runs (done, failed, stopped); screened candidates are counted apart.
    expect(st.counts.done + st.counts.failed + st.counts.stopped).toBe(4);
    expect(st.counts).toMatchObject({ running: 0, queued: 0, screened: expect.any(Number), stopped: expect.any(Number) });
    expect(st.search).toMatchObject({ screen: true, earlyStop: { enabled: true } });
    expect(st.mdHours).toBeGreaterThan(0);
    expect(st.mdHoursSaved).toBeGreaterThanOrEqual(0);
    expect(st.best.rchi).toBeGreaterThan(0);
    expect(Object.keys(st.best.params)).toEqual(expect.arrayContaining(['qSi', 'A_SiO', 'rho_SiO', 'C_SiO']));
    expect(st.best.replicas).toBe(2);
    expect(st.baselines).toEqual([]);

    const text = capture();
    expect(await main(['campaign', 'status', id.slice(0, 6), '--db', db])).toBe(0);
    expect(text.out.join('\n')).toMatch(/status\s+finished/);
    expect(text.out.join('\n')).toMatch(/counts\s+done \d+, failed \d+, screened \d+, stopped \d+, running 0, queued 0/);
    expect(text.out.join('\n')).toMatch(/MD time\s+\d+\.\d\d h/);
    expect(text.out.join('\n')).toMatch(/not ab initio|not AIMD/);
  });

  it('list shows the campaign', async () => {
    const io = capture();
    expect(await main(['campaign', 'list', '--db', db])).toBe(0);
    expect(io.out.join('\n')).toMatch(new RegExp(`${id.slice(0, 8)}\\s+finished\\s+bo\\s+4/4`));
    const j = capture();
    expect(await main(['campaign', 'list', '--db', db, '--json'])).toBe(0);
    expect(JSON.parse(j.out.join('\n'))[0]).toMatchObject({ id, status: 'finished', budget: 4 });
  });

  it('new --coordinates paper keeps the paper\'s A, --no-tr and --cg-reserve change the BO defaults', async () => {
    const io = capture();
    expect(await main(['campaign', 'new', '--db', db, '--name', 'paper coordinates', '--coordinates', 'paper', '--no-tr', '--cg-reserve', '0', ...NEW, '--json'])).toBe(0);
    const s = openStore(db, { mustExist: true });
    const c = s.campaign(JSON.parse(io.out.join('\n')).id);
    s.close();
    expect(c.space.free.map((d) => d.name)).toEqual(['qSi', 'A_SiO']);
    expect(c.optimizer).toMatchObject({ bo: { trustRegion: { enabled: false } }, cg: { reserve: 0 } });
  });

  it('exports the best point for LAMMPS (include and table), every evaluation as JSON and CSV, and a parameter file', async () => {
    capture();
    const lmp = join(dir, 'best.lmp');
    expect(await main(['campaign', 'export', id, '--db', db, '--format', 'lammps', '--out', lmp])).toBe(0);
    const inc = readFileSync(lmp, 'utf8');
    expect(inc).toMatch(/^# campaign: cli test \(/m);
    expect(inc).toMatch(/^# R_chi = \d+\.\d\d % ± \d+\.\d\d % \(2 runs\)/m);
    expect(inc).toMatch(/^pair_style hybrid\/overlay coul\/dsf 0\.25 8 buck 8 mie\/cut 8$/m);

    const tab = join(dir, 'best-table.lmp');
    expect(await main(['campaign', 'export', id, '--db', db, '--format', 'lammps', '--variant', 'table', '--out', tab])).toBe(0);
    const tabText = readFileSync(tab, 'utf8');
    const tableFile = /^pair_coeff 1 1 (\S+) SiSi 8$/m.exec(tabText)![1];
    expect(existsSync(join(dir, tableFile))).toBe(true);

    const json = join(dir, 'all.json');
    expect(await main(['campaign', 'export', id, '--db', db, '--format', 'json', '--out', json])).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc).toMatchObject({ format: 'glassfit-campaign', campaign: { id } });
    // Budget 4 MD runs + 1 final replica; a candidate the physics screen rejected is stored too (no MD).
    expect(doc.evaluations.filter((e: { status: string }) => e.status !== 'screened')).toHaveLength(5);
    expect(doc.best.forcefield.format).toBe('glassfit-forcefield');
    // The campaign export itself works as --potential: its best set is used.
    const asPotential = await resolvePotential(json);
    expect(asPotential.ff.charge.Si).toBe(doc.best.values.qSi);
    expect(asPotential.name).toMatch(/^cli test/);

    const csv = join(dir, 'all.csv');
    expect(await main(['campaign', 'export', id, '--db', db, '--format', 'csv', '--out', csv])).toBe(0);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(doc.evaluations.length + 1);
    expect(lines[0]).toMatch(/^id,seq,origin,phase,label,status,r_chi_pct,chi_SiSi_pct,chi_SiO_pct,chi_OO_pct,qSi_e,/);

    const ffPath = join(dir, 'best.json');
    expect(await main(['campaign', 'export', id, '--db', db, '--format', 'forcefield', '--out', ffPath])).toBe(0);
    const ff = readForceFieldFile(readFileSync(ffPath, 'utf8'), 'best.json');
    expect(ff.ff.charge.Si).toBe(doc.best.values.qSi);
    expect(ff.source).toMatch(/R_chi \d+\.\d\d %/);
  });

  it('pauses on Ctrl-C with exit code 130, and a second runner gets the lock message', async () => {
    const io = capture();
    expect(await main(['campaign', 'new', '--db', db, ...NEW, '--budget', '12', '--json'])).toBe(0);
    const id2 = JSON.parse(io.out.join('\n')).id;
    const first = spawnCli(['campaign', 'run', id2, '--db', db]);
    await until(() => /#\s+\d+ /.test(first.stdout()));
    const second = capture();
    expect(await main(['campaign', 'run', id2, '--db', db])).toBe(1);
    expect(second.err).toHaveLength(1);
    expect(second.err[0]).toMatch(new RegExp(`^glassfit: error: campaign ${id2} is already being run by process ${first.child.pid} .*pause it there first$`));
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(130);
    expect(first.stderr()).toMatch(/paused; resume with: glassfit campaign run/);
    const s = openStore(db, { mustExist: true });
    expect(s.campaignInfo(id2).status).toBe('paused');
    expect(s.counts(id2).running).toBe(0);
    s.close();
  });
});

describe('bad input to every campaign command: one line, non-zero exit, nothing stored changes', () => {
  const good = join(dir, 'good.sqlite');
  const corrupt = join(dir, 'corrupt.sqlite');
  const missing = join(dir, 'missing.sqlite');
  const badRef = join(dir, 'bad-gr.csv');
  writeFileSync(corrupt, 'not a database\n'.repeat(200));
  writeFileSync(badRef, 'r,SiSi,SiO,OO\n0.01,0,0,0\n0.03,0,zero,0\n');
  let id = '';

  it('sets up a database with one campaign', async () => {
    const io = capture();
    expect(await main(['campaign', 'new', '--db', good, ...NEW, '--json'])).toBe(0);
    id = JSON.parse(io.out.join('\n')).id;
  });

  const cases: [string, () => string[], RegExp][] = [
    ['new: bounds with lower ≥ upper', () => ['campaign', 'new', '--db', good, ...NEW, '--bounds', 'qSi=2.6:1.8'], /qSi: lower bound 2\.6 must be below upper bound 1\.8/],
    ['new: a reference that does not parse', () => ['campaign', 'new', '--db', good, ...NEW, '--reference', badRef], /bad-gr\.csv:3: .*zero/],
    ['new: a reference file that is not there', () => ['campaign', 'new', '--db', good, ...NEW, '--reference', join(dir, 'nope.csv')], /cannot read reference .*ENOENT/],
    ['new: an unknown preset', () => ['campaign', 'new', '--db', good, '--preset', 'xyz'], /unknown preset 'xyz'/],
    ['new: an atom count SiO2 cannot have', () => ['campaign', 'new', '--db', good, ...NEW, '--atoms', '301'], /multiple of 3 atoms, got 301/],
    ['new: a corrupt database', () => ['campaign', 'new', '--db', corrupt, ...NEW], /corrupt\.sqlite: not a SQLite database/],
    ['run: a missing database', () => ['campaign', 'run', id, '--db', missing], /no database at .*missing\.sqlite/],
    ['run: a corrupt database', () => ['campaign', 'run', id, '--db', corrupt], /not a SQLite database/],
    ['run: an unknown campaign', () => ['campaign', 'run', 'deadbeef', '--db', good], /no campaign 'deadbeef'/],
    ['status: a missing database', () => ['campaign', 'status', id, '--db', missing], /no database at/],
    ['status: a corrupt database', () => ['campaign', 'status', id, '--db', corrupt], /not a SQLite database/],
    ['status: an unknown campaign', () => ['campaign', 'status', '00000000-0000-4000-8000-000000000000', '--db', good], /no campaign/],
    ['list: a missing database', () => ['campaign', 'list', '--db', missing], /no database at/],
    ['list: a corrupt database', () => ['campaign', 'list', '--db', corrupt], /not a SQLite database/],
    ['export: a missing database', () => ['campaign', 'export', id, '--db', missing, '--format', 'csv', '--out', join(dir, 'x.csv')], /no database at/],
    ['export: a corrupt database', () => ['campaign', 'export', id, '--db', corrupt, '--format', 'csv', '--out', join(dir, 'x.csv')], /not a SQLite database/],
    ['export: an unknown campaign', () => ['campaign', 'export', 'cafebabe', '--db', good, '--format', 'csv', '--out', join(dir, 'x.csv')], /no campaign 'cafebabe'/],
    ['export: no finished evaluation', () => ['campaign', 'export', id, '--db', good, '--format', 'lammps', '--out', join(dir, 'x.lmp')], /no finished evaluation yet/],
    ['export: an unknown format', () => ['campaign', 'export', id, '--db', good, '--format', 'xml', '--out', join(dir, 'x.xml')], /--format must be lammps, json, csv or forcefield/],
    ['new: an unknown backend', () => ['campaign', 'new', '--db', good, ...NEW, '--backend', 'gpu'], /--backend must be threads, lammps or slurm, got 'gpu'/],
    ['new: a SLURM time limit SLURM would not take', () => ['campaign', 'new', '--db', good, ...NEW, '--slurm-time', '1h'], /slurm.timeLimit: must be a SLURM time/],
    ['new: an ssh host without a remote folder', () => ['campaign', 'new', '--db', good, ...NEW, '--ssh-host', 'login1'], /ssh host login1 needs a work folder on the cluster \(--remote-dir DIR\)/],
    ['set: a remote folder without an ssh host', () => ['campaign', 'set', id, '--db', good, '--remote-dir', '/scratch/x'], /need --ssh-host/],
    ['set: an ssh host with a space', () => ['campaign', 'set', id, '--db', good, '--ssh-host', 'a b', '--remote-dir', '/x'], /slurm.sshHost: must be a host name/],
    ['set: a remote folder with shell characters', () => ['campaign', 'set', id, '--db', good, '--ssh-host', 'h', '--remote-dir', '/x;rm'], /slurm.remoteDir: must be a path/],
    ['set: a partition with a space', () => ['campaign', 'set', id, '--db', good, '--partition', 'a b'], /slurm.partition: must be one word/],
    ['new: zero MPI ranks', () => ['campaign', 'new', '--db', good, ...NEW, '--mpi-ranks', '0'], /mpi-ranks/],
    ['set: nothing to change', () => ['campaign', 'set', id, '--db', good], /needs something to change/],
    ['set: a LAMMPS command with shell characters', () => ['campaign', 'set', id, '--db', good, '--lammps-command', 'lmp;rm'], /--lammps-command must be one executable/],
    ['set: an unknown campaign', () => ['campaign', 'set', 'deadbeef', '--db', good, '--backend', 'lammps'], /no campaign 'deadbeef'/],
    ['an unknown subcommand', () => ['campaign', 'frobnicate'], /unknown campaign subcommand 'frobnicate'/],
  ];

  it.each(cases)('%s', async (_name, args, message) => {
    const before = snapshot(good);
    const corruptBytes = readFileSync(corrupt);
    const io = capture();
    const code = await main(args());
    expect(code).not.toBe(0);
    expect(io.err).toHaveLength(1);
    expect(io.err[0]).toMatch(/^glassfit: error: /);
    expect(io.err[0]).toMatch(message);
    expect(io.err[0]).not.toMatch(/\n|\sat .+:\d+:\d+/);
    expect(snapshot(good)).toBe(before);
    expect(readFileSync(corrupt).equals(corruptBytes)).toBe(true);
    expect(existsSync(missing)).toBe(false);
  });

  it('errors in a child process show no stack trace either', async () => {
    const r = spawnCli(['campaign', 'status', id, '--db', corrupt]);
    expect(await r.exit).toBe(2);
    expect(r.stderr().trim().split('\n')).toHaveLength(1);
    expect(r.stderr()).not.toMatch(/\sat .+:\d+:\d+/);
  });
});
