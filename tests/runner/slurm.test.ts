/**
 * The `slurm` backend on a real single-node SLURM (Debian slurm-wlm + munge). When no controller answers, the suite
 * starts one with scripts/ci-slurm.sh (as root, as .ci/run does) and stops it after; it skips, saying why, only when
 * SLURM is not installed. Tiny evaluations (648 atoms, sub-picosecond) keep it to about a minute on two cores:
 * - a small campaign on each payload ('js': glassfit evaluate --spec on the node; 'lammps': the LAMMPS job), each
 *   optimizer batch one array;
 * - the runner SIGKILLed right after its submission, then resumed: it re-attaches, nothing is submitted twice
 *   (squeue --states=all lists one task per evaluation) and every evaluation is collected once;
 * - pause leaves a job running (its row kept); a stop with no runner scancels it;
 * - slurmctld killed and restarted mid-campaign (on a controller the suite started): polls fail as 'unknown', the
 *   jobs survive, every evaluation is collected once;
 * - a job cancelled by hand and one that hits its time limit fail with SLURM's reason; the campaign goes on;
 * - with a 60-s poll interval a finished task is still collected at once (the local exit.code watch);
 * - the remote path: an sshd on a spare port of localhost (a host key and a client key made here), a small campaign
 *   through `ssh` (job folders rsynced to a separate remote folder) on ONE reused connection; an unreachable host
 *   makes a poll 'unknown' and a submission error that names the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore, type Store } from '../../src-main/store/store.ts';
import { startCampaign } from '../../src-main/runner/runner.ts';
import { createApi } from '../../src-main/api/handlers.ts';
import { nodeWorkerEntry } from '../../src-main/runner/worker-path.ts';
import { createSlurmEvaluator, parseSqueue, slurmStateReason } from '../../src-main/runner/slurm-evaluator.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { DEFAULT_EXECUTION, type SlurmSettings } from '../../src-worker/campaign/records.ts';
import { smallSpec } from '../evaluate/small.ts';
import { TINY_PROTOCOL, tinyCampaign } from './tiny.ts';
import { baselineEvaluation } from '../../src-worker/campaign/setup.ts';
import { sshTransport } from '../../src-main/runner/slurm-transport.ts';

// On PATH is enough: without a configuration sbatch cannot even print its version.
const haveSbatch = spawnSync('sh', ['-c', 'command -v sbatch && command -v slurmctld'], { stdio: 'ignore' }).status === 0;
if (!haveSbatch && process.env.CI) throw new Error('tests/runner/slurm.test.ts needs SLURM (Debian slurm-wlm munge) in CI');
if (!haveSbatch) console.warn('tests/runner/slurm.test.ts: skipped, SLURM (sbatch; Debian slurm-wlm) is not installed');

const dir = mkdtempSync(join(tmpdir(), 'glassfit-slurm-'));
const slurmDir = join(dir, 'slurm');
let started = false;
const answers = () => /^(idle|mix|alloc)/.test(spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim() ?? '');

beforeAll(() => {
  if (!haveSbatch || answers()) return;
  execFileSync('bash', [resolve('scripts/ci-slurm.sh'), 'start', slurmDir], { stdio: 'inherit' });
  process.env.SLURM_CONF = join(slurmDir, 'slurm.conf');
  started = true;
}, 60_000);
afterAll(() => {
  if (started) execFileSync('bash', [resolve('scripts/ci-slurm.sh'), 'stop', slurmDir], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
});

const FAST: Partial<SlurmSettings> = { pollS: 0.5, maxInFlight: 2, timeLimit: '5:00' };

/** Array tasks SLURM knows for a campaign's job names (finished ones stay listed for MinJobAge). */
function tasksOf(campaignId: string): { id: string; name: string; state: string }[] {
  const out = execFileSync('squeue', ['-h', '-r', '--states=all', '-o', '%i|%j|%T'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.split('|'))
    .filter(([, name]) => name?.startsWith(`gf-${campaignId.slice(0, 8)}-`))
    .map(([id, name, state]) => ({ id, name, state }));
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('squeue parsing and reasons', () => {
  it('reads array tasks by id and by name, and names SLURM end states', () => {
    const { byId, byName } = parseSqueue('12_0|gf-abc|RUNNING\n12_1|gf-abc|PENDING\n13|other|RUNNING\n');
    expect(byId.get('12_1')).toBe('PENDING');
    expect(byName.get('gf-abc#0')).toEqual({ jobId: '12', state: 'RUNNING' });
    expect(byId.has('13')).toBe(false);
    expect(slurmStateReason('TIMEOUT', '12_0', '1:00:00')).toMatch(/hit its time limit \(1:00:00\)/);
    expect(slurmStateReason('NODE_FAIL', '12_0', '1')).toMatch(/node failure/);
  });
});

describe.skipIf(!haveSbatch)('slurm backend on a real SLURM', () => {
  for (const payload of ['js', 'lammps'] as const) {
    it(`runs a small campaign with the ${payload} payload, one array per batch`, async () => {
      if (payload === 'lammps' && spawnSync('lmp', ['-h'], { stdio: 'ignore' }).status !== 0) return console.warn('lammps payload skipped: no lmp');
      const store = openStore(join(dir, `${payload}.sqlite`));
      // No baseline: the optimizer's first batch (two design points) is dispatched at once, as one array.
      const { record, initial } = tinyCampaign({ execution: { backend: 'slurm', slurm: { ...FAST, payload } }, baselines: [], finalReplicas: 0 });
      store.createCampaign({ ...record, optimizer: { ...record.optimizer, budget: 2 } }, initial);
      const out = await startCampaign({ store, campaignId: record.id, workerEntry: nodeWorkerEntry() }).done;
      expect(out.error).toBeNull();
      expect(out.status).toBe('finished');
      const all = store.evaluations(record.id);
      expect(all.every((e) => e.status === 'done' || e.status === 'failed')).toBe(true);
      expect(all.every((e) => (payload === 'js' ? e.engineVersion === 'glassfit-md 0.1.0' : /^lammps /.test(e.engineVersion ?? '')))).toBe(true);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs').get()).toEqual({ n: 0 });
      const tasks = tasksOf(record.id);
      expect(tasks).toHaveLength(all.length);
      // The two optimizer points of the first batch share one array.
      expect(new Set(tasks.map((t) => t.name)).size).toBeLessThan(tasks.length);
      store.close();
    }, 180_000);
  }

  it('a runner SIGKILLed after submitting is resumed without a duplicate job, each evaluation collected once', async () => {
    const db = join(dir, 'kill.sqlite');
    let store: Store = openStore(db);
    // Long enough (2 + 1 ps) that the jobs are still out when the runner dies.
    const { record, initial } = tinyCampaign({
      execution: { backend: 'slurm', slurm: { ...FAST, payload: 'js' } },
      protocol: { ...TINY_PROTOCOL, relax: 1.5, production: 0.5 },
      baselines: [],
      finalReplicas: 0,
    });
    store.createCampaign({ ...record, optimizer: { ...record.optimizer, budget: 2 } }, initial);
    store.close();
    const child = spawn(process.execPath, [resolve('bin/glassfit.mjs'), 'campaign', 'run', record.id, '--db', db, '--quiet'], { stdio: 'ignore', env: process.env });
    store = openStore(db, { mustExist: true });
    const submitted = () => (store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs WHERE job_id IS NOT NULL').get() as { n: number }).n;
    await until(() => submitted() >= 1, 60_000, 'the first array');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(tasksOf(record.id).filter((t) => t.state !== 'COMPLETED')).not.toHaveLength(0);
    const out = await startCampaign({ store, campaignId: record.id, workerEntry: nodeWorkerEntry() }).done;
    expect(out.error).toBeNull();
    expect(out.status).toBe('finished');
    const all = store.evaluations(record.id);
    expect(all).toHaveLength(2);
    expect(all.every((e) => e.status === 'done' || e.status === 'failed')).toBe(true);
    // One array task per evaluation, ever: the resumed runner re-attached instead of submitting again.
    const tasks = tasksOf(record.id);
    expect(tasks).toHaveLength(2);
    expect(new Set(tasks.map((t) => t.name)).size).toBe(1);
    store.close();
  }, 240_000);

  it('slurmctld killed and restarted mid-campaign: polls read unknown, nothing requeued, nothing lost', async (ctx) => {
    // Only on the controller this suite started: it must not stop someone else's.
    if (!started) return ctx.skip();
    const store = openStore(join(dir, 'outage.sqlite'));
    const { record, initial } = tinyCampaign({
      execution: { backend: 'slurm', slurm: { ...FAST, payload: 'js' } },
      // Long enough (≈ 6 s here) to be still running while the controller is down: a task that ends is collected
      // through its exit.code without any poll, so a short one would see no failed poll at all.
      protocol: { ...TINY_PROTOCOL, relax: 4, production: 2 },
      baselines: [],
      finalReplicas: 0,
    });
    store.createCampaign({ ...record, optimizer: { ...record.optimizer, budget: 2 } }, initial);
    const logged: string[] = [];
    const err = console.error;
    console.error = (s: unknown) => void logged.push(String(s));
    try {
      const done = startCampaign({ store, campaignId: record.id, workerEntry: nodeWorkerEntry() }).done;
      await until(() => (store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs WHERE job_id IS NOT NULL').get() as { n: number }).n >= 1, 60_000, 'a submission');
      execFileSync('bash', [resolve('scripts/ci-slurm.sh'), 'ctld-stop', slurmDir]);
      // squeue retries a lost controller for about 9 s before it fails: the outage outlasts that.
      await new Promise((r) => setTimeout(r, 12_000));
      execFileSync('bash', [resolve('scripts/ci-slurm.sh'), 'ctld-start', slurmDir]);
      const out = await done;
      expect(out.error).toBeNull();
      expect(out.status).toBe('finished');
    } finally {
      console.error = err;
    }
    expect(logged.some((l) => /poll \d+ failed .*job states unknown/.test(l))).toBe(true);
    const all = store.evaluations(record.id);
    expect(all.every((e) => e.status === 'done' || e.status === 'failed')).toBe(true);
    expect(tasksOf(record.id)).toHaveLength(all.length);
    store.close();
  }, 180_000);

  it('pause leaves the job running; a stop with no runner cancels it (campaigns.control through the API)', async () => {
    const db = join(dir, 'pause.sqlite');
    const store = openStore(db);
    const { record, initial } = tinyCampaign({
      execution: { backend: 'slurm', slurm: { ...FAST, payload: 'js' } },
      protocol: { ...TINY_PROTOCOL, relax: 20, production: 1 },
      baselines: ['BKS'],
      finalReplicas: 0,
    });
    store.createCampaign(record, initial);
    const run = startCampaign({ store, campaignId: record.id, workerEntry: nodeWorkerEntry() });
    await until(() => tasksOf(record.id).some((t) => t.state === 'RUNNING'), 60_000, 'a running job');
    const paused = await run.pause();
    expect(paused.status).toBe('paused');
    // Paused: the job runs on, its row kept for the next run to collect.
    expect(tasksOf(record.id).map((t) => t.state)).toContain('RUNNING');
    expect((store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs').get() as { n: number }).n).toBeGreaterThan(0);
    store.close();
    const api = await createApi({ dbPath: db, workerEntry: nodeWorkerEntry(), emit: () => {}, mustExist: true });
    try {
      expect(await api.handlers['campaigns.control']({ id: record.id, action: 'stop' })).toEqual({ status: 'stopped' });
    } finally {
      await api.close();
    }
    await until(() => tasksOf(record.id).every((t) => t.state === 'CANCELLED'), 30_000, 'the cancellation');
    const after = openStore(db, { mustExist: true });
    expect(after.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs').get()).toEqual({ n: 0 });
    after.close();
  }, 120_000);

  it('a LAMMPS-payload job stops early on the node and is collected as stopped', async () => {
    if (spawnSync('lmp', ['-h'], { stdio: 'ignore' }).status !== 0) return console.warn('lammps payload skipped: no lmp');
    const store = openStore(join(dir, 'stop.sqlite'));
    const { record, initial } = tinyCampaign({ baselines: [] });
    store.createCampaign(record, initial);
    const [a] = store.addEvaluations(record.id, [baselineEvaluation(record, 'BKS')]);
    const ev = createSlurmEvaluator({ db: store.db, campaignId: record.id, slurm: { ...DEFAULT_EXECUTION.slurm, ...FAST, payload: 'lammps' }, lammps: DEFAULT_EXECUTION.lammps, workDir: join(dir, 'stop') });
    // A threshold no run passes, checkpoints at 30 % and 80 % of 200 steps, a 40-step window.
    const spec = smallSpec({}, { earlyStop: { threshold: 0, checkpoints: [0.3, 0.8], windowPs: 0.05, incumbent: 0.05 } });
    const r = await ev.evaluate(builtinForceField('BKS'), spec, { evaluationId: a.id });
    if (r.status !== 'stopped') throw new Error(`expected stopped, got ${r.status}: ${'reason' in r ? r.reason : ''}`);
    expect(r.stop).toMatchObject({ atStep: 60, stage: 'relax', threshold: 0 });
    expect(r.engineVersion).toMatch(/^lammps /);
    await ev.close();
    store.close();
  }, 180_000);

  it('on the local file system a finished task is collected when its exit.code appears, not at the next poll', async () => {
    const store = openStore(join(dir, 'watch.sqlite'));
    const { record, initial } = tinyCampaign({ baselines: [] });
    store.createCampaign(record, initial);
    const [a] = store.addEvaluations(record.id, [baselineEvaluation(record, 'BKS')]);
    // A 60-s poll: the first poll would come a minute after the submission.
    const ev = createSlurmEvaluator({ db: store.db, campaignId: record.id, slurm: { ...DEFAULT_EXECUTION.slurm, ...FAST, pollS: 60 }, lammps: DEFAULT_EXECUTION.lammps, workDir: join(dir, 'watch') });
    const t0 = Date.now();
    const r = await ev.evaluate(builtinForceField('BKS'), smallSpec({ relax: 0.05, production: 0.05 }), { evaluationId: a.id });
    const s = (Date.now() - t0) / 1000;
    expect(r.status).toBe('done');
    expect(s).toBeLessThan(45);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs').get()).toEqual({ n: 0 });
    await ev.close();
    store.close();
  }, 120_000);

  it('a job cancelled by hand and one past its time limit fail with SLURM reasons', async () => {
    const store = openStore(join(dir, 'reasons.sqlite'));
    const { record, initial } = tinyCampaign({ baselines: [] });
    store.createCampaign(record, initial);
    // Two stored evaluations for the job rows to point at (their results are never committed here).
    const [a, b] = store.addEvaluations(record.id, [baselineEvaluation(record, 'BKS'), baselineEvaluation(record, 'CHIK')]);
    const ev = createSlurmEvaluator({ db: store.db, campaignId: record.id, slurm: { ...DEFAULT_EXECUTION.slurm, ...FAST, timeLimit: '0:05' }, lammps: DEFAULT_EXECUTION.lammps, workDir: join(dir, 'reasons') });
    // Far longer than the limit: SLURM enforces time limits every ~30 s, and this engine runs 648 atoms at ~1 ms a step.
    const long = smallSpec({ relax: 300, production: 1 });
    const pa = ev.evaluate(builtinForceField('BKS'), long, { evaluationId: a.id });
    const pb = ev.evaluate(builtinForceField('BKS'), { ...long, seed: 8 }, { evaluationId: b.id });
    await until(() => tasksOf(record.id).some((t) => t.state === 'RUNNING'), 60_000, 'a running task');
    const [first] = tasksOf(record.id).filter((t) => t.state === 'RUNNING');
    execFileSync('scancel', [first.id]);
    const [ra, rb] = await Promise.all([pa, pb]);
    const reasons = [ra, rb].map((r) => (r.status === 'failed' ? r.reason : r.status));
    expect(reasons.some((r) => /cancelled outside glassfit/.test(r))).toBe(true);
    expect(reasons.some((r) => /hit its time limit \(0:05\)/.test(r)), reasons.join(' / ')).toBe(true);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs').get()).toEqual({ n: 0 });
    await ev.close();
    store.close();
  }, 240_000);
});

const SSHD = '/usr/sbin/sshd';
const haveSsh = existsSync(SSHD) && spawnSync('sh', ['-c', 'command -v ssh && command -v rsync && command -v ssh-keygen'], { stdio: 'ignore' }).status === 0;
if (haveSbatch && !haveSsh) console.warn('tests/runner/slurm.test.ts: ssh path skipped, openssh-server (/usr/sbin/sshd) or rsync is not installed');

/** A port nobody listens on right now. */
function sparePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

describe.skipIf(!haveSbatch || !haveSsh)('slurm backend through ssh to localhost', () => {
  const sshDir = join(dir, 'ssh');
  const key = join(sshDir, 'id_ed25519');
  const sshLog = join(sshDir, 'sshd.log');
  let port = 0;
  let sshd: ReturnType<typeof spawn> | null = null;
  const savedOptions = process.env.GLASSFIT_SSH_OPTIONS;

  beforeAll(async () => {
    mkdirSync(sshDir, { recursive: true });
    // sshd's privilege separation wants this folder (Debian makes it at boot, not in containers).
    mkdirSync('/run/sshd', { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sshDir, 'host_ed25519')]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    writeFileSync(join(sshDir, 'authorized_keys'), readFileSync(`${key}.pub`));
    port = await sparePort();
    const config = [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(sshDir, 'host_ed25519')}`,
      `AuthorizedKeysFile ${join(sshDir, 'authorized_keys')}`,
      `PidFile ${join(sshDir, 'sshd.pid')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'LogLevel VERBOSE',
      // The SLURM this suite may have started is found through SLURM_CONF: sbatch over ssh needs it too.
      ...(process.env.SLURM_CONF ? [`SetEnv SLURM_CONF=${process.env.SLURM_CONF}`] : []),
      '',
    ].join('\n');
    writeFileSync(join(sshDir, 'sshd_config'), config);
    await startSshd();
    // The host key pinned: strict checking, as on a real cluster, in a known_hosts file of the test's own.
    writeFileSync(join(sshDir, 'known_hosts'), `[127.0.0.1]:${port} ${readFileSync(join(sshDir, 'host_ed25519.pub'), 'utf8')}`);
    process.env.GLASSFIT_SSH_OPTIONS = `-o UserKnownHostsFile=${join(sshDir, 'known_hosts')} -o StrictHostKeyChecking=yes`;
  }, 30_000);

  /** The listener only: connections it accepted live on in their own processes, as with a real sshd. */
  async function startSshd(): Promise<void> {
    const listening = () => (existsSync(sshLog) ? (readFileSync(sshLog, 'utf8').match(/Server listening/g) ?? []).length : 0);
    const before = listening();
    sshd = spawn(SSHD, ['-D', '-f', join(sshDir, 'sshd_config'), '-E', sshLog], { stdio: 'ignore' });
    await until(() => listening() > before, 10_000, 'sshd');
  }
  async function stopSshd(): Promise<void> {
    const p = sshd;
    sshd = null;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGTERM');
    await new Promise((r) => p.once('exit', r));
  }
  afterAll(async () => {
    await stopSshd();
    if (savedOptions === undefined) delete process.env.GLASSFIT_SSH_OPTIONS;
    else process.env.GLASSFIT_SSH_OPTIONS = savedOptions;
  });

  const accepted = () => (readFileSync(sshLog, 'utf8').match(/Accepted publickey/g) ?? []).length;

  it('runs a small campaign (js payload) through ssh on one reused connection, files copied by rsync', async () => {
    const remoteDir = join(dir, 'remote-jobs');
    const store = openStore(join(dir, 'ssh.sqlite'));
    const { record, initial } = tinyCampaign({
      execution: { backend: 'slurm', slurm: { ...FAST, payload: 'js', sshHost: '127.0.0.1', sshPort: port, sshKey: key, remoteDir } },
      baselines: [],
      finalReplicas: 0,
    });
    store.createCampaign({ ...record, optimizer: { ...record.optimizer, budget: 2 } }, initial);
    const before = accepted();
    const out = await startCampaign({ store, campaignId: record.id, workerEntry: nodeWorkerEntry() }).done;
    expect(out.error).toBeNull();
    expect(out.status).toBe('finished');
    const all = store.evaluations(record.id);
    expect(all).toHaveLength(2);
    expect(all.every((e) => (e.status === 'done' || e.status === 'failed') && e.engineVersion === 'glassfit-md 0.1.0')).toBe(true);
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs').get()).toEqual({ n: 0 });
    const tasks = tasksOf(record.id);
    expect(tasks).toHaveLength(2);
    // A design point may blow up (glassfit evaluate then exits 1: FAILED); every result still came back by rsync:
    // an R_χ, or the MD's own failure, never 'no result'.
    expect(tasks.every((t) => /^(COMPLETED|COMPLETING|FAILED)$/.test(t.state)), tasks.map((t) => t.state).join(' ')).toBe(true);
    expect(all.every((e) => (e.status === 'done' ? Number.isFinite(e.rChi) : e.failure !== null && e.failure.kind !== 'engine')), JSON.stringify(all.map((e) => e.error))).toBe(true);
    // sbatch read the batch script from the remote folder (the rsynced copy), not the local one.
    const batches = readdirSync(remoteDir);
    expect(batches.length).toBeGreaterThan(0);
    expect(readFileSync(join(remoteDir, batches[0], 'batch.sh'), 'utf8')).toContain(`cd '${join(remoteDir, batches[0])}'/task-`);
    // Every sbatch, squeue, rsync and rm of the run went through one authenticated connection.
    expect(accepted() - before).toBe(1);
    store.close();
  }, 180_000);

  it('the login node unreachable mid-run: polls are unknown, the job is collected once it answers again', async () => {
    const store = openStore(join(dir, 'ssh-outage.sqlite'));
    const { record, initial } = tinyCampaign({ baselines: [] });
    store.createCampaign(record, initial);
    const [a] = store.addEvaluations(record.id, [baselineEvaluation(record, 'BKS')]);
    const slurm = { ...DEFAULT_EXECUTION.slurm, ...FAST, sshHost: '127.0.0.1', sshPort: port, sshKey: key, remoteDir: join(dir, 'remote-outage') };
    const transport = sshTransport({ host: '127.0.0.1', port, identity: key, remoteDir: slurm.remoteDir });
    const logged: string[] = [];
    const ev = createSlurmEvaluator({ db: store.db, campaignId: record.id, slurm, lammps: DEFAULT_EXECUTION.lammps, workDir: join(dir, 'outage'), transport, log: (l) => logged.push(l) });
    const result = ev.evaluate(builtinForceField('BKS'), smallSpec({ relax: 0.5, production: 0.3 }), { evaluationId: a.id });
    await until(() => (store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs WHERE job_id IS NOT NULL').get() as { n: number }).n === 1, 30_000, 'the submission');
    // The network goes: no listener, and the shared connection closed.
    await stopSshd();
    await transport.close();
    await until(() => logged.some((l) => /poll \d+ failed \(.*127\.0\.0\.1.*\); job states unknown/.test(l)), 20_000, 'a failed poll');
    await new Promise((r) => setTimeout(r, 1500));
    await startSshd();
    const r = await result;
    expect(r.status, r.status === 'failed' ? r.reason : '').toBe('done');
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs').get()).toEqual({ n: 0 });
    expect(tasksOf(record.id)).toHaveLength(1);
    await ev.close();
    store.close();
  }, 90_000);

  it('an unreachable host: a poll is unknown, a submission fails naming the host', async () => {
    const closed = await sparePort();
    const t = sshTransport({ host: '127.0.0.1', port: closed, identity: key, remoteDir: join(dir, 'nowhere') });
    await expect(t.run('squeue', ['-h'])).rejects.toThrow(/squeue on 127\.0\.0\.1 failed/);
    await expect(t.pullDone([join(dir, 'nowhere', 'gf-x', 'task-0')])).rejects.toThrow(/127\.0\.0\.1/);
    const store = openStore(join(dir, 'ssh-down.sqlite'));
    const { record, initial } = tinyCampaign({ baselines: [] });
    store.createCampaign(record, initial);
    const [a] = store.addEvaluations(record.id, [baselineEvaluation(record, 'BKS')]);
    const ev = createSlurmEvaluator({
      db: store.db,
      campaignId: record.id,
      slurm: { ...DEFAULT_EXECUTION.slurm, ...FAST, sshHost: '127.0.0.1', sshPort: closed, sshKey: key, remoteDir: join(dir, 'nowhere') },
      lammps: DEFAULT_EXECUTION.lammps,
      workDir: join(dir, 'down'),
    });
    await expect(ev.evaluate(builtinForceField('BKS'), smallSpec({ relax: 0.1, production: 0.1 }), { evaluationId: a.id })).rejects.toThrow(/could not submit to SLURM \(ssh 127\.0\.0\.1 \(port \d+\)\)/);
    // Nothing was submitted: no row is left to re-attach to.
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM remote_jobs').get()).toEqual({ n: 0 });
    await ev.close();
    store.close();
  }, 60_000);
});
