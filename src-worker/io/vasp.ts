/**
 * Readers for VASP 5 structure files: POSCAR/CONTCAR (one configuration, optional velocity block) and
 * XDATCAR (a trajectory; fixed or variable cell). A VASP 5 header names the species above the counts; a
 * VASP 4 file without that line is refused, as the species cannot be known. The cell must be orthorhombic
 * (Frame's box); positions come out in Å, velocities in Å/ps (CONTCAR stores Å/fs).
 */
import type { Box } from '../md/system.ts';
import { PS_PER_FS } from '../units.ts';
import { ParseError, type Frame } from './frame.ts';
import { checkAtomCount, checkRange, fields, parseInteger, parseNumber, quote, readLines } from './parse-fields.ts';
import { quoteToken, RANGES } from './limits.ts';

export interface VaspOptions {
  /** Species the caller can use; any other name is an error at the species line. */
  readonly species?: readonly string[];
}

/** The lines up to and including the atom counts; `next` is the index of the line after them. */
interface Header {
  readonly box: Box;
  readonly names: readonly string[]; // [n] per atom
  readonly n: number;
  readonly cartScale: readonly number[]; // [3] factor VASP applies to Cartesian positions (the lattice's)
  readonly next: number;
}

/** Element symbol from a species label: VASP 6 writes 'Si_GW/357db9cfb' where VASP 5 writes 'Si'. */
function elementOf(label: string): string | null {
  const m = /^([A-Z][a-z]?)(?:$|[_/.\d])/.exec(label);
  return m ? m[1] : null;
}

function readHeader(lines: readonly string[], k: number, file: string, opts: VaspOptions): Header {
  const line = (i: number, what: string): string => {
    if (i >= lines.length) throw new ParseError(file, i + 1, `file ends where ${what} was expected (truncated file?)`);
    return lines[i];
  };
  // k: comment line (free text).
  line(k, 'the comment line');
  const sf = fields(line(k + 1, 'the scaling factor'));
  if (sf.length !== 1 && sf.length !== 3) throw new ParseError(file, k + 2, `scaling line needs 1 or 3 numbers, got ${sf.length}`);
  const scale = sf.map((s, d) => parseNumber(s, file, k + 2, sf.length === 1 ? 'scaling factor' : `scaling factor ${'xyz'[d]}`));
  const lat: number[][] = [];
  for (let d = 0; d < 3; d++) {
    const f = fields(line(k + 2 + d, `lattice vector ${d + 1}`));
    if (f.length < 3) throw new ParseError(file, k + 3 + d, `lattice vector ${d + 1} needs 3 numbers, got ${f.length} (missing lattice?)`);
    lat.push(f.slice(0, 3).map((s, e) => parseNumber(s, file, k + 3 + d, `lattice vector ${d + 1} component ${e + 1}`)));
  }
  for (let d = 0; d < 3; d++) {
    const diag = Math.abs(lat[d][d]);
    for (let e = 0; e < 3; e++) {
      if (e !== d && Math.abs(lat[d][e]) > 1e-10 * diag) {
        throw new ParseError(file, k + 3 + d, `lattice vector ${d + 1} is not along the ${'xyz'[d]} axis: glassfit handles orthorhombic cells only`);
      }
    }
    if (!(diag > 0)) throw new ParseError(file, k + 3 + d, `lattice vector ${d + 1} has zero length`);
  }
  const raw = [Math.abs(lat[0][0]), Math.abs(lat[1][1]), Math.abs(lat[2][2])];
  let cartScale: number[];
  if (scale.length === 3) {
    if (scale.some((s) => !(s > 0))) throw new ParseError(file, k + 2, 'per-axis scaling factors must be positive');
    cartScale = scale;
  } else if (scale[0] < 0) {
    const f = Math.cbrt(-scale[0] / (raw[0] * raw[1] * raw[2])); // negative scale = cell volume in Å³
    cartScale = [f, f, f];
  } else if (scale[0] > 0) cartScale = [scale[0], scale[0], scale[0]];
  else throw new ParseError(file, k + 2, 'scaling factor is zero');
  const len = raw.map((l, d) => checkRange(l * cartScale[d], 'boxLength', file, k + 3 + d, `cell length along ${'xyz'[d]} (lattice vector × scaling factor)`));

  const speciesLine = fields(line(k + 5, 'the species line'));
  if (speciesLine.length > 0 && speciesLine.every((s) => /^\d+$/.test(s))) {
    throw new ParseError(file, k + 6, 'no species line above the atom counts (VASP 4 format): add a line naming the species, e.g. "Si O"');
  }
  const species = speciesLine.map((label) => {
    const el = elementOf(label);
    if (!el) throw new ParseError(file, k + 6, `species ${quoteToken(label)} is not an element symbol`);
    if (opts.species && !opts.species.includes(el)) throw new ParseError(file, k + 6, `unknown species '${el}' (expected one of ${opts.species.join(', ')})`);
    return el;
  });
  const counts = fields(line(k + 6, 'the atom counts'));
  if (counts.length !== species.length) {
    throw new ParseError(file, k + 7, `${counts.length} atom counts for ${species.length} species (${species.join(' ')})`);
  }
  // Every count and their sum are checked before any array grows: a count of 3·10⁸ must not reach push().
  const m = counts.map((c, s) => {
    const v = parseInteger(c, file, k + 7, `atom count of ${species[s]}`);
    if (v < 0) throw new ParseError(file, k + 7, `atom count of ${species[s]} is negative`);
    return checkAtomCount(v, file, k + 7, `atom count of ${species[s]}`);
  });
  checkAtomCount(m.reduce((a, b) => a + b, 0), file, k + 7, 'total number of atoms');
  const names: string[] = [];
  m.forEach((count, s) => {
    for (let i = 0; i < count; i++) names.push(species[s]);
  });
  if (names.length === 0) throw new ParseError(file, k + 7, 'no atoms');
  return { box: { lx: len[0], ly: len[1], lz: len[2] }, names, n: names.length, cartScale, next: k + 7 };
}

