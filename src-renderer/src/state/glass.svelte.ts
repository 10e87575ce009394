/**
 * The Glass view's state: the glass jobs started in this window (kept in a list, so that several glasses —
 * a campaign's best and the built-ins — are overlaid side by side), their live progress from 'glass.progress'
 * events, and the potential a "Make the glass" button asks the view to start with.
 */
import { api, app } from './app.svelte';
import type { EventPayload, Input, Output } from '../../../src-main/api/contract';

export type GlassJob = Output<'glass.get'>;
export type GlassPotential = Input<'glass.start'>['potential'];
export type GlassProgress = EventPayload<'glass.progress'>;

class GlassState {
  /** Jobs in the order started; the newest last. */
  jobs = $state.raw<GlassJob[]>([]);
  /** Jobs hidden from the overlays (still listed). */
  hidden = $state.raw<ReadonlySet<string>>(new Set());
  /** What the view's potential chooser shows next (set by "Make the glass"). */
  prefill = $state.raw<GlassPotential | null>(null);

  constructor() {
    api.on('glass.progress', (p) => this.#onProgress(p));
  }

  #onProgress(p: GlassProgress): void {
    const k = this.jobs.findIndex((j) => j.jobId === p.jobId);
    if (k < 0) return;
    this.jobs = this.jobs.map((j, i) => (i === k ? { ...j, progress: p } : j));
    // The result (curves) is fetched once, when the job ends.
    if (p.status === 'done' || p.status === 'failed' || p.status === 'cancelled') void this.refresh(p.jobId);
  }

  async refresh(jobId: string): Promise<void> {
    const j = await app.guard('glass', api['glass.get']({ jobId }));
    if (j) this.jobs = this.jobs.map((x) => (x.jobId === jobId ? j : x));
  }

  async start(input: Input<'glass.start'>): Promise<boolean> {
    const r = await app.guard('make the glass', api['glass.start'](input));
    if (!r) return false;
    const j = await app.guard('glass', api['glass.get']({ jobId: r.jobId }));
    if (j && !this.jobs.some((x) => x.jobId === j.jobId)) this.jobs = [...this.jobs, j];
    return true;
  }

  async cancel(jobId: string): Promise<void> {
    await app.guard('cancel the glass', api['glass.cancel']({ jobId }));
  }

  remove(jobId: string): void {
    this.jobs = this.jobs.filter((j) => j.jobId !== jobId);
  }

  toggle(jobId: string): void {
    const h = new Set(this.hidden);
    if (h.has(jobId)) h.delete(jobId);
    else h.add(jobId);
    this.hidden = h;
  }

  /** Open the Glass view ready to make the glass of an evaluation (a campaign's best set). */
  makeGlass(evaluationId: number): void {
    this.prefill = { kind: 'evaluation', evaluationId };
    app.view = 'glass';
  }
}

export const glass = new GlassState();
