/**
 * What a reference g(r) says about each pair's short-range physics, read once per campaign: where the pair's
 * distance distribution begins (the contact distance: closer pairs essentially never occur in the reference
 * liquid), where it is still exactly empty, and where its first peak lies. The physics screen (screen.ts) and
 * the reference-shaped parameter space (params/walls.ts) are built on these landmarks.
 *
 * Thresholds are absolute g values, not fractions of the peak: g(r) is a density ratio, and "a tenth of the mean
 * density" means the same thing for a sharp Si–O peak (g ≈ 10) and a broad O–O one (g ≈ 3).
 */
import type { PairName } from '../species.ts';
import { mainPeak } from '../analysis/peaks.ts';

/** g(r) at which the pair's distribution is taken to begin: one tenth of the mean density. */
export const CONTACT_G = 0.1;
/** g(r) below which the reference is "still empty" (a few stray counts in a finite trajectory stay below it). */
export const EMPTY_G = 0.005;

export interface PairLandmarks {
  /** Å: the first r where g reaches CONTACT_G. */
  readonly contact: number;
  /** Å: the last r before `contact` where g is below EMPTY_G (the reference has no pairs closer). */
  readonly empty: number;
  /** Å and height of the first (main) peak. */
  readonly peak: number;
  readonly peakHeight: number;
}

export type ReferenceLandmarks = Readonly<Record<PairName, PairLandmarks>>;

/** Landmarks of one partial g(r); null when g never reaches CONTACT_G (an empty or unusable column). */
export function pairLandmarks(r: ArrayLike<number>, g: ArrayLike<number>): PairLandmarks | null {
  const pk = mainPeak(r, g);
  if (!pk || pk.g < CONTACT_G) return null;
  let k = 0;
  while (k < g.length && g[k] < CONTACT_G) k++;
  if (k >= g.length || k > pk.index) return null;
  let e = k - 1;
  while (e >= 0 && g[e] >= EMPTY_G) e--;
  return { contact: r[k], empty: e >= 0 ? r[e] : r[0], peak: pk.r, peakHeight: pk.g };
}

/** Landmarks of every pair of a reference that has a usable column. */
export function referenceLandmarks(ref: { readonly r: ArrayLike<number>; readonly pairs: readonly PairName[]; readonly g: Readonly<Record<PairName, ArrayLike<number>>> }): ReferenceLandmarks {
  const out: Record<PairName, PairLandmarks> = {};
  for (const p of ref.pairs) {
    const l = pairLandmarks(ref.r, ref.g[p]);
    if (l) out[p] = l;
  }
  return out;
}
