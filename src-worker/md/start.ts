/**
 * Start configurations: the box of a composition at a mass density, random insertion with per-pair minimum
 * distances, and the soft start that takes a random packing to a liquid without ever blowing up on the
 * r⁻²⁴ wall — the LAMMPS protocol's `minimize`, then 1 ps at 0.5 fs with `fix nve/limit 0.05` (no atom
 * moves more than 0.05 Å per step) and `fix temp/berendsen T T 0.02` (lammps-fixtures/lammps-inputs/
 * in.protocol).
 */
import { MV2D } from '../units.ts';
import type { SpeciesTable } from '../species.ts';
import { pairName } from '../species.ts';
import { uniform, type Rng } from '../rng.ts';
import { createSystem, type Box, type System } from './system.ts';
import type { PairTable, Potential } from './potential.ts';
import type { RunContext } from './protocol.ts';
import type { MdFailure } from './failure.ts';
import { createMdState, defaultLimits, runSegment, type BlowUpLimits, type MdState } from './run.ts';
import { DEFAULT_MINIMIZE, minimizeFire, type MinimizeOptions, type MinimizeResult } from './minimize.ts';
import { maxwellBoltzmann } from './velocities.ts';
import type { ForceTeam } from './force-team.ts';

/** Minimum distances of the LAMMPS fixtures' random starts (Å): Si–Si 2.6, Si–O 1.5, O–O 2.2. */
export const SILICA_MIN_DISTANCES: Readonly<Record<string, number>> = { SiSi: 2.6, SiO: 1.5, OO: 2.2 };
/** Minimum distance for pairs a table does not name (Å). */
export const DEFAULT_MIN_DISTANCE = 1.5;

/** Atoms per species for N atoms of SiO2 (N a multiple of 3): [Si, O] in SILICA's order. */
export function silicaCounts(atoms: number): number[] {
  if (!(Number.isInteger(atoms) && atoms > 0 && atoms % 3 === 0))
    throw new Error(`an SiO2 system needs a positive multiple of 3 atoms, got ${atoms}`);
  return [atoms / 3, (2 * atoms) / 3];
}

/** Cubic box holding these counts (per species of `species`) at a mass density in g/cm³. */
export function boxForDensity(species: SpeciesTable, counts: readonly number[], densityGcm3: number): Box {
  if (!(densityGcm3 > 0)) throw new Error(`density must be positive, got ${densityGcm3} g/cm³`);
  let massAmu = 0;
  species.species.forEach((s, k) => (massAmu += s.mass * (counts[k] ?? 0)));
  const volume = (massAmu * MV2D) / densityGcm3; // Å³
  const l = Math.cbrt(volume);
  return { lx: l, ly: l, lz: l };
}

/**
 * Random sequential insertion: atoms of each species (types in table order, `counts[t]` of type t) placed
 * uniformly in the box, each at least minDistance(pair) from every atom placed before (minimum image).
 * Throws when an atom cannot be placed in `maxAttempts` tries (the density is too high for the distances).
 */
