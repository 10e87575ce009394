/**
 * LAMMPS data files (`read_data` / `write_data`) for orthorhombic periodic boxes: header counts and box, the
 * Masses, Atoms (styles charge, atomic, full, molecular) and Velocities sections; other sections are skipped.
 * Atom types are numbers in the file; they get species names from `# Si` comments in Masses (as write_data
 * of glassfit writes them), from caller-given names, or by matching the masses with a species table.
 * Positions are shifted so the box starts at the origin (the engine's convention). Every problem is a
 * ParseError naming the file, the line and what is wrong. Numbers are written in JavaScript's shortest
 * round-trip form, so write → read is exact.
 */
import { ParseError, type Frame } from './frame.ts';
import type { SpeciesTable } from '../species.ts';
import { checkAtomCount, checkRange, parseInteger, parseNumber, readLines, type RangeSpec } from './parse-fields.ts';
import { oneLine, quoteToken } from './limits.ts';

/** Most atom types a data file may declare: glassfit's species tables hold a few species. */
const MAX_ATOM_TYPES = 1000;

export type AtomStyle = 'charge' | 'atomic' | 'full' | 'molecular';

/** What a data file holds beyond the Frame: types, masses and per-atom charges as written. */
export interface LammpsData {
  readonly frame: Frame;
  readonly atomStyle: AtomStyle;
  readonly typeNames: readonly string[]; // [nTypes] name of type k+1
  readonly masses: readonly (number | undefined)[]; // [nTypes] amu, if the file has a Masses section
  readonly types: Int32Array; // [n] LAMMPS type (1-based) per atom, file order
  readonly charges?: Float64Array; // [n] e, for styles with a charge column
}

export interface ReadLammpsDataOptions {
  /** Names of types 1, 2, …; overrides Masses comments. */
  readonly typeNames?: readonly string[];
  /** Name unnamed types by matching their mass (within 0.01 amu) with these species. */
  readonly species?: SpeciesTable;
}

const SECTION_NAMES = new Set([
  'Atoms',
  'Velocities',
  'Masses',
  'Ellipsoids',
  'Lines',
  'Triangles',
  'Bodies',
  'Bonds',
  'Angles',
  'Dihedrals',
  'Impropers',
  'Pair Coeffs',
  'PairIJ Coeffs',
  'Bond Coeffs',
  'Angle Coeffs',
  'Dihedral Coeffs',
  'Improper Coeffs',
  'BondBond Coeffs',
  'BondAngle Coeffs',
  'MiddleBondTorsion Coeffs',
  'EndBondTorsion Coeffs',
  'AngleTorsion Coeffs',
  'AngleAngleTorsion Coeffs',
  'BondBond13 Coeffs',
  'AngleAngle Coeffs',
]);

// Columns per style before the optional three image flags; positions start at `xAt`.
const STYLES: Record<AtomStyle, { cols: number; typeAt: number; qAt: number; xAt: number }> = {
  charge: { cols: 6, typeAt: 1, qAt: 2, xAt: 3 },
  atomic: { cols: 5, typeAt: 1, qAt: -1, xAt: 2 },
  full: { cols: 7, typeAt: 2, qAt: 3, xAt: 4 },
  molecular: { cols: 6, typeAt: 2, qAt: -1, xAt: 3 },
};

function stripComment(line: string): [string, string] {
  const h = line.indexOf('#');
  return h < 0 ? [line.trim(), ''] : [line.slice(0, h).trim(), line.slice(h + 1).trim()];
}

function number(s: string, file: string, line: number, what: string, range?: RangeSpec): number {
  return parseNumber(s, file, line, what, range);
}

function integer(s: string, file: string, line: number, what: string, range?: RangeSpec): number {
  return parseInteger(s, file, line, what, range);
}

