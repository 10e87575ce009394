/**
 * Loading the LAMMPS fixtures of tests/fixtures/lammps (copied from shared/lammps-fixtures; see PROVENANCE.md
 * there) for the engine's tests.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readExtxyz } from '../../src-worker/io/extxyz.ts';
import { frameToSystem } from '../../src-worker/io/configuration.ts';
import type { Frame } from '../../src-worker/io/frame.ts';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField, type BuiltinName } from '../../src-worker/params/sets.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { System } from '../../src-worker/md/system.ts';

export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/lammps');

export function fixtureText(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

export type LiquidName = 'BKS' | 'CHIK' | 'ML';
export const LIQUIDS: readonly LiquidName[] = ['BKS', 'CHIK', 'ML'];

export interface Liquid {
  readonly name: LiquidName;
  readonly frame: Frame; // with LAMMPS's forces and energy
  readonly ff: ForceField;
  readonly sys: System;
  readonly lammps: { pe: number; ecoul: number; eshort: number };
}

/** A 3000-atom LAMMPS liquid: positions, LAMMPS forces (frame.forces) and energies (energies.json). */
export function loadLiquid(name: LiquidName): Liquid {
  const frame = readExtxyz(fixtureText(`configs/${name}_liquid.extxyz`), `${name}_liquid.extxyz`)[0];
  const ff = builtinForceField(name as BuiltinName);
  const energies = JSON.parse(fixtureText('configs/energies.json'));
  return { name, frame, ff, sys: frameToSystem(frame, SILICA, ff), lammps: energies[name] };
}

/** RMS of per-atom force magnitudes, eV/Å. */
export function rmsForce(f: Float64Array): number {
  let s = 0;
  for (let k = 0; k < f.length; k++) s += f[k] * f[k];
  return Math.sqrt(s / (f.length / 3));
}

/** Largest per-atom |ΔF| between two force arrays, eV/Å. */
export function maxForceDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i += 3) {
    const d = Math.hypot(a[i] - b[i], a[i + 1] - b[i + 1], a[i + 2] - b[i + 2]);
    if (d > m) m = d;
  }
  return m;
}

/** CSV text → rows keyed by the header. */
export function readCsv(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trim().split('\n');
  const keys = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i], v])));
}
