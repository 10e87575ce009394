/**
 * Extended XYZ (ASE / QUIP convention) reader and writer: multi-frame files, `Lattice="ax ay az bx by bz cx cy
 * cz"`, `Properties=name:type:count:…` per-atom columns, other key=value pairs kept as frame info. Reads
 * species (`species`, or atomic numbers `Z`), positions (`pos`), velocities (`vel`/`velo`/`velocities`, Å/ps),
 * forces (`forces`/`force`, eV/Å) and ids (`id`); `energy=` becomes Frame.energy. Only orthorhombic periodic
 * cells are accepted (the engine's box). Every problem is a ParseError naming the file, the line and what
 * is wrong. Numbers are written in JavaScript's shortest round-trip form, so write → read is exact.
 */
import { ParseError, type Frame } from './frame.ts';
import { checkAtomCount, checkRange, parseNumber, readLines } from './parse-fields.ts';
import { oneLine, quoteToken, type Quantity } from './limits.ts';

// Z → symbol, for files that carry atomic numbers instead of species names.
const ELEMENTS =
  'H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi'.split(
    ' ',
  );

interface Column {
  name: string;
  type: 'S' | 'R' | 'I' | 'L';
  count: number;
  start: number; // first token index on an atom line
}

/**
 * Split an extxyz comment line into key=value pairs. Values may be "double quoted" (with \" escapes),
 * {braced}, or bare; a key without '=' is a flag (value 'T').
 */
export function parseKeyValues(line: string, file: string, lineNo: number): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const n = line.length;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r';
  const readToken = (): string => {
    const c = line[i];
    if (c === '"') {
      i++;
      let s = '';
      while (i < n && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < n) {
          s += line[i + 1];
          i += 2;
        } else s += line[i++];
      }
      if (i >= n) throw new ParseError(file, lineNo, 'unterminated quoted value in the comment line');
      i++;
      return s;
    }
    if (c === '{') {
      const close = line.indexOf('}', i);
      if (close < 0) throw new ParseError(file, lineNo, "unterminated '{' value in the comment line");
      const s = line.slice(i + 1, close);
      i = close + 1;
      return s;
    }
    let s = '';
    while (i < n && !isSpace(line[i]) && line[i] !== '=') s += line[i++];
    return s;
  };
  while (i < n) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) break;
    const key = readToken();
    if (key === '') throw new ParseError(file, lineNo, `unexpected '${line[i]}' in the comment line`);
    while (i < n && isSpace(line[i])) i++;
    if (line[i] === '=') {
      i++;
      while (i < n && isSpace(line[i])) i++;
      out.set(key, i < n ? readToken() : '');
    } else out.set(key, 'T');
  }
  return out;
}

function getKey(kv: Map<string, string>, name: string): [string, string] | undefined {
  for (const [k, v] of kv) if (k.toLowerCase() === name.toLowerCase()) return [k, v];
  return undefined;
}

function parseProperties(spec: string, file: string, lineNo: number): Column[] {
  const f = spec.split(':');
  if (f.length % 3 !== 0 || f.length === 0)
    throw new ParseError(file, lineNo, `Properties=${quoteToken(spec)} is not a list of name:type:count triples`);
  const cols: Column[] = [];
  let start = 0;
  for (let k = 0; k < f.length; k += 3) {
    const name = f[k];
    const type = f[k + 1].toUpperCase();
    const count = /^\d{1,4}$/.test(f[k + 2]) ? Number(f[k + 2]) : NaN;
    if (!name || !['S', 'R', 'I', 'L'].includes(type) || !Number.isInteger(count) || count < 1)
      throw new ParseError(file, lineNo, `bad property ${quoteToken(`${f[k]}:${f[k + 1]}:${f[k + 2]}`)} in Properties (want name:S|R|I|L:count)`);
    cols.push({ name, type: type as Column['type'], count, start });
    start += count;
  }
  return cols;
}

function findColumn(cols: Column[], names: string[]): Column | undefined {
  return cols.find((c) => names.includes(c.name.toLowerCase()));
}