/** Parse a LAMMPS data file. */
export function readLammpsData(text: string, file: string, opts: ReadLammpsDataOptions = {}): LammpsData {
  const lines = readLines(text, file);
  let nAtoms = -1;
  let nTypes = -1;
  const lo = [NaN, NaN, NaN];
  const hi = [NaN, NaN, NaN];
  let li = 1; // line 1 is the title
  // --- header
  for (; li < lines.length; li++) {
    const [body] = stripComment(lines[li]);
    if (body === '') continue;
    if (SECTION_NAMES.has(body)) break;
    const tok = body.split(/\s+/);
    const lineNo = li + 1;
    if (tok.length === 2 && tok[1] === 'atoms') nAtoms = checkAtomCount(integer(tok[0], file, lineNo, 'atom count'), file, lineNo, 'atom count');
    else if (tok.length === 3 && tok[1] === 'atom' && tok[2] === 'types')
      nTypes = integer(tok[0], file, lineNo, 'atom type count', { min: 1, max: MAX_ATOM_TYPES, unit: '', why: "glassfit's species tables hold a few species" });
    else if (tok.length === 4 && ['xlo', 'ylo', 'zlo'].includes(tok[2])) {
      const d = ['xlo', 'ylo', 'zlo'].indexOf(tok[2]);
      if (tok[3] !== ['xhi', 'yhi', 'zhi'][d]) throw new ParseError(file, lineNo, `expected '${tok[2]} ${['xhi', 'yhi', 'zhi'][d]}'`);
      lo[d] = number(tok[0], file, lineNo, `${tok[2]}`, 'coordinate');
      hi[d] = number(tok[1], file, lineNo, `${['xhi', 'yhi', 'zhi'][d]}`, 'coordinate');
      if (!(hi[d] > lo[d])) throw new ParseError(file, lineNo, `${tok[3]} must exceed ${tok[2]}`);
      checkRange(hi[d] - lo[d], 'boxLength', file, lineNo, `${'xyz'[d]} box length`);
    } else if (tok.length === 6 && tok[3] === 'xy' && tok[4] === 'xz' && tok[5] === 'yz') {
      if ([0, 1, 2].some((k) => number(tok[k], file, lineNo, 'tilt factor') !== 0))
        throw new ParseError(file, lineNo, 'triclinic box (non-zero xy xz yz): only orthorhombic boxes are supported');
    } else if (/^\d+$/.test(tok[0]) && tok.length >= 2) {
      // other counts (bonds, angles, …, extra/bond/per/atom): not needed for the engine
    } else throw new ParseError(file, lineNo, `unrecognised header line ${quoteToken(body)}`);
  }
  if (nAtoms < 0) throw new ParseError(file, li + 1, "header has no 'N atoms' line");
  if (nTypes < 1) throw new ParseError(file, li + 1, "header has no 'N atom types' line");
  for (let d = 0; d < 3; d++)
    if (!Number.isFinite(lo[d])) throw new ParseError(file, li + 1, `header has no '${'xyz'[d]}lo ${'xyz'[d]}hi' line`);

  const masses: (number | undefined)[] = new Array(nTypes).fill(undefined);
  const massNames: (string | undefined)[] = new Array(nTypes).fill(undefined);
  const idLine = new Map<number, number>(); // atom id → file index
  let atomsSeen = false;
  let style: AtomStyle | undefined;
  const ids = new Int32Array(nAtoms);
  const types = new Int32Array(nAtoms);
  const pos = new Float64Array(3 * nAtoms);
  let charges: Float64Array | undefined;
  let vel: Float64Array | undefined;

  // --- sections
  while (li < lines.length) {
    const [body, comment] = stripComment(lines[li]);
    if (body === '') {
      li++;
      continue;
    }
    const headerNo = li + 1;
    if (!SECTION_NAMES.has(body)) throw new ParseError(file, headerNo, `expected a section name (Atoms, Masses, Velocities, …), got ${quoteToken(body)}`);
    li++;
    // Section body: skip one blank line, then lines until the next blank line followed by a section or EOF.
    const rows: { tok: string[]; comment: string; lineNo: number }[] = [];
    while (li < lines.length && lines[li].trim() === '') li++;
    while (li < lines.length) {
      const [b, c] = stripComment(lines[li]);
      if (b === '') {
        li++;
        continue;
      }
      if (SECTION_NAMES.has(b)) break;
      rows.push({ tok: b.split(/\s+/), comment: c, lineNo: li + 1 });
      li++;
    }
    if (body === 'Masses') {
      for (const r of rows) {
        const t = integer(r.tok[0], file, r.lineNo, 'atom type');
        if (t < 1 || t > nTypes) throw new ParseError(file, r.lineNo, `atom type ${t} is outside 1..${nTypes}`);
        if (r.tok.length < 2) throw new ParseError(file, r.lineNo, 'Masses line needs a type and a mass');
        masses[t - 1] = number(r.tok[1], file, r.lineNo, 'mass', 'mass');
        if (r.comment) massNames[t - 1] = r.comment.split(/\s+/)[0];
      }
    } else if (body === 'Atoms') {
      atomsSeen = true;
      const declared = comment.split(/\s+/)[0];
      if (declared && declared in STYLES) style = declared as AtomStyle;
      else if (declared) throw new ParseError(file, headerNo, `atom style ${quoteToken(declared)} is not supported (charge, atomic, full, molecular)`);
      if (rows.length !== nAtoms) throw new ParseError(file, rows.length ? rows[rows.length - 1].lineNo : headerNo, `Atoms section has ${rows.length} lines, the header says ${nAtoms} atoms`);
      if (!style) {
        const w = rows.length ? rows[0].tok.length : 6;
        style = w === 5 || w === 8 ? 'atomic' : w === 6 || w === 9 ? 'charge' : undefined;
        if (!style) throw new ParseError(file, headerNo, `cannot tell the atom style from ${w} columns; add '# charge' or '# atomic' after Atoms`);
      }
      const st = STYLES[style];
      if (st.qAt >= 0) charges = new Float64Array(nAtoms);
      rows.forEach((r, a) => {
        if (r.tok.length !== st.cols && r.tok.length !== st.cols + 3)
          throw new ParseError(file, r.lineNo, `atom style ${style} needs ${st.cols} columns (or ${st.cols + 3} with image flags), got ${r.tok.length}`);
        const id = integer(r.tok[0], file, r.lineNo, 'atom id', 'atomId');
        if (idLine.has(id)) throw new ParseError(file, r.lineNo, `atom id ${id} appears twice`);
        idLine.set(id, a);
        ids[a] = id;
        const t = integer(r.tok[st.typeAt], file, r.lineNo, 'atom type');
        if (t < 1 || t > nTypes) throw new ParseError(file, r.lineNo, `atom type ${t} is outside 1..${nTypes}`);
        types[a] = t;
        if (charges) charges[a] = number(r.tok[st.qAt], file, r.lineNo, 'charge', 'charge');
        for (let d = 0; d < 3; d++) pos[3 * a + d] = checkRange(number(r.tok[st.xAt + d], file, r.lineNo, `${'xyz'[d]} coordinate`, 'coordinate') - lo[d], 'coordinate', file, r.lineNo, `${'xyz'[d]} coordinate (from the box's low corner)`);
      });
    } else if (body === 'Velocities') {
      if (!atomsSeen) throw new ParseError(file, headerNo, 'Velocities section before the Atoms section');
      vel = new Float64Array(3 * nAtoms);
      if (rows.length !== nAtoms) throw new ParseError(file, headerNo, `Velocities section has ${rows.length} lines, the header says ${nAtoms} atoms`);
      for (const r of rows) {
        if (r.tok.length < 4) throw new ParseError(file, r.lineNo, 'a Velocities line needs id vx vy vz');
        const id = integer(r.tok[0], file, r.lineNo, 'atom id', 'atomId');
        const a = idLine.get(id);
        if (a === undefined) throw new ParseError(file, r.lineNo, `velocity for atom id ${id}, which is not in the Atoms section`);
        for (let d = 0; d < 3; d++) vel[3 * a + d] = number(r.tok[1 + d], file, r.lineNo, 'velocity', 'velocity');
      }
    }
    // other sections: skipped
  }
  if (!atomsSeen) throw new ParseError(file, lines.length, 'no Atoms section');

  // --- type names
  const typeNames: string[] = [];
  for (let t = 0; t < nTypes; t++) {
    let name = opts.typeNames?.[t] ?? massNames[t];
    if (!name && opts.species && masses[t] !== undefined) {
      const m = masses[t] as number;
      const hit = opts.species.species.filter((s) => Math.abs(s.mass - m) < 0.01);
      if (hit.length === 1) name = hit[0].name;
    }
    if (!name)
      throw new ParseError(
        file,
        1,
        `atom type ${t + 1} has no species name: add a '# Si'-style comment to its Masses line, or give the type names` +
          (masses[t] !== undefined ? ` (its mass ${masses[t]} amu matches no known species)` : ''),
      );
    typeNames.push(name);
  }
  const names = Array.from(types, (t) => typeNames[t - 1]);
  const frame: Frame = {
    n: nAtoms,
    box: { lx: hi[0] - lo[0], ly: hi[1] - lo[1], lz: hi[2] - lo[2] },
    names,
    pos,
    ids,
    ...(vel ? { vel } : {}),
  };
  return { frame, atomStyle: style as AtomStyle, typeNames, masses, types, ...(charges ? { charges } : {}) };
}

