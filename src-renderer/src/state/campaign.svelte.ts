/**
 * The open campaign, live: its record, progress, every evaluation (in seq order) and the workers' status.
 * Loaded once on open, then kept current by `campaign.progress`, `evaluation.changed` and `worker.status`
 * events. Series are `$state.raw` and replaced, never mutated, so plots see a new array on each change.
 */
import { api, app } from './app.svelte';
import type { CampaignInfo, CampaignProgress, EvaluationDetail, EvaluationRecord, MdTime, WorkerRow } from './types';
import { setOpenRefinement } from '../lib/format';

const PAGE = 5000; // the contract's largest page

/** Which refinement follows BO in a campaign (its phase 'cg'): cg.method of a 'bo' campaign. */
function refinementOf(c: CampaignInfo): 'ls' | 'cg' | undefined {
  return c.optimizer.strategy === 'bo' ? c.optimizer.cg.method : c.optimizer.strategy === 'cg' ? 'cg' : undefined;
}

class OpenCampaign {
  id = $state<string | null>(null);
  info = $state.raw<CampaignInfo | null>(null);
  progress = $state.raw<CampaignProgress | null>(null);
  /** MD hours used and saved by early stopping (the store's sums); refreshed when a run is stopped. */
  mdTime = $state.raw<MdTime | null>(null);
  /** Evaluations per engine (more than one: results from different trajectories); refreshed with the record. */
  engines = $state.raw<{ engine: string; n: number }[]>([]);
  evaluations = $state.raw<EvaluationRecord[]>([]);
  workers = $state.raw<WorkerRow[]>([]);
  loading = $state(false);
  /** Bumped whenever an evaluation finishes (done or failed): surrogate views refit on it. */
  finished = $state(0);

  #loadSeq = 0;
  /** Events that arrive while the pages load; applied after, so nothing is lost or overwritten by stale rows. */
  #buffer: EvaluationRecord[] | null = null;
  #mdTimeTimer: ReturnType<typeof setTimeout> | null = null;

  async open(id: string): Promise<void> {
    const seq = ++this.#loadSeq;
    if (this.id !== id) {
      this.info = null;
      this.progress = null;
      this.mdTime = null;
      this.engines = [];
      this.evaluations = [];
      this.workers = [];
    }
    this.id = id;
    this.loading = true;
    this.#buffer = [];
    try {
      const got = await api['campaigns.get']({ id });
      const rows: EvaluationRecord[] = [];
      for (let offset = 0; ; offset += PAGE) {
        const page = await api['evaluations.page']({ campaignId: id, offset, limit: PAGE, sort: 'index', order: 'asc' });
        rows.push(...page.rows);
        if (rows.length >= page.total || page.rows.length === 0) break;
      }
      if (seq !== this.#loadSeq) return;
      this.info = got.campaign;
      setOpenRefinement(refinementOf(got.campaign));
      this.progress = got.progress;
      this.mdTime = got.mdTime ?? null;
      this.engines = got.engines ?? [];
      const buffered = this.#buffer ?? [];
      this.#buffer = null;
      this.evaluations = rows;
      for (const r of buffered) this.#apply(r);
    } catch (e) {
      if (seq === this.#loadSeq) app.notify(`open campaign: ${(e as Error).message}`, 'error');
    } finally {
      if (seq === this.#loadSeq) {
        this.loading = false;
        this.#buffer = null;
      }
    }
  }

  /** Reload the record (status, stop reason) without refetching evaluations. */
  async refreshInfo(): Promise<void> {
    if (!this.id) return;
    const got = await app.guard('campaign', api['campaigns.get']({ id: this.id }));
    if (got && got.campaign.id === this.id) {
      this.info = got.campaign;
      setOpenRefinement(refinementOf(got.campaign));
      this.progress = got.progress;
      this.mdTime = got.mdTime ?? null;
      this.engines = got.engines ?? [];
    }
  }

  close(): void {
    this.#loadSeq++;
    this.id = null;
    this.info = null;
    setOpenRefinement(undefined);
    this.progress = null;
    this.mdTime = null;
    this.engines = [];
    this.evaluations = [];
    this.workers = [];
  }

  onEvaluation(r: EvaluationRecord): void {
    if (r.campaignId !== this.id) return;
    if (this.#buffer) this.#buffer.push(r);
    else this.#apply(r);
  }

  #apply(r: EvaluationRecord): void {
    const list = this.evaluations;
    // Rows usually arrive in seq order: look from the end.
    let i = list.length - 1;
    while (i >= 0 && list[i].seq > r.seq) i--;
    const next = list.slice();
    if (i >= 0 && list[i].id === r.id) next[i] = r;
    else next.splice(i + 1, 0, r);
    this.evaluations = next;
    if (r.status !== 'queued' && r.status !== 'running') this.finished++;
    detailCache.delete(r.id);
    // The MD hours saved are the store's sum over stopped runs, the engine counts its group-by: fetch them again
    // (at most once a few seconds) when a run stops early or a result comes from an engine not counted yet.
    const newEngine = r.engineVersion !== null && !this.engines.some((e) => e.engine === r.engineVersion);
    if ((r.status === 'stopped' || newEngine) && !this.#mdTimeTimer) {
      this.#mdTimeTimer = setTimeout(() => {
        this.#mdTimeTimer = null;
        void this.refreshInfo();
      }, 3000);
    }
  }

  byId(id: number | null | undefined): EvaluationRecord | undefined {
    return id == null ? undefined : this.evaluations.find((e) => e.id === id);
  }

  /** The evaluation the structure/3D/export views show: the chosen one, else the campaign's best. */
  get focusId(): number | null {
    return app.evaluationId ?? this.progress?.bestEvaluationId ?? null;
  }
}

export const campaign = new OpenCampaign();

api.on('campaign.progress', (p) => {
  if (p.campaignId !== campaign.id) return;
  const statusChanged = campaign.progress?.status !== p.status;
  campaign.progress = p;
  // The stop reason and status live in the record too.
  if (statusChanged) void campaign.refreshInfo();
});
api.on('evaluation.changed', (r) => campaign.onEvaluation(r));
api.on('worker.status', (w) => {
  if (w.campaignId === campaign.id) campaign.workers = w.workers;
});

// ---------------------------------------------------------------------------------- detail cache

/**
 * Evaluation details (g(r), angles, final frame: ~100 kB each at 3000 atoms), the last few kept so switching
 * between the structure, 3D and export views does not refetch.
 */
const detailCache = new Map<number, Promise<EvaluationDetail>>();
const DETAIL_CACHE_SIZE = 12;

export function evaluationDetail(id: number): Promise<EvaluationDetail> {
  let p = detailCache.get(id);
  if (p) {
    detailCache.delete(id);
    detailCache.set(id, p); // most recently used last
    return p;
  }
  p = api['evaluations.detail']({ id });
  p.catch(() => detailCache.delete(id));
  detailCache.set(id, p);
  while (detailCache.size > DETAIL_CACHE_SIZE) detailCache.delete(detailCache.keys().next().value as number);
  return p;
}
