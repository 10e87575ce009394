/**
 * Ready-made parameter spaces: the paper's ML (7 free), ML-SiO (4) and ML-ALL (10) fits, the paper's 1-D and
 * 2-D demonstrations around BKS (Figs. 2, 3, 7), and custom masks for any species table. Default bounds are
 * declared here once, each with the reason for its range.
 */
import { SILICA_D, type ForceField } from '../md/forcefield.ts';
import { BUILTIN_SETS, silicaForceField, type BuiltinName } from './sets.ts';
import { SILICA, SILICA_COMPOSITION, pairList, type PairName, type SpeciesName, type SpeciesTable } from '../species.ts';
import { allParamNames, fixedFromForceField, kindOf, PARAM_UNITS, parseParamName, type Dimension, type ParameterSpaceSpec, type ParamName, type Scale } from './space.ts';
import { DEFAULT_CUTOFF, DEFAULT_DSF } from '../md/forcefield.ts';

export interface BoundSpec {
  readonly lower: number;
  readonly upper: number;
  readonly scale: Scale;
  readonly why: string;
}

/**
 * Default bounds for silica. Scales: A is searched on a log scale because A·e^{−r/ρ} = e^{ln A − r/ρ} — a
 * change of ln A shifts the repulsive wall by ρ·Δln A, so equal steps in ln A are equal steps in structure,
 * and the published values span an order of magnitude. ρ, C and charges act additively: linear.
 */
export const SILICA_BOUNDS: Readonly<Record<ParamName, BoundSpec>> = {
  qSi: { lower: 1.2, upper: 2.6, scale: 'linear', why: 'covers ML-SiO 1.484, CHIK 1.910, ML 1.955 and BKS 2.4 e; below ~1.2 e the Si–O bond is too weak to hold a tetrahedral network' },
  A_SiO: { lower: 1e3, upper: 1e5, scale: 'log', why: 'ML-SiO 3969, BKS 18004, ML 20454, CHIK 27029 eV sit inside two decades' },
  rho_SiO: { lower: 0.12, upper: 0.3, scale: 'linear', why: 'published 0.188–0.205 Å; wider ρ with large A moves the Si–O wall far from 1.6 Å, and small ρ makes it a hard step' },
  C_SiO: { lower: 0, upper: 300, scale: 'linear', why: 'ML-SiO 0.7, ML 93.5, BKS 133.5, CHIK 148.1 eV·Å⁶; beyond ~300 the −C/r⁶ term overwhelms the wall (Buckingham catastrophe, held only by D/r²⁴)' },
  A_OO: { lower: 1e2, upper: 1e4, scale: 'log', why: 'CHIK 660, ML 1003, BKS 1389 eV' },
  rho_OO: { lower: 0.15, upper: 0.45, scale: 'linear', why: 'ML 0.357, BKS 0.362, CHIK 0.386 Å' },
  C_OO: { lower: 0, upper: 300, scale: 'linear', why: 'CHIK 26.8, ML 81.5, BKS 175.0 eV·Å⁶' },
  A_SiSi: { lower: 1e2, upper: 3e4, scale: 'log', why: 'ML-ALL 2643, CHIK 3150 eV; Si–Si repulsion is weak next to Coulomb' },
  rho_SiSi: { lower: 0.15, upper: 0.45, scale: 'linear', why: 'ML-ALL 0.304, CHIK 0.351 Å' },
  C_SiSi: { lower: 0, upper: 800, scale: 'linear', why: 'ML-ALL 232, CHIK 627 eV·Å⁶' },
};

/** Generic bounds for species tables other than silica (cations, modifiers): wide, and meant to be edited. */
export const GENERIC_BOUNDS: Readonly<Record<'q' | 'A' | 'rho' | 'C', BoundSpec>> = {
  q: { lower: 0.3, upper: 3.0, scale: 'linear', why: 'partial charges of cations in published Buckingham glass potentials (e.g. Na 0.6, Al 1.8, Si 2.4 e)' },
  A: { lower: 1e2, upper: 1e5, scale: 'log', why: 'three decades around typical Buckingham prefactors' },
  rho: { lower: 0.1, upper: 0.45, scale: 'linear', why: 'softness lengths of oxide Buckingham terms' },
  C: { lower: 0, upper: 500, scale: 'linear', why: 'dispersion of oxide potentials rarely exceeds a few hundred eV·Å⁶' },
};

/** The default dimension for a parameter: silica's table where it has an entry, the generic bounds otherwise. */
export function defaultDimension(name: ParamName): Dimension {
  const b = SILICA_BOUNDS[name] ?? GENERIC_BOUNDS[kindOf(name)];
  return { name, lower: b.lower, upper: b.upper, scale: b.scale, unit: PARAM_UNITS[kindOf(name)] };
}

/** "No interaction" in the paper's convention (Sec. 3.1): A = C = 0, ρ = 1 Å. */
export const OFF_PAIR = { A: 0, rho: 1, C: 0 } as const;

export interface CustomSpaceOptions {
  readonly species?: SpeciesTable; // default silica
  readonly composition?: Readonly<Record<SpeciesName, number>>; // default SiO2
  readonly chargeBalance?: SpeciesName; // default: the last species (the anion in Si, O order)
  /** Free parameters, in the order the optimizer's coordinates take. */
  readonly free: readonly ParamName[];
  /** Pairs switched off (A = C = 0, ρ = 1 Å); their parameters must not be free. */
  readonly off?: readonly PairName[];
  /** Where fixed parameters take their values (default BKS for silica). */
  readonly base?: ForceField;
  /** Explicit values for fixed parameters (override the base). */
  readonly fixed?: Readonly<Record<ParamName, number>>;
  /** Per-parameter bound overrides. */
  readonly bounds?: Readonly<Record<ParamName, Partial<Omit<Dimension, 'name' | 'unit'>>>>;
  /** eV·Å²⁴ per pair (default the paper's silica walls). */
  readonly D?: Readonly<Record<PairName, number>>;
}