/** Parse every frame of an extended XYZ text. */
export function readExtxyz(text: string, file: string): Frame[] {
  const lines = readLines(text, file);
  const frames: Frame[] = [];
  let li = 0;
  while (li < lines.length) {
    // Skip blank lines between frames and at the end.
    if (lines[li].trim() === '') {
      li++;
      continue;
    }
    const countLine = li + 1;
    const countText = lines[li].trim();
    if (!/^\d{1,16}$/.test(countText)) throw new ParseError(file, countLine, `expected the number of atoms, got ${quoteToken(countText)}`);
    if (li + 1 >= lines.length) throw new ParseError(file, countLine + 1, 'file ends before the comment line');
    const n = checkAtomCount(Number(countText), file, countLine);
    const commentNo = li + 2;
    const kv = parseKeyValues(lines[li + 1], file, commentNo);
    const lat = getKey(kv, 'Lattice');
    if (!lat) throw new ParseError(file, commentNo, 'no Lattice="…" on the comment line (a periodic box is required)');
    const latTokens = lat[1].trim().split(/\s+/);
    if (latTokens.length !== 9) throw new ParseError(file, commentNo, `Lattice must hold 9 numbers, got ${quoteToken(lat[1])}`);
    const L = latTokens.map((t, k) => parseNumber(t, file, commentNo, `Lattice entry ${k + 1}`));
    if (L[1] !== 0 || L[2] !== 0 || L[3] !== 0 || L[5] !== 0 || L[6] !== 0 || L[7] !== 0)
      throw new ParseError(file, commentNo, 'the cell is not orthorhombic (non-zero off-diagonal Lattice entries); only orthorhombic boxes are supported');
    for (const k of [0, 4, 8]) checkRange(L[k], 'boxLength', file, commentNo, `cell length ${'xyz'[k / 4]}`);
    const pbc = getKey(kv, 'pbc');
    if (pbc && pbc[1].trim().split(/\s+/).some((v) => !['T', 't', 'True', 'true', '1'].includes(v)))
      throw new ParseError(file, commentNo, `pbc=${quoteToken(pbc[1])}: the engine needs a box periodic in x, y and z`);
    const propsKey = getKey(kv, 'Properties');
    const cols = parseProperties(propsKey ? propsKey[1] : 'species:S:1:pos:R:3', file, commentNo);
    const width = cols.reduce((s, c) => s + c.count, 0);
    const sp = findColumn(cols, ['species', 'element', 'symbols']);
    const zc = findColumn(cols, ['z']);
    const posc = findColumn(cols, ['pos', 'positions']);
    const velc = findColumn(cols, ['vel', 'velo', 'velocities']);
    const forc = findColumn(cols, ['forces', 'force']);
    const idc = findColumn(cols, ['id']);
    if (!posc || posc.count !== 3 || posc.type !== 'R') throw new ParseError(file, commentNo, 'Properties has no pos:R:3 column');
    if (!sp && !zc) throw new ParseError(file, commentNo, 'Properties has neither a species:S:1 nor a Z:I:1 column');
    if (velc && (velc.count !== 3 || velc.type !== 'R')) throw new ParseError(file, commentNo, `${velc.name} must be R:3`);
    if (forc && (forc.count !== 3 || forc.type !== 'R')) throw new ParseError(file, commentNo, `${forc.name} must be R:3`);

    const names: string[] = new Array(n);
    const pos = new Float64Array(3 * n);
    const vel = velc ? new Float64Array(3 * n) : undefined;
    const forces = forc ? new Float64Array(3 * n) : undefined;
    const ids = idc ? new Int32Array(n) : undefined;
    for (let a = 0; a < n; a++) {
      const lineNo = li + 3 + a;
      const at = li + 2 + a;
      // Only blank lines left (or none): the frame is truncated. (Checked only on a blank line: O(1) per atom.)
      if (at >= lines.length || (lines[at].trim() === '' && lines.slice(at).every((l) => l.trim() === '')))
        throw new ParseError(file, lineNo, `file ends after ${a} of ${n} atom lines`);
      const tok = lines[li + 2 + a].trim().split(/\s+/);
      if (tok.length !== width || tok[0] === '')
        throw new ParseError(file, lineNo, `expected ${width} columns (${cols.map((c) => c.name).join(', ')}), got ${tok[0] === '' ? 0 : tok.length}`);
      const num = (c: Column, k: number, what: string, range?: Quantity): number => parseNumber(tok[c.start + k], file, lineNo, what, range);
      if (sp) names[a] = tok[sp.start];
      else {
        const z = num(zc as Column, 0, 'atomic number');
        const sym = ELEMENTS[z - 1];
        if (!Number.isInteger(z) || !sym) throw new ParseError(file, lineNo, `unknown atomic number ${z}`);
        names[a] = sym;
      }
      for (let d = 0; d < 3; d++) pos[3 * a + d] = num(posc, d, 'position', 'coordinate');
      if (vel && velc) for (let d = 0; d < 3; d++) vel[3 * a + d] = num(velc, d, 'velocity', 'velocity');
      if (forces && forc) for (let d = 0; d < 3; d++) forces[3 * a + d] = num(forc, d, 'force', 'force');
      if (ids && idc) {
        const v = num(idc, 0, 'id', 'atomId');
        if (!Number.isInteger(v)) throw new ParseError(file, lineNo, `id ${quoteToken(tok[idc.start])} is not an integer`);
        ids[a] = v;
      }
    }
    const info: Record<string, string> = {};
    let energy: number | undefined;
    let step: number | undefined;
    for (const [k, v] of kv) {
      const kl = k.toLowerCase();
      if (kl === 'lattice' || kl === 'properties' || kl === 'pbc') continue;
      if (kl === 'energy') {
        energy = parseNumber(v, file, commentNo, 'energy', 'energy');
        continue;
      }
      if (kl === 'step' || kl === 'timestep') {
        const s = Number(v);
        if (Number.isInteger(s)) step = s;
      }
      info[k] = v;
    }
    frames.push({
      n,
      box: { lx: L[0], ly: L[4], lz: L[8] },
      names,
      pos,
      ...(vel ? { vel } : {}),
      ...(forces ? { forces } : {}),
      ...(ids ? { ids } : {}),
      ...(energy !== undefined ? { energy } : {}),
      ...(step !== undefined ? { step } : {}),
      info,
    });
    li += 2 + n;
  }
  if (frames.length === 0) throw new ParseError(file, 1, 'no frames (empty file)');
  return frames;
}

