/**
 * What the adversarial suite (issue 12) feeds the readers, the API and the bridge: small valid seed files of every
 * format, fast-check arbitraries that corrupt them the way a careless user or an attacker would (a hostile token
 * in place of a number, lines deleted, duplicated, truncated or spliced in, control characters, huge values and
 * counts), the checks every outcome must pass (a clean one-line rejection, or a result inside the physical
 * limits), and the tally each file prints.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ParseError, type Frame } from '../../src-worker/io/frame.ts';
import { writeExtxyz } from '../../src-worker/io/extxyz.ts';
import { writeLammpsData } from '../../src-worker/io/lammps-data.ts';
import { MAX_ATOMS, RANGES } from '../../src-worker/io/limits.ts';
import { writeForceFieldFile } from '../../src-worker/params/forcefield-file.ts';
import { builtinForceField } from '../../src-worker/params/sets.ts';
import { SILICA } from '../../src-worker/species.ts';
import { createRng, uniform } from '../../src-worker/rng.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

// -------------------------------------------------------------------------------------------- seeds

/** 8 Si + 16 O at random in a 10 Å cube: every pair has neighbours within 8 Å, so its g(r) is a usable reference. */
export function smallFrame(seed: number, step = 0): Frame {
  const rng = createRng(seed);
  const n = 24;
  const pos = new Float64Array(3 * n);
  for (let i = 0; i < 3 * n; i++) pos[i] = 10 * uniform(rng);
  return { n, box: { lx: 10, ly: 10, lz: 10 }, names: Array.from({ length: n }, (_, i) => (i < 8 ? 'Si' : 'O')), pos, ids: Int32Array.from({ length: n }, (_, i) => i + 1), step };
}

function dumpText(frames: readonly Frame[]): string {
  return frames
    .map((f) =>
      [
        'ITEM: TIMESTEP',
        String(f.step ?? 0),
        'ITEM: NUMBER OF ATOMS',
        String(f.n),
        'ITEM: BOX BOUNDS pp pp pp',
        `0 ${f.box.lx}`,
        `0 ${f.box.ly}`,
        `0 ${f.box.lz}`,
        'ITEM: ATOMS id type x y z',
        ...Array.from({ length: f.n }, (_, i) => `${i + 1} ${f.names[i] === 'Si' ? 1 : 2} ${f.pos[3 * i]} ${f.pos[3 * i + 1]} ${f.pos[3 * i + 2]}`),
      ].join('\n'),
    )
    .join('\n')
    .concat('\n');
}

function vaspHeader(f: Frame): string[] {
  return ['SiO2 seed', '1.0', `${f.box.lx} 0 0`, `0 ${f.box.ly} 0`, `0 0 ${f.box.lz}`, 'Si O', '8 16'];
}

function directLines(f: Frame): string[] {
  return Array.from({ length: f.n }, (_, i) => `${f.pos[3 * i] / f.box.lx} ${f.pos[3 * i + 1] / f.box.ly} ${f.pos[3 * i + 2] / f.box.lz}`);
}

const frames = [smallFrame(1, 0), smallFrame(2, 10)];

/** One valid file of each format the readers take, named so that format detection recognises it. */
export const SEEDS = {
  gr: readFileSync(join(ROOT, 'resources', 'reference', 'gr_CHIK_s1.csv'), 'utf8'),
  adf: readFileSync(join(ROOT, 'resources', 'reference', 'adf_CHIK_s1.csv'), 'utf8'),
  extxyz: writeExtxyz(frames),
  data: writeLammpsData(frames[0], { species: SILICA, charges: { Si: 2.4, O: -1.2 } }),
  dump: dumpText(frames),
  poscar: [...vaspHeader(frames[0]), 'Direct', ...directLines(frames[0])].join('\n') + '\n',
  xdatcar: [...vaspHeader(frames[0]), 'Direct configuration=     1', ...directLines(frames[0]), 'Direct configuration=     2', ...directLines(frames[1])].join('\n') + '\n',
  forcefield: writeForceFieldFile(builtinForceField('BKS'), SILICA, { name: 'BKS', source: 'seed' }),
} as const;

// ------------------------------------------------------------------------------------------ mutations

/** Tokens a careless user or an attacker puts where a number or a name belongs. */
export const HOSTILE_TOKENS: readonly string[] = [
  '1e308',
  '-1e308',
  '1e309',
  '1e-300',
  '-1e-300',
  'NaN',
  'nan',
  'Infinity',
  '-inf',
  '0x1f',
  '-0',
  '0',
  '-1',
  '3000000000',
  '300000000',
  '9007199254740993',
  '1e15',
  '2147483648',
  '',
  '"',
  '"unterminated',
  '{',
  '}',
  '=',
  'Lattice="1e-300 0 0 0 1e-300 0 0 0 1e-300"',
  'Properties=species:S:1:pos:R:999999999',
  '&',
  '#',
  'ITEM: TIMESTEP',
  'Direct configuration=',
  '\u0000',
  '\r',
  '\u2028',
  '\u001b[2J',
  'x\nshell touch /tmp/PWNED',
  'Si_GW/357db9cfb',
  'Xx',
  'é',
  '1'.repeat(200),
  '9'.repeat(20_000),
];

