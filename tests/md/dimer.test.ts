/**
 * Two atoms against LAMMPS (fixtures/lammps/dimer.csv: in.dimer, BKS/CHIK/ML × SiSi/SiO/OO, r = 0.9…9 Å):
 * energy with both self energies, its Coulomb part, and the force, to 1e-8 relative.
 */
import { describe, expect, it } from 'vitest';
import { SILICA } from '../../src-worker/species.ts';
import { builtinForceField, type BuiltinName } from '../../src-worker/params/sets.ts';
import { buckDsf, singleBuckDsf } from '../../src-worker/md/buck-dsf.ts';
import { buckDsfReference, buckDsfReferenceExactErfc } from '../../src-worker/md/buck-dsf-reference.ts';
import { buckDsfTable } from '../../src-worker/md/buck-dsf-table.ts';
import { createSystem } from '../../src-worker/md/system.ts';
import { createNeighborList } from '../../src-worker/md/neighbor.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';
import type { PairTable, Potential } from '../../src-worker/md/potential.ts';
import { fixtureText, readCsv } from './fixtures.ts';

const rows = readCsv(fixtureText('dimer.csv')).map((r) => ({
  set: r.set as BuiltinName,
  pair: r.pair,
  r: Number(r.r_A),
  pe: Number(r.pe_eV),
  ecoul: Number(r.ecoul_eV),
  fx1: Number(r.fx_atom1_eV_per_A),
  fx2: Number(r.fx_atom2_eV_per_A),
}));
const TYPES: Record<string, [number, number]> = { SiSi: [0, 0], SiO: [0, 1], OO: [1, 1] };

/** |a − b| ≤ rel·|b|, or both ≈ 0 (the force beyond the cut-off is exactly zero in LAMMPS). */
function close(a: number, b: number, rel: number): boolean {
  if (Math.abs(b) < 1e-12) return Math.abs(a) < 1e-12;
  return Math.abs(a - b) <= rel * Math.abs(b);
}

function coulombOnly(ff: ForceField): ForceField {
  const off = { A: 0, rho: 1, C: 0, D: 0 };
  return { ...ff, pair: { SiSi: off, SiO: off, OO: off } };
}

