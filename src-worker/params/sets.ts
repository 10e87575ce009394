/**
 * The built-in parameter sets, each defined once with its source, in the ρ form (BKS and CHIK are published
 * with b = 1/ρ; the conversion is noted next to each). Values as in shared/lammps-fixtures/params.json.
 */
import { DEFAULT_CUTOFF, DEFAULT_DSF, SILICA_D, silicaCharges, type ForceField } from '../md/forcefield.ts';

export interface ShortRange {
  readonly A: number; // eV
  readonly rho: number; // Å
  readonly C: number; // eV·Å⁶
}

export interface BuiltinSet {
  readonly name: BuiltinName;
  readonly label: string;
  readonly source: string;
  /** Whether LAMMPS fixtures cover this set (BKS, CHIK, ML) or it comes from the paper only. */
  readonly lammpsChecked: boolean;
  readonly qSi: number; // e
  readonly SiO: ShortRange;
  readonly OO: ShortRange;
  readonly SiSi: ShortRange;
}

export const BUILTIN_NAMES = ['BKS', 'CHIK', 'ML', 'ML-SiO', 'ML-ALL'] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** "No interaction" short range in the paper's convention: A = C = 0, ρ = 1 Å. */
const OFF: ShortRange = { A: 0, rho: 1, C: 0 };

export const BUILTIN_SETS: Readonly<Record<BuiltinName, BuiltinSet>> = {
  BKS: {
    name: 'BKS',
    label: 'BKS',
    source:
      'van Beest, Kramer, van Santen, Phys. Rev. Lett. 64, 1955 (1990); rho = 1/b with b = 4.87318 (SiO), 2.76 (OO) 1/Å',
    lammpsChecked: true,
    qSi: 2.4,
    SiO: { A: 18003.7572, rho: 1 / 4.87318, C: 133.5381 },
    OO: { A: 1388.773, rho: 1 / 2.76, C: 175.0 },
    SiSi: OFF,
  },
  CHIK: {
    name: 'CHIK',
    label: 'CHIK',
    source:
      'Carré, Horbach, Ispas, Kob, EPL 82, 17001 (2008); rho = 1/b with b = 5.158606 (SiO), 2.590066 (OO), 2.851451 (SiSi) 1/Å',
    lammpsChecked: true,
    qSi: 1.910418,
    SiO: { A: 27029.419922, rho: 1 / 5.158606, C: 148.099091 },
    OO: { A: 659.595398, rho: 1 / 2.590066, C: 26.836679 },
    SiSi: { A: 3150.462646, rho: 1 / 2.851451, C: 626.751953 },
  },
  ML: {
    name: 'ML',
    label: 'ML (Liu et al., Table 1)',
    source: "Liu, Fu, Li, Ahmad Sabri, Bauchy, 'Machine Learning Forcefield for Silicate Glasses', Table 1",
    lammpsChecked: true,
    qSi: 1.955,
    SiO: { A: 20453.601, rho: 0.191735, C: 93.496 },
    OO: { A: 1003.387, rho: 0.356855, C: 81.491 },
    SiSi: OFF,
  },
  'ML-SiO': {
    name: 'ML-SiO',
    label: 'ML-SiO (Liu et al., Table 3)',
    source: 'Liu et al., Table 3 (only Si–O short-range terms)',
    lammpsChecked: false,
    qSi: 1.484,
    SiO: { A: 3968.508, rho: 0.1876, C: 0.677 },
    OO: OFF,
    SiSi: OFF,
  },
  'ML-ALL': {
    name: 'ML-ALL',
    label: 'ML-ALL (Liu et al., Table 4)',
    source: 'Liu et al., Table 4 (Si–O, O–O and Si–Si terms)',
    lammpsChecked: false,
    qSi: 1.955,
    SiO: { A: 20453.601, rho: 0.191735, C: 93.496 },
    OO: { A: 1003.387, rho: 0.356855, C: 81.491 },
    SiSi: { A: 2643.111, rho: 0.303616, C: 232.009 },
  },
};

/** The ForceField of a silica set: q_O = −q_Si/2, the paper's fixed D, 8 Å cut-offs, DSF α = 0.25 Å⁻¹. */
export function silicaForceField(
  s: { readonly qSi: number; readonly SiO: ShortRange; readonly OO: ShortRange; readonly SiSi: ShortRange },
  D: Readonly<Record<string, number>> = SILICA_D,
): ForceField {
  return {
    charge: silicaCharges(s.qSi),
    pair: {
      SiSi: { ...s.SiSi, D: D.SiSi },
      SiO: { ...s.SiO, D: D.SiO },
      OO: { ...s.OO, D: D.OO },
    },
    cutoff: DEFAULT_CUTOFF,
    dsf: { ...DEFAULT_DSF },
  };
}

/** Case-insensitive lookup of a built-in set ('bks', 'ml-sio', …); undefined if there is none. */
export function findBuiltin(name: string): BuiltinSet | undefined {
  const key = BUILTIN_NAMES.find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? BUILTIN_SETS[key] : undefined;
}

export function builtinForceField(name: BuiltinName): ForceField {
  return silicaForceField(BUILTIN_SETS[name]);
}
