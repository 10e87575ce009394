/**
 * The one place numbers get units and precision for display: R_χ as '8.77 %', parameters with their unit
 * ('2.400 e', '18004 eV', '0.2052 Å', '133.5 eV·Å⁶'), durations, pair and parameter labels. The API carries
 * metal units and fractions; nothing else in the renderer appends a unit or picks a number of digits.
 */

export const NBSP = '\u00a0';
const DASH = '–';

/** A fraction as a percentage: 0.0877 → '8.77 %'; null → '—'. */
export function pct(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}${NBSP}%`;
}

/** A fraction ± its standard deviation, both as percentages: '8.77 ± 0.25 %'. */
export function pctPm(mean: number | null, sd: number | null | undefined, digits = 2): string {
  if (mean === null || !Number.isFinite(mean)) return '—';
  if (sd === null || sd === undefined || !Number.isFinite(sd)) return pct(mean, digits);
  return `${(mean * 100).toFixed(digits)}${NBSP}±${NBSP}${(sd * 100).toFixed(digits)}${NBSP}%`;
}

/** Units of the forcefield parameters, by kind (the same table as src-worker/params/space.ts PARAM_UNITS). */
export type ParamUnit = 'e' | 'eV' | 'Å' | 'eV·Å⁶';

/**
 * Parameter kind from its name: qSi → q, A_SiO → A, rho_OO → rho, C_SiSi → C, and the wall coordinates a
 * reference-shaped space searches instead of A (src-worker/params/walls.ts): rmin_SiO (where the pair potential
 * has its minimum, Å), rwall_OO (where the Born–Mayer repulsion reaches 1 eV, Å).
 */
export function paramKind(name: string): 'q' | 'A' | 'rho' | 'C' | 'rmin' | 'rwall' | null {
  if (/^q[A-Z]/.test(name) && !name.includes('_')) return 'q';
  const k = name.slice(0, name.indexOf('_'));
  return k === 'A' || k === 'rho' || k === 'C' || k === 'rmin' || k === 'rwall' ? k : null;
}

/** What a wall coordinate means, in words (the bounds table and tooltips); null for the paper's parameters. */
export function wallMeaning(name: string): string | null {
  const k = paramKind(name);
  const pair = pairLabel(name.slice(name.indexOf('_') + 1));
  if (k === 'rmin') return `position of the ${pair} potential minimum (the bond length the pair alone would give); A_${pair} follows from it`;
  if (k === 'rwall') return `distance where the ${pair} Born–Mayer repulsion A·e^(−r/ρ) reaches 1 eV; A_${pair} follows from it`;
  return null;
}

export function paramUnitOf(name: string): ParamUnit | '' {
  const k = paramKind(name);
  return k === 'q' ? 'e' : k === 'A' ? 'eV' : k === 'rho' || k === 'rmin' || k === 'rwall' ? 'Å' : k === 'C' ? 'eV·Å⁶' : '';
}

/** A parameter value at a precision that suits its kind (A spans decades: integers; ρ: 4 decimals). */
export function num(name: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  switch (paramKind(name)) {
    case 'q':
      return v.toFixed(3);
    case 'A':
      return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(4);
    case 'rho':
      return v.toFixed(4);
    case 'rmin':
    case 'rwall':
      return v.toFixed(3);
    case 'C':
      return v.toFixed(1);
    default:
      return v.toPrecision(4);
  }
}

/** A parameter value with its unit: '18004 eV'. */
export function param(name: string, v: number | null | undefined, unit: string = paramUnitOf(name)): string {
  const s = num(name, v);
  return s === '—' || !unit ? s : `${s}${NBSP}${unit}`;
}

/** Parts of a parameter label for <sub> rendering: A_SiO → { base: 'A', sub: 'Si–O' }, qSi → { base: 'q', sub: 'Si' }. */
export function paramParts(name: string): { base: string; sub: string } {
  const k = paramKind(name);
  if (k === 'q') return { base: 'q', sub: name.slice(1) };
  if (k === 'rmin' || k === 'rwall') return { base: 'r', sub: `${k === 'rmin' ? 'min' : 'wall'},${pairLabel(name.slice(name.indexOf('_') + 1))}` };
  if (k) return { base: k === 'rho' ? 'ρ' : k, sub: pairLabel(name.slice(name.indexOf('_') + 1)) };
  return { base: name, sub: '' };
}

/** A plain-text parameter label for chart axes and tooltips: 'A_Si–O (eV)'. */
export function paramAxis(name: string, unit: string = paramUnitOf(name)): string {
  const { base, sub } = paramParts(name);
  return `${base}${sub ? `_${sub}` : ''}${unit ? ` (${unit})` : ''}`;
}

/** Pair label with an en dash: 'SiO' → 'Si–O', 'SiSi' → 'Si–Si' (element symbols start with a capital). */
export function pairLabel(pair: string): string {
  const parts = pair.match(/[A-Z][a-z]?/g);
  return parts && parts.join('') === pair ? parts.join(DASH) : pair;
}

/** Triplet label: 'OSiO' or 'O-Si-O' → 'O–Si–O'. */
export function tripletLabel(t: string): string {
  return (t.includes('-') ? t.split('-') : (t.match(/[A-Z][a-z]?/g) ?? [t])).join(DASH);
}

/** A duration in seconds, two significant units: '42 s', '3 min 05 s', '2 h 14 min', '3 d 4 h'. */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s) || s < 0) return '—';
  if (s < 1) return `${(s * 1000).toFixed(0)}${NBSP}ms`;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : s.toFixed(0)}${NBSP}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}${NBSP}min ${String(Math.round(s % 60)).padStart(2, '0')}${NBSP}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}${NBSP}h ${String(m % 60).padStart(2, '0')}${NBSP}min`;
  return `${Math.floor(h / 24)}${NBSP}d ${h % 24}${NBSP}h`;
}