/** n position lines from index k: three numbers each (extra columns such as T/F flags are ignored). */
function readCoords(lines: readonly string[], k: number, n: number, direct: boolean, box: Box, file: string, cartScale: readonly number[], what: string): Float64Array {
  // Velocities are checked in Å/fs, as CONTCAR stores them (the caller converts to Å/ps).
  const range = what === 'velocity block' ? { ...RANGES.velocity, min: RANGES.velocity.min * PS_PER_FS, max: RANGES.velocity.max * PS_PER_FS, unit: 'Å/fs' } : RANGES.coordinate;
  const pos = new Float64Array(3 * n);
  const len = [box.lx, box.ly, box.lz];
  for (let i = 0; i < n; i++) {
    if (k + i >= lines.length || lines[k + i].trim() === '') {
      throw new ParseError(file, k + i + 1, `${what} ends after ${i} of ${n} atoms (truncated frame)`);
    }
    const f = fields(lines[k + i]);
    if (f.length < 3) throw new ParseError(file, k + i + 1, `atom ${i + 1} needs 3 coordinates, got ${f.length} columns`);
    for (let d = 0; d < 3; d++) {
      const v = parseNumber(f[d], file, k + i + 1, `coordinate ${'xyz'[d]} of atom ${i + 1}`);
      pos[3 * i + d] = checkRange(direct ? v * len[d] : v * cartScale[d], range, file, k + i + 1, `${what === 'velocity block' ? 'velocity' : 'coordinate'} ${'xyz'[d]} of atom ${i + 1}`);
    }
  }
  return pos;
}

/** POSCAR or CONTCAR: one frame; a CONTCAR's velocity block becomes `vel` (Å/ps). */
export function readPoscar(text: string, fileName: string, opts: VaspOptions = {}): Frame {
  const lines = readLines(text, fileName);
  const h = readHeader(lines, 0, fileName, opts);
  let k = h.next;
  if (k < lines.length && /^\s*[sS]/.test(lines[k])) k++; // Selective dynamics
  if (k >= lines.length) throw new ParseError(fileName, k + 1, "file ends where 'Direct' or 'Cartesian' was expected (truncated file?)");
  const mode = lines[k].trim();
  if (!/^[dDcCkK]/.test(mode)) throw new ParseError(fileName, k + 1, `expected 'Direct' or 'Cartesian', got ${quote(mode)}`);
  const direct = /^[dD]/.test(mode);
  const pos = readCoords(lines, k + 1, h.n, direct, h.box, fileName, h.cartScale, 'position block');
  k += 1 + h.n;

  // Optional velocity block: a blank (or coordinate-mode) line, then n lines of three numbers.
  let vel: Float64Array | undefined;
  if (k + 1 < lines.length && (lines[k].trim() === '' || /^\s*[dDcCkK]/.test(lines[k])) && fields(lines[k + 1]).length >= 3) {
    const vDirect = /^\s*[dD]/.test(lines[k]);
    const v = readCoords(lines, k + 1, h.n, vDirect, h.box, fileName, [1, 1, 1], 'velocity block');
    for (let i = 0; i < v.length; i++) v[i] /= PS_PER_FS; // Å/fs → Å/ps
    vel = v;
  }
  return { n: h.n, box: h.box, names: h.names, pos, vel, info: { comment: lines[0].trim() } };
}

/** XDATCAR: every configuration block ("Direct configuration=  N"); a repeated header means a new cell. */
export function readXdatcar(text: string, fileName: string, opts: VaspOptions = {}): Frame[] {
  const lines = readLines(text, fileName);
  const frames: Frame[] = [];
  let h = readHeader(lines, 0, fileName, opts);
  let k = h.next;
  while (k < lines.length) {
    const line = lines[k];
    if (line.trim() === '') {
      k++;
      continue;
    }
    const m = /^\s*(Direct|Cartesian)\s+configuration\s*=?\s*(\d+)?/i.exec(line);
    if (!m) {
      if (frames.length === 0) throw new ParseError(fileName, k + 1, `expected 'Direct configuration= 1', got ${quote(line)}`);
      const hk = k;
      h = readHeader(lines, k, fileName, opts); // variable-cell run: a fresh header before the block
      k = h.next;
      if (k >= lines.length || !/configuration/i.test(lines[k])) {
        throw new ParseError(fileName, Math.min(k, lines.length) + 1, `expected a 'Direct configuration=' line after the cell header at line ${hk + 1}`);
      }
      continue;
    }
    const direct = m[1].toLowerCase() === 'direct';
    const step = m[2] !== undefined ? Number(m[2]) : frames.length + 1;
    const pos = readCoords(lines, k + 1, h.n, direct, h.box, fileName, h.cartScale, `configuration ${step}`);
    frames.push({ n: h.n, box: h.box, names: h.names, pos, step });
    k += 1 + h.n;
  }
  if (frames.length === 0) throw new ParseError(fileName, lines.length + 1, 'no configurations: an XDATCAR lists blocks starting with "Direct configuration="');
  return frames;
}
