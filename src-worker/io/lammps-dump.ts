/**
 * Reader for LAMMPS text dumps (`dump atom` / `dump custom`), one Frame per snapshot:
 *   ITEM: TIMESTEP / ITEM: NUMBER OF ATOMS / ITEM: BOX BOUNDS … / ITEM: ATOMS id type x y z …
 * Coordinates may be x y z, unwrapped xu yu zu, or scaled xs ys zs (xsu ysu zsu); species come from an
 * `element` column or from the numeric `type` through a type → species map. Positions are shifted so the
 * box starts at the origin (Frame's convention) and atoms are put in id order. Orthorhombic boxes only:
 * a triclinic header is accepted when every tilt is zero.
 */
import { ParseError, type Frame } from './frame.ts';
import { checkAtomCount, checkRange, fields, parseInteger, parseNumber, quote, readLines } from './parse-fields.ts';
import { quoteToken } from './limits.ts';

export interface LammpsDumpOptions {
  /** LAMMPS atom type → species name. Default: 1 = Si, 2 = O (the fixtures' and glassfit's convention). */
  readonly typeMap?: Readonly<Record<number, string>>;
  /** Species the caller can use; any other name is an error at the line that names it. */
  readonly species?: readonly string[];
}

export const DEFAULT_TYPE_MAP: Readonly<Record<number, string>> = { 1: 'Si', 2: 'O' };

/** Parse `1=Si,2=O` (the CLI's --type-map). */
export function parseTypeMap(spec: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const part of spec.split(',')) {
    const m = /^\s*(\d+)\s*=\s*([A-Z][a-z]?)\s*$/.exec(part);
    if (!m) throw new Error(`type map entry '${part.trim()}' must look like 1=Si`);
    out[Number(m[1])] = m[2];
  }
  return out;
}

