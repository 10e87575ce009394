/**
 * A campaign's results as files: every evaluation as JSON or CSV, and one evaluation's parameter set as LAMMPS
 * input (include or table variant, io/lammps-export.ts) or as a glassfit parameter file
 * (params/forcefield-file.ts, what `--potential file.json` reads). Environment-free: the callers (API
 * handlers, CLI) fetch records from the store and write the texts where they belong.
 *
 * JSON keeps the API's units (R_χ and χ as fractions); CSV is for spreadsheets and says its units in the
 * column names (R_χ and χ in percent, parameters with their unit suffix).
 */
import { lammpsInclude, lammpsTable, type ExportMeta, type ExportedFile } from '../io/lammps-export.ts';
import { writeForceFieldFile } from '../params/forcefield-file.ts';
import { allParamNames, kindOf, PARAM_UNITS } from '../params/space.ts';
import type { ForceField } from '../md/forcefield.ts';
import type { CampaignInfo, EvaluationRecord } from './records.ts';
import { ENGINE_VERSION } from '../evaluate/spec.ts';

/** Mean and sample sd of the best point's R_χ over itself and its final replicas. */
export interface RChiSpread {
  readonly value: number;
  readonly sd: number | null;
  readonly n: number;
}

/** R_χ of an evaluation together with the final replicas of the same point (origin 'final', meta.of = its id). */
export function rChiWithReplicas(e: EvaluationRecord, all: readonly EvaluationRecord[]): RChiSpread | null {
  if (e.rChi === null) return null;
  const values = [e.rChi, ...all.filter((x) => x.origin === 'final' && x.meta?.of === e.id && x.rChi !== null).map((x) => x.rChi as number)];
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : null;
  return { value: mean, sd, n };
}

function referenceLabel(c: CampaignInfo): string {
  const p = c.reference.provenance;
  return p.abInitio === false && !/not (ab initio|AIMD)/i.test(p.name) ? `${p.name} (classical MD, not AIMD)` : p.name;
}