describe('dimer against LAMMPS', () => {
  it('has the 171 rows of the fixture', () => expect(rows.length).toBe(171));

  it('single(): energy (with self energies), Coulomb part and force to 1e-8', () => {
    const out = { energy: 0, fOverR: 0 };
    let checked = 0;
    for (const row of rows) {
      const ff = builtinForceField(row.set);
      const t = buckDsf.prepare(SILICA, ff);
      const [ti, tj] = TYPES[row.pair];
      singleBuckDsf(ti, tj, row.r * row.r, t, out);
      const pe = out.energy + t.selfEnergy[ti] + t.selfEnergy[tj];
      const fx2 = out.fOverR * row.r; // atom 2 sits at +r: F₂ = (F/r)·(x₂ − x₁)
      expect(close(pe, row.pe, 1e-8), `${row.set} ${row.pair} r=${row.r}: pe ${pe} vs ${row.pe}`).toBe(true);
      expect(close(fx2, row.fx2, 1e-8), `${row.set} ${row.pair} r=${row.r}: fx2 ${fx2} vs ${row.fx2}`).toBe(true);
      expect(close(-fx2, row.fx1, 1e-8)).toBe(true);
      const tc = buckDsf.prepare(SILICA, coulombOnly(ff));
      singleBuckDsf(ti, tj, row.r * row.r, tc, out);
      const ecoul = out.energy + tc.selfEnergy[ti] + tc.selfEnergy[tj];
      expect(close(ecoul, row.ecoul, 1e-8), `${row.set} ${row.pair} r=${row.r}: ecoul ${ecoul} vs ${row.ecoul}`).toBe(true);
      checked++;
    }
    expect(checked).toBe(171);
  });

  // The same two atoms as a periodic system in LAMMPS's 60 Å box, through each kernel's compute().
  const prepared = new Map<string, PairTable>();
  function periodicDimer(pot: Potential, set: BuiltinName, pair: string, r: number) {
    const [ti, tj] = TYPES[pair];
    const sys = createSystem(SILICA, Int32Array.from([ti, tj]), Float64Array.from([20, 30, 30, 20 + r, 30, 30]), { lx: 60, ly: 60, lz: 60 });
    const key = `${pot.style} ${set}`;
    if (!prepared.has(key)) prepared.set(key, pot.prepare(SILICA, builtinForceField(set)));
    const t = prepared.get(key) as PairTable;
    const nl = createNeighborList(2, t.maxCutoff, 2.0, 0);
    const pe = pot.compute(sys, nl, t);
    return { pe, f: sys.force, self: t.selfEnergy[ti] + t.selfEnergy[tj] };
  }

  for (const [label, pot] of [
    ['exact kernel', buckDsf],
    ['reference twin', buckDsfReference],
  ] as const) {
    it(`compute() of the ${label} on the periodic dimer, to 1e-8`, () => {
      for (const row of rows) {
        const { pe, f } = periodicDimer(pot, row.set, row.pair, row.r);
        const what = `${label} ${row.set} ${row.pair} r=${row.r}`;
        expect(close(pe, row.pe, 1e-8), `${what}: pe ${pe} vs ${row.pe}`).toBe(true);
        expect(close(f[3], row.fx2, 1e-8), `${what}: fx2 ${f[3]} vs ${row.fx2}`).toBe(true);
        expect(f[0] + f[3]).toBe(0); // Newton's third law, exactly
        expect(Math.abs(f[1])).toBe(0);
        expect(Math.abs(f[5])).toBe(0);
      }
    });
  }

  it('the exact-erfc DSF differs from LAMMPS only by the polynomial erfc: ≤ 1.5e-7·k·|qi·qj|/r in energy', () => {
    for (const row of rows) {
      const { pe, self } = periodicDimer(buckDsfReferenceExactErfc, row.set, row.pair, row.r);
      const ff = builtinForceField(row.set);
      const [ti, tj] = TYPES[row.pair];
      const qq = 14.399645 * Math.abs(ff.charge[SILICA.species[ti].name] * ff.charge[SILICA.species[tj].name]);
      const bound = row.r < 8 ? (1.5e-7 * qq) / row.r : 0;
      expect(Math.abs(pe - row.pe), `${row.set} ${row.pair} r=${row.r}`).toBeLessThanOrEqual(bound + 1e-12 * Math.abs(row.pe));
      expect(Number.isFinite(self)).toBe(true);
    }
  });

  it('the table kernel reproduces the exact-erfc DSF it tabulates: 2e-7 of the Coulomb scale (+1e-8 absolute)', () => {
    for (const row of rows) {
      const ff = builtinForceField(row.set);
      const [ti, tj] = TYPES[row.pair];
      // The table's own tolerance (buck-dsf-table.ts): relative to |E| + k|qiqj|/r and |F| + k|qiqj|/r².
      const qq = 14.399645 * Math.abs(ff.charge[SILICA.species[ti].name] * ff.charge[SILICA.species[tj].name]);
      const tab = periodicDimer(buckDsfTable, row.set, row.pair, row.r);
      const ref = periodicDimer(buckDsfReferenceExactErfc, row.set, row.pair, row.r);
      const what = `${row.set} ${row.pair} r=${row.r}`;
      // Pair parts (the self energies are the same constants in both).
      const inside = row.r < 8 ? 1 : 0;
      expect(Math.abs(tab.pe - ref.pe), `${what}: pe ${tab.pe} vs ${ref.pe}`).toBeLessThanOrEqual(
        2e-7 * (Math.abs(ref.pe - ref.self) + (inside * qq) / row.r) + 1e-8,
      );
      expect(Math.abs(tab.f[3] - ref.f[3]), `${what}: fx2 ${tab.f[3]} vs ${ref.f[3]}`).toBeLessThanOrEqual(
        2e-7 * (Math.abs(ref.f[3]) + (inside * qq) / (row.r * row.r)) + 1e-8,
      );
    }
  });
});
