/**
 * Data behind the physics screen's bond rule (physics/screen.ts BOND_INSIDE): for every MD run (done, stopped,
 * failed) of the campaigns in the given SQLite files, how far the candidate's Si–O potential minimum lies inside
 * its campaign reference's first Si–O peak, against the run's R_χ, binned. The minimum is searched in a window
 * wide enough to see minima beyond the peak (the screen's own window ends 0.04 Å inside it).
 *   node bin/run-ts.mjs scripts/bond-gap-data.ts <campaigns.sqlite …>
 * Failed runs count as R_χ = 999 %.
 */
import { openStore } from '../src-main/store/store.ts';
import { referenceFromJson } from '../src-worker/evaluate/reference.ts';
import { screenContextFor, screenDetails } from '../src-worker/physics/screen.ts';
import type { ForceField } from '../src-worker/md/forcefield.ts';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: scripts/bond-gap-data.ts <campaigns.sqlite …>');
const rows: { gap: number; rchi: number }[] = [];
for (const f of files) {
  const store = openStore(f);
  for (const c of store.listCampaigns()) {
    const camp = store.campaign(c.id);
    const ref = referenceFromJson(camp.reference.data);
    const ctx = screenContextFor({ species: camp.species, reference: ref, temperature: camp.protocol.temperature, thresholds: { bondInside: -0.2 } });
    const peak = ctx.landmarks.SiO!.peak;
    for (const e of store.evaluations(c.id)) {
      if (e.status !== 'done' && e.status !== 'stopped' && e.status !== 'failed') continue;
      const sio = screenDetails(e.params as ForceField, ctx).pairs.find((p) => p.pair === 'SiO')!;
      rows.push({ gap: sio.bondMin === null ? NaN : peak - sio.bondMin, rchi: e.status === 'failed' ? 9.99 : e.rChi! });
    }
  }
  store.close();
}
const pct = (x: number | undefined) => (x === undefined ? '—' : (100 * x).toFixed(2));
console.log(`${rows.length} MD runs; ${rows.filter((r) => Number.isNaN(r.gap)).length} without a Si–O minimum within 0.2 Å beyond to 0.45 Å inside the peak`);
console.log('minimum inside the peak (Å) | runs | best R_χ % | median R_χ %');
const edges = [-0.2, 0, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25, 0.28, 0.3, 0.33, 0.36, 0.45];
for (let i = 0; i + 1 < edges.length; i++) {
  const s = rows.filter((r) => r.gap >= edges[i] && r.gap < edges[i + 1]).map((r) => r.rchi).sort((a, b) => a - b);
  console.log(`${edges[i]} – ${edges[i + 1]} | ${s.length} | ${pct(s[0])} | ${pct(s[s.length >> 1])}`);
}
