/**
 * The workbench's glass jobs (API glass.start / get / cancel / list / delete): each runs in a worker thread of its
 * own pool (src-worker/glass/job.ts), one job at a time — a quench uses its core for minutes to hours, and
 * campaigns need the others — with the rest queued. Every job is stored in the workbench's database when it is
 * queued and again when it ends (store.ts saveGlass), so the list of glasses, their properties and curves survive
 * closing the window; a job that was still queued or running when the backend closed (or crashed) reads back as
 * failed, interrupted, with nothing else lost.
 */
import { randomUUID } from 'node:crypto';
import { createPool, type WorkerPool } from '../runner/pool.ts';
import { ApiError, GlassJobSchema, type EventPayload, type EventSink, type Output } from '../api/contract.ts';
import type { Store } from '../store/store.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { QuenchOptions } from '../../src-worker/glass/quench.ts';
import { EXPERIMENT_DENSITY, EXPERIMENT_FQ_SOURCE, FQ_RCHI_RANGE } from '../../src-worker/glass/experiment.ts';
import { loadExperimentFq } from './experiment.ts';

type GlassJob = Output<'glass.get'>;
type Job = GlassJob & { abort: AbortController };

/** Where the jobs are kept; null keeps them in memory only (tests of the jobs alone). */
export type GlassStore = Pick<Store, 'saveGlass' | 'glasses' | 'deleteGlass'>;

export interface GlassJobs {
  start(label: string, ff: ForceField, options: QuenchOptions, replicas: number, seed: number): string;
  get(jobId: string): Output<'glass.get'>;
  cancel(jobId: string): Output<'glass.cancel'>;
  list(): Output<'glass.list'>;
  delete(jobId: string): Output<'glass.delete'>;
  close(): Promise<void>;
}

const INTERRUPTED = 'interrupted: the workbench closed while this glass was being made (start it again)';
const live = (j: GlassJob) => j.progress.status === 'queued' || j.progress.status === 'running';

export function createGlassJobs(workerEntry: string | URL, emit: EventSink, experimentDir?: string, store: GlassStore | null = null): GlassJobs {
  const jobs = new Map<string, Job>();
  let pool: WorkerPool | null = null;
  let experiment: { x: number[]; y: number[] } | null = null;
  let closing = false;
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

  const save = (j: GlassJob) => {
    if (!store) return;
    const { abort: _abort, ...out } = j as Job;
    try {
      store.saveGlass({ id: out.jobId, createdAt: out.createdAt, status: out.progress.status, job: out });
    } catch (e) {
      // A full disk must not take the running glass down: it stays in memory, and the user is told in the log.
      console.error(`glassfit: glass ${out.jobId} could not be stored: ${(e as Error).message}`);
    }
  };

  // The stored glasses, oldest first; one that never ended was interrupted by the backend's end.
  for (const row of store?.glasses() ?? []) {
    const parsed = GlassJobSchema.safeParse(row.job);
    if (!parsed.success) {
      console.error(`glassfit: stored glass ${row.id} is unreadable and is skipped: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      continue;
    }
    const j: Job = { ...parsed.data, abort: new AbortController() };
    if (live(j)) {
      j.progress = { ...j.progress, status: 'failed', etaS: null };
      j.error = INTERRUPTED;
      save(j);
    }
    jobs.set(j.jobId, j);
  }

  const find = (jobId: string): Job => {
    const j = jobs.get(jobId);
    if (!j) throw new ApiError('not-found', `no glass job ${jobId}`);
    return j;
  };
  const push = (j: Job, p: Partial<EventPayload<'glass.progress'>>) => {
    j.progress = { ...j.progress, ...p };
    emit('glass.progress', j.progress);
  };
  /** A job's end: stored, then announced (a listener that reloads finds it stored). */
  const end = (j: Job, p: Partial<EventPayload<'glass.progress'>>) => {
    j.progress = { ...j.progress, ...p };
    if (!closing) save(j);
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
        createdAt: new Date().toISOString(),
        abort: new AbortController(),
      };
      jobs.set(jobId, job);
      save(job);
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
            if (!jobs.has(jobId)) return; // deleted while it ran
            if (a.ok) {
              job.result = a.result;
              end(job, { status: 'done', fraction: 1, etaS: 0 });
            } else if (a.cancelled) end(job, { status: 'cancelled', etaS: null });
            else {
              job.error = `replica ${a.replica + 1}, ${a.stage}: ${a.message}`;
              end(job, { status: 'failed', etaS: null });
            }
          },
          (e: unknown) => {
            if (!jobs.has(jobId)) return;
            job.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
            end(job, { status: 'failed', etaS: null });
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
      if (live(j)) j.abort.abort();
      return { status: j.progress.status };
    },
    list() {
      return [...jobs.values()].map(({ abort: _abort, result, ...rest }) => ({ ...rest, hasResult: result !== null }));
    },
    delete(jobId) {
      const j = jobs.get(jobId);
      if (j && live(j)) j.abort.abort();
      const had = jobs.delete(jobId);
      const stored = store ? store.deleteGlass(jobId) : false;
      return { deleted: had || stored };
    },
    async close() {
      // Jobs cut off by the close are stored as interrupted while the database is still open.
      closing = true;
      for (const j of jobs.values()) {
        if (!live(j)) continue;
        j.progress = { ...j.progress, status: 'failed', etaS: null };
        j.error = INTERRUPTED;
        save(j);
        j.abort.abort();
      }
      await pool?.close();
    },
  };
}