export interface WriteLammpsDataOptions {
  readonly title?: string;
  /** Type order and masses: type k+1 = species[k]. Default: names in order of first appearance, no masses. */
  readonly species?: SpeciesTable;
  /** Charge per species name (e); written with atom_style charge. Without it: atom_style atomic. */
  readonly charges?: Readonly<Record<string, number>>;
}

/** A frame as a LAMMPS data file (atom_style charge when charges are given, else atomic). */
export function writeLammpsData(fr: Frame, opts: WriteLammpsDataOptions = {}): string {
  const typeNames: string[] = opts.species ? opts.species.species.map((s) => s.name) : [];
  if (!opts.species) for (const nm of fr.names) if (!typeNames.includes(nm)) typeNames.push(nm);
  const typeOf = new Map(typeNames.map((nm, k) => [nm, k + 1]));
  for (const nm of fr.names) if (!typeOf.has(nm)) throw new Error(`species '${nm}' is not in the species table (${typeNames.join(', ')})`);
  const withQ = opts.charges !== undefined;
  if (withQ) for (const nm of typeNames) if (opts.charges?.[nm] === undefined) throw new Error(`no charge given for species '${nm}'`);
  const { lx, ly, lz } = fr.box;
  const out: string[] = [
    // The title is the file's first line: a name with a newline must not start a second one.
    oneLine(opts.title ?? 'written by glassfit'),
    '',
    `${fr.n} atoms`,
    `${typeNames.length} atom types`,
    '',
    `0 ${lx} xlo xhi`,
    `0 ${ly} ylo yhi`,
    `0 ${lz} zlo zhi`,
    '',
  ];
  if (opts.species) {
    out.push('Masses', '');
    opts.species.species.forEach((s, k) => out.push(`${k + 1} ${s.mass} # ${oneLine(s.name)}`));
    out.push('');
  }
  out.push(`Atoms # ${withQ ? 'charge' : 'atomic'}`, '');
  const { pos } = fr;
  for (let a = 0; a < fr.n; a++) {
    const id = fr.ids ? fr.ids[a] : a + 1;
    const t = typeOf.get(fr.names[a]) as number;
    const q = withQ ? ` ${opts.charges?.[fr.names[a]]}` : '';
    out.push(`${id} ${t}${q} ${pos[3 * a]} ${pos[3 * a + 1]} ${pos[3 * a + 2]}`);
  }
  if (fr.vel) {
    out.push('', 'Velocities', '');
    for (let a = 0; a < fr.n; a++) {
      const id = fr.ids ? fr.ids[a] : a + 1;
      out.push(`${id} ${fr.vel[3 * a]} ${fr.vel[3 * a + 1]} ${fr.vel[3 * a + 2]}`);
    }
  }
  return out.join('\n') + '\n';
}
