/**
 * Whether campaigns' R_χ can be compared: only against the same reference and under the same MD protocol (atom
 * count, density, temperature, time step, run lengths, sampling, thermostat, kernel, R_χ range). Says in one
 * line per difference what differs and how, and gives each campaign a short name (A, B, …) for plot labels.
 */
export interface Comparable {
  readonly id: string;
  readonly name: string;
  readonly reference: { readonly hash: string; readonly provenance: { readonly name: string } };
  readonly protocol: Readonly<Record<string, unknown>>;
}

/** Protocol fields that change R_χ, with how to show them. */
const FIELDS: readonly { key: string; label: string; show: (v: unknown) => string }[] = [
  { key: 'atoms', label: 'atoms', show: (v) => String(v) },
  { key: 'densityGcm3', label: 'density', show: (v) => `${v} g/cm³` },
  { key: 'temperature', label: 'temperature', show: (v) => `${v} K` },
  { key: 'timestep', label: 'time step', show: (v) => `${Number(v) * 1000} fs` },
  { key: 'relax', label: 'relaxation', show: (v) => `${v} ps` },
  { key: 'production', label: 'production', show: (v) => `${v} ps` },
  { key: 'sampleEvery', label: 'sampling', show: (v) => `every ${v} steps` },
  { key: 'tDamp', label: 'thermostat damping', show: (v) => `${v} ps` },
  { key: 'kernel', label: 'pair kernel', show: (v) => String(v) },
  { key: 'costRange', label: 'R_χ range', show: (v) => (v && typeof v === 'object' ? `${(v as { rMin: number }).rMin}–${(v as { rMax: number }).rMax} Å` : String(v)) },
];

/** A, B, …, Z, AA, AB, … */
export function shortName(i: number): string {
  let s = '';
  let k = i;
  do {
    s = String.fromCharCode(65 + (k % 26)) + s;
    k = Math.floor(k / 26) - 1;
  } while (k >= 0);
  return s;
}

/** One line per way the campaigns differ (empty when they are comparable); names are the short names. */
export function differences(cs: readonly Comparable[]): string[] {
  if (cs.length < 2) return [];
  const out: string[] = [];
  const byRef = new Map<string, string[]>();
  cs.forEach((c, i) => byRef.set(c.reference.hash, [...(byRef.get(c.reference.hash) ?? []), `${shortName(i)} (${c.reference.provenance.name})`]));
  if (byRef.size > 1) out.push(`different references: ${[...byRef.values()].map((g) => g.join(', ')).join(' vs ')} — R_χ against different references are not comparable`);
  for (const f of FIELDS) {
    const groups = new Map<string, string[]>();
    cs.forEach((c, i) => {
      const v = f.show(c.protocol[f.key]);
      groups.set(v, [...(groups.get(v) ?? []), shortName(i)]);
    });
    if (groups.size > 1) out.push(`different ${f.label}: ${[...groups.entries()].map(([v, who]) => `${who.join(', ')} ${v}`).join(' vs ')}`);
  }
  return out;
}
