/**
 * Species and pairs: the generic vocabulary the engine and analysis use. Silica is the default table, not a
 * special case. A type index is a position in the table; pair tables are flat nTypes×nTypes, filled
 * symmetrically. Pair names follow the paper (`SiO`, `OO`, `SiSi`): the two names in table order.
 */

export type SpeciesName = string; // element symbol: 'Si', 'O', 'Na'
export type PairName = string; // `${SpeciesName}${SpeciesName}` in table order: 'SiO', not 'OSi'

export interface Species {
  readonly name: SpeciesName;
  readonly mass: number; // amu
}

export interface SpeciesTable {
  readonly species: readonly Species[]; // type index = position
}

/** Si 28.0855 and O 15.9994 amu, Si first so that pair names read SiSi, SiO, OO as in the paper. */
export const SILICA: SpeciesTable = {
  species: [
    { name: 'Si', mass: 28.0855 },
    { name: 'O', mass: 15.9994 },
  ],
};

/** SiO2 stoichiometry: per formula unit, for charge neutrality and box building. */
export const SILICA_COMPOSITION: Readonly<Record<SpeciesName, number>> = { Si: 1, O: 2 };

/** Index of the ordered type pair in a flat nTypes×nTypes table. */
export function pairIndex(ti: number, tj: number, nTypes: number): number {
  return ti * nTypes + tj;
}

/** Pair name of types (ti, tj): names in table order, so (O, Si) and (Si, O) are both 'SiO'. */
export function pairName(table: SpeciesTable, ti: number, tj: number): PairName {
  const a = Math.min(ti, tj);
  const b = Math.max(ti, tj);
  return table.species[a].name + table.species[b].name;
}

/** All unordered pairs (ti ≤ tj) in canonical order: (0,0), (0,1), …, (1,1), … */
export function pairList(table: SpeciesTable): { ti: number; tj: number; name: PairName }[] {
  const n = table.species.length;
  const out: { ti: number; tj: number; name: PairName }[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) out.push({ ti: i, tj: j, name: pairName(table, i, j) });
  return out;
}

/** Type index of a species name, or -1. */
export function typeOf(table: SpeciesTable, name: SpeciesName): number {
  return table.species.findIndex((s) => s.name === name);
}

/** Parse a pair name ('SiO') into type indices; throws for a name that is not a pair of this table. */
export function parsePairName(table: SpeciesTable, name: PairName): [number, number] {
  for (const p of pairList(table)) if (p.name === name) return [p.ti, p.tj];
  throw new Error(`'${name}' is not a species pair of ${table.species.map((s) => s.name).join(', ')}`);
}
