/**
 * One evaluator interface for the campaign runner, whatever runs the MD (issue 13): the campaign's
 * `execution.backend` picks it. `threads`: the worker pool (pool.ts), glassfit's JS engine, the default.
 * `lammps`: one local LAMMPS process per evaluation (lammps-evaluator.ts). `slurm`: each dispatched batch is one
 * `sbatch --array` (slurm-evaluator.ts). The runner dispatches at most `workers` evaluations at once (on SLURM,
 * the campaign's maxInFlight); the optimizer always runs in its own worker thread beside them.
 */
import { dirname, join } from 'node:path';
import type { EvaluateOptions, EvaluationResult, EvaluationSpec } from '../../src-worker/evaluate/spec.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { Db } from '../store/db.ts';
import { createSlurmEvaluator } from './slurm-evaluator.ts';
import { backendLabel, type CampaignRecord } from '../../src-worker/campaign/records.ts';

// The label is defined beside the settings it describes (the workbench shows it too); re-exported for the CLI.
export { backendLabel };
import { createPool } from './pool.ts';
import { createLammpsEvaluator } from './lammps-evaluator.ts';

export interface CampaignEvaluator {
  /** The evaluation id is the key of a SLURM job's row (slurm-evaluator.ts); the other backends ignore it. */
  evaluate(ff: ForceField, spec: EvaluationSpec, opts?: EvaluateOptions & { readonly evaluationId?: number }): Promise<EvaluationResult>;
  /** What runs the evaluations, for logs and status lines ('threads ×4', 'lammps (lmp, 1 rank)'). */
  readonly label: string;
  /** Stop everything still running and release the resources. Idempotent. */
  close(): Promise<void>;
}

export interface BackendOptions {
  /** The worker script for the thread pool. */
  readonly workerEntry: string | URL;
  /** Evaluations at once. */
  readonly workers: number;
  readonly reportIntervalMs: number;
  /** Threads of one evaluation on the threads backend (md/force-team.ts): the cores the workers leave idle. */
  readonly threadsPerEvaluation?: number;
  /** Cores the running evaluations share, mid-run (pool.ts shareCores); absent: threadsPerEvaluation, fixed. */
  readonly shareCores?: number;
  /** The campaign's database file: LAMMPS job folders go beside it. */
  readonly dbPath: string;
  /** The database itself: the slurm backend keeps its job rows there. */
  readonly db: Db;
}

/** Where a campaign's LAMMPS jobs run: `<database folder>/glassfit-jobs/<campaign id>`. */
export function jobFolder(dbPath: string, campaignId: string): string {
  return join(dirname(dbPath), 'glassfit-jobs', campaignId);
}

export function createEvaluator(campaign: CampaignRecord, opts: BackendOptions): CampaignEvaluator {
  const label = backendLabel(campaign, opts.workers);
  if (campaign.execution.backend === 'slurm') {
    const s = campaign.execution.slurm;
    const ev = createSlurmEvaluator({ db: opts.db, campaignId: campaign.id, slurm: s, lammps: campaign.execution.lammps, workDir: s.workDir ?? jobFolder(opts.dbPath, campaign.id) });
    return { label, evaluate: ev.evaluate, close: ev.close };
  }
  if (campaign.execution.backend === 'lammps') {
    const ev = createLammpsEvaluator({ lammps: campaign.execution.lammps, workDir: jobFolder(opts.dbPath, campaign.id) });
    return { label, evaluate: ev.evaluate, close: ev.close };
  }
  const pool = createPool({
    entry: opts.workerEntry,
    size: opts.workers,
    reportIntervalMs: opts.reportIntervalMs,
    ...(opts.threadsPerEvaluation ? { threadsPerEvaluation: opts.threadsPerEvaluation } : {}),
    ...(opts.shareCores ? { shareCores: opts.shareCores } : {}),
  });
  return { label, evaluate: (ff, spec, o) => pool.evaluate(ff, spec, o), close: () => pool.close() };
}
