/** The periodic box as its 12 edges (one LineSegments), origin at 0. */
import { BufferAttribute, BufferGeometry, LineBasicMaterial, LineSegments, type Group } from 'three';

export function buildBox(box: { lx: number; ly: number; lz: number }, parent: Group): { dispose(): void } {
  const { lx, ly, lz } = box;
  const c = [
    [0, 0, 0], [lx, 0, 0], [lx, ly, 0], [0, ly, 0],
    [0, 0, lz], [lx, 0, lz], [lx, ly, lz], [0, ly, lz],
  ];
  const edges = [[0, 1], [1, 2], [2, 3], [3, 0], [4, 5], [5, 6], [6, 7], [7, 4], [0, 4], [1, 5], [2, 6], [3, 7]];
  const v = new Float32Array(edges.length * 6);
  edges.forEach(([a, b], k) => v.set([...c[a], ...c[b]], k * 6));
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(v, 3));
  const material = new LineBasicMaterial({ color: 0x1f2937 });
  const lines = new LineSegments(geometry, material);
  lines.name = 'box';
  parent.add(lines);
  return {
    dispose() {
      lines.removeFromParent();
      geometry.dispose();
      material.dispose();
    },
  };
}