/** An ISO timestamp in the user's locale, minutes precision. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Quantities with fixed units used in forms and axes. */
export const fmt = {
  temperature: (k: number) => `${k.toFixed(0)}${NBSP}K`,
  density: (g: number) => `${g.toFixed(3)}${NBSP}g/cm³`,
  length: (a: number, digits = 3) => `${a.toFixed(digits)}${NBSP}Å`,
  ps: (t: number) => `${t.toPrecision(3)}${NBSP}ps`,
  fs: (t: number) => `${t.toPrecision(3)}${NBSP}fs`,
  angle: (deg: number) => `${deg.toFixed(1)}°`,
  int: (n: number) => n.toLocaleString('en-US').replace(/,/g, NBSP),
  usPerAtomStep: (us: number) => `${us.toPrecision(3)}${NBSP}µs/(atom·step)`,
};

/** Axis titles shared by the plots, so every axis names its unit. */
export const axis = {
  r: 'r (Å)',
  g: 'g(r)',
  theta: 'angle θ (°)',
  pTheta: 'P(θ) (1/°)',
  rChi: 'R_χ (%)',
  chi: 'χ (%)',
  evaluation: 'evaluation #',
  ei: 'expected improvement (% of R_χ)',
};

/** The open campaign's refinement after BO (set by state/campaign.svelte.ts): every view shows that campaign. */
let openRefinement: 'ls' | 'cg' | undefined;
export function setOpenRefinement(refine: 'ls' | 'cg' | undefined): void {
  openRefinement = refine;
}

/**
 * A phase name for people. 'replica' is the optimizer's own repeat of a point (the refinement's noise replicas),
 * not the final replicas of the best the campaign runs at its end (those are told apart by their origin:
 * whoLabel). Phase 'cg' is the refinement after BO: `refine` names which (the open campaign's cg.method).
 */
export function phaseLabel(phase: string, refine: 'ls' | 'cg' | undefined = openRefinement): string {
  if (phase === 'cg') return refine === 'ls' ? 'least-squares refinement' : 'conjugate gradient';
  return ({ initial: 'initial design', bo: 'Bayesian optimisation', replica: 'optimizer replica', baseline: 'random / CMA-ES sample' } as Record<string, string>)[phase] ?? phase;
}

/** What an evaluation is, in a few words: 'BKS (baseline)', 'final replica of the best', or its phase. */
export function whoLabel(e: { origin: string; phase: string; label: string | null }, refine: 'ls' | 'cg' | undefined = openRefinement): string {
  if (e.origin === 'baseline') return `${e.label ?? 'built-in'} (baseline)`;
  if (e.origin === 'final') return 'final replica of the best';
  return phaseLabel(e.phase, refine);
}

/** A safe file-name stem from a free-text name. */
export function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'glassfit';
}
