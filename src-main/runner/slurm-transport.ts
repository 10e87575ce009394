/**
 * How the slurm backend reaches its cluster (issue 13): `local` runs sbatch/squeue/sacct/scancel here and the job
 * folders are the ones glassfit writes; `ssh` runs them on a login node through ONE reused OpenSSH connection
 * (ControlMaster; a site's login nodes throttle, and sometimes ban, a connection per poll) and copies job folders
 * to and from the remote work folder with rsync over that same connection. The evaluator writes and reads every
 * file locally either way: push() sends a batch's folder before sbatch, pullDone() brings back the task folders
 * whose exit.code is there, so the rest of the backend does not know which transport it has.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { SlurmSettings } from '../../src-worker/campaign/records.ts';

export interface SlurmTransport {
  /** 'local' or 'ssh <host>', for messages. */
  readonly label: string;
  /** Run a SLURM command (sbatch, squeue…) where the cluster is; resolves to its stdout. */
  run(cmd: string, args: readonly string[], timeoutMs?: number): Promise<string>;
  /** Where the folder of a batch (its local path) is seen by the cluster. */
  remoteOf(localBatchDir: string): string;
  /** Make a batch folder written locally visible to the cluster. */
  push(localBatchDir: string): Promise<void>;
  /** Bring back the task folders (local paths) whose exit.code exists on the cluster; throws when it cannot tell. */
  pullDone(localTaskDirs: readonly string[]): Promise<void>;
  /** Remove a task or batch folder on the cluster (best effort: the caller logs a failure). */
  remove(localDir: string): Promise<void>;
  /** End the shared connection. */
  close(): Promise<void>;
}

/** Single-quoted for a POSIX shell (the remote side of ssh runs its command line through one). */
export const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function exec(cmd: string, args: readonly string[], timeoutMs: number, what = cmd): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${what} ${err.code === 'ENOENT' ? 'is not installed (not on PATH)' : `failed: ${(stderr || err.message).trim().split('\n').slice(-2).join(' ')}`}`));
      else res(stdout);
    });
  });
}

export function localTransport(): SlurmTransport {
  return {
    label: 'local',
    run: (cmd, args, timeoutMs = 60_000) => exec(cmd, args, timeoutMs),
    remoteOf: (d) => d,
    push: async () => {},
    pullDone: async () => {},
    remove: async () => {},
    close: async () => {},
  };
}

/** The ssh settings of a campaign's slurm section, or null for a local cluster. */
export function sshOf(s: SlurmSettings): { host: string; port: number | null; identity: string | null; remoteDir: string } | null {
  if (!s.sshHost) return null;
  if (!s.remoteDir) throw new Error(`the slurm settings name ssh host ${s.sshHost} but no remote folder (campaign set --remote-dir DIR)`);
  return { host: s.sshHost, port: s.sshPort ?? null, identity: s.sshKey ?? null, remoteDir: s.remoteDir };
}

export function transportFor(s: SlurmSettings): SlurmTransport {
  const ssh = sshOf(s);
  return ssh ? sshTransport(ssh) : localTransport();
}

export interface SshTransportOptions {
  /** `host` or `user@host`, as ssh takes it (an alias of ~/.ssh/config works). */
  readonly host: string;
  readonly port: number | null;
  /** Private key file (ssh -i); null: ssh's own choice (agent, ~/.ssh/config). */
  readonly identity: string | null;
  /** The work folder on the cluster: each batch folder goes there under its own name. */
  readonly remoteDir: string;
  /** How long the master connection outlives its last use, s (ssh ControlPersist). */
  readonly persistS?: number;
}

export function sshTransport(o: SshTransportOptions): SlurmTransport {
  // A socket path must fit sun_path (~104 bytes): a hash of where it goes, in the temp folder.
  const key = createHash('sha256').update(`${o.host}|${o.port ?? ''}|${o.identity ?? ''}|${process.pid}`).digest('hex').slice(0, 16);
  const controlPath = join(tmpdir(), `gf-ssh-${key}`);
  // GLASSFIT_SSH_OPTIONS: extra ssh options for a site (ProxyJump, a known_hosts file), split on spaces.
  const extra = (process.env.GLASSFIT_SSH_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const sshArgs = [
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${controlPath}`,
    '-o', `ControlPersist=${o.persistS ?? 120}`,
    '-o', 'BatchMode=yes',
    '-o', 'ServerAliveInterval=30',
    '-o', 'ConnectTimeout=20',
    ...(o.port ? ['-p', String(o.port)] : []),
    ...(o.identity ? ['-i', o.identity] : []),
    ...extra,
  ];
  const where = `ssh ${o.host}${o.port ? ` (port ${o.port})` : ''}`;
  const remote = (cmdline: string, timeoutMs = 60_000, what = where) => exec('ssh', [...sshArgs, o.host, cmdline], timeoutMs, what);
  const remoteOf = (local: string) => {
    // A batch folder (named by its token) is a child of the work folder, its tasks one level below, here and there.
    const m = /(?:^|\/)([^/]+(?:\/task-\d+)?)\/*$/.exec(local);
    return `${o.remoteDir.replace(/\/+$/, '')}/${m ? m[1] : basename(local)}`;
  };
  const rsyncShell = ['ssh', ...sshArgs].map((a) => (/^[\w./=@:%+-]+$/.test(a) ? a : shq(a))).join(' ');
  const rsync = (src: string, dst: string) => exec('rsync', ['-a', '-e', rsyncShell, src, dst], 300_000, `rsync with ${o.host}`);
  return {
    label: where,
    run: (cmd, args, timeoutMs = 60_000) => remote([cmd, ...args].map(shq).join(' '), timeoutMs, `${cmd} on ${o.host}`),
    remoteOf,
    async push(localBatchDir) {
      const r = remoteOf(localBatchDir);
      await remote(`mkdir -p ${shq(r)}`);
      // Remote paths are plain words (the schema's pattern), so rsync needs no quoting of them, old or new.
      await rsync(`${localBatchDir}/`, `${o.host}:${r}/`);
    },
    async pullDone(localTaskDirs) {
      if (localTaskDirs.length === 0) return;
      // One round trip says which tasks ended; only those are copied back (their files are complete then).
      const list = localTaskDirs.map((d) => shq(remoteOf(d))).join(' ');
      const out = await remote(`for d in ${list}; do [ -e "$d/exit.code" ] && echo "$d"; done; true`);
      const done = new Set(out.split('\n').map((l) => l.trim()).filter(Boolean));
      for (const d of localTaskDirs) if (done.has(remoteOf(d))) await rsync(`${o.host}:${remoteOf(d)}/`, `${d}/`);
    },
    async remove(localDir) {
      await remote(`rm -rf ${shq(remoteOf(localDir))}`);
    },
    async close() {
      // Ends the master; a no-op error when none is running.
      await exec('ssh', [...sshArgs, '-O', 'exit', o.host], 10_000).catch(() => {});
    },
  };
}
