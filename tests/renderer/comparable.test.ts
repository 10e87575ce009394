// When the Compare view warns (src-renderer/src/lib/comparable.ts): campaigns against other references or
// under other MD protocols, one line per difference naming who has what; short names A, B, … for labels.
import { describe, expect, it } from 'vitest';
import { differences, shortName, type Comparable } from '../../src-renderer/src/lib/comparable.ts';

const protocol = { atoms: 3000, densityGcm3: 2.2, temperature: 3600, timestep: 0.001, relax: 10, production: 10, sampleEvery: 10, tDamp: 0.1, skin: 2, kernel: 'table', costRange: { rMin: 0, rMax: 8 } };
const c = (name: string, over: Record<string, unknown> = {}, hash = 'h1', ref = 'built-in CHIK'): Comparable => ({ id: name, name, reference: { hash, provenance: { name: ref } }, protocol: { ...protocol, ...over } });

describe('comparability of campaigns', () => {
  it('short names run A … Z, AA, AB', () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(shortName)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });

  it('nothing to say for one campaign, or several with the same reference and protocol (the skin does not matter)', () => {
    expect(differences([c('x')])).toEqual([]);
    expect(differences([c('x'), c('y', { skin: 1 })])).toEqual([]);
  });

  it('names the reference and each protocol field that differs, and who has which value', () => {
    const d = differences([c('x'), c('y', { atoms: 648, production: 1 }), c('z', {}, 'h2', 'aimd.xyz')]);
    expect(d).toEqual([
      'different references: A (built-in CHIK), B (built-in CHIK) vs C (aimd.xyz) — R_χ against different references are not comparable',
      'different atoms: A, C 3000 vs B 648',
      'different production: A, C 10 ps vs B 1 ps',
    ]);
    expect(differences([c('x'), c('y', { kernel: 'exact', timestep: 0.0005 })])).toEqual(['different time step: A 1 fs vs B 0.5 fs', 'different pair kernel: A table vs B exact']);
  });
});
