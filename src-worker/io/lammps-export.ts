/**
 * LAMMPS files for a forcefield, so a fitted parameter set runs in LAMMPS (Debian `lammps`, 29 Sep 2021 and
 * later) exactly as glassfit ran it.
 *
 * Include variant — the exact form, no tables:
 *     pair_style hybrid/overlay coul/dsf α rc buck rc mie/cut rc
 *     pair_coeff * * coul/dsf
 *     pair_coeff i j buck A ρ (C − 1)
 *     pair_coeff i j mie/cut ε σ 24.0 6.0      σ¹⁸ = D, ε = 1/(Cm σ⁶), Cm = (24/18)·4^(1/3)
 * mie/cut with exponents 24 and 6 is Cm ε (σ²⁴/r²⁴ − σ⁶/r⁶) = D/r²⁴ − 1/r⁶; the buck term's C − 1 gives the
 * 1/r⁶ back. A pair without D gets plain `buck A ρ C` and no mie term; a pair with A = C = D = 0 only
 * Coulomb. Neither sub-style shifts its energy at the cut-off, like glassfit's kernel
 * (shared/lammps-fixtures/README.md explains the form and why it reproduces glassfit to round-off).
 *
 * Table variant — `pair_style table linear N` over a table file with the whole pair energy (Coulomb with the
 * charges folded in + short range) on N points equally spaced in r², from glassfit's exact kernel (LAMMPS's
 * polynomial erfc, as coul/dsf computes it). With N and the spacing matching the file, LAMMPS uses the values
 * as written (no re-spline). Faster in LAMMPS; its energy lacks coul/dsf's constant self term (given in the
 * header), and linear interpolation costs some accuracy (tests/export measures it).
 *
 * Numbers are written with JavaScript's shortest round-trip form, so LAMMPS reads back the same doubles.
 *
 * Every text that is not ours (campaign and reference names, notes) goes into a comment line through
 * `commentLine`: control characters become spaces, so a name can never start a line LAMMPS would execute
 * (`x\nshell rm …`), and a trailing '&' is dropped, so it can never continue a comment onto the next line.
 */
import type { ForceField } from '../md/forcefield.ts';
import { pairList, type SpeciesTable } from '../species.ts';
import { singleBuckDsf, prepareBuckDsf } from '../md/buck-dsf.ts';
import type { PairOut } from '../md/potential.ts';
import { oneLine } from './limits.ts';

/** One LAMMPS comment line holding any text: one line, no '&' continuation (see the module header). */
export function commentLine(text: string): string {
  const t = oneLine(text).replace(/[\s&]+$/, '');
  return t.startsWith('#') ? t : `# ${t}`;
}

/** A file name LAMMPS reads as one word in a pair_coeff line. */
const SAFE_FILE_NAME = /^[A-Za-z0-9._-]{1,200}$/;
/** mie/cut's prefactor for exponents (24, 6): (γr/(γr−γa))·(γr/γa)^(γa/(γr−γa)) = (4/3)·4^(1/3). */
export const MIE_24_6_PREFACTOR = (24 / 18) * Math.pow(24 / 6, 6 / 18);

export interface ExportMeta {
  /** Campaign name and id, when the set comes from one. */
  readonly campaign?: { readonly name: string; readonly id: string };
  /** Evaluation id and how it was made ('seq 17, bo'). */
  readonly evaluation?: { readonly id: number; readonly detail?: string };
  /** R_χ of the set (fraction) and what it was measured against. */
  readonly rChi?: { readonly value: number; readonly sd?: number | null; readonly n?: number; readonly against: string };
  /** ISO 8601 date of the export. */
  readonly date: string;
  readonly engineVersion?: string;
  /** Paper-named parameter values, for the header. */
  readonly values?: Readonly<Record<string, number>>;
  /** Extra header lines (each becomes a comment). */
  readonly notes?: readonly string[];
}

export interface ExportedFile {
  readonly fileName: string;
  readonly text: string;
}

const num = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`cannot export a non-finite number (${x})`);
  return String(x === 0 ? 0 : x); // no "-0"
};

/** mie/cut coefficients (ε, σ) for D/r²⁴ − 1/r⁶. */
export function mieCoefficients(D: number): { epsilon: number; sigma: number } {
  if (!(D > 0)) throw new Error(`mie/cut needs D > 0, got ${D}`);
  const sigma = Math.pow(D, 1 / 18);
  return { epsilon: 1 / (MIE_24_6_PREFACTOR * Math.pow(sigma, 6)), sigma };
}

