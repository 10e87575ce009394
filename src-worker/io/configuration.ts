/**
 * Frame ⇄ System: a configuration read from a file becomes a simulation (species names → type indices of a
 * SpeciesTable, positions wrapped into the box, velocities kept) and back. Also picks the reader by file
 * extension, so callers (CLI, worker, tests) read extxyz and LAMMPS data files the same way.
 */
import type { SpeciesTable } from '../species.ts';
import { typeOf } from '../species.ts';
import { createSystem, wrapPositions, type System } from '../md/system.ts';
import type { ForceField } from '../md/forcefield.ts';
import { ParseError, type Frame } from './frame.ts';
import { quoteToken } from './limits.ts';
import { readExtxyz, writeExtxyz } from './extxyz.ts';
import { readLammpsData, writeLammpsData } from './lammps-data.ts';

/** A configuration file's format, from its extension. */
export type ConfigFormat = 'extxyz' | 'lammps-data';

export function formatOf(fileName: string): ConfigFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.xyz') || lower.endsWith('.extxyz')) return 'extxyz';
  if (lower.endsWith('.data') || lower.endsWith('.lmp') || lower.endsWith('.lammps') || lower.includes('data.')) return 'lammps-data';
  throw new Error(`cannot tell the format of '${fileName}': use .extxyz/.xyz (extended XYZ) or .data (LAMMPS data file)`);
}

/** Every frame of a configuration file (a LAMMPS data file holds one). */
export function readFrames(text: string, fileName: string, species?: SpeciesTable): Frame[] {
  return formatOf(fileName) === 'extxyz' ? readExtxyz(text, fileName) : [readLammpsData(text, fileName, species ? { species } : {}).frame];
}

/**
 * One frame of a configuration file: `index` counts from 0, negative from the end (−1 = last).
 */
export function readFrame(text: string, fileName: string, species?: SpeciesTable, index = 0): Frame {
  const frames = readFrames(text, fileName, species);
  const k = index < 0 ? frames.length + index : index;
  if (k < 0 || k >= frames.length) throw new ParseError(fileName, 1, `frame ${index} requested, the file holds ${frames.length}`);
  return frames[k];
}

/**
 * A System from a Frame: names → types of `species` (an unknown name is an error naming it), positions
 * wrapped into [0, L), velocities copied when the frame has them (else zero), charges from `ff` if given.
 */
export function frameToSystem(frame: Frame, species: SpeciesTable, ff?: ForceField, source = 'configuration'): System {
  const type = new Int32Array(frame.n);
  const unknown = new Set<string>();
  for (let a = 0; a < frame.n; a++) {
    const t = typeOf(species, frame.names[a]);
    if (t < 0) unknown.add(frame.names[a]);
    type[a] = t;
  }
  if (unknown.size > 0)
    throw new Error(
      `${source}: unknown species ${[...unknown].slice(0, 5).map(quoteToken).join(', ')}${unknown.size > 5 ? ` and ${unknown.size - 5} more` : ''}; the potential knows ${species.species.map((s) => s.name).join(', ')}`,
    );
  const sys = createSystem(species, type, frame.pos.slice(), { ...frame.box });
  wrapPositions(sys.pos, sys.box);
  if (frame.vel) sys.vel.set(frame.vel);
  if (ff) applyCharges(sys, ff);
  return sys;
}

/** Copy per-species charges of a forcefield into sys.charge (informational: kernels read PairTable). */
export function applyCharges(sys: System, ff: ForceField): void {
  sys.species.species.forEach((s, k) => (sys.charge[k] = ff.charge[s.name] ?? 0));
}

export interface FrameExtras {
  readonly energy?: number;
  readonly withForces?: boolean;
  readonly withVelocities?: boolean;
  readonly step?: number;
  readonly info?: Readonly<Record<string, string>>;
}

/** A Frame (copies) from a System, atoms in system order with ids 1..n. */
export function systemToFrame(sys: System, extras: FrameExtras = {}): Frame {
  const names = Array.from(sys.type, (t) => sys.species.species[t].name);
  return {
    n: sys.n,
    box: { ...sys.box },
    names,
    pos: sys.pos.slice(),
    ids: Int32Array.from({ length: sys.n }, (_, k) => k + 1),
    ...(extras.withVelocities !== false ? { vel: sys.vel.slice() } : {}),
    ...(extras.withForces ? { forces: sys.force.slice() } : {}),
    ...(extras.energy !== undefined ? { energy: extras.energy } : {}),
    ...(extras.step !== undefined ? { step: extras.step } : {}),
    ...(extras.info ? { info: extras.info } : {}),
  };
}

/** A System written in the format its file name asks for. */
export function formatConfiguration(sys: System, fileName: string, ff?: ForceField, extras: FrameExtras = {}): string {
  const frame = systemToFrame(sys, extras);
  if (formatOf(fileName) === 'extxyz') return writeExtxyz(frame);
  return writeLammpsData(frame, {
    title: extras.info?.title ?? 'glassfit configuration (LAMMPS metal units, atom_style charge)',
    species: sys.species,
    ...(ff ? { charges: ff.charge } : {}),
  });
}
