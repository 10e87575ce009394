/**
 * The parameter space a campaign searches, declared once as data: which forcefield parameters are free (with
 * bounds, scale and unit), which are fixed, the never-optimised D walls, and the composition that derives the
 * charge-balancing species' charge (SiO2: q_O = −q_Si/2). Everything else — validation, the optimizer's unit
 * cube, bounds tables, CLI flags — derives from it. Serialisable (zod schema) so it is stored with the
 * campaign and sent over IPC.
 *
 * Names follow the paper: `q<Species>` for a charge, `<A|rho|C>_<Pair>` for a Buckingham term, e.g. qSi,
 * A_SiO, rho_OO, C_SiSi. Values are metal units: e, eV, Å, eV·Å⁶.
 */
import { z } from 'zod';
import { PARAMETER_LIMITS, settingProblem } from '../settings-bounds.ts';
import type { ForceField, PairParams } from '../md/forcefield.ts';
import { DEFAULT_CUTOFF, DEFAULT_DSF } from '../md/forcefield.ts';
import type { PairName, SpeciesName, SpeciesTable } from '../species.ts';
import { pairList } from '../species.ts';

export type ParamName = string;
export type ParamKind = 'q' | 'A' | 'rho' | 'C';
export type ParamUnit = 'e' | 'eV' | 'Å' | 'eV·Å⁶';
export type Scale = 'linear' | 'log';

/** The unit of each kind of parameter (labels and exports; values are always metal). */
export const PARAM_UNITS: Readonly<Record<ParamKind, ParamUnit>> = { q: 'e', A: 'eV', rho: 'Å', C: 'eV·Å⁶' };

export const DimensionSchema = z.object({
  name: z.string().min(1),
  lower: z.number(),
  upper: z.number(),
  scale: z.enum(['linear', 'log']),
  unit: z.enum(['e', 'eV', 'Å', 'eV·Å⁶']),
});
export type Dimension = z.infer<typeof DimensionSchema>;

const SpeciesTableSchema = z.object({
  species: z.array(z.object({ name: z.string().regex(/^[A-Z][a-z]?$/, 'must be an element symbol such as Si'), mass: z.number().positive() })).min(1),
});

/** The stored form of a parameter space; `validateSpace` adds the checks a schema cannot express. */
export const ParameterSpaceSchema = z.object({
  species: SpeciesTableSchema,
  composition: z.record(z.string(), z.number()),
  /** The species whose charge follows from neutrality (SiO2: O). */
  chargeBalance: z.string().min(1),
  free: z.array(DimensionSchema),
  fixed: z.record(z.string(), z.number()),
  /** eV·Å²⁴ per pair, never optimised. */
  D: z.record(z.string(), z.number()),
  cutoff: z.number().default(DEFAULT_CUTOFF), // Å
  dsf: z.object({ alpha: z.number(), cutoff: z.number() }).default({ ...DEFAULT_DSF }), // Å⁻¹, Å
});
export type ParameterSpaceSpec = z.infer<typeof ParameterSpaceSchema>;

export interface SpaceProblem {
  readonly name: string; // a parameter name, or a field: 'composition', 'D_SiO', 'cutoff', …
  readonly problem: string;
}

export type ParsedParam = { readonly kind: 'q'; readonly species: SpeciesName } | { readonly kind: 'A' | 'rho' | 'C'; readonly pair: PairName };

/** Parse a parameter name against a species table; null if it names nothing in it. */
export function parseParamName(species: SpeciesTable, name: string): ParsedParam | null {
  if (name.startsWith('q') && !name.includes('_')) {
    const sp = name.slice(1);
    return species.species.some((s) => s.name === sp) ? { kind: 'q', species: sp } : null;
  }
  const us = name.indexOf('_');
  if (us < 0) return null;
  const kind = name.slice(0, us);
  const pair = name.slice(us + 1);
  if (kind !== 'A' && kind !== 'rho' && kind !== 'C') return null;
  return pairList(species).some((p) => p.name === pair) ? { kind, pair } : null;
}

