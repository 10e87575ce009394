/**
 * The reference: the structure a fit must reproduce — partial g(r) on the evaluation grid, optionally
 * bond-angle distributions and coordination — with its provenance and a content hash that identifies it
 * in campaigns. Built from a g(r) table or from a trajectory (glassfit then computes g(r), angles and
 * coordination itself), previewed for the UI, and serialised as plain JSON.
 */
import { z } from 'zod';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { SILICA, type PairName, type SpeciesTable } from '../species.ts';
import { binCentres } from '../analysis/histogram.ts';
import { DEFAULT_RDF_SPEC, type RdfSpec } from '../analysis/rdf.ts';
import { DEFAULT_TRIPLETS, distributionMean } from '../analysis/adf.ts';
import { DEFAULT_COORDINATION, type Coordination } from '../analysis/coordination.ts';
import type { BondCutoffs } from '../analysis/bonds.ts';
import { analyzeFrames, bondCutoffsFromRdf, bondedPairs, structureSpec, type Structure, type StructureSpec } from '../analysis/structure.ts';
import { firstMinimum, mainPeak } from '../analysis/peaks.ts';
import { readGrTable, resample, type AdfTable, type GrTable } from '../io/gr-table.ts';
import { readTrajectory, formatFromContent, formatFromName } from '../io/trajectory.ts';
import { ParseError } from '../io/frame.ts';
import { RANGES } from '../io/limits.ts';
import { DEFAULT_COST_RANGE, type CostRange } from './cost.ts';

/** Where a reference comes from, shown with it wherever it appears. */
export interface ReferenceProvenance {
  readonly kind: 'builtin' | 'gr-table' | 'trajectory';
  readonly name: string; // short title for lists
  readonly source: string; // file name(s) it was read from
  readonly description: string; // what it is, in plain words
  readonly method?: string; // e.g. 'classical MD (LAMMPS), CHIK potential' or 'AIMD (user data)'
  readonly abInitio?: boolean; // false for the built-in classical stand-in; unknown (absent) for user files
  readonly temperatureK?: number;
  readonly densityGcm3?: number;
  readonly atoms?: number;
  readonly frames?: number;
  readonly notes?: readonly string[];
}

export interface ReferenceAdf {
  readonly theta: Float64Array; // [nθ] degrees, bin centres
  readonly dTheta: number; // degrees
  readonly triplets: readonly string[]; // 'OSiO', 'SiOSi'
  readonly p: Readonly<Record<string, Float64Array>>; // 1/degree, Σ p·Δθ = 1
  /** Bond cut-offs these distributions were computed with: an MD run must use the same to compare. */
  readonly bondCutoffs: BondCutoffs;
}

export interface Reference {
  readonly species: readonly string[]; // species names in table order
  /** The g(r) bins the evaluator computes the model's g(r) on; r below are its centres. */
  readonly grid: RdfSpec;
  readonly r: Float64Array; // [nr] Å, centres of grid bins the reference covers
  readonly pairs: readonly PairName[];
  readonly g: Readonly<Record<PairName, Float64Array>>; // [nr] each
  readonly adf: ReferenceAdf | null;
  readonly coordination: readonly Coordination[] | null;
  readonly provenance: ReferenceProvenance;
  readonly hash: string; // 'sha256:' + hex of the data (grid, g, ADF, coordination), not the provenance
}

// ---------------------------------------------------------------------------------------------- hash

/** Canonical JSON of the data: numbers as JavaScript's shortest round-trip text, keys in fixed order. */
function canonicalData(ref: Omit<Reference, 'hash' | 'provenance'>): string {
  return JSON.stringify([
    ref.species,
    [ref.grid.rMax, ref.grid.nBins],
    Array.from(ref.r),
    ref.pairs.map((p) => [p, Array.from(ref.g[p])]),
    ref.adf && [Array.from(ref.adf.theta), ref.adf.dTheta, ref.adf.triplets.map((t) => [t, Array.from(ref.adf!.p[t])]), Object.entries(ref.adf.bondCutoffs).sort()],
    ref.coordination && ref.coordination.map((c) => [c.centre, c.neighbour, Array.from(c.fractions), c.mean]),
  ]);
}

