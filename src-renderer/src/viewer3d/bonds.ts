/**
 * Bonds as one LineSegments: every pair of the listed species pairs (Si–O by default) closer than its cut-off,
 * found with a cell grid (O(n)). Distances use the minimum image, but a bond whose two ends sit on opposite
 * sides of the box (it crosses the periodic boundary) is not drawn, so no line spans the box; with a visibility
 * mask (the slab tool), only bonds between two shown atoms.
 */
import { BufferAttribute, BufferGeometry, LineBasicMaterial, LineSegments, type Group } from 'three';
import { wrap, type ViewerFrame } from './frame';

/** Cut-offs by pair name in table order ('SiO'), Å. */
export type BondCutoffs = Readonly<Record<string, number>>;

export interface BondLayer {
  readonly count: number;
  readonly lines: LineSegments | null;
  dispose(): void;
}

export function findBonds(frame: ViewerFrame, cutoffs: BondCutoffs, visible: Uint8Array | null = null): Float32Array {
  const n = frame.type.length;
  const nT = frame.species.length;
  const { lx, ly, lz } = frame.box;
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
  if (maxCut === 0 || n === 0) return new Float32Array(0);
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
  const cellOf = (i: number) => {
    const cx = Math.min(nx - 1, Math.floor((p[3 * i] / lx) * nx));
    const cy = Math.min(ny - 1, Math.floor((p[3 * i + 1] / ly) * ny));
    const cz = Math.min(nz - 1, Math.floor((p[3 * i + 2] / lz) * nz));
    return (cz * ny + cy) * nx + cx;
  };
  for (let i = 0; i < n; i++) {
    const c = cellOf(i);
    next[i] = head[c];
    head[c] = i;
  }
  const out: number[] = [];
  // With fewer than 3 cells along an axis the 27 neighbours repeat; visit each neighbour cell once.
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
              if (j <= i || (visible && (!visible[i] || !visible[j]))) continue;
              const cs = cutSq[ti * nT + frame.type[j]];
              if (cs < 0) continue;
              let ddx = p[3 * j] - p[3 * i];
              let ddy = p[3 * j + 1] - p[3 * i + 1];
              let ddz = p[3 * j + 2] - p[3 * i + 2];
              const crosses = Math.abs(ddx) > lx / 2 || Math.abs(ddy) > ly / 2 || Math.abs(ddz) > lz / 2;
              ddx -= lx * Math.round(ddx / lx);
              ddy -= ly * Math.round(ddy / ly);
              ddz -= lz * Math.round(ddz / lz);
              if (ddx * ddx + ddy * ddy + ddz * ddz > cs || crosses) continue;
              out.push(p[3 * i], p[3 * i + 1], p[3 * i + 2], p[3 * j], p[3 * j + 1], p[3 * j + 2]);
            }
          }
        }
  }
  return Float32Array.from(out);
}

export function buildBonds(frame: ViewerFrame, cutoffs: BondCutoffs, parent: Group, visible: Uint8Array | null = null): BondLayer {
  const segs = findBonds(frame, cutoffs, visible);
  if (segs.length === 0) return { count: 0, lines: null, dispose() {} };
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(segs, 3));
  const material = new LineBasicMaterial({ color: 0x3f4650 });
  const lines = new LineSegments(geometry, material);
  lines.name = 'bonds';
  parent.add(lines);
  return {
    count: segs.length / 6,
    lines,
    dispose() {
      lines.removeFromParent();
      geometry.dispose();
      material.dispose();
    },
  };
}