function header(kind: string, ff: ForceField, species: SpeciesTable, meta: ExportMeta): string[] {
  const lines = [`# glassfit forcefield for LAMMPS — ${kind}`];
  if (meta.campaign) lines.push(`# campaign: ${meta.campaign.name} (${meta.campaign.id})`);
  if (meta.evaluation) lines.push(`# evaluation: ${meta.evaluation.id}${meta.evaluation.detail ? ` (${meta.evaluation.detail})` : ''}`);
  if (meta.rChi) {
    const r = meta.rChi;
    const spread = r.sd != null ? ` ± ${(100 * r.sd).toFixed(2)} % (${r.n ?? '?'} runs)` : '';
    lines.push(`# R_chi = ${(100 * r.value).toFixed(2)} %${spread} against ${r.against}`);
  }
  lines.push(`# date: ${meta.date}${meta.engineVersion ? `   engine: ${meta.engineVersion}` : ''}`);
  lines.push(
    '# units metal (eV, Å, e), atom_style charge. Include after read_data / create_box:',
    `#   ${species.species.map((s, k) => `type ${k + 1} = ${s.name}`).join(', ')}`,
    '# form: E_ij = k q_i q_j DSF(r) + A exp(-r/rho) - C/r^6 + D/r^24, coul/dsf damping ' +
      `${num(ff.dsf.alpha)} 1/Å, cut-offs ${num(ff.dsf.cutoff)} Å (Coulomb) and ${num(ff.cutoff)} Å (short range, not shifted)`,
  );
  if (meta.values) {
    const entries = Object.entries(meta.values);
    for (let i = 0; i < entries.length; i += 4) lines.push(`#   ${entries.slice(i, i + 4).map(([k, v]) => `${k} = ${num(v)}`).join(', ')}`);
  }
  for (const n of meta.notes ?? []) lines.push(`# ${n}`);
  return lines.map(commentLine);
}

function massAndCharge(ff: ForceField, species: SpeciesTable): string[] {
  const out: string[] = [];
  species.species.forEach((s, k) => out.push(`mass ${k + 1} ${num(s.mass)}`));
  species.species.forEach((s, k) => {
    const q = ff.charge[s.name];
    if (q === undefined) throw new Error(`the forcefield has no charge for ${s.name}`);
    out.push(`set type ${k + 1} charge ${num(q)}`);
  });
  return out;
}

/** The include file: exact hybrid/overlay coul/dsf + buck + mie/cut. */
export function lammpsInclude(ff: ForceField, species: SpeciesTable, meta: ExportMeta): string {
  const pairs = pairList(species).map((p) => {
    const pp = ff.pair[p.name];
    if (!pp) throw new Error(`the forcefield has no parameters for pair ${p.name}`);
    return { ...p, ...pp };
  });
  const hasMie = pairs.some((p) => p.D > 0);
  const hasBuck = pairs.some((p) => p.D > 0 || p.A !== 0 || p.C !== 0);
  const styles = [`coul/dsf ${num(ff.dsf.alpha)} ${num(ff.dsf.cutoff)}`];
  if (hasBuck) styles.push(`buck ${num(ff.cutoff)}`);
  if (hasMie) styles.push(`mie/cut ${num(ff.cutoff)}`);
  const lines = [...header('include file (exact form)', ff, species, meta), '', ...massAndCharge(ff, species), ''];
  lines.push(`pair_style hybrid/overlay ${styles.join(' ')}`, 'pair_coeff * * coul/dsf');
  for (const p of pairs) {
    const i = p.ti + 1;
    const j = p.tj + 1;
    if (p.D > 0) {
      const { epsilon, sigma } = mieCoefficients(p.D);
      lines.push(`pair_coeff ${i} ${j} buck ${num(p.A)} ${num(p.rho)} ${num(p.C - 1)}   # ${p.name}: A = ${num(p.A)} eV, rho = ${num(p.rho)} Å, C = ${num(p.C)} eV·Å^6 (C - 1: mie/cut adds -1/r^6)`);
      lines.push(`pair_coeff ${i} ${j} mie/cut ${num(epsilon)} ${num(sigma)} 24.0 6.0   # ${p.name}: D = ${num(p.D)} eV·Å^24 -> D/r^24 - 1/r^6`);
    } else if (p.A !== 0 || p.C !== 0) {
      lines.push(`pair_coeff ${i} ${j} buck ${num(p.A)} ${num(p.rho)} ${num(p.C)}   # ${p.name}: A = ${num(p.A)} eV, rho = ${num(p.rho)} Å, C = ${num(p.C)} eV·Å^6, no D wall`);
    } else {
      lines.push(`# ${p.name}: A = C = D = 0, Coulomb only`);
    }
  }
  return lines.join('\n') + '\n';
}