export function referenceHash(ref: Omit<Reference, 'hash' | 'provenance'>): string {
  return 'sha256:' + bytesToHex(sha256(utf8ToBytes(canonicalData(ref))));
}

function seal(data: Omit<Reference, 'hash'>): Reference {
  return { ...data, hash: referenceHash(data) };
}

// ------------------------------------------------------------------------------------------ builders

export interface TableReferenceOptions {
  readonly species?: SpeciesTable; // default SILICA
  readonly grid?: RdfSpec; // default 0–8 Å, 0.02 Å bins
  readonly provenance: ReferenceProvenance;
  readonly adf?: AdfTable | null;
  /** Cut-offs the ADF table was computed with; required with `adf`. */
  readonly adfBondCutoffs?: BondCutoffs;
}

/**
 * A reference from a g(r) table, resampled onto the evaluation grid's bin centres (values copied where the
 * table already sits on them). Grid points outside the table's r-range are left out of the reference, so
 * the cost never extrapolates.
 */
export function referenceFromGrTable(table: GrTable, opts: TableReferenceOptions): Reference {
  const species = opts.species ?? SILICA;
  const grid = opts.grid ?? DEFAULT_RDF_SPEC;
  const centres = binCentres({ lo: 0, hi: grid.rMax, n: grid.nBins });
  const g: Record<PairName, Float64Array> = {};
  let from = 0;
  let to = centres.length;
  for (const p of table.pairs) {
    const s = resample(table.r, table.g[p], centres);
    g[p] = s.values;
    from = s.from;
    to = s.to;
  }
  if (to - from < 2) throw new Error(`the table's r-range (${table.r[0]}–${table.r[table.r.length - 1]} Å) covers fewer than 2 points of the evaluation grid`);
  let adf: ReferenceAdf | null = null;
  if (opts.adf) {
    if (!opts.adfBondCutoffs) throw new Error('an angle-distribution table needs the bond cut-offs it was computed with');
    adf = adfFromTable(opts.adf, opts.adfBondCutoffs);
  }
  return seal({
    species: species.species.map((s) => s.name),
    grid,
    r: centres.slice(from, to),
    pairs: table.pairs,
    g,
    adf,
    coordination: null,
    provenance: opts.provenance,
  });
}

/** ADF table as given; θ must be equally spaced (bin centres). */
function adfFromTable(t: AdfTable, bondCutoffs: BondCutoffs): ReferenceAdf {
  const dTheta = (t.theta[t.theta.length - 1] - t.theta[0]) / (t.theta.length - 1);
  for (let i = 1; i < t.theta.length; i++) {
    if (Math.abs(t.theta[i] - t.theta[i - 1] - dTheta) > 1e-6 * dTheta) throw new Error('angle table: θ must be equally spaced');
  }
  return { theta: t.theta, dTheta, triplets: t.triplets, p: t.p, bondCutoffs };
}

/** A reference from an analysed trajectory (g(r) on its own grid, ADF, coordination). */
export function referenceFromStructure(s: Structure, species: SpeciesTable, grid: RdfSpec, provenance: ReferenceProvenance): Reference {
  const adf: ReferenceAdf | null =
    s.adf && s.bondCutoffs ? { theta: s.adf.theta, dTheta: s.adf.dTheta, triplets: s.adf.triplets, p: s.adf.p, bondCutoffs: s.bondCutoffs } : null;
  return seal({
    species: species.species.map((sp) => sp.name),
    grid,
    r: s.rdf.r,
    pairs: s.rdf.pairs,
    g: s.rdf.g,
    adf,
    coordination: s.coordination.length > 0 ? s.coordination : null,
    provenance,
  });
}

// ------------------------------------------------------------------------------------------- usability

/**
 * Fewest reference points inside the cost range for R_χ to mean anything: a handful of bins cannot tell one
 * liquid structure from another (the default grid has 400 in 0–8 Å).
 */
export const MIN_REFERENCE_POINTS = 10;

