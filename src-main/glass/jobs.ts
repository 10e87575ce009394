/**
 * The workbench's glass jobs (API glass.start / get / cancel): each runs in a worker thread of its own pool
 * (src-worker/glass/job.ts), one job at a time — a quench uses its core for minutes to hours, and campaigns
 * need the others — with the rest queued. Jobs live for the backend's life; their results are kept in memory
 * for the view's side-by-side list.
 */
import { randomUUID } from 'node:crypto';
import { createPool, type WorkerPool } from '../runner/pool.ts';
import { ApiError, type EventPayload, type EventSink, type Output } from '../api/contract.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { QuenchOptions } from '../../src-worker/glass/quench.ts';
import { EXPERIMENT_DENSITY, EXPERIMENT_FQ_SOURCE, FQ_RCHI_RANGE } from '../../src-worker/glass/experiment.ts';
import { loadExperimentFq } from './experiment.ts';

type Job = Output<'glass.get'> & { abort: AbortController };

export interface GlassJobs {
  start(label: string, ff: ForceField, options: QuenchOptions, replicas: number, seed: number): string;
  get(jobId: string): Output<'glass.get'>;
  cancel(jobId: string): Output<'glass.cancel'>;
  close(): Promise<void>;
}

export function createGlassJobs(workerEntry: string | URL, emit: EventSink, experimentDir?: string): GlassJobs {
  const jobs = new Map<string, Job>();
  let pool: WorkerPool | null = null;
  let experiment: { x: number[]; y: number[] } | null = null;
  const measured = () => {
    if (!experiment) {
      let m;
      try {
        m = loadExperimentFq(experimentDir);
      } catch (e) {
        throw new ApiError('internal', (e as Error).message.split('\n')[0]);
      }
      experiment = { x: Array.from(m.x), y: Array.from(m.y) };
    }
    return experiment;
  };

  const find = (jobId: string): Job => {
    const j = jobs.get(jobId);
    if (!j) throw new ApiError('not-found', `no glass job ${jobId} (jobs are kept until the workbench closes)`);
    return j;
  };
  const push = (j: Job, p: Partial<EventPayload<'glass.progress'>>) => {
    j.progress = { ...j.progress, ...p };
    emit('glass.progress', j.progress);
  };

  return {
    start(label, ff, options, replicas, seed) {
      const jobId = randomUUID();
      const exp = measured();
      const job: Job = {
        jobId,
        label,
        settings: {
          rate: options.rate,
          atoms: options.atoms,
          replicas,
          seed,
          liquidTemperature: options.liquidTemperature,
          liquidPs: options.liquidPs,
          relaxPs: options.relaxPs,
          samplePs: options.samplePs,
          startSteps: options.startSteps,
        },
        progress: { jobId, status: 'queued', stage: null, replica: 0, replicas, fraction: 0, temperature: null, etaS: null },
        result: null,
        error: null,
        experimentSource: EXPERIMENT_FQ_SOURCE,
        experimentDensity: EXPERIMENT_DENSITY,
        rchiRange: [FQ_RCHI_RANGE[0], FQ_RCHI_RANGE[1]],
        abort: new AbortController(),
      };
      jobs.set(jobId, job);
      pool ??= createPool({ entry: workerEntry, size: 1, reportIntervalMs: 500 });
      emit('glass.progress', job.progress);
      pool
        .glass(
          { ff, options, replicas, seed, experiment: exp },
          {
            signal: job.abort.signal,
            onProgress: (p) => push(job, { status: 'running', stage: p.stage, replica: p.replica, fraction: p.fraction, temperature: p.temperature, etaS: p.etaS >= 0 ? p.etaS : null }),
          },
        )
        .then(
          (a) => {
            if (a.ok) {
              job.result = a.result;
              push(job, { status: 'done', fraction: 1, etaS: 0 });
            } else if (a.cancelled) push(job, { status: 'cancelled', etaS: null });
            else {
              job.error = `replica ${a.replica + 1}, ${a.stage}: ${a.message}`;
              push(job, { status: 'failed', etaS: null });
            }
          },
          (e: unknown) => {
            job.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
            push(job, { status: 'failed', etaS: null });
          },
        );
      return jobId;
    },
    get(jobId) {
      const { abort: _abort, ...out } = find(jobId);
      return out;
    },
    cancel(jobId) {
      const j = find(jobId);
      if (j.progress.status === 'queued' || j.progress.status === 'running') j.abort.abort();
      return { status: j.progress.status };
    },
    async close() {
      for (const j of jobs.values()) j.abort.abort();
      await pool?.close();
    },
  };
}
