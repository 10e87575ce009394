/**
 * The configuration the 3D viewer draws: an orthorhombic box (Å, origin at 0), species names by type index,
 * per-atom type and positions as flat arrays (the API's final frame, xyz interleaved, 3n).
 */
export interface ViewerFrame {
  readonly box: { readonly lx: number; readonly ly: number; readonly lz: number }; // Å
  readonly species: readonly string[]; // type index → name
  readonly type: ArrayLike<number>; // [n]
  readonly pos: ArrayLike<number>; // [3n] Å
}

/** Display colour and radius per element; other species take the fallback palette in type order. */
export const SPECIES_STYLE: Readonly<Record<string, { color: number; radius: number }>> = {
  // Å. Ball-and-stick sizes, far below ionic radii: Si–O is 1.6 Å, so 0.4 + 0.5 leaves 0.7 Å of each bond visible.
  Si: { color: 0xd8b25a, radius: 0.4 },
  O: { color: 0xd0453a, radius: 0.5 },
  Na: { color: 0x6d5bd0, radius: 0.8 },
  Al: { color: 0x9aa3ad, radius: 0.6 },
  Ca: { color: 0x3c9d6a, radius: 0.8 },
  B: { color: 0xe8a07c, radius: 0.5 },
};
const FALLBACK = [0x4a7fb5, 0x7fb54a, 0xb54a9d, 0x4ab5a8];

/** CSS colour of a species (legends beside the canvas). */
export function speciesCss(name: string, typeIndex: number): string {
  return `#${speciesStyle(name, typeIndex).color.toString(16).padStart(6, '0')}`;
}

export function speciesStyle(name: string, typeIndex: number): { color: number; radius: number } {
  return SPECIES_STYLE[name] ?? { color: FALLBACK[typeIndex % FALLBACK.length], radius: 0.6 };
}

/** Wrap a coordinate into [0, L). */
export function wrap(x: number, l: number): number {
  const y = x - Math.floor(x / l) * l;
  return y >= l ? 0 : y;
}

/**
 * Colours by coordination (OVITO's habit for silica): Si 4-fold keeps the Si colour, under- and
 * over-coordinated Si stand out (3-fold blue, 5-fold violet, 6-fold plum); O 2-fold (bridging) keeps the O
 * colour, 1-fold (non-bridging) orange, 3-fold (tricluster) green. Anything else grey.
 */
export const COORDINATION_STYLE: Readonly<Record<string, Readonly<Record<number, { color: number; label: string }>>>> = {
  Si: {
    3: { color: 0x2f6fd0, label: '3-fold' },
    4: { color: 0xd8b25a, label: '4-fold' },
    5: { color: 0x8e44ad, label: '5-fold' },
    6: { color: 0x4a235a, label: '6-fold' },
  },
  O: {
    1: { color: 0xf08c00, label: '1-fold (non-bridging)' },
    2: { color: 0xd0453a, label: '2-fold (bridging)' },
    3: { color: 0x2e9e4f, label: '3-fold (tricluster)' },
  },
};
export const OTHER_COORDINATION = 0x8a8f98;

export function coordinationColor(species: string, z: number): number {
  return COORDINATION_STYLE[species]?.[z]?.color ?? OTHER_COORDINATION;
}

export function hexCss(color: number): string {
  return `#${color.toString(16).padStart(6, '0')}`;
}