/** Every parameter of a species table in canonical order: charges (balance species excluded), then A, ρ, C per pair. */
export function allParamNames(species: SpeciesTable, chargeBalance: SpeciesName): ParamName[] {
  const names: ParamName[] = [];
  for (const s of species.species) if (s.name !== chargeBalance) names.push(`q${s.name}`);
  for (const p of pairList(species)) for (const k of ['A', 'rho', 'C'] as const) names.push(`${k}_${p.name}`);
  return names;
}

export function kindOf(name: ParamName): ParamKind {
  if (name.startsWith('q') && !name.includes('_')) return 'q';
  const k = name.slice(0, name.indexOf('_'));
  if (k === 'A' || k === 'rho' || k === 'C') return k;
  throw new Error(`'${name}' is not a parameter name (expected qX, A_XY, rho_XY or C_XY)`);
}

/**
 * Everything wrong with a space, each naming the parameter or field: unknown or duplicated names, parameters
 * neither free nor fixed, bounds that are non-finite or not increasing, physical signs (A, C ≥ 0; ρ > 0; a log
 * scale needs lower > 0), units that do not match the kind, bad fixed values, D, composition or cut-offs.
 * An empty list means the space is usable.
 */
export function validateSpace(s: ParameterSpaceSpec): SpaceProblem[] {
  const out: SpaceProblem[] = [];
  const sp = s.species.species.map((x) => x.name);
  if (new Set(sp).size !== sp.length) out.push({ name: 'species', problem: `species names repeat: ${sp.join(', ')}` });
  for (const n of sp) {
    const c = s.composition[n];
    if (c === undefined || !Number.isFinite(c) || c <= 0) out.push({ name: 'composition', problem: `count of ${n} must be a positive number, got ${c}` });
  }
  for (const n of Object.keys(s.composition)) if (!sp.includes(n)) out.push({ name: 'composition', problem: `${n} is not a species of the table` });
  if (!sp.includes(s.chargeBalance)) out.push({ name: 'chargeBalance', problem: `${s.chargeBalance} is not a species of the table` });

  const seen = new Map<string, 'free' | 'fixed'>();
  const checkName = (name: string, where: 'free' | 'fixed'): ParsedParam | null => {
    const p = parseParamName(s.species, name);
    if (!p) {
      out.push({ name, problem: `not a parameter of species ${sp.join(', ')} (expected q<Species>, A_/rho_/C_<Pair>)` });
      return null;
    }
    if (p.kind === 'q' && p.species === s.chargeBalance) {
      out.push({ name, problem: `the charge of ${s.chargeBalance} is derived from neutrality and cannot be ${where}` });
      return null;
    }
    const prev = seen.get(name);
    if (prev) out.push({ name, problem: prev === where ? `listed twice as ${where}` : 'is both free and fixed' });
    seen.set(name, where);
    return p;
  };
  for (const d of s.free) {
    const p = checkName(d.name, 'free');
    if (!Number.isFinite(d.lower) || !Number.isFinite(d.upper)) {
      out.push({ name: d.name, problem: `bounds must be finite, got [${d.lower}, ${d.upper}]` });
      continue;
    }
    if (!(d.lower < d.upper)) out.push({ name: d.name, problem: `lower bound ${d.lower} must be below upper bound ${d.upper}` });
    if (d.scale === 'log' && !(d.lower > 0)) out.push({ name: d.name, problem: `log scale needs a positive lower bound, got ${d.lower}` });
    if (!p) continue;
    const before = out.length;
    if (d.unit !== PARAM_UNITS[p.kind]) out.push({ name: d.name, problem: `unit must be ${PARAM_UNITS[p.kind]}, got ${d.unit}` });
    if ((p.kind === 'A' || p.kind === 'C') && d.lower < 0) out.push({ name: d.name, problem: `${p.kind} must be ≥ 0 (paper sign convention), lower bound is ${d.lower}` });
    if (p.kind === 'rho' && !(d.lower > 0)) out.push({ name: d.name, problem: `ρ must be > 0, lower bound is ${d.lower}` });
    // The outer physical limits, once the bounds are otherwise sound (one message per mistake).
    const outer = out.length > before ? null : (settingProblem(PARAMETER_LIMITS[p.kind], d.lower) ?? settingProblem(PARAMETER_LIMITS[p.kind], d.upper));
    if (outer) out.push({ name: d.name, problem: `bounds [${d.lower}, ${d.upper}]: ${outer}` });
  }
  for (const [name, v] of Object.entries(s.fixed)) {
    const p = checkName(name, 'fixed');
    if (!Number.isFinite(v)) out.push({ name, problem: `fixed value ${v} is not finite` });
    else if (p && (p.kind === 'A' || p.kind === 'C') && v < 0) out.push({ name, problem: `${p.kind} must be ≥ 0, fixed at ${v}` });
    else if (p && p.kind === 'rho' && !(v > 0)) out.push({ name, problem: `ρ must be > 0, fixed at ${v}` });
    else if (p) {
      const outer = settingProblem(PARAMETER_LIMITS[p.kind], v);
      if (outer) out.push({ name, problem: `fixed at ${v}: ${outer}` });
    }
  }
  if (sp.includes(s.chargeBalance)) {
    for (const name of allParamNames(s.species, s.chargeBalance)) if (!seen.has(name)) out.push({ name, problem: 'has no value: make it free or fixed' });
  }
  for (const p of pairList(s.species)) {
    const v = s.D[p.name];
    if (v === undefined || !Number.isFinite(v) || v < 0) out.push({ name: `D_${p.name}`, problem: `D must be a finite number ≥ 0 eV·Å²⁴, got ${v}` });
    else if (settingProblem(PARAMETER_LIMITS.D, v)) out.push({ name: `D_${p.name}`, problem: `D = ${v}: ${settingProblem(PARAMETER_LIMITS.D, v)}` });
  }
  const cut = settingProblem(PARAMETER_LIMITS.cutoff, s.cutoff) ?? settingProblem(PARAMETER_LIMITS.cutoff, s.dsf.cutoff);
  if (cut && Number.isFinite(s.cutoff) && Number.isFinite(s.dsf.cutoff) && s.cutoff > 0 && s.dsf.cutoff > 0) out.push({ name: 'cutoff', problem: `cut-offs ${s.cutoff} and ${s.dsf.cutoff} Å: ${cut}` });
  const alpha = settingProblem(PARAMETER_LIMITS.dsfAlpha, s.dsf.alpha);
  if (alpha && Number.isFinite(s.dsf.alpha) && s.dsf.alpha >= 0) out.push({ name: 'dsf.alpha', problem: `${s.dsf.alpha} Å⁻¹: ${alpha}` });
  if (!(s.cutoff > 0) || !Number.isFinite(s.cutoff)) out.push({ name: 'cutoff', problem: `cut-off must be a positive length in Å, got ${s.cutoff}` });
  if (!(s.dsf.alpha >= 0) || !Number.isFinite(s.dsf.alpha)) out.push({ name: 'dsf.alpha', problem: `DSF damping must be ≥ 0 Å⁻¹, got ${s.dsf.alpha}` });
  if (!(s.dsf.cutoff > 0) || !Number.isFinite(s.dsf.cutoff)) out.push({ name: 'dsf.cutoff', problem: `DSF cut-off must be positive in Å, got ${s.dsf.cutoff}` });
  return out;
}