export interface UsabilityOptions {
  /** r-range of the R_χ sums (default 0–8 Å). */
  readonly costRange?: CostRange;
  /** Pairs the fit needs (the free parameters' pairs); each must be present and non-zero. */
  readonly needPairs?: readonly PairName[];
  /** Why those pairs are needed, for the message (e.g. 'the free parameters qSi, A_SiO'). */
  readonly needWhy?: string;
}

/**
 * Everything that makes a reference unusable for R_χ, each in one line; empty when it is usable. Values must be
 * finite and in their physical range (g ≥ 0, limits.ts), r increasing, enough points in the cost range, every
 * pair present non-zero there (Σ g_ref² is R_χ's denominator: a zero pair makes it 0/0), and the pairs the fit
 * needs present. Checked at import, at campaign creation and on every evaluation spec, so a reference that would
 * make R_χ NaN can never be stored or run.
 */
export function referenceProblems(ref: Reference, opts: UsabilityOptions = {}): string[] {
  const out: string[] = [];
  const { rMin, rMax } = opts.costRange ?? DEFAULT_COST_RANGE;
  const r = ref.r;
  if (ref.pairs.length === 0) out.push('it holds no pair g(r)');
  for (let i = 0; i < r.length; i++) {
    if (!(Number.isFinite(r[i]) && r[i] >= RANGES.r.min && r[i] <= RANGES.r.max) || (i > 0 && !(r[i] > r[i - 1]))) {
      out.push(`its r grid is not finite and increasing in [0, ${RANGES.r.max}] Å (point ${i + 1}: ${r[i]})`);
      break;
    }
  }
  let from = 0;
  while (from < r.length && r[from] < rMin) from++;
  let to = r.length;
  while (to > from && r[to - 1] > rMax) to--;
  if (to - from < MIN_REFERENCE_POINTS) out.push(`it has ${to - from} point${to - from === 1 ? '' : 's'} in the cost range ${rMin}–${rMax} Å; at least ${MIN_REFERENCE_POINTS} are needed`);
  const g = RANGES.g;
  for (const p of ref.pairs) {
    const v = ref.g[p];
    if (!v || v.length !== r.length) {
      out.push(`g_${p} has ${v ? v.length : 0} values for ${r.length} r points`);
      continue;
    }
    let bad = -1;
    let sumSq = 0;
    for (let i = 0; i < v.length; i++) {
      if (!(v[i] >= g.min && v[i] <= g.max)) {
        bad = i;
        break;
      }
      if (i >= from && i < to) sumSq += v[i] * v[i];
    }
    if (bad >= 0) out.push(`g_${p} = ${v[bad]} at r = ${r[bad]} Å is outside [${g.min}, ${g.max}]: ${g.why}`);
    else if (!(sumSq > 0) && to > from) out.push(`g_${p} is zero at every r in the cost range ${rMin}–${rMax} Å, so its χ² is 0/0`);
  }
  const missing = (opts.needPairs ?? []).filter((p) => !ref.pairs.includes(p));
  if (missing.length) out.push(`it has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}, which ${opts.needWhy ?? 'the fit'} need${opts.needWhy ? '' : 's'}`);
  if (ref.adf) {
    for (const t of ref.adf.triplets) {
      const p = ref.adf.p[t];
      const k = p ? p.findIndex((x) => !(x >= RANGES.adf.min && x <= RANGES.adf.max)) : 0;
      if (k >= 0) {
        out.push(`the ${t} angle distribution has ${p ? `${p[k]} at θ = ${ref.adf.theta[k]}°` : 'no values'}: ${RANGES.adf.why}`);
        break;
      }
    }
  }
  return out;
}

/** A ParseError at line 1 of the file when the reference is unusable: the import dialog and the CLI show it. */
function requireUsable(ref: Reference, fileName: string): Reference {
  const problems = referenceProblems(ref);
  if (problems.length) throw new ParseError(fileName, 1, `unusable reference: ${problems.join('; ')}`);
  return ref;
}

export interface ImportOptions {
  readonly species?: SpeciesTable; // default SILICA
  readonly grid?: RdfSpec; // evaluation grid, default 0–8 Å / 0.02 Å
  readonly typeMap?: Readonly<Record<number, string>>; // LAMMPS dump types
  readonly bondCutoffs?: BondCutoffs; // for a trajectory's ADF; default: first minimum of its own g
  readonly description?: string;
}