export function randomInsertion(
  species: SpeciesTable,
  counts: readonly number[],
  box: Box,
  rng: Rng,
  minDistances: Readonly<Record<string, number>> = SILICA_MIN_DISTANCES,
  maxAttempts = 100_000,
): System {
  const nT = species.species.length;
  const n = counts.reduce((a, b) => a + b, 0);
  const dmin = new Float64Array(nT * nT);
  let dmax = 0;
  for (let a = 0; a < nT; a++)
    for (let b = 0; b < nT; b++) {
      const d = minDistances[pairName(species, a, b)] ?? DEFAULT_MIN_DISTANCE;
      dmin[a * nT + b] = d * d;
      dmax = Math.max(dmax, d);
    }
  const type = new Int32Array(n);
  const pos = new Float64Array(3 * n);
  // Cell grid with cells ≥ the largest minimum distance: a candidate is checked against 27 cells.
  const { lx, ly, lz } = box;
  const cx = Math.max(1, Math.floor(lx / dmax));
  const cy = Math.max(1, Math.floor(ly / dmax));
  const cz = Math.max(1, Math.floor(lz / dmax));
  const head = new Int32Array(cx * cy * cz).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const cellOf = (x: number, y: number, z: number) =>
    ((Math.floor((z / lz) * cz) % cz) * cy + (Math.floor((y / ly) * cy) % cy)) * cx + (Math.floor((x / lx) * cx) % cx);
  let placed = 0;
  for (let t = 0; t < nT; t++) {
    for (let c = 0; c < (counts[t] ?? 0); c++) {
      let ok = false;
      for (let attempt = 0; attempt < maxAttempts && !ok; attempt++) {
        const x = uniform(rng) * lx;
        const y = uniform(rng) * ly;
        const z = uniform(rng) * lz;
        ok = true;
        const ix = Math.floor((x / lx) * cx);
        const iy = Math.floor((y / ly) * cy);
        const iz = Math.floor((z / lz) * cz);
        // Visit each distinct neighbouring cell once, even when a dimension has fewer than 3 cells.
        const xs = new Set([(ix - 1 + cx) % cx, ix % cx, (ix + 1) % cx]);
        const ys = new Set([(iy - 1 + cy) % cy, iy % cy, (iy + 1) % cy]);
        const zs = new Set([(iz - 1 + cz) % cz, iz % cz, (iz + 1) % cz]);
        outer: for (const kz of zs)
          for (const ky of ys)
            for (const kx of xs)
              for (let j = head[(kz * cy + ky) * cx + kx]; j >= 0; j = next[j]) {
                let dx = x - pos[3 * j];
                let dy = y - pos[3 * j + 1];
                let dz = z - pos[3 * j + 2];
                dx -= lx * Math.round(dx / lx);
                dy -= ly * Math.round(dy / ly);
                dz -= lz * Math.round(dz / lz);
                if (dx * dx + dy * dy + dz * dz < dmin[t * nT + type[j]]) {
                  ok = false;
                  break outer;
                }
              }
        if (ok) {
          type[placed] = t;
          pos[3 * placed] = x;
          pos[3 * placed + 1] = y;
          pos[3 * placed + 2] = z;
          const cell = cellOf(x, y, z);
          next[placed] = head[cell];
          head[cell] = placed;
          placed++;
        }
      }
      if (!ok)
        throw new Error(
          `random insertion failed: no room for ${species.species[t].name} atom ${c + 1} of ${counts[t]} after ${maxAttempts} tries ` +
            `(density too high for the minimum distances)`,
        );
    }
  }
  return createSystem(species, type, pos, box);
}

export interface SoftStartOptions {
  readonly temperature: number; // K
  readonly minimize: MinimizeOptions;
  readonly steps: number; // capped MD steps (LAMMPS protocol: 2000)
  readonly timestep: number; // ps (0.0005)
  readonly xlimit: number; // Å per step (0.05)
  readonly berendsenTau: number; // ps (0.02)
  readonly skin: number; // Å
  readonly limits: BlowUpLimits;
}

/** The LAMMPS protocol's soft start at temperature t. */
export function defaultSoftStart(t: number): SoftStartOptions {
  return {
    temperature: t,
    minimize: DEFAULT_MINIMIZE,
    steps: 2000,
    timestep: 0.0005,
    xlimit: 0.05,
    berendsenTau: 0.02,
    skin: 2.0,
    // The displacement cap and the Berendsen bath tame any heating, so only real collapse counts here.
    limits: { ...defaultLimits(t), maxTemperature: Infinity },
  };
}

export type SoftStartResult =
  | { readonly ok: true; readonly md: MdState; readonly minimize: MinimizeResult }
  | { readonly ok: false; readonly failure: MdFailure };

/**
 * Minimise, give Maxwell–Boltzmann velocities at the target (from `rng`), then capped MD with strong
 * Berendsen coupling. Returns the state (its neighbour list can be handed on to runProtocol).
 */
export function softStart(
  sys: System,
  pot: Potential,
  table: PairTable,
  opts: SoftStartOptions,
  rng: Rng,
  ctx: RunContext,
  progress: { stepOffset?: number; totalSteps?: number; startedAt?: number; reportClock?: { last: number } } = {},
  team?: ForceTeam,
): SoftStartResult {
  const md = createMdState(sys, pot, table, opts.skin, opts.limits.contactFloor);
  if (team) md.team = team;
  const min = minimizeFire(md, ctx, opts.minimize);
  if (!min.ok) return min;
  maxwellBoltzmann(sys, opts.temperature, rng);
  const failure = runSegment(
    md,
    { kind: 'soft', xlimit: opts.xlimit, tTarget: opts.temperature, tau: opts.berendsenTau },
    opts.timestep,
    opts.steps,
    { phase: 'start', limits: opts.limits, ctx, ...progress },
  );
  if (failure) return { ok: false, failure };
  return { ok: true, md, minimize: min.result };
}
