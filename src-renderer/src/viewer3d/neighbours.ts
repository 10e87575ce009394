/**
 * Neighbours in a periodic frame for the 3D viewer's OVITO-style tools: every pair of the listed species pairs
 * (Si–O) within its cut-off by the minimum image, as a compressed neighbour list (CSR), from one cell-grid pass
 * (O(n)); per-atom coordination numbers (how OVITO's coordination modifier colours Si 3-, 4-, 5-fold); and the
 * neighbours and bond angles around one picked atom. Plain functions over typed arrays.
 */
import { wrap, type ViewerFrame } from './frame';
import type { BondCutoffs } from './bonds';

export interface NeighbourList {
  /** Neighbours of atom i: index[offset[i] … offset[i + 1]). */
  readonly offset: Int32Array; // [n + 1]
  readonly index: Int32Array;
  /** Distance of each listed neighbour, Å (minimum image). */
  readonly distance: Float64Array;
}

/** Cut-off squared per type pair (−1 where the pair is not listed), and the largest cut-off. */
function cutTable(frame: ViewerFrame, cutoffs: BondCutoffs): { cutSq: Float64Array; maxCut: number } {
  const nT = frame.species.length;
  const cutSq = new Float64Array(nT * nT).fill(-1);
  let maxCut = 0;
  for (let a = 0; a < nT; a++)
    for (let b = a; b < nT; b++) {
      const c = cutoffs[frame.species[a] + frame.species[b]] ?? cutoffs[frame.species[b] + frame.species[a]];
      if (c && c > 0) {
        cutSq[a * nT + b] = cutSq[b * nT + a] = c * c;
        maxCut = Math.max(maxCut, c);
      }
    }
  return { cutSq, maxCut };
}

export function neighbourList(frame: ViewerFrame, cutoffs: BondCutoffs): NeighbourList {
  const n = frame.type.length;
  const nT = frame.species.length;
  const { lx, ly, lz } = frame.box;
  const { cutSq, maxCut } = cutTable(frame, cutoffs);
  const offset = new Int32Array(n + 1);
  if (maxCut === 0 || n === 0) return { offset, index: new Int32Array(0), distance: new Float64Array(0) };
  const p = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    p[3 * i] = wrap(frame.pos[3 * i], lx);
    p[3 * i + 1] = wrap(frame.pos[3 * i + 1], ly);
    p[3 * i + 2] = wrap(frame.pos[3 * i + 2], lz);
  }
  const nx = Math.max(1, Math.floor(lx / maxCut));
  const ny = Math.max(1, Math.floor(ly / maxCut));
  const nz = Math.max(1, Math.floor(lz / maxCut));
  const nCells = nx * ny * nz;
  const head = new Int32Array(nCells).fill(-1);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cx = Math.min(nx - 1, Math.floor((p[3 * i] / lx) * nx));
    const cy = Math.min(ny - 1, Math.floor((p[3 * i + 1] / ly) * ny));
    const cz = Math.min(nz - 1, Math.floor((p[3 * i + 2] / lz) * nz));
    const c = (cz * ny + cy) * nx + cx;
    next[i] = head[c];
    head[c] = i;
  }
  // Pairs found once each (i < j), then spread into both atoms' lists.
  const pi: number[] = [];
  const pj: number[] = [];
  const pd: number[] = [];
  const seen = new Int32Array(nCells).fill(-1);
  for (let c = 0; c < nCells; c++) {
    const cx = c % nx;
    const cy = Math.floor(c / nx) % ny;
    const cz = Math.floor(c / (nx * ny));
    for (let dz = -1; dz <= 1; dz++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const d = ((((cz + dz) % nz) + nz) % nz) * ny * nx + ((((cy + dy) % ny) + ny) % ny) * nx + ((((cx + dx) % nx) + nx) % nx);
          if (seen[d] === c) continue;
          seen[d] = c;
          for (let i = head[c]; i >= 0; i = next[i]) {
            const ti = frame.type[i];
            for (let j = head[d]; j >= 0; j = next[j]) {
              if (j <= i) continue;
              const cs = cutSq[ti * nT + frame.type[j]];
              if (cs < 0) continue;
              let ddx = p[3 * j] - p[3 * i];
              let ddy = p[3 * j + 1] - p[3 * i + 1];
              let ddz = p[3 * j + 2] - p[3 * i + 2];
              ddx -= lx * Math.round(ddx / lx);
              ddy -= ly * Math.round(ddy / ly);
              ddz -= lz * Math.round(ddz / lz);
              const r2 = ddx * ddx + ddy * ddy + ddz * ddz;
              if (r2 > cs) continue;
              pi.push(i);
              pj.push(j);
              pd.push(Math.sqrt(r2));
            }
          }
        }
  }
  for (let k = 0; k < pi.length; k++) {
    offset[pi[k] + 1]++;
    offset[pj[k] + 1]++;
  }
  for (let i = 0; i < n; i++) offset[i + 1] += offset[i];
  const fill = offset.slice(0, n);
  const index = new Int32Array(offset[n]);
  const distance = new Float64Array(offset[n]);
  for (let k = 0; k < pi.length; k++) {
    index[fill[pi[k]]] = pj[k];
    distance[fill[pi[k]]++] = pd[k];
    index[fill[pj[k]]] = pi[k];
    distance[fill[pj[k]]++] = pd[k];
  }
  return { offset, index, distance };
}

