/**
 * The screen's verdict on a whole parameter box, before a campaign starts: what fraction of it is physical, why
 * the rest is not, and what the screen says of each built-in set that is a point of the box. Shown by the
 * new-campaign view (api `screen.preview`) and printed by scripts/screen-report.ts. Uniform points from a fixed
 * seed, so the same box always gets the same figures.
 */
import { createRng, uniform } from '../rng.ts';
import { fromUnit, type ParameterSpaceSpec } from '../params/space.ts';
import { screenForceField, SCREEN_RULES, type ScreenContext, type ScreenRule } from './screen.ts';

export interface BoxVerdict {
  readonly samples: number;
  readonly screened: number;
  /** Fraction of the box the screen lets through. */
  readonly physicalFraction: number;
  readonly byRule: Readonly<Record<ScreenRule, number>>;
  /** The first reason met for each rule that fired (what a user reads to adjust the bounds). */
  readonly examples: readonly { readonly rule: ScreenRule; readonly reason: string }[];
}

export function screenBox(space: ParameterSpaceSpec, ctx: ScreenContext, samples = 1000, seed = 1): BoxVerdict {
  const rng = createRng(seed);
  const byRule = Object.fromEntries(SCREEN_RULES.map((r) => [r, 0])) as Record<ScreenRule, number>;
  const examples: { rule: ScreenRule; reason: string }[] = [];
  const u = new Array<number>(space.free.length);
  let screened = 0;
  for (let i = 0; i < samples; i++) {
    for (let k = 0; k < u.length; k++) u[k] = uniform(rng);
    const v = screenForceField(fromUnit(space, u), ctx);
    if (v.ok) continue;
    screened++;
    if (byRule[v.rule]++ === 0) examples.push({ rule: v.rule, reason: v.reason });
  }
  return { samples, screened, physicalFraction: samples ? (samples - screened) / samples : 0, byRule, examples };
}
