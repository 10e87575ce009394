/**
 * Landmarks of a g(r) the preview and the bond cut-off need: the main peak and the first minimum after it.
 * The first minimum is the lowest point between the main peak and the point where g climbs back to 1
 * (the start of the second shell): a plain "first local minimum" stops on sampling noise in the shallow
 * trough of a liquid's g_SiO (2.35 Å instead of 2.47 Å for the ML_s1 fixture).
 */

/** Position (bin centre) and height of the global maximum; null when g is identically zero. */
export function mainPeak(r: ArrayLike<number>, g: ArrayLike<number>): { r: number; g: number; index: number } | null {
  let k = -1;
  let best = 0;
  for (let i = 0; i < g.length; i++) if (g[i] > best) ((best = g[i]), (k = i));
  return k < 0 ? null : { r: r[k], g: best, index: k };
}

/** First minimum after the main peak; null if g never drops below 1 after the peak or never recovers. */
export function firstMinimum(r: ArrayLike<number>, g: ArrayLike<number>): { r: number; g: number; index: number } | null {
  const peak = mainPeak(r, g);
  if (!peak) return null;
  let k = -1;
  let best = Infinity;
  let dipped = false;
  for (let i = peak.index + 1; i < g.length; i++) {
    if (g[i] < 1) dipped = true;
    else if (dipped) {
      if (k < 0) return null;
      let end = k;
      while (end + 1 < g.length && g[end + 1] === best) end++;
      const mid = (k + end) >> 1;
      return { r: r[mid], g: best, index: mid };
    }
    if (g[i] < best) ((best = g[i]), (k = i));
  }
  return null;
}
