/**
 * The physics screen before MD — STAND-IN of the plumbing branch. The lead's screen (the Buckingham
 * catastrophe, the Si–O minimum against the reference's first peak, the repulsive core) replaces this file at
 * merge; it keeps exactly this interface. This one applies a single real rule so that the runner, the store
 * and the tests can carry screened candidates: a Si–O pair with no Buckingham repulsion (A_SiO ≤ 0) has nothing
 * but D/r²⁴ between Si and O against the Coulomb and dispersion attraction, and the liquid collapses.
 */
import type { ForceField } from '../md/forcefield.ts';
import type { SpeciesTable } from '../species.ts';
import type { Reference } from '../evaluate/reference.ts';

/** What the screen needs to know about a campaign, JSON-serialisable (it travels to the optimizer's worker). */
export interface ScreenContext {
  readonly species: readonly string[];
  readonly temperature: number; // K
}

export function screenContextFor(c: { species: SpeciesTable; reference: Reference; temperature: number }): ScreenContext {
  return { species: c.species.species.map((s) => s.name), temperature: c.temperature };
}

export type ScreenVerdict = { ok: true } | { ok: false; rule: string; reason: string };

export function screenForceField(ff: ForceField, ctx: ScreenContext): ScreenVerdict {
  if (ctx.species.join(',') !== 'Si,O') return { ok: true };
  const sio = ff.pair.SiO;
  if (sio && !(sio.A > 0)) return { ok: false, rule: 'no-sio-repulsion', reason: `A_SiO = ${sio.A} eV: no Si–O repulsion against the Coulomb attraction, the liquid collapses` };
  return { ok: true };
}
