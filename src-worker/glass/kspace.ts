/**
 * Neutron F(Q) straight from the atoms, on the reciprocal lattice of the periodic box:
 *   F(k) = |Σ_j b_j e^{ik·r_j}|² / N − ⟨b²⟩,   k = 2π(n_x/L_x, n_y/L_y, n_z/L_z) ≠ 0,
 * averaged over shells of |k|. This is the Faber–Ziman F(Q) of the periodic system with no truncation of g(r):
 * the transform of g(r) (scattering.ts) must stop at half the box, which broadens and shifts the first sharp
 * diffraction peak (a medium-range feature with correlations beyond 10 Å). The cost grows as (Q_max·L)³·N,
 * so the direct sum serves the low-Q range and the g(r) transform the rest (properties.ts joins them).
 */
import { FM2_TO_BARN, type Composition } from './scattering.ts';

export interface KSpaceAccumulator {
  readonly qMax: number; // Å⁻¹
  readonly dq: number; // Å⁻¹, shell width
  readonly sum: Float64Array; // [shells] Σ F over vectors and frames
  readonly sumQ: Float64Array; // [shells] Σ |k|
  readonly count: Float64Array; // [shells] vectors × frames
  frames: number;
}

export function createKSpaceAccumulator(qMax: number, dq = 0.05): KSpaceAccumulator {
  if (!(qMax > 0) || !(dq > 0)) throw new Error(`k-space range and shell width must be positive, got ${qMax} and ${dq} Å⁻¹`);
  const n = Math.ceil(qMax / dq);
  return { qMax, dq, sum: new Float64Array(n), sumQ: new Float64Array(n), count: new Float64Array(n), frames: 0 };
}

/**
 * Add one configuration: type [n] indices into `names`, pos [3n] Å, orthorhombic box. Half the reciprocal
 * lattice is visited (k and −k give the same |A|²). Per-axis phase factors come from one complex rotation per
 * step in n, so the inner loop is multiply-adds only.
 */
export function accumulateKSpace(
  acc: KSpaceAccumulator,
  type: Int32Array,
  names: readonly string[],
  pos: Float64Array,
  box: { lx: number; ly: number; lz: number },
  comp: Composition,
): void {
  const n = type.length;
  const b = Float64Array.from(type, (t) => comp.b[names[t]]);
  let b2 = 0;
  for (let j = 0; j < n; j++) b2 += b[j] * b[j];
  b2 /= n;
  const L = [box.lx, box.ly, box.lz];
  const nMax = L.map((l) => Math.floor((acc.qMax * l) / (2 * Math.PI)));
  // Phase tables e^{i·2π·m·x/L} for m = 0..nMax per axis: [axis][m·n + j].
  const re: Float64Array[] = [];
  const im: Float64Array[] = [];
  for (let d = 0; d < 3; d++) {
    const M = nMax[d] + 1;
    const cr = new Float64Array(M * n);
    const ci = new Float64Array(M * n);
    for (let j = 0; j < n; j++) {
      const phi = (2 * Math.PI * pos[3 * j + d]) / L[d];
      const c = Math.cos(phi);
      const s = Math.sin(phi);
      cr[j] = 1;
      ci[j] = 0;
      for (let m = 1; m < M; m++) {
        // Rotation by phi from the previous power; renormalised values stay within 1e-13 over ~100 powers.
        const pr = cr[(m - 1) * n + j];
        const pi = ci[(m - 1) * n + j];
        cr[m * n + j] = pr * c - pi * s;
        ci[m * n + j] = pr * s + pi * c;
      }
    }
    re.push(cr);
    im.push(ci);
  }
  const yzr = new Float64Array(n);
  const yzi = new Float64Array(n);
  const qMaxSq = acc.qMax * acc.qMax;
  const kx = (2 * Math.PI) / box.lx;
  const ky = (2 * Math.PI) / box.ly;
  const kz = (2 * Math.PI) / box.lz;
  for (let nz = 0; nz <= nMax[2]; nz++) {
    for (let ny = nz === 0 ? 0 : -nMax[1]; ny <= nMax[1]; ny++) {
      const qyzSq = (ny * ky) ** 2 + (nz * kz) ** 2;
      if (qyzSq > qMaxSq) continue;
      // b_j·e^{i(k_y y + k_z z)}; a negative n is the conjugate of |n|.
      const ay = Math.abs(ny) * n;
      const sy = ny < 0 ? -1 : 1;
      const az = nz * n;
      for (let j = 0; j < n; j++) {
        const yr = re[1][ay + j];
        const yi = sy * im[1][ay + j];
        const zr = re[2][az + j];
        const zi = im[2][az + j];
        yzr[j] = b[j] * (yr * zr - yi * zi);
        yzi[j] = b[j] * (yr * zi + yi * zr);
      }
      const nxStart = nz === 0 && ny === 0 ? 1 : -nMax[0];
      for (let nx = nxStart; nx <= nMax[0]; nx++) {
        const qSq = (nx * kx) ** 2 + qyzSq;
        if (qSq > qMaxSq) continue;
        const ax = Math.abs(nx) * n;
        const sx = nx < 0 ? -1 : 1;
        let ar = 0;
        let ai = 0;
        for (let j = 0; j < n; j++) {
          const xr = re[0][ax + j];
          const xi = sx * im[0][ax + j];
          ar += yzr[j] * xr - yzi[j] * xi;
          ai += yzr[j] * xi + yzi[j] * xr;
        }
        const q = Math.sqrt(qSq);
        const shell = Math.floor(q / acc.dq);
        if (shell >= acc.sum.length) continue;
        acc.sum[shell] += ((ar * ar + ai * ai) / n - b2) * FM2_TO_BARN;
        acc.sumQ[shell] += q;
        acc.count[shell] += 1;
      }
    }
  }
  acc.frames++;
}

/** Shell averages: mean |k| of each non-empty shell and F there (barn). */
export function kSpaceResult(acc: KSpaceAccumulator): { q: Float64Array; fq: Float64Array; vectors: Float64Array } {
  const q: number[] = [];
  const f: number[] = [];
  const v: number[] = [];
  for (let s = 0; s < acc.sum.length; s++) {
    if (acc.count[s] === 0) continue;
    q.push(acc.sumQ[s] / acc.count[s]);
    f.push(acc.sum[s] / acc.count[s]);
    v.push(acc.count[s]);
  }
  return { q: Float64Array.from(q), fq: Float64Array.from(f), vectors: Float64Array.from(v) };
}