/** A key or value of the comment line: one line (control characters become spaces), quoted when it must be. */
function quoteValue(raw: string): string {
  const v = oneLine(raw);
  return /^[^\s"={}]+$/.test(v) ? v : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** One frame as extended XYZ text (ends with a newline). */
export function formatExtxyzFrame(fr: Frame): string {
  const { lx, ly, lz } = fr.box;
  let props = 'species:S:1:pos:R:3';
  if (fr.vel) props += ':vel:R:3';
  if (fr.forces) props += ':forces:R:3';
  if (fr.ids) props = 'id:I:1:' + props;
  const parts = [`Lattice="${lx} 0 0 0 ${ly} 0 0 0 ${lz}"`, `Properties=${props}`];
  if (fr.energy !== undefined) parts.push(`energy=${fr.energy}`);
  if (fr.step !== undefined && !(fr.info && ('step' in fr.info || 'timestep' in fr.info))) parts.push(`step=${fr.step}`);
  for (const [k, v] of Object.entries(fr.info ?? {})) {
    const kl = k.toLowerCase();
    if (kl === 'lattice' || kl === 'properties' || kl === 'pbc' || kl === 'energy') continue;
    parts.push(`${quoteValue(k)}=${quoteValue(v)}`);
  }
  parts.push('pbc="T T T"');
  const out: string[] = [String(fr.n), parts.join(' ')];
  const { pos, vel, forces, ids, names } = fr;
  for (let a = 0; a < fr.n; a++) {
    const a3 = 3 * a;
    let line = '';
    if (ids) line += `${ids[a]} `;
    line += `${names[a]} ${pos[a3]} ${pos[a3 + 1]} ${pos[a3 + 2]}`;
    if (vel) line += ` ${vel[a3]} ${vel[a3 + 1]} ${vel[a3 + 2]}`;
    if (forces) line += ` ${forces[a3]} ${forces[a3 + 1]} ${forces[a3 + 2]}`;
    out.push(line);
  }
  return out.join('\n') + '\n';
}

/** Frames as an extended XYZ text (trajectory when several). */
export function writeExtxyz(frames: Frame | readonly Frame[]): string {
  const list = Array.isArray(frames) ? (frames as readonly Frame[]) : [frames as Frame];
  return list.map(formatExtxyzFrame).join('');
}
