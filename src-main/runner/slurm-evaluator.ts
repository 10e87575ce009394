/**
 * The `slurm` backend's evaluator: the evaluations the runner dispatches together become one `sbatch --array`,
 * each task running the 'js' payload (`glassfit evaluate --spec job.json --result result.json`, the JS engine on the
 * node: the same numbers as the threads backend) or the 'lammps' payload (the LAMMPS job of lammps-job.ts).
 * Plain Node; SLURM is driven by its command-line tools (sbatch, squeue, sacct, scancel), like AiiDA or pysqa.
 *
 * Crash safety (store migration 3, remote_jobs):
 * - a task is a row BEFORE sbatch runs (the array's job name is a unique token), with its job id once sbatch
 *   answers; the row goes when its result is collected or the job is cancelled by a stop;
 * - an evaluation dispatched again (a resume after a crash, a pause or a reboot) re-attaches to its row instead of
 *   submitting: nothing is submitted twice. A row without a job id that squeue does not know by its name was never
 *   submitted (the crash came between the row and sbatch) and is submitted then;
 * - pause resolves the evaluation as cancelled (the runner re-queues it) and leaves the job running on the cluster;
 *   stop cancels it with scancel;
 * - done = the task's `exit.code` file is there (the batch script writes it by rename after the payload), so a
 *   result is read only once it is whole; a job SLURM reports ended without that file gets a grace period for
 *   file-system lag before it counts as failed, with SLURM's state as the reason (TIMEOUT, NODE_FAIL, CANCELLED…);
 *   so does a payload killed by a signal (exit code ≥ 128): SLURM's state names the cause, the payload cannot;
 * - a poll that fails (controller down, timeout) changes nothing: the state is unknown, the next poll backs off;
 * - one squeue per poll for every job of the campaign, every `pollS` seconds (30 by default; sites ask ≥ 30); on
 *   the local file system a task is also collected the moment its exit.code appears (fs.watch), without waiting;
 * - the cluster is here or behind `ssh` (slurm-transport.ts): files are written and read here either way, a batch
 *   folder pushed before sbatch and a task's folder pulled back once its exit.code is there.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../store/db.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { EvaluateOptions, EvaluationResult, EvaluationSpec, FailedResult } from '../../src-worker/evaluate/spec.ts';
import { ENGINE_VERSION } from '../../src-worker/evaluate/spec.ts';
import type { LammpsSettings, SlurmSettings } from '../../src-worker/campaign/records.ts';
import { jobToJson, resultFromJson } from '../../src-worker/evaluate/job-json.ts';
import { payloadBundleCommand } from './payload-bundle.ts';
import { LAMMPS_FILES, lammpsEngine, lammpsInvalidResult, lammpsJob, lammpsResult, type LammpsJob } from '../../src-worker/evaluate/lammps-job.ts';
import { lammpsCommand } from './lammps-evaluator.ts';
import { localTransport, transportFor, type SlurmTransport } from './slurm-transport.ts';

export interface SlurmEvaluatorOptions {
  readonly db: Db;
  readonly campaignId: string;
  readonly slurm: SlurmSettings;
  readonly lammps: LammpsSettings;
  /** Folder visible to the compute nodes; each batch gets a sub-folder named by its token. */
  readonly workDir: string;
  /**
   * `glassfit` on the nodes for the 'js' payload. Default: the campaign's setting, else this installation's bundled
   * payload (payload-bundle.ts), else [node, bin/glassfit.mjs].
   */
  readonly glassfit?: readonly string[];
  /** false: never the bundle (bin/glassfit.mjs through tsx), for comparisons. */
  readonly bundle?: boolean;
  /** Warnings a user should see (a failed poll, a job resubmitted): default console.error. */
  readonly log?: (line: string) => void;
  /** How SLURM is reached: default from the settings (ssh when sshHost is set, else local). */
  readonly transport?: SlurmTransport;
}

/** The evaluator's extra options: which stored evaluation this is (the key of its remote job row). */
export interface SlurmEvaluateOptions extends EvaluateOptions {
  readonly evaluationId?: number;
}

