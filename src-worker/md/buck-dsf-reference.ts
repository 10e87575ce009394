/**
 * The obviously-correct twin of the fast kernels: every pair of atoms, every periodic image within the
 * cut-off, no neighbour list, no ghosts, no packing — written straight from the formula. O(N²), for tests
 * only. `erfcMode` chooses the pair-loop erfc: 'lammps' (the Abramowitz–Stegun polynomial LAMMPS uses, so
 * the twin must equal the fast kernel to round-off) or 'exact' (Cody's erfc: the mathematically exact DSF,
 * which differs from LAMMPS by the polynomial's 1.5e-7 error).
 */
import { MY_PIS } from '../units.ts';
import type { PairOut, PairTable, Potential } from './potential.ts';
import type { System } from './system.ts';
import type { NeighborList } from './neighbor.ts';
import { erfc, erfcAS } from './erfc.ts';
import { prepareBuckDsf, selfEnergyTotal } from './buck-dsf.ts';

export type ErfcMode = 'lammps' | 'exact';

/** One pair from the formula: U(r) and F/r, each term written out separately. */
export function referencePair(ti: number, tj: number, rsq: number, t: PairTable, mode: ErfcMode, out: PairOut): void {
  const k = ti * t.nTypes + tj;
  const r = Math.sqrt(rsq);
  let e = 0;
  let fOverR = 0;
  if (rsq < t.cutCoulSq) {
    const a = t.alpha;
    const erfcAr = mode === 'lammps' ? erfcAS(a * r) : erfc(a * r);
    // DSF(r) = erfc(αr)/r − erfc(αrc)/rc + (r − rc)·(erfc(αrc)/rc² + 2α/√π·exp(−α²rc²)/rc)
    // written with LAMMPS's e_shift, f_shift: DSF(r) = erfc(αr)/r − e_shift − r·f_shift.
    const dsf = erfcAr / r - t.eShift - r * t.fShift;
    // −dDSF/dr = erfc(αr)/r² + 2α/√π·exp(−α²r²)/r + f_shift
    const minusDdsf = erfcAr / rsq + ((2 * a) / MY_PIS) * Math.exp(-a * a * rsq) / r + t.fShift;
    e += t.qq[k] * dsf;
    fOverR += (t.qq[k] * minusDdsf) / r;
  }
  if (rsq < t.cutSq[k]) {
    const A = t.A[k];
    const rhoInv = t.rhoInv[k];
    const C = t.c6[k];
    const D = t.d24[k];
    const expo = A * Math.exp(-r * rhoInv);
    const r6 = rsq * rsq * rsq;
    const r24 = r6 * r6 * r6 * r6;
    e += expo - C / r6 + D / r24;
    // −dU/dr = A/ρ·exp(−r/ρ) − 6C/r⁷ + 24D/r²⁵
    const minusDu = expo * rhoInv - (6 * C) / (r6 * r) + (24 * D) / (r24 * r);
    fOverR += minusDu / r;
  }
  out.energy = e;
  out.fOverR = fOverR;
}

/** Energy and forces by the all-pairs, all-images sum. Ignores the neighbour list. */
export function computeReference(sys: System, t: PairTable, mode: ErfcMode): number {
  const { n, pos, type, force } = sys;
  const { lx, ly, lz } = sys.box;
  const rc = t.maxCutoff;
  const rcSq = rc * rc;
  // Image range: enough periods that every image within rc is visited, for any box shape.
  const kx = Math.ceil(rc / lx);
  const ky = Math.ceil(rc / ly);
  const kz = Math.ceil(rc / lz);
  force.fill(0);
  const out: PairOut = { energy: 0, fOverR: 0 };
  let energy = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      // Reduce j to the image nearest i, then scan the surrounding images.
      let dx0 = pos[3 * i] - pos[3 * j];
      let dy0 = pos[3 * i + 1] - pos[3 * j + 1];
      let dz0 = pos[3 * i + 2] - pos[3 * j + 2];
      dx0 -= lx * Math.round(dx0 / lx);
      dy0 -= ly * Math.round(dy0 / ly);
      dz0 -= lz * Math.round(dz0 / lz);
      for (let a = -kx; a <= kx; a++) {
        for (let b = -ky; b <= ky; b++) {
          for (let c = -kz; c <= kz; c++) {
            if (i === j && a === 0 && b === 0 && c === 0) continue;
            const dx = dx0 + a * lx;
            const dy = dy0 + b * ly;
            const dz = dz0 + c * lz;
            const rsq = dx * dx + dy * dy + dz * dz;
            if (rsq >= rcSq) continue;
            referencePair(type[i], type[j], rsq, t, mode, out);
            // An atom and its own image: each image pair (+s, −s) is visited twice, and is one pair.
            const w = i === j ? 0.5 : 1;
            energy += w * out.energy;
            if (i !== j) {
              force[3 * i] += dx * out.fOverR;
              force[3 * i + 1] += dy * out.fOverR;
              force[3 * i + 2] += dz * out.fOverR;
              force[3 * j] -= dx * out.fOverR;
              force[3 * j + 1] -= dy * out.fOverR;
              force[3 * j + 2] -= dz * out.fOverR;
            }
          }
        }
      }
    }
  }
  return energy + selfEnergyTotal(sys, t);
}

function referencePotential(mode: ErfcMode): Potential {
  return {
    style: mode === 'lammps' ? 'buck-dsf-reference' : 'buck-dsf-reference-exact-erfc',
    prepare: prepareBuckDsf,
    compute: (sys: System, _nl: NeighborList, t: PairTable) => computeReference(sys, t, mode),
    single: (ti, tj, rsq, t, out) => referencePair(ti, tj, rsq, t, mode, out),
  };
}

/** The twin with LAMMPS's pair-loop erfc: equals buckDsf to round-off. */
export const buckDsfReference: Potential = referencePotential('lammps');
/** The twin with the exact erfc: the mathematically exact DSF. */
export const buckDsfReferenceExactErfc: Potential = referencePotential('exact');