function exportMeta(c: CampaignInfo, e: EvaluationRecord, spread: RChiSpread | null, date: string): ExportMeta {
  const detail = [`seq ${e.seq}`, e.origin, e.phase, e.label].filter(Boolean).join(', ');
  const p = c.protocol;
  return {
    campaign: { name: c.name, id: c.id },
    evaluation: { id: e.id, detail },
    ...(spread ? { rChi: { value: spread.value, sd: spread.sd, n: spread.n, against: referenceLabel(c) } } : {}),
    date,
    engineVersion: e.engineVersion ?? ENGINE_VERSION,
    values: e.values,
    notes: [`R_chi measured by ${e.engineVersion ?? ENGINE_VERSION} MD: ${p.atoms} atoms, ${p.densityGcm3} g/cm^3, ${p.temperature} K, ${p.relax} + ${p.production} ps`],
  };
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'campaign';

/** LAMMPS files for an evaluation's parameters: the include file, plus the table file for the table variant. */
export function exportLammps(c: CampaignInfo, e: EvaluationRecord, all: readonly EvaluationRecord[], variant: 'include' | 'table', date: string): ExportedFile[] {
  const meta = exportMeta(c, e, rChiWithReplicas(e, all), date);
  const base = `${slug(c.name)}-eval${e.id}`;
  const ff = e.params as ForceField;
  if (variant === 'include') return [{ fileName: `${base}.lmp`, text: lammpsInclude(ff, c.species, meta) }];
  const tableFile = `${base}.table`;
  const t = lammpsTable(ff, c.species, meta, { tableFile });
  return [
    { fileName: `${base}-table.lmp`, text: t.include },
    { fileName: tableFile, text: t.table },
  ];
}

/** The parameter set as a glassfit forcefield file (readable by `--potential`). */
export function exportForceField(c: CampaignInfo, e: EvaluationRecord, all: readonly EvaluationRecord[]): ExportedFile {
  const spread = rChiWithReplicas(e, all);
  const r = spread ? `, R_chi ${(100 * spread.value).toFixed(2)} %${spread.sd !== null ? ` ± ${(100 * spread.sd).toFixed(2)} %` : ''} against ${referenceLabel(c)}` : '';
  return {
    fileName: `${slug(c.name)}-eval${e.id}.json`,
    text: writeForceFieldFile(e.params as ForceField, c.species, {
      name: `${c.name} — evaluation ${e.id}`,
      source: `glassfit campaign ${c.id}, evaluation ${e.id} (seq ${e.seq}, ${e.origin}, ${e.phase})${r}`,
      composition: c.space.composition,
    }),
  };
}

/** Every evaluation of a campaign as one JSON document (fractions, metal units). */
export function exportJson(c: CampaignInfo, all: readonly EvaluationRecord[], best: EvaluationRecord | null, date: string): ExportedFile {
  const doc = {
    format: 'glassfit-campaign',
    version: 1,
    exportedAt: date,
    units: { rChi: 'fraction (0.0877 = 8.77 %)', charge: 'e', A: 'eV', rho: 'Å', C: 'eV·Å^6', D: 'eV·Å^24', time: 's' },
    campaign: c,
    best: best && {
      evaluationId: best.id,
      rChi: rChiWithReplicas(best, all),
      values: best.values,
      forcefield: JSON.parse(exportForceField(c, best, all).text) as unknown,
    },
    evaluations: all,
  };
  return { fileName: `${slug(c.name)}-evaluations.json`, text: JSON.stringify(doc, null, 1) + '\n' };
}

/**
 * One CSV field: quoted when it holds a comma, quote or line break; a text (never a number) starting with = + - @
 * or a tab gets a leading apostrophe, so a spreadsheet shows it instead of running it as a formula.
 */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v !== 'number' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const UNIT_SUFFIX: Record<string, string> = { e: 'e', eV: 'eV', Å: 'A', 'eV·Å⁶': 'eV_A6' };

/**
 * Every evaluation of a campaign as CSV: one row each, R_χ and χ in percent, parameters with unit suffixes. A
 * stopped run's R_χ is its partial one (status 'stopped'; stop_* say where and against which threshold); a
 * screened point has none (screen_rule says why).
 */
export function exportCsv(c: CampaignInfo, all: readonly EvaluationRecord[]): ExportedFile {
  const names = allParamNames(c.space.species, c.space.chargeBalance);
  const pairs = [...new Set(all.flatMap((e) => (e.chiByPair ? Object.keys(e.chiByPair) : [])))];
  const d = c.space.free.length;
  const cols = [
    'id',
    'seq',
    'origin',
    'phase',
    'label',
    'status',
    'r_chi_pct',
    ...pairs.map((p) => `chi_${p}_pct`),
    ...names.map((n) => `${n}_${UNIT_SUFFIX[PARAM_UNITS[kindOf(n)]]}`),
    ...Array.from({ length: d }, (_, k) => `u_${c.space.free[k].name}`),
    'seed',
    'kernel',
    'started_at',
    'finished_at',
    'duration_s',
    'us_per_atom_step',
    'engine_version',
    'error',
    'screen_rule',
    'stop_at_step',
    'stop_total_steps',
    'stop_threshold_pct',
  ];
  const lines = [cols.join(',')];
  for (const e of all) {
    const pct = (x: number | null | undefined) => (x === null || x === undefined ? null : 100 * x);
    const row = [
      e.id,
      e.seq,
      e.origin,
      e.phase,
      e.label,
      e.status,
      pct(e.rChi),
      ...pairs.map((p) => pct(e.chiByPair?.[p])),
      ...names.map((n) => e.values[n]),
      ...Array.from({ length: d }, (_, k) => e.u[k]),
      e.seed,
      e.kernel,
      e.startedAt,
      e.finishedAt,
      e.durationS,
      e.usPerAtomStep,
      e.engineVersion,
      e.error,
      e.screen?.rule,
      e.earlyStop?.atStep,
      e.earlyStop?.totalSteps,
      pct(e.earlyStop?.threshold),
    ];
    lines.push(row.map(csvField).join(','));
  }
  return { fileName: `${slug(c.name)}-evaluations.csv`, text: lines.join('\n') + '\n' };
}