/**
 * A space from a mask over any species table: the named parameters free (default bounds unless overridden),
 * switched-off pairs fixed at the paper's "no interaction" values, everything else fixed at the base set.
 */
export function customSpace(o: CustomSpaceOptions): ParameterSpaceSpec {
  const species = o.species ?? SILICA;
  const composition = o.composition ?? SILICA_COMPOSITION;
  const chargeBalance = o.chargeBalance ?? species.species[species.species.length - 1].name;
  const off = new Set(o.off ?? []);
  const freeSet = new Set(o.free);
  for (const n of o.free) {
    const p = parseParamName(species, n);
    if (p && p.kind !== 'q' && off.has(p.pair)) throw new Error(`${n} cannot be free: pair ${p.pair} is switched off`);
  }
  const base = o.base ?? silicaForceField(BUILTIN_SETS.BKS);
  const fixedNames = allParamNames(species, chargeBalance).filter((n) => !freeSet.has(n));
  const fixed: Record<ParamName, number> = {};
  const fromBase = fixedNames.filter((n) => {
    const p = parseParamName(species, n);
    return !(p && p.kind !== 'q' && off.has(p.pair)) && o.fixed?.[n] === undefined;
  });
  const missing = fromBase.filter((n) => {
    const p = parseParamName(species, n);
    return !(p && (p.kind === 'q' ? base.charge[p.species] !== undefined : base.pair[p.pair] !== undefined));
  });
  if (missing.length) throw new Error(`${missing.join(', ')}: neither free, switched off, given in 'fixed', nor present in the base forcefield`);
  Object.assign(fixed, fixedFromForceField(species, base, fromBase), o.fixed ?? {});
  for (const pair of off) for (const k of ['A', 'rho', 'C'] as const) fixed[`${k}_${pair}`] = OFF_PAIR[k];
  const free = o.free.map((n) => ({ ...defaultDimension(n), ...(o.bounds?.[n] ?? {}) }));
  const D: Record<PairName, number> = {};
  for (const p of pairList(species)) D[p.name] = (o.D ?? SILICA_D)[p.name] ?? 0;
  const speciesCopy = { species: species.species.map((x) => ({ name: x.name, mass: x.mass })) };
  return { species: speciesCopy, composition: { ...composition }, chargeBalance, free, fixed, D, cutoff: DEFAULT_CUTOFF, dsf: { ...DEFAULT_DSF } };
}

export const PRESET_NAMES = ['ML', 'ML-SiO', 'ML-ALL', 'BKS-2D', 'BKS-qSi'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface Preset {
  readonly name: PresetName;
  readonly label: string;
  readonly description: string;
  readonly free: readonly ParamName[];
  readonly off: readonly PairName[];
  readonly base: BuiltinName;
  readonly bounds?: Readonly<Record<ParamName, Partial<Omit<Dimension, 'name' | 'unit'>>>>;
}

const SIO = ['A_SiO', 'rho_SiO', 'C_SiO'];
const OO = ['A_OO', 'rho_OO', 'C_OO'];
const SISI = ['A_SiSi', 'rho_SiSi', 'C_SiSi'];

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  ML: { name: 'ML', label: 'ML (7 parameters)', description: 'qSi, Si–O and O–O free; Si–Si off (paper Sec. 3.1, Table 1)', free: ['qSi', ...SIO, ...OO], off: ['SiSi'], base: 'BKS' },
  'ML-SiO': { name: 'ML-SiO', label: 'ML-SiO (4 parameters)', description: 'qSi and Si–O free; O–O and Si–Si off (paper Sec. 4.3, Table 3)', free: ['qSi', ...SIO], off: ['OO', 'SiSi'], base: 'BKS' },
  'ML-ALL': { name: 'ML-ALL', label: 'ML-ALL (10 parameters)', description: 'qSi and all three pairs free (paper Sec. 4.3, Table 4)', free: ['qSi', ...SIO, ...OO, ...SISI], off: [], base: 'BKS' },
  'BKS-2D': { name: 'BKS-2D', label: 'qSi × A_SiO around BKS', description: 'qSi and A_SiO free, the other 8 at BKS (paper Figs. 3, 4, 7)', free: ['qSi', 'A_SiO'], off: [], base: 'BKS' },
  'BKS-qSi': {
    name: 'BKS-qSi',
    label: 'qSi around BKS',
    description: 'qSi free over 1.6–3.2 e, the other 9 at BKS (paper Fig. 2)',
    free: ['qSi'],
    off: [],
    base: 'BKS',
    bounds: { qSi: { lower: 1.6, upper: 3.2 } },
  },
};

/** The space of a preset; `base` overrides which built-in set supplies the fixed values. */
export function presetSpace(name: PresetName, opts: { base?: BuiltinName; bounds?: CustomSpaceOptions['bounds'] } = {}): ParameterSpaceSpec {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown preset '${name}' (known: ${PRESET_NAMES.join(', ')})`);
  return customSpace({
    free: p.free,
    off: p.off,
    base: silicaForceField(BUILTIN_SETS[opts.base ?? p.base]),
    bounds: { ...(p.bounds ?? {}), ...(opts.bounds ?? {}) },
  });
}