function typeMapText(map: Readonly<Record<number, string>>): string {
  return Object.entries(map)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

const COORDS: readonly (readonly [string, string, string, boolean])[] = [
  ['x', 'y', 'z', false],
  ['xu', 'yu', 'zu', false],
  ['xs', 'ys', 'zs', true],
  ['xsu', 'ysu', 'zsu', true],
];

export function readLammpsDump(text: string, fileName: string, opts: LammpsDumpOptions = {}): Frame[] {
  const typeMap = opts.typeMap ?? DEFAULT_TYPE_MAP;
  const allowed = opts.species ? new Set(opts.species) : null;
  const lines = readLines(text, fileName);
  const frames: Frame[] = [];
  let k = 0; // index of the next line to read; its line number is k + 1

  const next = (what: string): string => {
    if (k >= lines.length) throw new ParseError(fileName, k + 1, `file ends where ${what} was expected (truncated file?)`);
    return lines[k++];
  };
  const expectItem = (item: string): string => {
    const line = next(`'ITEM: ${item}'`);
    if (!line.startsWith(`ITEM: ${item}`)) throw new ParseError(fileName, k, `expected 'ITEM: ${item}', got ${quote(line)}`);
    return line.slice(`ITEM: ${item}`.length).trim();
  };

  while (k < lines.length) {
    if (lines[k].trim() === '') {
      k++;
      continue;
    }
    // Newer LAMMPS writes optional UNITS and TIME items before TIMESTEP; they carry one value line each.
    while (k < lines.length && /^ITEM: (UNITS|TIME)\s*$/.test(lines[k])) k += 2;
    expectItem('TIMESTEP');
    const stepLine = next('the timestep');
    const step = parseInteger(fields(stepLine)[0], fileName, k, 'timestep', 'timestep');
    expectItem('NUMBER OF ATOMS');
    const n = checkAtomCount(parseInteger(fields(next('the number of atoms'))[0], fileName, k, 'number of atoms'), fileName, k);

    const boxFlags = fields(expectItem('BOX BOUNDS'));
    const triclinic = boxFlags[0] === 'xy';
    const lo = [0, 0, 0];
    const len = [0, 0, 0];
    for (let d = 0; d < 3; d++) {
      const f = fields(next(`the ${'xyz'[d]} box bounds`));
      if (f.length !== (triclinic ? 3 : 2)) {
        throw new ParseError(fileName, k, `${'xyz'[d]} box bounds need ${triclinic ? 3 : 2} numbers (lo hi${triclinic ? ' tilt' : ''}), got ${f.length}`);
      }
      const a = parseNumber(f[0], fileName, k, `${'xyz'[d]}lo`, 'coordinate');
      const b = parseNumber(f[1], fileName, k, `${'xyz'[d]}hi`, 'coordinate');
      if (triclinic && parseNumber(f[2], fileName, k, 'tilt factor') !== 0) {
        throw new ParseError(fileName, k, 'triclinic box with a non-zero tilt: glassfit handles orthorhombic boxes only');
      }
      if (!(b > a)) throw new ParseError(fileName, k, `${'xyz'[d]} box bounds are empty: lo ${a} ≥ hi ${b}`);
      checkRange(b - a, 'boxLength', fileName, k, `${'xyz'[d]} box length`);
      lo[d] = a;
      len[d] = b - a;
    }

    const cols = fields(expectItem('ATOMS'));
    const headerLine = k;
    const col = (name: string) => cols.indexOf(name);
    const coord = COORDS.find(([cx, cy, cz]) => col(cx) >= 0 && col(cy) >= 0 && col(cz) >= 0);
    if (!coord) throw new ParseError(fileName, headerLine, `ATOMS header has no coordinate columns (x y z, xu yu zu, xs ys zs or xsu ysu zsu): ${quote(cols.join(' '))}`);
    const ic = [col(coord[0]), col(coord[1]), col(coord[2])];
    const cname = [coord[0], coord[1], coord[2]];
    const scaled = coord[3];
    const iid = col('id');
    const iel = col('element');
    const ity = col('type');
    if (iel < 0 && ity < 0) throw new ParseError(fileName, headerLine, `ATOMS header has neither a 'type' nor an 'element' column: ${quote(cols.join(' '))}`);
    const ivx = col('vx');
    const hasVel = ivx >= 0 && col('vy') >= 0 && col('vz') >= 0;

    const pos = new Float64Array(3 * n);
    const vel = hasVel ? new Float64Array(3 * n) : undefined;
    const names: string[] = new Array(n);
    const ids = iid >= 0 ? new Int32Array(n) : undefined;
    for (let i = 0; i < n; i++) {
      if (k >= lines.length || lines[k].startsWith('ITEM:')) {
        throw new ParseError(fileName, k + 1, `frame at step ${step} ends after ${i} of ${n} atoms (truncated frame)`);
      }
      const f = fields(lines[k++]);
      if (f.length !== cols.length) throw new ParseError(fileName, k, `atom line has ${f.length} columns, the ATOMS header names ${cols.length}`);
      for (let d = 0; d < 3; d++) {
        const v = parseNumber(f[ic[d]], fileName, k, cname[d]);
        pos[3 * i + d] = checkRange(scaled ? v * len[d] : v - lo[d], 'coordinate', fileName, k, `${cname[d]} (from the box's low corner)`);
      }
      if (vel) for (let d = 0; d < 3; d++) vel[3 * i + d] = parseNumber(f[ivx + d], fileName, k, 'v' + 'xyz'[d], 'velocity');
      if (ids) ids[i] = parseInteger(f[iid], fileName, k, 'atom id', 'atomId');
      let name: string;
      if (iel >= 0) name = f[iel];
      else {
        const ty = parseInteger(f[ity], fileName, k, 'atom type');
        const mapped = typeMap[ty];
        if (mapped === undefined) throw new ParseError(fileName, k, `atom type ${ty} is not in the type map (${typeMapText(typeMap)})`);
        name = mapped;
      }
      if (allowed && !allowed.has(name)) throw new ParseError(fileName, k, `unknown species ${quoteToken(name)} (expected one of ${[...allowed].join(', ')})`);
      names[i] = name;
    }
    frames.push(sortById({ n, box: { lx: len[0], ly: len[1], lz: len[2] }, names, pos, vel, ids, step }, fileName, headerLine));
  }
  if (frames.length === 0) throw new ParseError(fileName, 1, 'no frames: a LAMMPS dump starts with ITEM: TIMESTEP');
  return frames;
}

/** Atoms in id order, so frames of one run line up atom by atom even if LAMMPS wrote them unsorted. */
function sortById(f: Frame, fileName: string, headerLine: number): Frame {
  const ids = f.ids;
  if (!ids) return f;
  let sorted = true;
  for (let i = 1; i < f.n && sorted; i++) if (ids[i] <= ids[i - 1]) sorted = false;
  if (sorted) return f;
  const order = Array.from({ length: f.n }, (_, i) => i).sort((a, b) => ids[a] - ids[b]);
  for (let i = 1; i < f.n; i++) {
    if (ids[order[i]] === ids[order[i - 1]]) throw new ParseError(fileName, headerLine + 1 + order[i], `atom id ${ids[order[i]]} appears twice in the frame at step ${f.step}`);
  }
  const pos = new Float64Array(3 * f.n);
  const vel = f.vel ? new Float64Array(3 * f.n) : undefined;
  const newIds = new Int32Array(f.n);
  const names: string[] = new Array(f.n);
  order.forEach((src, dst) => {
    for (let d = 0; d < 3; d++) {
      pos[3 * dst + d] = f.pos[3 * src + d];
      if (vel) vel[3 * dst + d] = f.vel![3 * src + d];
    }
    newIds[dst] = ids[src];
    names[dst] = f.names[src];
  });
  return { ...f, pos, vel, ids: newIds, names };
}