/** One edit of a file's lines. */
export type Mutation =
  | { readonly op: 'token'; readonly line: number; readonly token: number; readonly value: string }
  | { readonly op: 'delete' | 'duplicate'; readonly line: number }
  | { readonly op: 'insert'; readonly line: number; readonly value: string }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'swap'; readonly line: number; readonly other: number }
  | { readonly op: 'huge-line'; readonly line: number; readonly chars: number };

const hostile = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_TOKENS) },
  { weight: 2, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('token' as const), line: fc.nat(), token: fc.nat(8), value: hostile }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('delete' as const, 'duplicate' as const), line: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), line: fc.nat(), value: hostile }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swap' as const), line: fc.nat(), other: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('huge-line' as const), line: fc.nat(), chars: fc.constantFrom(70_000, 200_000) }) },
);

/** The file after the edits (indices taken modulo the current length). */
export function mutate(text: string, edits: readonly Mutation[]): string {
  let lines = text.split('\n');
  for (const m of edits) {
    const n = Math.max(1, lines.length);
    switch (m.op) {
      case 'token': {
        const i = m.line % n;
        const toks = (lines[i] ?? '').split(/(\s+|,)/);
        const words = toks.map((t, k) => [t, k] as const).filter(([t]) => t.trim() !== '' && t !== ',');
        if (words.length === 0) lines[i] = m.value;
        else {
          toks[words[m.token % words.length][1]] = m.value;
          lines[i] = toks.join('');
        }
        break;
      }
      case 'delete':
        lines.splice(m.line % n, 1);
        break;
      case 'duplicate':
        lines.splice(m.line % n, 0, lines[m.line % n] ?? '');
        break;
      case 'insert':
        lines.splice(m.line % (n + 1), 0, m.value);
        break;
      case 'truncate': {
        const t = lines.join('\n');
        lines = t.slice(0, m.at % (t.length + 1)).split('\n');
        break;
      }
      case 'swap': {
        const a = m.line % n;
        const b = m.other % n;
        [lines[a], lines[b]] = [lines[b], lines[a]];
        break;
      }
      case 'huge-line':
        lines.splice(m.line % (n + 1), 0, '7'.repeat(m.chars));
        break;
    }
  }
  return lines.join('\n');
}

export const editsArb = fc.array(mutationArb, { minLength: 1, maxLength: 3 });

// ---------------------------------------------------------------------------------------- outcomes

/** A rejection the user can read: a ParseError or a plain error (never a TypeError, RangeError, …), one line, bounded. */
export function expectCleanRejection(e: unknown, context: string): void {
  expect(e, context).toBeInstanceOf(Error);
  const err = e as Error;
  const kind = err.constructor.name;
  expect(['ParseError', 'Error', 'ForceFieldFileError', 'FileProblem', 'FileRejectedError', 'CampaignSetupError', 'ApiError', 'CliError'], `${context}: ${kind}: ${err.message.slice(0, 300)}`).toContain(kind);
  expect(err.message, context).not.toMatch(/[\n\r]/);
  expect(err.message.length, context).toBeLessThanOrEqual(1200);
  if (err instanceof ParseError) expect(err.line, context).toBeGreaterThanOrEqual(1);
}

/** What a reader may hand on: atoms within the limits, every number finite and inside its physical range. */
export function expectFrameWithinLimits(f: Frame, context: string): void {
  expect(f.n, context).toBeLessThanOrEqual(MAX_ATOMS);
  expect(f.names.length, context).toBe(f.n);
  expect(f.pos.length, context).toBe(3 * f.n);
  for (const l of [f.box.lx, f.box.ly, f.box.lz]) expect(l >= RANGES.boxLength.min && l <= RANGES.boxLength.max, `${context}: box ${l}`).toBe(true);
  for (const x of f.pos) if (!(Math.abs(x) <= RANGES.coordinate.max)) expect.fail(`${context}: position ${x}`);
  if (f.vel) for (const v of f.vel) if (!(Math.abs(v) <= RANGES.velocity.max)) expect.fail(`${context}: velocity ${v}`);
}

// ------------------------------------------------------------------------------------------- tally

export interface Tally {
  inputs: number;
  rejected: number;
  accepted: number;
}

export const newTally = (): Tally => ({ inputs: 0, rejected: 0, accepted: 0 });

/** The counts line each adversarial file prints (CI logs show how much was tried). */
export function printTally(area: string, rows: Readonly<Record<string, Tally>>): number {
  let total = 0;
  const parts = Object.entries(rows).map(([k, t]) => {
    total += t.inputs;
    return `${k} ${t.inputs} (${t.rejected} rejected, ${t.accepted} accepted)`;
  });
  console.log(`adversarial ${area}: ${total} generated inputs — ${parts.join('; ')}`);
  return total;
}