/** sbatch failed: nothing was submitted (installation or settings), so the runner pauses the campaign. */
export class SlurmSubmitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmSubmitError';
  }
}

interface JobRow {
  evaluation_id: number;
  name: string;
  task: number;
  job_id: string | null;
  dir: string;
  payload: string;
}

interface Task {
  readonly evaluationId: number;
  readonly spec: EvaluationSpec;
  readonly lammps: LammpsJob | null;
  readonly payload: 'js' | 'lammps';
  readonly name: string;
  readonly index: number;
  readonly dir: string;
  jobId: string | null;
  /** When SLURM first said the task ended (ms), for the file-system grace. */
  endedAt: number | null;
  endedState: string | null;
  /** When squeue first did not list it (ms). */
  missingAt: number | null;
  readonly t0: number;
  readonly resolve: (r: EvaluationResult) => void;
  readonly reject: (e: Error) => void;
  detach: () => void;
}

interface Pending {
  readonly evaluationId: number;
  readonly ff: ForceField;
  readonly spec: EvaluationSpec;
  readonly opts: SlurmEvaluateOptions;
  readonly resolve: (r: EvaluationResult) => void;
  readonly reject: (e: Error) => void;
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'PREEMPTED', 'SPECIAL_EXIT', 'REVOKED']);

/** SLURM's end state as one line a user reads. */
export function slurmStateReason(state: string, job: string, timeLimit: string): string {
  switch (state) {
    case 'TIMEOUT':
      return `SLURM job ${job} hit its time limit (${timeLimit}); raise it with campaign set --slurm-time`;
    case 'CANCELLED':
      return `SLURM job ${job} was cancelled outside glassfit (scancel, or by an administrator)`;
    case 'NODE_FAIL':
      return `SLURM job ${job} ended by a node failure`;
    case 'OUT_OF_MEMORY':
      return `SLURM job ${job} ran out of memory`;
    case 'PREEMPTED':
      return `SLURM job ${job} was preempted`;
    case 'COMPLETED':
      return `SLURM job ${job} completed but left no result in its folder (file-system lag beyond the grace period?)`;
    default:
      return `SLURM job ${job} ended ${state} without a result`;
  }
}

/** Single-quoted for bash. */
const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The states of every array task squeue lists: `<jobid>_<task>` → state, and `<name>#<task>` → [jobid, state]. */
export function parseSqueue(text: string): { byId: Map<string, string>; byName: Map<string, { jobId: string; state: string }> } {
  const byId = new Map<string, string>();
  const byName = new Map<string, { jobId: string; state: string }>();
  for (const line of text.split('\n')) {
    const [id, name, state] = line.trim().split('|');
    if (!id || !name || !state) continue;
    const m = /^(\d+)_(\d+)$/.exec(id);
    if (!m) continue;
    byId.set(id, state);
    byName.set(`${name}#${m[2]}`, { jobId: m[1], state });
  }
  return { byId, byName };
}

/**
 * Stop a campaign no runner holds: scancel every job its rows name (left running by a pause or a crash) and drop
 * the rows, so a later resume submits afresh. Returns the jobs cancelled; a failed scancel keeps its row and throws.
 */
export async function cancelRemoteJobs(db: Db, campaignId: string, transport: SlurmTransport = localTransport()): Promise<number> {
  const run = transport.run;
  const rows = db.prepare('SELECT evaluation_id, name, task, job_id, dir, payload FROM remote_jobs WHERE campaign_id = ?').all(campaignId) as JobRow[];
  const ids = rows.filter((r) => r.job_id).map((r) => `${r.job_id}_${r.task}`);
  if (ids.length > 0) await run('scancel', ids);
  // Rows without a job id were never answered by sbatch: their arrays are found and cancelled by name.
  const names = [...new Set(rows.filter((r) => !r.job_id).map((r) => r.name))];
  if (names.length > 0) await run('scancel', [`--name=${names.join(',')}`]);
  db.prepare('DELETE FROM remote_jobs WHERE campaign_id = ?').run(campaignId);
  for (const r of rows) {
    rmSync(r.dir, { recursive: true, force: true });
    await transport.remove(r.dir).catch(() => {});
  }
  await transport.close();
  return rows.length;
}