/**
 * Import a user's file (what `reference.import` receives: its name and text): a g(r) table, or a
 * trajectory analysed here. Malformed files throw ParseError (file, line, problem).
 */
export function importReference(text: string, fileName: string, opts: ImportOptions = {}): Reference {
  const species = opts.species ?? SILICA;
  const grid = opts.grid ?? DEFAULT_RDF_SPEC;
  if (isTable(text, fileName)) {
    const table = readGrTable(text, fileName, species);
    const fromTable = referenceFromGrTable(table, {
      species,
      grid,
      provenance: {
        kind: 'gr-table',
        name: fileName,
        source: fileName,
        description: opts.description ?? `partial g(r) table ${fileName} (${table.pairs.join(', ')}; r ${table.r[0]}–${table.r[table.r.length - 1]} Å, ${table.r.length} rows)`,
      },
    });
    return requireUsable(fromTable, fileName);
  }
  const frames = readTrajectory(text, fileName, { species, typeMap: opts.typeMap });
  const s = analyzeFrames(frames, species, { rdf: grid, bondCutoffs: opts.bondCutoffs ?? null });
  const f0 = frames[0];
  const fromFrames = referenceFromStructure(s, species, grid, {
    kind: 'trajectory',
    name: fileName,
    source: fileName,
    description: opts.description ?? `g(r), bond angles and coordination computed by glassfit from ${frames.length} frame${frames.length === 1 ? '' : 's'} of ${fileName}`,
    atoms: f0.n,
    frames: frames.length,
    notes: frames.length < 10 ? [`only ${frames.length} frame${frames.length === 1 ? '' : 's'}: g(r) will be noisy`] : undefined,
  });
  return requireUsable(fromFrames, fileName);
}

/**
 * A g(r) table rather than a trajectory. Order matters: a trajectory's name decides first; then a header
 * whose first column is r (a whitespace table's numbers would otherwise pass for a POSCAR's lattice);
 * then the content of a trajectory; then a table extension, so a table with a bad header gets the
 * table reader's error rather than "unrecognised".
 */
