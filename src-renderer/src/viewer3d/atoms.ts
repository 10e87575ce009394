/**
 * Atoms as one InstancedMesh of spheres per species: instance matrices (uniform scale = radius, translation
 * = wrapped position) are written straight into `instanceMatrix.array`, so 3000 atoms cost one draw call per
 * species and no per-atom objects. Optional per-atom colours (colouring by coordination) go into the instance
 * colours; a visibility mask (the slab tool) leaves atoms out. `atomOf` maps each mesh's instances back to atom
 * indices, for picking.
 */
import { Color, InstancedMesh, MeshStandardMaterial, SphereGeometry, type Group } from 'three';
import { speciesStyle, wrap, type ViewerFrame } from './frame';

export interface AtomLayer {
  readonly meshes: InstancedMesh[];
  /** Per mesh: atom index of each instance. */
  readonly atomOf: Int32Array[];
  dispose(): void;
}

export interface AtomOptions {
  /** Per-atom colour (0xRRGGBB) instead of the species colour. */
  readonly colors?: Int32Array | null;
  /** Draw atom i only where visible[i] is 1. */
  readonly visible?: Uint8Array | null;
}

export function buildAtoms(frame: ViewerFrame, parent: Group, opts: AtomOptions = {}): AtomLayer {
  const n = frame.type.length;
  const nTypes = frame.species.length;
  const counts = new Int32Array(nTypes);
  for (let i = 0; i < n; i++) if (!opts.visible || opts.visible[i]) counts[frame.type[i]]++;
  // Fewer facets for big systems: at 3000 atoms a 16×12 sphere is ~1 M triangles, plenty for a software rasteriser.
  const geometry = n > 1500 ? new SphereGeometry(1, 14, 10) : new SphereGeometry(1, 20, 14);
  const meshes: InstancedMesh[] = [];
  const atomOf: Int32Array[] = [];
  const materials: MeshStandardMaterial[] = [];
  const { lx, ly, lz } = frame.box;
  const c = new Color();
  for (let t = 0; t < nTypes; t++) {
    if (counts[t] === 0) continue;
    const style = speciesStyle(frame.species[t], t);
    // With instance colours the material's colour multiplies them: white keeps them as given.
    const material = new MeshStandardMaterial({ color: opts.colors ? 0xffffff : style.color, roughness: 0.45, metalness: 0.05 });
    const mesh = new InstancedMesh(geometry, material, counts[t]);
    mesh.name = frame.species[t];
    const m = mesh.instanceMatrix.array as Float32Array;
    const map = new Int32Array(counts[t]);
    const r = style.radius;
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (frame.type[i] !== t || (opts.visible && !opts.visible[i])) continue;
      const o = k * 16;
      // Column-major 4×4: diag(r, r, r, 1) with the translation in the last column.
      m[o] = r; m[o + 1] = 0; m[o + 2] = 0; m[o + 3] = 0;
      m[o + 4] = 0; m[o + 5] = r; m[o + 6] = 0; m[o + 7] = 0;
      m[o + 8] = 0; m[o + 9] = 0; m[o + 10] = r; m[o + 11] = 0;
      m[o + 12] = wrap(frame.pos[3 * i], lx);
      m[o + 13] = wrap(frame.pos[3 * i + 1], ly);
      m[o + 14] = wrap(frame.pos[3 * i + 2], lz);
      m[o + 15] = 1;
      if (opts.colors) mesh.setColorAt(k, c.setHex(opts.colors[i]));
      map[k] = i;
      k++;
    }
    mesh.instanceMatrix.needsUpdate = true;
    if (mesh.instanceColor) mesh.instanceColor.needsUpdate = true;
    mesh.computeBoundingSphere();
    parent.add(mesh);
    meshes.push(mesh);
    atomOf.push(map);
    materials.push(material);
  }
  return {
    meshes,
    atomOf,
    dispose() {
      for (const mesh of meshes) {
        mesh.removeFromParent();
        mesh.dispose();
      }
      for (const mat of materials) mat.dispose();
      geometry.dispose();
    },
  };
}
