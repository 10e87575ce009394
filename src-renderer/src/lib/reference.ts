/**
 * How a reference is named on screen. The built-in one is a classical LAMMPS liquid of the CHIK potential — a
 * stand-in for the user's own AIMD data — and every label says so; it is never called AIMD.
 */
export interface ProvenanceLike {
  readonly kind: 'builtin' | 'gr-table' | 'trajectory';
  readonly name: string;
  readonly method?: string;
  readonly abInitio?: boolean;
  readonly temperatureK?: number;
}

export const BUILTIN_REFERENCE_LABEL = 'classical LAMMPS CHIK liquid, 3600 K — a stand-in, not AIMD';

/** A full label for headers and captions. */
export function referenceLabel(p: ProvenanceLike): string {
  if (p.kind === 'builtin') return `Built-in reference: ${BUILTIN_REFERENCE_LABEL}`;
  const what = p.abInitio === true ? 'ab initio' : p.abInitio === false ? 'classical MD, not ab initio' : (p.method ?? 'user data');
  return `${p.name} (${what})`;
}

/** A short legend label for plots. */
export function referenceLegend(p: ProvenanceLike): string {
  if (p.kind === 'builtin') return 'reference (classical CHIK, not AIMD)';
  return p.abInitio === false ? `reference: ${p.name} (classical)` : `reference: ${p.name}`;
}