export const DEFAULT_GLASSFIT = [process.execPath, fileURLToPath(new URL('../../bin/glassfit.mjs', import.meta.url))];

export function createSlurmEvaluator(opts: SlurmEvaluatorOptions) {
  const { db, campaignId, slurm } = opts;
  const log = opts.log ?? ((l: string) => console.error(`glassfit: ${l}`));
  // The nodes' glassfit: the option (tests), the campaign's setting, or this installation at the same path — its
  // bundled payload when it can be built (payload-bundle.ts: a faster start), else bin/glassfit.mjs.
  const given = opts.glassfit ?? (opts.slurm.glassfit ? opts.slurm.glassfit.split(' ') : null);
  // Settled at the first js submission (building the bundle if needed), then reused.
  let jsCommand: Promise<readonly string[]> | null = null;
  const nodeGlassfit = (): Promise<readonly string[]> =>
    (jsCommand ??= given || opts.bundle === false ? Promise.resolve(given ?? DEFAULT_GLASSFIT) : payloadBundleCommand().then((cmd) => cmd ?? DEFAULT_GLASSFIT));
  const transport = opts.transport ?? transportFor(slurm);
  const run = transport.run;
  const via = transport.label === 'local' ? '' : ` (${transport.label})`;
  // Folder removals still under way: close() waits for them, so none reopens the connection after it.
  const removing = new Set<Promise<void>>();
  const pollMs = slurm.pollS * 1000;
  // Grace for result files to show on a shared file system after SLURM says a task ended.
  const graceMs = Math.max(2 * pollMs, 3000);
  const tasks = new Map<number, Task>();
  let pending: Pending[] = [];
  let flushQueued = false;
  let timer: NodeJS.Timeout | null = null;
  let polling = false;
  let failedPolls = 0;
  let closed = false;

  const insert = db.prepare('INSERT INTO remote_jobs (evaluation_id, campaign_id, name, task, job_id, dir, payload, submitted_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)');
  const setJobId = db.prepare('UPDATE remote_jobs SET job_id = ? WHERE name = ? AND job_id IS NULL');
  const remove = db.prepare('DELETE FROM remote_jobs WHERE evaluation_id = ?');
  const rowOf = db.prepare('SELECT evaluation_id, name, task, job_id, dir, payload FROM remote_jobs WHERE evaluation_id = ?');
  // Rows of evaluations that are finished already (a crash between the commit and the row's removal) are history.
  db.prepare("DELETE FROM remote_jobs WHERE campaign_id = ? AND evaluation_id IN (SELECT id FROM evaluations WHERE status NOT IN ('queued', 'running'))").run(campaignId);

  const engineOf = (payload: 'js' | 'lammps') => (payload === 'js' ? ENGINE_VERSION : lammpsEngine(null));
  const failed = (t: Pick<Task, 'spec' | 'payload' | 't0'>, message: string, reason: string): FailedResult => ({
    status: 'failed',
    failure: { kind: 'engine', step: 0, message },
    reason,
    timings: { wallS: (performance.now() - t.t0) / 1000 },
    seed: t.spec.seed,
    kernel: t.payload === 'js' ? t.spec.kernel : 'exact',
    referenceHash: t.spec.reference.hash,
    engineVersion: engineOf(t.payload),
  });
  const cancelled = (t: Pick<Task, 'spec' | 'payload' | 't0'>): FailedResult => ({ ...failed(t, 'cancelled', 'run cancelled'), failure: { kind: 'cancelled', step: 0 } });

  function schedulePoll(): void {
    if (timer || closed || tasks.size === 0) return;
    // Back off after failed polls (controller down): up to 8× the interval.
    const wait = pollMs * Math.min(8, 2 ** failedPolls);
    timer = setTimeout(() => {
      timer = null;
      void poll();
    }, wait);
  }

  /** Hand a task's outcome to the runner. keepRow: the job lives on (a pause), its row and folder stay for the next run. */
  function settle(t: Task, r: EvaluationResult, keepRow = false): void {
    tasks.delete(t.evaluationId);
    t.detach();
    const failedRun = r.status === 'failed' && r.failure.kind !== 'cancelled';
    if (!keepRow) {
      remove.run(t.evaluationId);
      // A failed task's folder stays for the user to inspect; everything else is in the store.
      if (!failedRun) {
        rmSync(t.dir, { recursive: true, force: true });
        const p: Promise<void> = transport
          .remove(t.dir)
          .catch((e: Error) => log(`could not remove the task folder of SLURM job ${t.jobId}_${t.index}${via}: ${e.message}`))
          .finally(() => removing.delete(p));
        removing.add(p);
      }
    }
    t.resolve(failedRun ? { ...r, reason: `${r.reason} (task folder ${t.dir})` } : r);
  }

  function track(p: Pending, row: JobRow, job: LammpsJob | null): void {
    const t: Task = {
      evaluationId: p.evaluationId,
      spec: p.spec,
      lammps: job,
      payload: row.payload === 'lammps' ? 'lammps' : 'js',
      name: row.name,
      index: row.task,
      dir: row.dir,
      jobId: row.job_id,
      endedAt: null,
      endedState: null,
      missingAt: null,
      t0: performance.now(),
      resolve: p.resolve,
      reject: p.reject,
      detach: () => {},
    };
    const signal = p.opts.signal;
    if (signal) {
      const onAbort = () => void abortTask(t, (signal as { reason?: unknown }).reason);
      signal.addEventListener('abort', onAbort, { once: true });
      t.detach = () => signal.removeEventListener('abort', onAbort);
    }
    tasks.set(t.evaluationId, t);
    if (transport.label === 'local') watchExit(t);
    schedulePoll();
  }

  /**
   * On this machine's file system, collect a task the moment its exit.code appears instead of at the next poll
   * (half a poll interval on average: 15 s at the default 30 s, per evaluation). Best effort: a file system that
   * does not report writes made elsewhere (NFS from the nodes) gives no event, and the poll finds the file.
   */
  function watchExit(t: Task): void {
    try {
      const w = watch(t.dir, (_event, name) => {
        if (name === 'exit.code' && tasks.has(t.evaluationId) && taskDone(t) && exitCode(t) < 128) collect(t);
      });
      w.on('error', () => w.close());
      const before = t.detach;
      t.detach = () => {
        before();
        w.close();
      };
    } catch {
      // No watch here (folder gone, too many watches): the poll collects it.
    }
  }

  async function abortTask(t: Task, reason: unknown): Promise<void> {
    if (!tasks.has(t.evaluationId)) return;
    if (reason === 'stop') {
      // Stop: the job goes too. A failed scancel is reported, and the row kept, so a later run still knows the job.
      if (t.jobId) {
        try {
          await run('scancel', [`${t.jobId}_${t.index}`]);
        } catch (e) {
          log(`could not cancel SLURM job ${t.jobId}_${t.index}: ${(e as Error).message}`);
          settle(t, cancelled(t), true);
          return;
        }
      }
      settle(t, cancelled(t));
    } else {
      // Pause: no new submissions; the job finishes on the cluster and the next run collects it.
      settle(t, cancelled(t), true);
    }
  }

  function taskDone(t: Task): boolean {
    return existsSync(join(t.dir, 'exit.code'));
  }

  /** The payload's exit code from exit.code (NaN while unreadable). */
  function exitCode(t: Task): number {
    try {
      return Number(readFileSync(join(t.dir, 'exit.code'), 'utf8').trim());
    } catch {
      return NaN;
    }
  }

  /**
   * Collect a task whose exit.code is there. A payload killed by a signal (code ≥ 128: time limit, scancel, a node
   * going down) waits for SLURM's verdict, which names the cause better than the payload can; `slurmState` is it.
   */
  function collect(t: Task, slurmState: string | null = null): void {
    const killed = exitCode(t) >= 128;
    if (killed && slurmState && slurmState !== 'COMPLETED' && TERMINAL.has(slurmState)) {
      settle(t, failed(t, slurmState, slurmStateReason(slurmState, `${t.jobId}_${t.index}`, slurm.timeLimit)));
      return;
    }
    let r: EvaluationResult;
    const read = (f: string) => {
      try {
        return readFileSync(join(t.dir, f), 'utf8');
      } catch {
        return null;
      }
    };
    const code = Number((read('exit.code') ?? '').trim());
    try {
      if (t.payload === 'js') {
        const text = read('result.json');
        if (text === null) {
          const tail = (read('payload.out') ?? '').trim().split('\n').slice(-3).join(' | ');
          r = failed(t, `glassfit evaluate exited ${code} without a result`, `glassfit evaluate on the node exited ${code} without a result: ${tail}`);
        } else r = resultFromJson(text, t.spec);
      } else {
        r = lammpsResult(
          t.spec,
          t.lammps!,
          { log: read(LAMMPS_FILES.log), rdf: read(LAMMPS_FILES.rdf), thermo: read(LAMMPS_FILES.thermo), frames: read(LAMMPS_FILES.frames), final: read(LAMMPS_FILES.final), window: read(LAMMPS_FILES.window), exit: { code, signal: null }, output: read('payload.out') ?? '' },
          (performance.now() - t.t0) / 1000,
        );
      }
    } catch (e) {
      r = failed(t, (e as Error).message, `unreadable result: ${(e as Error).message}`);
    }
    settle(t, r);
  }

  async function poll(): Promise<void> {
    if (polling || closed) return;
    polling = true;
    try {
      // Over ssh, the folders of tasks that ended come back first; a failed copy is an unknown state like a failed poll.
      try {
        await transport.pullDone([...tasks.values()].filter((t) => !taskDone(t)).map((t) => t.dir));
      } catch (e) {
        failedPolls++;
        log(`poll ${failedPolls} failed (${(e as Error).message}); job states unknown, trying again later`);
        return;
      }
      // Tasks whose payload ended normally need no SLURM at all; one killed by a signal waits for SLURM's state.
      for (const t of [...tasks.values()]) if (taskDone(t) && exitCode(t) < 128) collect(t);
      if (tasks.size === 0) return;
      const names = [...new Set([...tasks.values()].map((t) => t.name))];
      let listing: ReturnType<typeof parseSqueue>;
      try {
        listing = parseSqueue(await run('squeue', ['-h', '-r', '--states=all', `--name=${names.join(',')}`, '-o', '%i|%j|%T']));
        if (failedPolls > 0) log(`squeue answers again after ${failedPolls} failed poll${failedPolls > 1 ? 's' : ''}`);
        failedPolls = 0;
      } catch (e) {
        // Unknown, not failed: every job keeps its state until SLURM answers again.
        failedPolls++;
        log(`poll ${failedPolls} failed (${(e as Error).message}); job states unknown, trying again later`);
        return;
      }
      const now = Date.now();
      const resubmit: Task[] = [];
      for (const t of [...tasks.values()]) {
        const known = t.jobId ? listing.byId.get(`${t.jobId}_${t.index}`) : undefined;
        const byName = listing.byName.get(`${t.name}#${t.index}`);
        if (!t.jobId && byName) {
          // Submitted before a crash that lost sbatch's answer: adopt the id squeue gives.
          t.jobId = byName.jobId;
          setJobId.run(byName.jobId, t.name);
        }
        const state = known ?? byName?.state;
        if (taskDone(t)) {
          const st = state?.split(' ')[0] ?? null;
          // Killed: collect once SLURM says why, or after the grace period with the payload's own account.
          if (exitCode(t) < 128 || (st && TERMINAL.has(st))) collect(t, st);
          else {
            t.endedAt ??= now;
            if (now - t.endedAt > graceMs) collect(t, st);
          }
          continue;
        }
        if (state === undefined) {
          if (!t.jobId) {
            resubmit.push(t);
            continue;
          }
          t.missingAt ??= now;
          if (now - t.missingAt > graceMs) {
            const st = await sacctState(`${t.jobId}_${t.index}`);
            if (st && TERMINAL.has(st)) {
              t.endedAt ??= now;
              t.endedState = st;
            } else if (st === null && now - t.missingAt > 10 * graceMs) {
              settle(t, failed(t, 'lost', `SLURM job ${t.jobId}_${t.index} is gone from squeue and sacct and left no result`));
            }
          }
        } else {
          t.missingAt = null;
          if (TERMINAL.has(state.split(' ')[0])) {
            t.endedAt ??= now;
            t.endedState = state.split(' ')[0];
          }
        }
        if (t.endedAt !== null && tasks.has(t.evaluationId) && now - t.endedAt > graceMs && !taskDone(t)) {
          const job = `${t.jobId}_${t.index}`;
          const reason = slurmStateReason(t.endedState ?? 'UNKNOWN', job, slurm.timeLimit);
          settle(t, failed(t, `${t.endedState}`, reason));
        }
      }
      for (const t of resubmit) {
        // Never submitted: the row goes and the evaluation joins the next batch.
        tasks.delete(t.evaluationId);
        t.detach();
        remove.run(t.evaluationId);
        log(`evaluation ${t.evaluationId} was never submitted (its runner stopped before sbatch answered); submitting it now`);
        rmSync(t.dir, { recursive: true, force: true });
        t.resolve(cancelled(t));
      }
    } finally {
      polling = false;
      schedulePoll();
    }
  }

  async function sacctState(id: string): Promise<string | null> {
    try {
      const out = await run('sacct', ['-n', '-P', '-X', '-j', id, '-o', 'State']);
      const st = out.trim().split('\n')[0]?.trim().split(' ')[0];
      return st || null;
    } catch {
      return null; // no accounting, or the controller is down: unknown
    }
  }

  /** The batch script; `dir` is the batch folder as the cluster sees it, `glassfit` the js payload's command (null: lammps). */
  function batchScript(dir: string, payload: 'js' | 'lammps', glassfit: readonly string[] | null): string {
    const cmd =
      glassfit
        ? [...glassfit, 'evaluate', '--spec', 'job.json', '--result', 'result.json'].map(sh).join(' ')
        : lammpsCommand(opts.lammps).map(sh).join(' ');
    return [
      '#!/bin/bash',
      `# glassfit campaign ${campaignId}: one evaluation per array task (payload ${payload})`,
      'set -u',
      `cd ${sh(dir)}/task-"$SLURM_ARRAY_TASK_ID" || exit 99`,
      ...slurm.modules.map((m) => `module load ${sh(m)} || exit 98`),
      `${cmd} > payload.out 2>&1`,
      'code=$?',
      // By rename: the file's presence means the payload has ended and its outputs are complete.
      'echo "$code" > exit.code.tmp && mv exit.code.tmp exit.code',
      'exit "$code"',
      '',
    ].join('\n');
  }

  async function submit(batch: Pending[]): Promise<void> {
    const payload = slurm.payload;
    const glassfit = payload === 'js' ? await nodeGlassfit() : null;
    const token = `gf-${campaignId.slice(0, 8)}-${randomBytes(4).toString('hex')}`;
    const dir = resolve(opts.workDir, token);
    const ready: { p: Pending; job: LammpsJob | null }[] = [];
    for (const p of batch) {
      if (payload === 'lammps') {
        const job = lammpsJob(p.ff, p.spec);
        if ('invalid' in job) {
          p.resolve(lammpsInvalidResult(p.spec, job.invalid, lammpsEngine(null)));
          continue;
        }
        ready.push({ p, job });
      } else ready.push({ p, job: null });
    }
    if (ready.length === 0) return;
    mkdirSync(dir, { recursive: true });
    ready.forEach(({ p, job }, i) => {
      const td = join(dir, `task-${i}`);
      mkdirSync(td, { recursive: true });
      if (job) for (const [name, text] of Object.entries(job.files)) writeFileSync(join(td, name), text);
      else writeFileSync(join(td, 'job.json'), jobToJson(p.ff, p.spec));
    });
    const remoteDir = transport.remoteOf(dir);
    writeFileSync(join(dir, 'batch.sh'), batchScript(remoteDir, payload, glassfit), { mode: 0o755 });
    const now = new Date().toISOString();
    // The rows first: a crash after sbatch and before its answer leaves rows squeue can find by the token.
    db.transaction(() => ready.forEach(({ p }, i) => insert.run(p.evaluationId, campaignId, token, i, join(dir, `task-${i}`), payload, now))).immediate();
    const args = [
      '--parsable',
      `--array=0-${ready.length - 1}%${slurm.maxInFlight}`,
      `--job-name=${token}`,
      `--time=${slurm.timeLimit}`,
      `--output=${remoteDir}/task-%a/slurm.out`,
      `--chdir=${remoteDir}`,
      `--ntasks=${payload === 'lammps' ? opts.lammps.mpiRanks : 1}`,
      ...(slurm.partition ? [`--partition=${slurm.partition}`] : []),
      ...(slurm.account ? [`--account=${slurm.account}`] : []),
      `${remoteDir}/batch.sh`,
    ];
    let jobId: string;
    try {
      await transport.push(dir);
      const out = await run('sbatch', args);
      jobId = out.trim().split(';')[0];
      if (!/^\d+$/.test(jobId)) throw new Error(`sbatch answered '${out.trim().slice(0, 80)}', not a job id`);
    } catch (e) {
      db.transaction(() => ready.forEach(({ p }) => remove.run(p.evaluationId))).immediate();
      rmSync(dir, { recursive: true, force: true });
      await transport.remove(dir).catch(() => {});
      const err = new SlurmSubmitError(`could not submit to SLURM${via}: ${(e as Error).message}`);
      for (const { p } of ready) p.reject(err);
      return;
    }
    setJobId.run(jobId, token);
    ready.forEach(({ p, job }, i) => {
      // Paused or stopped while sbatch ran: the task is tracked and then aborted like any other.
      track(p, { evaluation_id: p.evaluationId, name: token, task: i, job_id: jobId, dir: join(dir, `task-${i}`), payload }, job);
      if (p.opts.signal?.aborted) void abortTask(tasks.get(p.evaluationId)!, (p.opts.signal as { reason?: unknown }).reason);
    });
  }

  function flush(): void {
    flushQueued = false;
    const batch = pending;
    pending = [];
    if (batch.length === 0 || closed) return;
    void submit(batch);
  }

  function evaluate(ff: ForceField, spec: EvaluationSpec, eo: SlurmEvaluateOptions = {}): Promise<EvaluationResult> {
    const evaluationId = eo.evaluationId;
    if (evaluationId === undefined) return Promise.reject(new Error('the slurm backend needs the evaluation id of each evaluation'));
    return new Promise<EvaluationResult>((res, rej) => {
      const p: Pending = { evaluationId, ff, spec, opts: eo, resolve: res, reject: rej };
      if (eo.signal?.aborted) return res(cancelled({ spec, payload: slurm.payload, t0: performance.now() }));
      const row = rowOf.get(evaluationId) as JobRow | undefined;
      if (row) {
        // Submitted by an earlier run: re-attach, never submit again.
        const payload = row.payload === 'lammps' ? 'lammps' : 'js';
        let job: LammpsJob | null = null;
        if (payload === 'lammps') {
          const j = lammpsJob(ff, spec);
          if ('invalid' in j) return res(lammpsInvalidResult(spec, j.invalid, lammpsEngine(null)));
          job = j;
        }
        track(p, row, job);
        void poll();
        return;
      }
      pending.push(p);
      if (!flushQueued) {
        flushQueued = true;
        // Everything the runner dispatches in one pass goes into one array.
        setImmediate(flush);
      }
    });
  }

  return {
    evaluate,
    /** Tasks being watched (submitted, not yet collected). */
    inFlight: () => tasks.size,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      // Jobs still out there stay (pause semantics); their rows let the next run collect them.
      for (const t of [...tasks.values()]) settle(t, cancelled(t), true);
      for (const p of pending) p.resolve(cancelled({ spec: p.spec, payload: slurm.payload, t0: performance.now() }));
      pending = [];
      await Promise.allSettled([...removing]);
      await transport.close();
    },
  };
}
