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
  };
}

/** Words of a settings field the user may leave blank: blank is null (the site's default). */
const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

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
  };
  const r = ExecutionSettingsSchema.safeParse({ backend: d.backend, lammps: lammpsUsed ? lammps : base.lammps, slurm: slurmUsed ? slurm : base.slurm });
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => `${FIELD_LABELS[i.path.slice(0, 2).join('.')] ?? i.path.join('.')}: ${i.message}`) };
  return {
    ok: true,
    settings: r.data,
    input: { backend: r.data.backend, ...(lammpsUsed ? { lammps: r.data.lammps } : {}), ...(slurmUsed ? { slurm: r.data.slurm } : {}) },
  };
}