/** Coordination number of every atom: its number of listed neighbours. */
export function coordination(list: NeighbourList): Int32Array {
  const n = list.offset.length - 1;
  const z = new Int32Array(n);
  for (let i = 0; i < n; i++) z[i] = list.offset[i + 1] - list.offset[i];
  return z;
}

/** Fractions of the atoms of one type by coordination number: [Z] → fraction (as the analysis reports it). */
export function coordinationFractions(frame: ViewerFrame, z: Int32Array, type: number): number[] {
  const counts: number[] = [];
  let total = 0;
  for (let i = 0; i < z.length; i++) {
    if (frame.type[i] !== type) continue;
    counts[z[i]] = (counts[z[i]] ?? 0) + 1;
    total++;
  }
  return Array.from({ length: counts.length }, (_, k) => (total ? (counts[k] ?? 0) / total : 0));
}

export interface AtomNeighbourhood {
  readonly atom: number;
  readonly neighbours: readonly { atom: number; distance: number }[];
  /** Angles j–i–k at the atom between each pair of its neighbours, degrees. */
  readonly angles: readonly { a: number; b: number; degrees: number }[];
}

/** The neighbours of one atom (nearest first) and the bond angles between them, by the minimum image. */
export function neighbourhood(frame: ViewerFrame, list: NeighbourList, atom: number): AtomNeighbourhood {
  const { lx, ly, lz } = frame.box;
  const vec = (j: number): [number, number, number] => {
    const d: [number, number, number] = [0, 0, 0];
    const l = [lx, ly, lz];
    for (let k = 0; k < 3; k++) {
      let v = frame.pos[3 * j + k] - frame.pos[3 * atom + k];
      v -= l[k] * Math.round(v / l[k]);
      d[k] = v;
    }
    return d;
  };
  const neighbours: { atom: number; distance: number }[] = [];
  for (let k = list.offset[atom]; k < list.offset[atom + 1]; k++) neighbours.push({ atom: list.index[k], distance: list.distance[k] });
  neighbours.sort((a, b) => a.distance - b.distance);
  const angles: { a: number; b: number; degrees: number }[] = [];
  for (let x = 0; x < neighbours.length; x++)
    for (let y = x + 1; y < neighbours.length; y++) {
      const u = vec(neighbours[x].atom);
      const v = vec(neighbours[y].atom);
      const cos = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (Math.hypot(...u) * Math.hypot(...v));
      angles.push({ a: neighbours[x].atom, b: neighbours[y].atom, degrees: (Math.acos(Math.max(-1, Math.min(1, cos))) * 180) / Math.PI });
    }
  return { atom, neighbours, angles };
}
