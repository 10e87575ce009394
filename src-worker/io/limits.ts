/**
 * What a file may contain, checked at the edge by every reader: its size, its line lengths, how many atoms a
 * frame may claim, and the physical range of every number it holds. One table, so every reader refuses the same
 * things with the same reason, and nothing downstream (cell lists, allocations, R_χ) ever sees a value that
 * could hang it, exhaust memory or turn into NaN. Generous on purpose: the limits stop corrupted or hostile
 * files, never a real simulation of a glass.
 */

/**
 * Largest file a reader accepts, bytes (and characters of text). A reference trajectory of 1000 atoms ×
 * 10 000 frames is about 300 MB as a LAMMPS dump; beyond this, subsample frames before importing.
 * The bridge's request limit and the parse worker's file check use the same figure.
 */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Longest line, characters: no line of the supported formats needs more than a few hundred. */
export const MAX_LINE_CHARS = 65_536;

/** Longest numeric token, characters: a double needs at most 24 (`-1.2345678901234567e-308`). */
export const MAX_NUMBER_CHARS = 64;

/** How much of an offending token an error message quotes. */
export const QUOTE_CHARS = 80;

/**
 * Most atoms one frame may declare. A classical reference liquid has thousands, AIMD hundreds; 10⁶ atoms is
 * 24 MB of positions per frame. A count is also checked against the lines the file actually holds before
 * anything is allocated, so a huge count in a small file is an error, not an allocation.
 */
export const MAX_ATOMS = 1_000_000;

/** A closed interval a quantity must lie in, with its unit and the reason for the bounds. */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly why: string;
}

/** Physical ranges of the numbers files hold (LAMMPS metal units). */
export const RANGES = {
  /** Positions, wrapped or unwrapped. */
  coordinate: { min: -1e5, max: 1e5, unit: 'Å', why: 'an atom 10 µm from the box is a corrupted file, not a liquid' },
  /** Orthorhombic box edges. */
  boxLength: { min: 1, max: 1e5, unit: 'Å', why: 'a periodic box of a liquid is between a few Å and a few µm across' },
  velocity: { min: -1e5, max: 1e5, unit: 'Å/ps', why: 'thermal velocities at 10⁴ K are about 50 Å/ps' },
  force: { min: -1e10, max: 1e10, unit: 'eV/Å', why: 'larger forces overflow any MD step' },
  energy: { min: -1e15, max: 1e15, unit: 'eV', why: 'larger energies are not a physical configuration' },
  charge: { min: -100, max: 100, unit: 'e', why: 'ionic charges are a few e' },
  mass: { min: 1e-3, max: 1e4, unit: 'amu', why: 'atomic masses lie between 1 and about 300 amu' },
  /** Partial g(r): non-negative; a liquid's peaks stay below ~50, fine bins of a dilute species go higher. */
  g: { min: 0, max: 1e4, unit: '', why: 'a pair distribution function is ≥ 0 and peaks far below 10⁴' },
  r: { min: 0, max: 1e3, unit: 'Å', why: 'pair distances of a periodic liquid lie within a few nm' },
  theta: { min: 0, max: 180, unit: '°', why: 'bond angles lie in [0, 180]°' },
  /** Bond-angle distribution, 1/degree, Σ p·Δθ = 1. */
  adf: { min: 0, max: 1e4, unit: '1/°', why: 'a probability density over degrees is ≥ 0 and far below 10⁴' },
  /** Atom ids are stored as 32-bit integers. */
  atomId: { min: 1, max: 2_147_483_647, unit: '', why: 'atom ids are positive 32-bit integers' },
  /** A LAMMPS timestep (bigint there; exact integers here). */
  timestep: { min: 0, max: Number.MAX_SAFE_INTEGER, unit: '', why: 'timesteps are non-negative integers' },
} as const satisfies Readonly<Record<string, Range>>;

export type Quantity = keyof typeof RANGES;

/** `value (unit)` text for messages. */
export function rangeText(r: Range): string {
  const u = r.unit ? ` ${r.unit}` : '';
  return `[${r.min}, ${r.max}]${u}`;
}

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators: anything that could end a line
// or drive a terminal when a file's content is echoed back.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Text with control characters (newlines included) replaced by spaces: safe on one line of a file or a message. */
export function oneLine(s: string): string {
  return s.replace(CONTROL, ' ');
}

/** A token quoted for an error message: control characters shown as spaces, cut to QUOTE_CHARS. */
export function quoteToken(s: string): string {
  return s.length > QUOTE_CHARS ? `'${oneLine(s.slice(0, QUOTE_CHARS))}…' (${s.length} characters)` : `'${oneLine(s)}'`;
}
