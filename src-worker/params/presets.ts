/**
 * Ready-made parameter spaces: the paper's ML (7 free), ML-SiO (4) and ML-ALL (10) fits, the paper's 1-D and
 * 2-D demonstrations around BKS (Figs. 2, 3, 7), and custom masks for any species table. Default bounds are
 * declared here once, each with the reason for its range.
 */
import { BOND_INSIDE } from '../physics/screen.ts';
import { SILICA_D, type ForceField } from '../md/forcefield.ts';
import { BUILTIN_SETS, silicaForceField, type BuiltinName } from './sets.ts';
import { SILICA, SILICA_COMPOSITION, pairList, type PairName, type SpeciesName, type SpeciesTable } from '../species.ts';
import { allParamNames, fixedFromForceField, kindOf, PARAM_UNITS, parseParamName, type Dimension, type ParameterSpaceSpec, type ParamName, type Scale } from './space.ts';
import { DEFAULT_CUTOFF, DEFAULT_DSF } from '../md/forcefield.ts';
import type { ReferenceLandmarks } from '../physics/reference-features.ts';
import { attractive } from './walls.ts';

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
  const k = kindOf(name);
  if (k === 'rmin' || k === 'rwall') throw new Error(`${name}: a wall coordinate's bounds come from a reference (shapedBounds)`);
  const b = SILICA_BOUNDS[name] ?? GENERIC_BOUNDS[k];
  return { name, lower: b.lower, upper: b.upper, scale: b.scale, unit: PARAM_UNITS[k] };
}

/**
 * Bounds of the wall coordinates (params/walls.ts) from the reference's first peaks: the reference says where
 * each pair's wall must stand. Offsets are those of the published sets against liquids of known potentials
 * (resources/reference and the LAMMPS fixtures: CHIK, BKS, ML liquids), widened by a margin:
 * - rmin of an attractive pair (the bond): BKS 1.385, Teter 1.40, CHIK 1.46, ML 1.47, ML-SiO 1.505 Å against a
 *   Si–O peak at 1.59–1.63 Å — the minimum sits 0.08–0.23 Å inside the peak (the neighbours stretch the bond).
 *   The upper bound is the physics screen's (physics/screen.ts BOND_INSIDE, 0.04 Å inside the peak): of the
 *   campaigns' MD runs with the minimum closer to the peak or beyond it, none scored below 35 %.
 * - rwall of two anions (O–O: the tetrahedron's edge): ML 2.47, CHIK 2.51, Teter 2.62, BKS 2.62 Å against a peak
 *   at 2.63–2.65 Å.
 * - rwall of two cations (Si–Si, screened by the anions between them, so their own wall sits well inside their
 *   peak): ML-ALL 2.39, CHIK 2.83 Å against 3.11 Å.
 */
export const WALL_OFFSETS = {
  bond: { below: 0.35, above: -BOND_INSIDE },
  anions: { below: 0.45, above: 0.2 },
  cations: { below: 1.0, above: 0.1 },
} as const;

/**
 * The wall coordinate of a pair and its bounds with the reason, from the reference's landmarks; null if the
 * reference has no peak for the pair. `kind`: rmin for an attractive pair (opposite charges), rwall for like ions;
 * `anions`: both ions are the charge-balancing (negative) species.
 */
export function shapedWallBound(species: SpeciesTable, pair: PairName, kind: 'rmin' | 'rwall', anions: boolean, landmarks: ReferenceLandmarks): { name: ParamName; bound: BoundSpec } | null {
  const lm = landmarks[pair];
  const label = pairList(species).find((p) => p.name === pair);
  if (!lm || !label) return null;
  const a = species.species[label.ti].name;
  const b = species.species[label.tj].name;
  const peak = `the reference's first ${a}–${b} peak at ${lm.peak.toFixed(2)} Å`;
  const o = kind === 'rmin' ? WALL_OFFSETS.bond : anions ? WALL_OFFSETS.anions : WALL_OFFSETS.cations;
  const what = kind === 'rmin' ? `position of the ${a}–${b} potential minimum (A follows from it)` : `where the ${a}–${b} Born–Mayer repulsion reaches 1 eV (A = e^{r/ρ} eV)`;
  return {
    name: `${kind}_${pair}`,
    bound: {
      lower: round3(lm.peak - o.below),
      upper: round3(lm.peak + o.above),
      scale: 'linear',
      why: `${what}: ${o.below} Å below to ${o.above >= 0 ? `${o.above} Å above` : `${-o.above} Å below`} ${peak}, where published sets put it`,
    },
  };
}

