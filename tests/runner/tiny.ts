/**
 * Tiny campaigns for the store, runner, API and CLI tests: the built-in CHIK reference, 648 atoms (the smallest
 * box for 8 Å + 2 Å skin), 0.1 ps relax + 0.1 ps production and a 200-step soft start (tests/evaluate/small.ts),
 * so one evaluation takes a few seconds. Physics-wise a quick look, not a converged liquid.
 */
import { randomUUID } from 'node:crypto';
import { loadDefaultReference } from '../../src-main/reference/load.ts';
import { customSpace, presetSpace } from '../../src-worker/params/presets.ts';
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

/** ρ_SiO 0.25 Å in a ρ_SiO-only space: Si–O bonds far too long (R_χ ≈ 0.8 on the tiny protocol against BKS's 0.085). */
export const STRETCHED_U = [(0.25 - 0.2) / 0.06];

/**
 * A campaign whose one optimizer run (CG from STRETCHED_U) is clearly worse than its BKS baseline, with early
 * stopping looking once, at 50 % of 200 + 200 steps: the early-stop tests on every backend start from it.
 */
export function stretchedEarlyStopChoice(): Partial<CampaignChoice> {
  return {
    space: customSpace({ free: ['rho_SiO'], bounds: { rho_SiO: { lower: 0.2, upper: 0.26 } } }),
    preset: null,
    protocol: { ...TINY_PROTOCOL, relax: 0.2, production: 0.2 },
    optimizer: { strategy: 'cg', budget: 1, start: STRETCHED_U, cg: { replicas: 0 } },
    // One worker: the BKS baseline (the incumbent) finishes before the optimizer's points are dispatched.
    workers: 1,
    baselines: ['BKS'],
    finalReplicas: 0,
    // The screen off: this is about early stopping, and the stretched Si–O bond is what the screen's bond rule looks at.
    search: { screen: false, earlyStop: { checkpoints: [0.5], windowPs: 0.08, tolerance: 1, noiseRel: 0 } },
  };
}
