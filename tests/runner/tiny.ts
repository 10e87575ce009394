/**
 * Tiny campaigns for the store, runner, API and CLI tests: the built-in CHIK reference, 648 atoms (the smallest
 * box for 8 Å + 2 Å skin), 0.1 ps relax + 0.1 ps production and a 200-step soft start (tests/evaluate/small.ts),
 * so one evaluation takes a few seconds. Physics-wise a quick look, not a converged liquid.
 */
import { randomUUID } from 'node:crypto';
import { loadDefaultReference } from '../../src-main/reference/load.ts';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { toUnit } from '../../src-worker/params/space.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { buildCampaign, type CampaignChoice } from '../../src-worker/campaign/setup.ts';
import type { CampaignRecord } from '../../src-worker/campaign/records.ts';
import type { NewEvaluation } from '../../src-worker/campaign/setup.ts';
import { QUICK_START } from '../evaluate/small.ts';

export const reference = loadDefaultReference();

/** The protocol flags the CLI tests pass for the same tiny protocol. */
export const TINY_FLAGS = ['--atoms', '648', '--relax-ps', '0.1', '--prod-ps', '0.1', '--start-ps', '0.1'];

export const TINY_PROTOCOL = { atoms: 648, relax: 0.1, production: 0.1, softStart: { steps: QUICK_START.steps, minimize: { ...QUICK_START.minimize } } };

/**
 * BKS's own point of the BKS-2D space. Much of that space collapses (low A_SiO against BKS's C_SiO: the
 * Buckingham catastrophe), so tests that need finished evaluations put BKS's point first in the design.
 */
export const BKS_U = Array.from(toUnit(presetSpace('BKS-2D'), builtinForceField('BKS')));

export function tinyChoice(over: Partial<CampaignChoice> = {}): CampaignChoice {
  return {
    name: 'tiny BKS-2D',
    reference,
    space: presetSpace('BKS-2D'),
    preset: 'BKS-2D',
    protocol: TINY_PROTOCOL,
    // The runner's mechanics, not the search: no CG reserve, no screen, no early stopping (tests/runner/search.test.ts
    // and the optimizer's own tests cover those).
    optimizer: { strategy: 'bo', budget: 6, bo: { initial: { include: [BKS_U] } }, cg: { reserve: 0 } },
    search: { screen: false, earlyStop: { enabled: false } },
    workers: 2,
    seed: 42,
    baselines: ['BKS'],
    finalReplicas: 1,
    ...over,
  };
}

export function tinyCampaign(over: Partial<CampaignChoice> = {}): { record: CampaignRecord; initial: NewEvaluation[] } {
  return buildCampaign(tinyChoice(over), { id: randomUUID(), now: new Date().toISOString() });
}