/** Whether both ions of a pair are the space's charge-balancing (anion) species. */
function anionPair(space: { species: SpeciesTable; chargeBalance: SpeciesName }, pair: PairName): boolean {
  const p = pairList(space.species).find((x) => x.name === pair);
  return !!p && space.species.species[p.ti].name === space.chargeBalance && space.species.species[p.tj].name === space.chargeBalance;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

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

/**
 * How a preset lays out its free parameters: 'paper' searches A, ρ, C as the paper does; 'wall' replaces each free
 * A by its pair's wall coordinate (rmin for attractive pairs, rwall for like ions; params/walls.ts) with bounds
 * from the reference (shapedWallBound) — the default for campaigns, which always have a reference.
 */
export const COORDINATES = ['wall', 'paper'] as const;
export type Coordinates = (typeof COORDINATES)[number];

export interface PresetOptions {
  readonly base?: BuiltinName;
  readonly bounds?: CustomSpaceOptions['bounds'];
  /** 'wall' needs `landmarks`. Default 'paper'. */
  readonly coordinates?: Coordinates;
  readonly landmarks?: ReferenceLandmarks;
}

/** The space of a preset; `base` overrides which built-in set supplies the fixed values. */
export function presetSpace(name: PresetName, opts: PresetOptions = {}): ParameterSpaceSpec {
  const p = PRESETS[name];
  if (!p) throw new Error(`unknown preset '${name}' (known: ${PRESET_NAMES.join(', ')})`);
  const base = silicaForceField(BUILTIN_SETS[opts.base ?? p.base]);
  if ((opts.coordinates ?? 'paper') === 'paper') return customSpace({ free: p.free, off: p.off, base, bounds: { ...(p.bounds ?? {}), ...(opts.bounds ?? {}) } });
  if (!opts.landmarks) throw new Error(`preset ${name} in wall coordinates needs the reference's landmarks`);
  const landmarks = opts.landmarks;
  // Build in the paper's coordinates, then swap each free A for its wall coordinate where the reference allows.
  const paper = customSpace({ free: p.free, off: p.off, base, bounds: p.bounds ?? {} });
  const free: Dimension[] = [];
  for (const d of paper.free) {
    const k = kindOf(d.name);
    const pair = d.name.slice(2);
    const w = k === 'A' ? shapedWallBound(paper.species, pair, attractive(paper.species, base.charge, pair) ? 'rmin' : 'rwall', anionPair(paper, pair), landmarks) : null;
    free.push(w ? { name: w.name, lower: w.bound.lower, upper: w.bound.upper, scale: w.bound.scale, unit: 'Å' } : d);
  }
  const over = opts.bounds ?? {};
  for (const n of Object.keys(over)) if (!free.some((d) => d.name === n)) throw new Error(`bounds for ${n}: not a free parameter of preset ${name} in ${opts.coordinates} coordinates (free: ${free.map((d) => d.name).join(', ')})`);
  return { ...paper, free: free.map((d) => ({ ...d, ...(over[d.name] ?? {}) })) };
}

/** The reason for each free dimension's bounds: the defaults' table, or the reference's landmarks for wall coordinates. */
export function boundReasons(space: ParameterSpaceSpec, landmarks?: ReferenceLandmarks): Record<ParamName, string> {
  const out: Record<ParamName, string> = {};
  for (const d of space.free) {
    const k = kindOf(d.name);
    if ((k === 'rmin' || k === 'rwall') && landmarks) {
      const pair = d.name.slice(d.name.indexOf('_') + 1);
      const w = shapedWallBound(space.species, pair, k, anionPair(space, pair), landmarks);
      if (w) out[d.name] = w.bound.why;
    } else if (k !== 'rmin' && k !== 'rwall') out[d.name] = (SILICA_BOUNDS[d.name] ?? GENERIC_BOUNDS[k]).why;
  }
  return out;
}