/** Parse untrusted input (stored campaign, IPC) into a valid space, or throw an error listing every problem. */
export function parseSpace(raw: unknown): ParameterSpaceSpec {
  const r = ParameterSpaceSchema.safeParse(raw);
  if (!r.success) throw new Error(`invalid parameter space: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const problems = validateSpace(r.data);
  if (problems.length) throw new Error(`invalid parameter space: ${problems.map((p) => `${p.name}: ${p.problem}`).join('; ')}`);
  return r.data;
}

/** Value of one dimension at unit coordinate u ∈ [0,1] (clamped): linear, or geometric for a log scale. */
export function unitToValue(d: Dimension, u: number): number {
  const t = u < 0 ? 0 : u > 1 ? 1 : u;
  if (t === 0) return d.lower; // bounds exactly, not through exp(log(·))
  if (d.scale === 'log') {
    if (t === 1) return d.upper;
    return Math.exp(Math.log(d.lower) + t * (Math.log(d.upper) - Math.log(d.lower)));
  }
  return t === 1 ? d.upper : d.lower + t * (d.upper - d.lower);
}

/** Unit coordinate of a value (not clamped: values outside the bounds map outside [0,1]). */
export function valueToUnit(d: Dimension, v: number): number {
  if (d.scale === 'log') return (Math.log(v) - Math.log(d.lower)) / (Math.log(d.upper) - Math.log(d.lower));
  return (v - d.lower) / (d.upper - d.lower);
}

function readParam(ff: ForceField, p: ParsedParam): number {
  if (p.kind === 'q') return ff.charge[p.species];
  const pp = ff.pair[p.pair];
  if (!pp) throw new Error(`forcefield has no parameters for pair ${p.pair}`);
  return pp[p.kind];
}

/** The free parameters of a forcefield as a point of the unit cube, [d]; outside [0,1] where ff is out of bounds. */
export function toUnit(s: ParameterSpaceSpec, ff: ForceField): Float64Array {
  const u = new Float64Array(s.free.length);
  s.free.forEach((d, i) => {
    const p = parseParamName(s.species, d.name);
    if (!p) throw new Error(`'${d.name}' is not a parameter of this species table`);
    u[i] = valueToUnit(d, readParam(ff, p));
  });
  return u;
}

/** All parameter values at a unit-cube point: free ones mapped from u (clamped into the box), fixed ones as given. */
export function paramValues(s: ParameterSpaceSpec, u: ArrayLike<number>): Record<ParamName, number> {
  if (u.length !== s.free.length) throw new Error(`point has ${u.length} coordinates, the space has ${s.free.length} free parameters`);
  const v: Record<ParamName, number> = { ...s.fixed };
  s.free.forEach((d, i) => {
    v[d.name] = unitToValue(d, u[i]);
  });
  return v;
}

/**
 * The forcefield at a unit-cube point: free parameters from u (clamped into the box, which only guards round
 * off — proposals stay inside), fixed ones from the spec, D from the spec, and the balance species' charge
 * from neutrality: q_b = −Σ_{i≠b} n_i q_i / n_b (SiO2: q_O = −q_Si/2).
 */
export function fromUnit(s: ParameterSpaceSpec, u: ArrayLike<number>): ForceField {
  const v = paramValues(s, u);
  const charge: Record<SpeciesName, number> = {};
  let q = 0;
  for (const sp of s.species.species) {
    if (sp.name === s.chargeBalance) continue;
    const qi = v[`q${sp.name}`];
    if (qi === undefined) throw new Error(`q${sp.name} has no value: make it free or fixed`);
    charge[sp.name] = qi;
    q += qi * s.composition[sp.name];
  }
  const bal = -q / s.composition[s.chargeBalance];
  charge[s.chargeBalance] = bal === 0 ? 0 : bal; // no −0 in exports
  const pair: Record<PairName, PairParams> = {};
  for (const p of pairList(s.species)) {
    const get = (k: 'A' | 'rho' | 'C'): number => {
      const x = v[`${k}_${p.name}`];
      if (x === undefined) throw new Error(`${k}_${p.name} has no value: make it free or fixed`);
      return x;
    };
    pair[p.name] = { A: get('A'), rho: get('rho'), C: get('C'), D: s.D[p.name] };
  }
  return { charge, pair, cutoff: s.cutoff, dsf: { ...s.dsf } };
}

/** Fixed values for the named parameters, read from a forcefield (a base set such as BKS). */
export function fixedFromForceField(species: SpeciesTable, ff: ForceField, names: readonly ParamName[]): Record<ParamName, number> {
  const out: Record<ParamName, number> = {};
  for (const n of names) {
    const p = parseParamName(species, n);
    if (!p) throw new Error(`'${n}' is not a parameter of this species table`);
    out[n] = readParam(ff, p);
  }
  return out;
}
