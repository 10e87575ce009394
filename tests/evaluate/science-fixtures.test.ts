/**
 * The science benchmark's reference panel (tests/fixtures/science, made by scripts/make-reference.ts with LAMMPS):
 * each liquid loads as a user's g(r) table, passes the checks every reference passes before a campaign may use
 * it, is a tetrahedral silica liquid, and carries its provenance and the LAMMPS input that made it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReferenceFile } from '../../src-main/reference/load.ts';
import { referenceProblems } from '../../src-worker/evaluate/reference.ts';
import { referenceLandmarks } from '../../src-worker/physics/reference-features.ts';
import { presetSpace } from '../../src-worker/params/presets.ts';
import { neededPairs } from '../../src-worker/campaign/setup.ts';
import { readForceFieldFile } from '../../src-worker/params/forcefield-file.ts';
import { screenContextFor, screenForceField } from '../../src-worker/physics/screen.ts';
import { SILICA } from '../../src-worker/species.ts';

const DIR = join(import.meta.dirname, '../fixtures/science');
const names = existsSync(DIR) ? readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];

describe('science reference panel', () => {
  it('holds the Pedone liquid and at least three Buckingham liquids of non-built-in sets', () => {
    expect(names).toContain('pedone');
    expect(names.filter((n) => existsSync(join(DIR, n, 'forcefield.json'))).length).toBeGreaterThanOrEqual(3);
  });

  describe.each(names)('%s', (name) => {
    const dir = join(DIR, name);

    it('has its provenance, LAMMPS input and potential', () => {
      for (const f of ['PROVENANCE.md', 'in.lammps', 'potential.lmp', 'start.data', 'summary.json']) expect(existsSync(join(dir, f)), f).toBe(true);
      const prov = readFileSync(join(dir, 'PROVENANCE.md'), 'utf8');
      expect(prov).toMatch(/LAMMPS \d+ \w+ \d{4}/);
      expect(prov).toContain('seed');
      expect(readFileSync(join(dir, 'in.lammps'), 'utf8')).toContain('compute         rdf all rdf 400 1 1 1 2 2 2 cutoff 8.0');
    });

    it('is a usable reference for the ml preset, and a tetrahedral silica liquid', () => {
      const ref = loadReferenceFile(join(dir, `gr_${name}.csv`));
      expect(ref.pairs).toEqual(['SiSi', 'SiO', 'OO']);
      expect(ref.r.length).toBe(400);
      const space = presetSpace('ML', { coordinates: 'wall', landmarks: referenceLandmarks(ref) });
      expect(referenceProblems(ref, { needPairs: neededPairs(space) })).toEqual([]);
      const lm = referenceLandmarks(ref);
      expect(lm.SiO.peak).toBeGreaterThan(1.5);
      expect(lm.SiO.peak).toBeLessThan(1.7);
      expect(lm.OO.peak).toBeGreaterThan(2.45);
      expect(lm.OO.peak).toBeLessThan(2.8);
      // Si–O coordination from LAMMPS's own cumulative count, at the first minimum of g_SiO.
      const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { siCoordination: { atFirstMinimum: number } };
      expect(Math.abs(s.siCoordination.atFirstMinimum - 4)).toBeLessThan(0.15);
    });

    it('a Buckingham set that made the liquid passes the physics screen against it', () => {
      const file = join(dir, 'forcefield.json');
      if (!existsSync(file)) return; // Pedone's Morse form is not a glassfit forcefield
      const { ff } = readForceFieldFile(readFileSync(file, 'utf8'), 'forcefield.json');
      const ref = loadReferenceFile(join(dir, `gr_${name}.csv`));
      const v = screenForceField(ff, screenContextFor({ species: SILICA, reference: ref, temperature: 3600 }));
      expect(v.ok, JSON.stringify(v)).toBe(true);
    });
  });
});
