/**
 * Where a campaign's evaluations run, as the workbench edits it: a flat draft of text and number fields (what the
 * form binds), made from stored settings and turned back into them through the store's own schema, so the form
 * names the same problems the backend would (records.ts ExecutionSettingsSchema is the one definition).
 */
import { ExecutionSettingsSchema, type Backend, type ExecutionSettings, type LammpsSettings, type SlurmSettings } from '../../../src-worker/campaign/records';

export interface ExecutionDraft {
  backend: Backend;
  lammpsCommand: string;
  mpiRanks: number;
  payload: 'js' | 'lammps';
  partition: string;
  account: string;
  timeLimit: string;
  /** Module names separated by spaces or commas. */
  modules: string;
  /** Empty: beside the database. */
  workDir: string;
  maxInFlight: number;
  pollS: number;
  /** Login node reached by ssh ([user@]host); empty: sbatch on this machine. The next three only with it. */
  sshHost: string;
  /** Empty: ssh's own (22, or ~/.ssh/config). */
  sshPort: string;
  /** Private key file; empty: ssh's own. */
  sshKey: string;
  /** The job folders on the cluster (required with sshHost). */
  remoteDir: string;
  /** How the nodes run glassfit (js payload); empty: this installation's path. */
  nodeGlassfit: string;
}

export function draftOf(e: ExecutionSettings): ExecutionDraft {
  return {
    backend: e.backend,
    lammpsCommand: e.lammps.command,
    mpiRanks: e.lammps.mpiRanks,
    payload: e.slurm.payload,
    partition: e.slurm.partition ?? '',
    account: e.slurm.account ?? '',
    timeLimit: e.slurm.timeLimit,
    modules: e.slurm.modules.join(' '),
    workDir: e.slurm.workDir ?? '',
    maxInFlight: e.slurm.maxInFlight,
    pollS: e.slurm.pollS,
    sshHost: e.slurm.sshHost ?? '',
    sshPort: e.slurm.sshPort ? String(e.slurm.sshPort) : '',
    sshKey: e.slurm.sshKey ?? '',
    remoteDir: e.slurm.remoteDir ?? '',
    nodeGlassfit: e.slurm.glassfit ?? '',
  };
}

/** Words of a settings field the user may leave blank: blank is null (the site's default). */
const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/** The ssh fields as the schema takes them: all null when the host is empty (leaving ssh forgets them), absent when never set. */
function sshFields(d: ExecutionDraft, base: ExecutionSettings): Partial<Pick<SlurmSettings, 'sshHost' | 'sshPort' | 'sshKey' | 'remoteDir'>> {
  const host = orNull(d.sshHost);
  if (host === null && base.slurm.sshHost == null && !orNull(d.sshPort) && !orNull(d.sshKey) && !orNull(d.remoteDir)) return {};
  if (host === null && !orNull(d.sshPort) && !orNull(d.sshKey) && !orNull(d.remoteDir)) return { sshHost: null, sshPort: null, sshKey: null, remoteDir: null };
  const port = orNull(d.sshPort);
  return { sshHost: host, sshPort: port === null ? null : Number(port), sshKey: orNull(d.sshKey), remoteDir: orNull(d.remoteDir) };
}

/** The form's words for the schema's paths, so a problem names the field the user sees. */
const FIELD_LABELS: Record<string, string> = {
  'lammps.command': 'LAMMPS command',
  'lammps.mpiRanks': 'MPI ranks',
  'slurm.partition': 'partition',
  'slurm.account': 'account',
  'slurm.timeLimit': 'time limit',
  'slurm.modules': 'modules',
  'slurm.workDir': 'job folder',
  'slurm.maxInFlight': 'max in flight',
  'slurm.pollS': 'poll interval',
  'slurm.sshHost': 'ssh host',
  'slurm.sshPort': 'ssh port',
  'slurm.sshKey': 'ssh key',
  'slurm.remoteDir': 'remote folder',
  'slurm.glassfit': 'glassfit on the nodes',
};

export type ExecutionInput = { backend: Backend; lammps?: LammpsSettings; slurm?: SlurmSettings };

/**
 * What the draft asks for, as campaigns.create / campaigns.setExecution take it: the backend and the settings it
 * uses (LAMMPS's for the lammps backend and the slurm backend's LAMMPS payload); the sections it does not use keep
 * `base` (the stored ones on an edit), so a half-typed field of another backend blocks nothing. Or the problems,
 * each naming its field.
 */
export function executionInput(d: ExecutionDraft, base: ExecutionSettings): { ok: true; input: ExecutionInput; settings: ExecutionSettings } | { ok: false; problems: string[] } {
  const lammpsUsed = d.backend === 'lammps' || (d.backend === 'slurm' && d.payload === 'lammps');
  const slurmUsed = d.backend === 'slurm';
  const lammps = { command: d.lammpsCommand.trim(), mpiRanks: d.mpiRanks };
  const slurm = {
    payload: d.payload,
    partition: orNull(d.partition),
    account: orNull(d.account),
    timeLimit: d.timeLimit.trim(),
    modules: d.modules.split(/[\s,]+/).filter(Boolean),
    workDir: orNull(d.workDir),
    maxInFlight: d.maxInFlight,
    pollS: d.pollS,
    // The optional fields are sent when set, or when stored ones must be cleared (a stored campaign without them reads back unchanged).
    ...sshFields(d, base),
    ...(orNull(d.nodeGlassfit) !== null || base.slurm.glassfit != null ? { glassfit: orNull(d.nodeGlassfit)?.split(/\s+/).join(' ') ?? null } : {}),
  };
  const problems: string[] = [];
  const host = orNull(d.sshHost);
  if (slurmUsed && host && !orNull(d.remoteDir)) problems.push(`remote folder: ssh host ${host} needs the job folders' path on the cluster`);
  if (slurmUsed && !host && (orNull(d.sshPort) || orNull(d.sshKey) || orNull(d.remoteDir))) problems.push('ssh host: the ssh port, key and remote folder need an ssh host');
  const r = ExecutionSettingsSchema.safeParse({ backend: d.backend, lammps: lammpsUsed ? lammps : base.lammps, slurm: slurmUsed ? slurm : base.slurm });
  if (!r.success) problems.unshift(...r.error.issues.map((i) => `${FIELD_LABELS[i.path.slice(0, 2).join('.')] ?? i.path.join('.')}: ${i.message}`));
  if (!r.success || problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: r.data,
    input: { backend: r.data.backend, ...(lammpsUsed ? { lammps: r.data.lammps } : {}), ...(slurmUsed ? { slurm: r.data.slurm } : {}) },
  };
}
