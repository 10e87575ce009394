/**
 * The Glass view's state: the glasses of this database — stored by the backend, so the list (and each glass's
 * properties and curves) is there again after a restart — overlaid side by side (a campaign's best and the
 * built-ins), their live progress from 'glass.progress' events, and the potential a "Make the glass" button asks
 * the view to start with.
 */
import { api, app } from './app.svelte';
import { confirm } from './confirm.svelte';
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

  #loaded: Promise<void> | null = null;

  constructor() {
    api.on('glass.progress', (p) => this.#onProgress(p));
  }

  /** The stored glasses, once per window (the view calls it when it opens); their curves come with them. */
  load(): Promise<void> {
    return (this.#loaded ??= (async () => {
      const list = await app.guard('glasses', api['glass.list'](undefined));
      if (!list) {
        this.#loaded = null; // try again next time the view opens
        return;
      }
      const known = new Set(this.jobs.map((j) => j.jobId));
      const stored = (await Promise.all(list.filter((s) => !known.has(s.jobId)).map((s) => app.guard('glass', api['glass.get']({ jobId: s.jobId }))))).filter((j): j is GlassJob => j !== null);
      // Stored ones first (oldest first, as listed), then any started in this window meanwhile.
      this.jobs = [...stored, ...this.jobs];
    })());
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

  /** Delete a glass from the database (after asking: a glass can be hours of MD). */
  async remove(jobId: string): Promise<void> {
    const j = this.jobs.find((x) => x.jobId === jobId);
    if (!j) return;
    const a = await confirm.ask({
      title: 'Delete this glass?',
      message: `${j.label} (${j.settings.atoms} atoms, ${j.settings.rate} K/ps): its properties and curves are removed from the database. Export its CSV first to keep them.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!a.ok) return;
    const r = await app.guard('delete the glass', api['glass.delete']({ jobId }));
    if (r) this.jobs = this.jobs.filter((x) => x.jobId !== jobId);
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