export interface TableOptions {
  /** Name of the table file, as the include's pair_coeff lines name it (relative to LAMMPS's working folder). */
  readonly tableFile: string;
  /** Points per pair (default 20 000). */
  readonly points?: number;
  /** Inner cut-off, Å (default 0.5): LAMMPS stops with an error if two atoms come closer. */
  readonly rInner?: number;
}

/** Table variant: the include file and the table file it names. */
export function lammpsTable(ff: ForceField, species: SpeciesTable, meta: ExportMeta, opts: TableOptions): { include: string; table: string } {
  const n = opts.points ?? 20_000;
  const rLo = opts.rInner ?? 0.5;
  if (!(Number.isInteger(n) && n >= 2)) throw new Error(`table points must be an integer ≥ 2, got ${n}`);
  if (!SAFE_FILE_NAME.test(opts.tableFile)) throw new Error(`table file name ${JSON.stringify(opts.tableFile.slice(0, 80))} must be one word of letters, digits, '.', '_' or '-'`);
  const rc = ff.cutoff;
  if (ff.dsf.cutoff !== rc) throw new Error(`the table variant needs equal cut-offs (short range ${rc} Å, Coulomb ${ff.dsf.cutoff} Å); use the include variant`);
  if (!(rLo > 0 && rLo < rc)) throw new Error(`table inner cut-off ${rLo} Å must lie in (0, ${rc}) Å`);
  const t = prepareBuckDsf(species, ff);
  const selfNotes = species.species.map((s, k) => `${s.name} ${num(t.selfEnergy[k])} eV`);
  const notes = [
    `pair_style table linear ${n}: whole pair energy (charges folded in) on ${n} points equally spaced in r^2 from ${num(rLo)} to ${num(rc)} Å, file ${opts.tableFile}`,
    `the coul/dsf self energy is a constant the table cannot hold: add per atom ${selfNotes.join(', ')} to compare energies with the include variant`,
    'set type ... charge is for other computes only: the table already holds the Coulomb energy',
  ];
  const hm = { ...meta, notes: [...(meta.notes ?? []), ...notes] };
  const inc = [...header(`table variant (pair_style table linear ${n})`, ff, species, hm), '', ...massAndCharge(ff, species), ''];
  inc.push(`pair_style table linear ${n}`);
  const tab = [...header(`pair table for ${opts.tableFile.replace(/\.[^.]*$/, '')}`, ff, species, meta), '# columns: index, r (Å), energy (eV), force -dE/dr (eV/Å)', ''];
  const out: PairOut = { energy: 0, fOverR: 0 };
  const lo2 = rLo * rLo;
  const d2 = (rc * rc - lo2) / (n - 1);
  for (const p of pairList(species)) {
    const keyword = p.name;
    inc.push(`pair_coeff ${p.ti + 1} ${p.tj + 1} ${opts.tableFile} ${keyword} ${num(rc)}`);
    tab.push(keyword, `N ${n} RSQ ${num(rLo)} ${num(rc)}`, '');
    for (let k = 0; k < n; k++) {
      // The last point sits exactly at the cut-off (LAMMPS evaluates pairs with r² < rc² only).
      const rsq = k === n - 1 ? rc * rc : lo2 + k * d2;
      const r = Math.sqrt(rsq);
      // Just inside the cut-off, so the last point holds the limit value rather than zero.
      singleBuckDsf(p.ti, p.tj, k === n - 1 ? rsq * (1 - 1e-15) : rsq, t, out);
      tab.push(`${k + 1} ${num(r)} ${out.energy.toPrecision(17)} ${(out.fOverR * r).toPrecision(17)}`);
    }
    tab.push('');
  }
  return { include: inc.join('\n') + '\n', table: tab.join('\n') };
}
