/**
 * Small, fast evaluation specs for the evaluator, pool and CLI tests: 648 atoms (216 SiO2, a 21.40 Å cube at
 * 2.2 g/cm³, the smallest with an edge ≥ 2 × (8 Å cut-off + 2 Å skin)), sub-picosecond runs and a short
 * soft start, against the built-in CHIK reference. Physics-wise a quick look, not a converged liquid.
 */
import { loadDefaultReference } from '../../src-main/reference/load.ts';
import { PAPER_PROTOCOL, type Protocol } from '../../src-worker/md/protocol.ts';
import { SILICA } from '../../src-worker/species.ts';
import { DEFAULT_MINIMIZE } from '../../src-worker/md/minimize.ts';
import { silicaCharges, type ForceField } from '../../src-worker/md/forcefield.ts';
import { findBuiltin, silicaForceField } from '../../src-worker/params/sets.ts';
import { DEFAULT_COST_RANGE } from '../../src-worker/evaluate/cost.ts';
import type { EvaluationSpec } from '../../src-worker/evaluate/spec.ts';

export const SMALL_ATOMS = 648;
/** 200 capped MD steps after at most 100 FIRE iterations: enough to leave the random packing. */
export const QUICK_START = { steps: 200, minimize: { ...DEFAULT_MINIMIZE, maxIterations: 100 } };
export const reference = loadDefaultReference();

export function smallSpec(protocol: Partial<Protocol> = {}, over: Partial<EvaluationSpec> = {}): EvaluationSpec {
  return {
    species: SILICA,
    protocol: { ...PAPER_PROTOCOL, atoms: SMALL_ATOMS, relax: 0.1, production: 0.1, ...protocol },
    reference,
    costRange: DEFAULT_COST_RANGE,
    seed: 7,
    kernel: 'table',
    softStart: QUICK_START,
    ...over,
  };
}

export function builtin(name: string): ForceField {
  const set = findBuiltin(name);
  if (!set) throw new Error(`no built-in set ${name}`);
  return silicaForceField(set);
}

/** CHIK without the Si–O Buckingham repulsion and with a large Si charge: Si and O collapse onto each other. */
export function collapsingForceField(): ForceField {
  const chik = builtin('chik');
  return { ...chik, charge: silicaCharges(4), pair: { ...chik.pair, SiO: { ...chik.pair.SiO, A: 0 } } };
}