function isTable(text: string, fileName: string): boolean {
  if (formatFromName(fileName)) return false;
  const first = text.split(/\r?\n/, 50).find((l) => l.trim() !== '');
  if (first && /^#?\s*r(_A|_Å|\s*\((A|Å)\))?\s*[,\s]/i.test(first.trim())) return true;
  if (formatFromContent(text)) return false;
  if (/\.(csv|tsv|dat|txt|gr|rdf)$/i.test(fileName)) return true;
  throw new ParseError(fileName, 1, 'neither a g(r) table (header r,SiSi,SiO,OO) nor a trajectory (LAMMPS dump, extended XYZ, XDATCAR, POSCAR/CONTCAR)');
}

// ----------------------------------------------------------------------------------- derived values

/** The species pairs the default ADF and coordination need bonds for (Si–O for silica). */
export function neededBondPairs(species: SpeciesTable = SILICA): PairName[] {
  return bondedPairs(species, DEFAULT_TRIPLETS, DEFAULT_COORDINATION);
}

/**
 * Bond cut-offs an MD run should use for its ADF and coordination against this reference: those the
 * reference's own ADF was computed with, so like is compared with like (the built-in CHIK ADF used
 * Si–O < 2.3 Å); otherwise the first minimum of the reference's g (the issue's rule). `override` wins.
 */
export function referenceBondCutoffs(ref: Reference, species: SpeciesTable = SILICA, override?: BondCutoffs): BondCutoffs {
  if (override) return override;
  if (ref.adf) return ref.adf.bondCutoffs;
  return bondCutoffsFromRdf(ref.r, ref.g, neededBondPairs(species).filter((p) => ref.g[p]));
}

/**
 * What an MD run samples to be compared with this reference: g(r) on the reference's own bins (so the cost
 * reads the model's values without interpolation), angles and coordination with its bond cut-offs.
 */
export function structureSpecFor(ref: Reference, species: SpeciesTable = SILICA, override?: BondCutoffs): StructureSpec {
  let bonds: BondCutoffs | null;
  try {
    bonds = referenceBondCutoffs(ref, species, override);
  } catch {
    bonds = null; // no pair with a usable first minimum: sample g(r) only
  }
  return structureSpec(bonds, { rdf: ref.grid, triplets: ref.adf?.triplets.length ? tripletSpecs(ref.adf.triplets, species) : undefined });
}

/** 'OSiO' → 'O-Si-O' by matching species names (longest first, so 'Si' wins over 'S'). */
function tripletSpecs(names: readonly string[], species: SpeciesTable): string[] {
  const syms = species.species.map((s) => s.name).sort((a, b) => b.length - a.length);
  return names.map((n) => {
    const parts: string[] = [];
    let rest = n;
    while (rest.length > 0) {
      const s = syms.find((x) => rest.startsWith(x));
      if (!s) throw new Error(`angle triplet '${n}' does not split into species of ${syms.join(', ')}`);
      parts.push(s);
      rest = rest.slice(s.length);
    }
    return parts.join('-');
  });
}

/** What the import dialog and the reference panel show. */
export interface ReferencePreview {
  readonly hash: string;
  readonly provenance: ReferenceProvenance;
  readonly pairs: readonly PairName[];
  readonly rRange: readonly [number, number]; // Å, first and last grid point
  readonly points: number;
  readonly dr: number; // Å
  readonly peaks: Readonly<Record<PairName, { r: number; g: number } | null>>; // main peak per pair
  readonly firstMinimum: Readonly<Record<PairName, number | null>>; // Å, first minimum after it
  readonly bondCutoffs: BondCutoffs | null; // what the evaluator will use for angles
  readonly angles: Readonly<Record<string, { mean: number; peak: number }>> | null; // degrees
  readonly coordination: readonly { centre: string; neighbour: string; mean: number; fractions: Readonly<Record<string, number>> }[] | null;
  readonly warnings: readonly string[];
}

export function previewReference(ref: Reference, species: SpeciesTable = SILICA): ReferencePreview {
  const peaks: Record<PairName, { r: number; g: number } | null> = {};
  const mins: Record<PairName, number | null> = {};
  for (const p of ref.pairs) {
    const pk = mainPeak(ref.r, ref.g[p]);
    peaks[p] = pk && { r: pk.r, g: pk.g };
    mins[p] = firstMinimum(ref.r, ref.g[p])?.r ?? null;
  }
  const warnings: string[] = [];
  const all = [];
  for (let i = 0; i < species.species.length; i++) for (let j = i; j < species.species.length; j++) all.push(species.species[i].name + species.species[j].name);
  const missing = all.filter((p) => !ref.pairs.includes(p));
  if (missing.length) warnings.push(`no ${missing.join(', ')} column: R_χ will average over ${ref.pairs.join(', ')} only`);
  const dr = ref.grid.rMax / ref.grid.nBins;
  if (ref.r[0] > dr) warnings.push(`the reference starts at r = ${ref.r[0]} Å: shorter distances are not compared`);
  if (ref.r[ref.r.length - 1] < ref.grid.rMax - dr) warnings.push(`the reference ends at r = ${ref.r[ref.r.length - 1]} Å, before ${ref.grid.rMax} Å`);
  if (ref.provenance.abInitio === false) warnings.push('this reference is classical MD, not ab initio: a stand-in for your own AIMD data');
  let bondCutoffs: BondCutoffs | null = null;
  try {
    bondCutoffs = referenceBondCutoffs(ref, species);
  } catch (e) {
    warnings.push((e as Error).message);
  }
  const angles = ref.adf
    ? Object.fromEntries(
        ref.adf.triplets.map((t) => {
          const p = ref.adf!.p[t];
          const pk = mainPeak(ref.adf!.theta, p);
          return [t, { mean: distributionMean(ref.adf!.theta, p, ref.adf!.dTheta), peak: pk ? pk.r : NaN }];
        }),
      )
    : null;
  const coordination = ref.coordination
    ? ref.coordination.map((c) => ({
        centre: c.centre,
        neighbour: c.neighbour,
        mean: c.mean,
        fractions: Object.fromEntries(Array.from(c.fractions).flatMap((f, z) => (f > 0 ? [[String(z), f]] : []))),
      }))
    : null;
  return {
    hash: ref.hash,
    provenance: ref.provenance,
    pairs: ref.pairs,
    rRange: [ref.r[0], ref.r[ref.r.length - 1]],
    points: ref.r.length,
    dr,
    peaks,
    firstMinimum: mins,
    bondCutoffs,
    angles,
    coordination,
    warnings,
  };
}

// ------------------------------------------------------------------------------------ serialisation

const numbers = z.array(z.number());
const Provenance = z.object({
  kind: z.enum(['builtin', 'gr-table', 'trajectory']),
  name: z.string().min(1),
  source: z.string(),
  description: z.string().min(1),
  method: z.string().optional(),
  abInitio: z.boolean().optional(),
  temperatureK: z.number().optional(),
  densityGcm3: z.number().optional(),
  atoms: z.number().int().optional(),
  frames: z.number().int().optional(),
  notes: z.array(z.string()).optional(),
});

/** Provenance as stored in resources/reference/provenance.json and in campaigns. */
export const ReferenceProvenanceSchema = Provenance;

/** A Reference as JSON: typed arrays as number arrays. Validated on the way in, hash re-checked. */
export const ReferenceJsonSchema = z.object({
  species: z.array(z.string()),
  grid: z.object({ rMax: z.number().positive(), nBins: z.number().int().positive() }),
  r: numbers,
  pairs: z.array(z.string()),
  g: z.record(z.string(), numbers),
  adf: z
    .object({ theta: numbers, dTheta: z.number().positive(), triplets: z.array(z.string()), p: z.record(z.string(), numbers), bondCutoffs: z.record(z.string(), z.number()) })
    .nullable(),
  coordination: z
    .array(z.object({ centre: z.string(), neighbour: z.string(), fractions: numbers, mean: z.number().nullable(), samples: z.number(), frames: z.number() }))
    .nullable(),
  provenance: Provenance,
  hash: z.string(),
});
export type ReferenceJson = z.infer<typeof ReferenceJsonSchema>;

export function referenceToJson(ref: Reference): ReferenceJson {
  const arr = (a: Float64Array) => Array.from(a);
  return {
    species: [...ref.species],
    grid: { ...ref.grid },
    r: arr(ref.r),
    pairs: [...ref.pairs],
    g: Object.fromEntries(ref.pairs.map((p) => [p, arr(ref.g[p])])),
    adf: ref.adf && {
      theta: arr(ref.adf.theta),
      dTheta: ref.adf.dTheta,
      triplets: [...ref.adf.triplets],
      p: Object.fromEntries(ref.adf.triplets.map((t) => [t, arr(ref.adf!.p[t])])),
      bondCutoffs: { ...(ref.adf.bondCutoffs as Record<string, number>) },
    },
    coordination: ref.coordination && ref.coordination.map((c) => ({ ...c, fractions: arr(c.fractions), mean: Number.isNaN(c.mean) ? null : c.mean })),
    provenance: { ...ref.provenance, notes: ref.provenance.notes ? [...ref.provenance.notes] : undefined },
    hash: ref.hash,
  };
}

/** Parse stored JSON; throws when it does not validate or its data do not match its hash. */
export function referenceFromJson(json: unknown): Reference {
  const j = ReferenceJsonSchema.parse(json);
  const f = (a: number[]) => Float64Array.from(a);
  const ref = seal({
    species: j.species,
    grid: j.grid,
    r: f(j.r),
    pairs: j.pairs,
    g: Object.fromEntries(j.pairs.map((p) => [p, f(j.g[p] ?? [])])),
    adf: j.adf && { ...j.adf, theta: f(j.adf.theta), p: Object.fromEntries(Object.entries(j.adf.p).map(([k, v]) => [k, f(v)])) },
    coordination: j.coordination && j.coordination.map((c) => ({ ...c, fractions: f(c.fractions), mean: c.mean ?? NaN })),
    provenance: j.provenance,
  });
  if (ref.hash !== j.hash) throw new Error(`reference data do not match their hash (${j.hash}): the stored reference was altered`);
  return ref;
}
