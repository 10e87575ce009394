/**
 * Trajectory import: recognise a file's format (by name, else by content) and read it into Frames —
 * LAMMPS dump, extended XYZ, VASP XDATCAR, or a single POSCAR/CONTCAR — and turn a frame's species names
 * into the type indices of a species table for the analysis.
 */
import type { SpeciesTable } from '../species.ts';
import { typeOf } from '../species.ts';
import { ParseError, type Frame } from './frame.ts';
import { readLammpsDump } from './lammps-dump.ts';
import { readExtxyz } from './extxyz.ts';
import { readPoscar, readXdatcar } from './vasp.ts';
import { fields, splitLines } from './parse-fields.ts';
import { quoteToken } from './limits.ts';

export type TrajectoryFormat = 'lammps-dump' | 'extxyz' | 'xdatcar' | 'poscar';

export interface TrajectoryOptions {
  /** LAMMPS dump type → species; default 1 = Si, 2 = O. */
  readonly typeMap?: Readonly<Record<number, string>>;
  /** Names outside this table are errors at the line that names them. */
  readonly species: SpeciesTable;
  /** Skip recognition. */
  readonly format?: TrajectoryFormat;
}

function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}

/** Format from the file name, or null when the name says nothing. */
export function formatFromName(fileName: string): TrajectoryFormat | null {
  const b = baseName(fileName);
  const lower = b.toLowerCase();
  if (/\.(dump|lammpstrj)$/.test(lower) || lower.startsWith('dump.') || lower.includes('.dump.')) return 'lammps-dump';
  if (/\.(extxyz|xyz)$/.test(lower)) return 'extxyz';
  if (b.toUpperCase().includes('XDATCAR')) return 'xdatcar';
  if (/(POSCAR|CONTCAR)/i.test(b) || /\.(vasp|poscar)$/.test(lower)) return 'poscar';
  return null;
}

/** Format from the first lines, or null. */
export function formatFromContent(text: string): TrajectoryFormat | null {
  const lines = splitLines(text.slice(0, 20000)).filter((l) => l.trim() !== '');
  if (lines.length === 0) return null;
  if (lines[0].startsWith('ITEM:')) return 'lammps-dump';
  if (/^\s*\d+\s*$/.test(lines[0]) && /lattice\s*=/i.test(lines[1] ?? '')) return 'extxyz';
  if (lines.slice(0, 12).some((l) => /^\s*(Direct|Cartesian)\s+configuration/i.test(l))) return 'xdatcar';
  const threeNumbers = (l: string | undefined) => l !== undefined && fields(l).length >= 3 && fields(l).slice(0, 3).every((t) => Number.isFinite(Number(t)));
  if (lines.length > 5 && fields(lines[1]).length >= 1 && Number.isFinite(Number(fields(lines[1])[0])) && [2, 3, 4].every((i) => threeNumbers(lines[i]))) return 'poscar';
  return null;
}

export function detectFormat(text: string, fileName: string): TrajectoryFormat {
  const f = formatFromName(fileName) ?? formatFromContent(text);
  if (!f) {
    throw new ParseError(fileName, 1, 'unrecognised trajectory format: expected a LAMMPS dump (.dump), extended XYZ (.extxyz), VASP XDATCAR or POSCAR/CONTCAR');
  }
  return f;
}

/** Read every frame of a trajectory file (a POSCAR/CONTCAR gives one). */
export function readTrajectory(text: string, fileName: string, opts: TrajectoryOptions): Frame[] {
  const names = opts.species.species.map((s) => s.name);
  switch (opts.format ?? detectFormat(text, fileName)) {
    case 'lammps-dump':
      return readLammpsDump(text, fileName, { typeMap: opts.typeMap, species: names });
    case 'extxyz':
      return checkSpecies(readExtxyz(text, fileName), text, fileName, names);
    case 'xdatcar':
      return readXdatcar(text, fileName, { species: names });
    case 'poscar':
      return [readPoscar(text, fileName, { species: names })];
  }
}

/**
 * The extended-XYZ reader (the MD engine's, shared with configuration files) accepts any species name;
 * a trajectory for analysis must use the table's, so the first stranger is reported at its line.
 */
function checkSpecies(frames: Frame[], text: string, fileName: string, names: readonly string[]): Frame[] {
  const allowed = new Set(names);
  for (let f = 0; f < frames.length; f++) {
    const fr = frames[f];
    for (let a = 0; a < fr.n; a++) {
      if (!allowed.has(fr.names[a])) {
        throw new ParseError(fileName, extxyzAtomLine(text, f, a), `unknown species ${quoteToken(fr.names[a])} (expected one of ${names.join(', ')})`);
      }
    }
  }
  return frames;
}

/** 1-based line of atom a of frame f, walking the frames as the reader does (blank lines between frames). */
function extxyzAtomLine(text: string, f: number, a: number): number {
  const lines = splitLines(text);
  let li = 0;
  for (let k = 0; li < lines.length; ) {
    if (lines[li].trim() === '') {
      li++;
      continue;
    }
    if (k === f) return li + 3 + a;
    li += 2 + Number(lines[li].trim());
    k++;
  }
  return lines.length;
}

/** Species indices of a frame's atoms; `scratch` is reused when it has the right length. */
export function frameTypes(frame: Frame, species: SpeciesTable, scratch?: Int32Array): Int32Array {
  const out = scratch && scratch.length === frame.n ? scratch : new Int32Array(frame.n);
  let lastName = '';
  let lastType = -1;
  for (let i = 0; i < frame.n; i++) {
    const name = frame.names[i];
    if (name !== lastName) {
      lastType = typeOf(species, name);
      if (lastType < 0) throw new Error(`atom ${i + 1} is ${quoteToken(name)}, not one of ${species.species.map((s) => s.name).join(', ')}`);
      lastName = name;
    }
    out[i] = lastType;
  }
  return out;
}
