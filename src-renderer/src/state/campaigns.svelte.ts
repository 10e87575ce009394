/**
 * The campaign list, kept current by events: `campaigns.changed` reloads it, `campaign.progress` patches the
 * counts, status and best R_χ of one row in place.
 */
import { api, app } from './app.svelte';
import type { CampaignSummary } from './types';

class CampaignList {
  rows = $state.raw<CampaignSummary[]>([]);
  loaded = $state(false);

  async refresh(): Promise<void> {
    const rows = await app.guard('campaign list', api['campaigns.list'](undefined));
    if (rows) {
      this.rows = rows;
      this.loaded = true;
    }
  }

  byId(id: string | null): CampaignSummary | undefined {
    return id ? this.rows.find((r) => r.id === id) : undefined;
  }
}

export const campaigns = new CampaignList();

api.on('campaigns.changed', () => void campaigns.refresh());
api.on('campaign.progress', (p) => {
  const i = campaigns.rows.findIndex((r) => r.id === p.campaignId);
  if (i < 0) return;
  const rows = campaigns.rows.slice();
  rows[i] = { ...rows[i], status: p.status, done: p.done, failed: p.failed, screened: p.screened, stopped: p.stopped, running: p.running, queued: p.queued, bestRChi: p.bestRChi, bestEvaluationId: p.bestEvaluationId, budget: p.budget };
  campaigns.rows = rows;
});
