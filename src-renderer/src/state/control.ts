/**
 * Run controls with their consequences said up front: pausing or stopping cancels the running evaluations, whose
 * MD so far is lost (they start again from the beginning on resume), so when any run the user is asked first,
 * with how much MD that is. Duplicating asks for the copy's name and seed (a new one by default: the same seed
 * would repeat the same runs). Shared by the campaign header and the campaign list.
 */
import { api, app } from './app.svelte';
import { campaign } from './campaign.svelte';
import { campaigns } from './campaigns.svelte';
import { confirm } from './confirm.svelte';
import { duration } from '../lib/format';

/** Wall time already spent by the open campaign's running evaluations, s (null for another campaign). */
function runningWork(id: string): number | null {
  if (campaign.id !== id) return null;
  const now = Date.now();
  let s = 0;
  for (const e of campaign.evaluations) if (e.status === 'running' && e.startedAt) s += Math.max(0, (now - Date.parse(e.startedAt)) / 1000);
  return s;
}

/**
 * Resume, pause or stop a campaign, asking first when that loses MD. `busy` is told when the request is under
 * way (after the question): a button disabled before it would lose focus, and focus could not come back to it.
 */
export async function controlCampaign(c: { id: string; name: string; running: number; status?: string }, action: 'resume' | 'pause' | 'stop', busy: (on: boolean) => void = () => {}): Promise<boolean> {
  // The open campaign knows every running evaluation (baselines and final replicas too); the list, the optimizer's.
  // A campaign that is not running has none (pausing cancelled them), whatever a lagging evaluation list still says.
  const running =
    c.status !== undefined && c.status !== 'running' ? 0 : campaign.id === c.id ? campaign.evaluations.filter((e) => e.status === 'running').length : c.running;
  if (action !== 'resume' && running > 0) {
    const work = runningWork(c.id);
    const runs = `${running} running evaluation${running > 1 ? 's' : ''}`;
    const a = await confirm.ask({
      title: action === 'pause' ? `Pause “${c.name}”?` : `Stop “${c.name}”?`,
      message:
        action === 'pause'
          ? `The ${runs} stop now and lose their MD so far${work ? ` (about ${duration(work)} of computing)` : ''}: on resume they start again from the beginning. Finished evaluations are kept.`
          : `The campaign ends early. The ${runs} stop now and lose their MD so far${work ? ` (about ${duration(work)} of computing)` : ''}. Finished evaluations are kept, and a stopped campaign can still be resumed.`,
      confirmLabel: action === 'pause' ? 'Pause now' : 'Stop now',
      danger: action === 'stop',
    });
    if (!a.ok) return false;
  }
  busy(true);
  try {
    const r = await app.guard(`${action} ${c.name}`, api['campaigns.control']({ id: c.id, action }));
    if (campaign.id === c.id) await campaign.refreshInfo();
    await campaigns.refresh();
    return r !== undefined;
  } finally {
    busy(false);
  }
}

const SEED_MAX = 0x7fffffff;

function randomSeed(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0] % SEED_MAX;
}

/** Ask for the copy's name and seed, then duplicate; the new id, or null when cancelled or refused. */
export async function duplicateCampaign(c: { id: string; name: string }): Promise<string | null> {
  const got = await app.guard('campaign', api['campaigns.get']({ id: c.id }));
  const oldSeed = got?.campaign.seed;
  const a = await confirm.ask({
    title: `Duplicate “${c.name}”`,
    message: 'Same reference, parameter space, protocol and search settings; no evaluations. The copy is a draft: start it from its header.',
    confirmLabel: 'Duplicate',
    fields: [
      { key: 'name', label: 'Name of the copy', value: `${c.name} (copy)`, check: (v) => (v.trim() ? (v.trim().length > 200 ? 'at most 200 characters' : null) : 'a name is needed') },
      {
        key: 'seed',
        label: 'Seed',
        value: String(randomSeed()),
        hint: oldSeed !== undefined ? `a new random seed; enter ${oldSeed} (the original's) to repeat the same runs` : 'a new random seed',
        check: (v) => (/^\d+$/.test(v.trim()) && Number(v) <= SEED_MAX ? null : `a whole number from 0 to ${SEED_MAX}`),
      },
    ],
  });
  if (!a.ok) return null;
  const r = await app.guard(`duplicate ${c.name}`, api['campaigns.duplicate']({ id: c.id, name: a.values.name.trim(), seed: Number(a.values.seed.trim()) }));
  if (!r) return null;
  app.notify(`Duplicated as “${a.values.name.trim()}” with seed ${a.values.seed.trim()} (a draft: start it from its header).`);
  await campaigns.refresh();
  return r.id;
}
