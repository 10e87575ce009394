/**
 * The 3D viewer, framework-free: a WebGL renderer on a given canvas, a perspective camera with orbit controls
 * around the box centre, a camera-attached light, and the atoms / bonds / box layers of one frame. It renders on
 * demand (controls change, resize, new frame) rather than every animation frame, so an idle view costs nothing.
 * The Svelte component only mounts, resizes and disposes it.
 *
 * What an OVITO user looks for: colour by coordination (Si 3-, 4-, 5-fold; bridging and non-bridging O), an
 * axis triad in the corner (drawn into the image, so saved pictures keep their orientation), picking an atom to
 * see its neighbours and bond angles (the atom and its neighbours are ringed), and a slab of chosen thickness
 * along x, y or z to look inside the network.
 */
import {
  AmbientLight,
  ArrowHelper,
  CanvasTexture,
  Color,
  DirectionalLight,
  Group,
  Mesh,
  MeshBasicMaterial,
  PerspectiveCamera,
  Raycaster,
  Scene,
  SphereGeometry,
  Sprite,
  SpriteMaterial,
  Vector2,
  Vector3,
  WebGLRenderer,
  type InstancedMesh,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { buildAtoms, type AtomLayer } from './atoms';
import { buildBonds, type BondCutoffs, type BondLayer } from './bonds';
import { buildBox } from './box';
import { coordinationColor, speciesStyle, wrap, type ViewerFrame } from './frame';
import { coordination, neighbourList, neighbourhood, type AtomNeighbourhood, type NeighbourList } from './neighbours';

export interface ViewerOptions {
  /** Pairs drawn as bonds and their cut-offs, Å (default Si–O 2.3 Å, the built-in reference's first minimum). */
  readonly bondCutoffs?: BondCutoffs;
  readonly showBonds?: boolean;
  readonly background?: number;
}

export interface FrameStats {
  readonly atoms: number;
  /** Atoms drawn (all, or those inside the slab). */
  readonly shown: number;
  readonly bonds: number;
  readonly bySpecies: Readonly<Record<string, number>>;
  /** Atoms by species and coordination number: {Si: {4: 950, 5: 30, …}, O: {…}}. */
  readonly coordination: Readonly<Record<string, Readonly<Record<number, number>>>>;
}

export type ColorMode = 'species' | 'coordination';

export interface Slab {
  readonly axis: 'x' | 'y' | 'z';
  /** Centre and thickness of the slab, Å. */
  readonly centre: number;
  readonly thickness: number;
}

export interface Viewer {
  setFrame(frame: ViewerFrame | null): FrameStats | null;
  setShowBonds(show: boolean): void;
  setColorMode(mode: ColorMode): FrameStats | null;
  /** Only atoms within the slab (periodic: it wraps), or all with null. */
  setSlab(slab: Slab | null): FrameStats | null;
  /** The atom under a point of the canvas (CSS px from its top left), or null. */
  pick(x: number, y: number): number | null;
  /** Ring an atom and its neighbours and say what they are; null clears. */
  select(atom: number | null): AtomNeighbourhood | null;
  /** Look at the box along an axis, or from the default oblique direction. */
  resetView(dir?: 'x' | 'y' | 'z'): void;
  /** Match the drawing buffer to the canvas's CSS size. */
  resize(): void;
  /** The current image as a PNG data URL (the drawing buffer is preserved for this). */
  toDataURL(): string;
  dispose(): void;
}

export const DEFAULT_BOND_CUTOFFS: BondCutoffs = { SiO: 2.3 };

const TRIAD_PX = 96; // size of the axis triad's corner, CSS px

/** A text label as a sprite (a canvas texture): the triad's x, y, z. */
function labelSprite(text: string, color: string): Sprite {
  const c = document.createElement('canvas');
  c.width = 64;
  c.height = 64;
  const g = c.getContext('2d')!;
  g.font = 'bold 44px system-ui, sans-serif';
  g.fillStyle = color;
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.fillText(text, 32, 34);
  const s = new Sprite(new SpriteMaterial({ map: new CanvasTexture(c), depthTest: false }));
  s.scale.set(0.5, 0.5, 1);
  return s;
}

export function createViewer(canvas: HTMLCanvasElement, opts: ViewerOptions = {}): Viewer {
  const renderer = new WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.autoClear = false;
  const scene = new Scene();
  const background = new Color(opts.background ?? 0xf7f7f4);
  scene.background = background;
  const camera = new PerspectiveCamera(35, 1, 0.1, 2000);
  scene.add(camera);
  scene.add(new AmbientLight(0xffffff, 0.9));
  const key = new DirectionalLight(0xffffff, 1.6);
  key.position.set(1, 1.5, 2);
  camera.add(key); // the light follows the camera so the side facing the user is always lit
  const content = new Group();
  scene.add(content);
  const controls = new OrbitControls(camera, canvas);
  controls.enableDamping = false; // render-on-demand: damping would need a running loop

  // The axis triad: its own little scene, drawn last into the bottom-left corner with the camera's rotation.
  const triadScene = new Scene();
  const triadCamera = new PerspectiveCamera(40, 1, 0.1, 20);
  const axes: [Vector3, number, string][] = [
    [new Vector3(1, 0, 0), 0xc0392b, 'x'],
    [new Vector3(0, 1, 0), 0x27ae60, 'y'],
    [new Vector3(0, 0, 1), 0x2e5fbf, 'z'],
  ];
  for (const [dir, color, name] of axes) {
    triadScene.add(new ArrowHelper(dir, new Vector3(0, 0, 0), 1, color, 0.28, 0.16));
    const s = labelSprite(name, `#${color.toString(16).padStart(6, '0')}`);
    s.position.copy(dir).multiplyScalar(1.35);
    triadScene.add(s);
  }

  // Rings of the picked atom and its neighbours.
  const marks = new Group();
  scene.add(marks);
  const ringGeometry = new SphereGeometry(1, 16, 12);
  const pickedMaterial = new MeshBasicMaterial({ color: 0x111111, wireframe: true });
  const neighbourMaterial = new MeshBasicMaterial({ color: 0x1f5f7a, wireframe: true });

  let atoms: AtomLayer | null = null;
  let bonds: BondLayer | null = null;
  let box: { dispose(): void } | null = null;
  let frame: ViewerFrame | null = null;
  let list: NeighbourList | null = null;
  let z: Int32Array | null = null;
  let colorMode: ColorMode = 'species';
  let slab: Slab | null = null;
  let visible: Uint8Array | null = null;
  let showBonds = opts.showBonds ?? true;
  const cutoffs = opts.bondCutoffs ?? DEFAULT_BOND_CUTOFFS;
  let pending = 0;

  const render = () => {
    pending = 0;
    renderer.setViewport(0, 0, canvas.clientWidth, canvas.clientHeight);
    renderer.setScissorTest(false);
    renderer.setClearColor(background);
    renderer.clear();
    renderer.render(scene, camera);
    // The triad: same orientation as the main camera, seen from a fixed distance.
    triadCamera.position.set(0, 0, 4.2).applyQuaternion(camera.quaternion);
    triadCamera.quaternion.copy(camera.quaternion);
    renderer.setViewport(0, 0, TRIAD_PX, TRIAD_PX);
    renderer.clearDepth();
    renderer.render(triadScene, triadCamera);
    renderer.setViewport(0, 0, canvas.clientWidth, canvas.clientHeight);
  };
  const requestRender = () => {
    if (!pending) pending = requestAnimationFrame(render);
  };
  controls.addEventListener('change', requestRender);

  function clearLayers(): void {
    atoms?.dispose();
    bonds?.dispose();
    atoms = bonds = null;
  }

  function clearMarks(): void {
    for (const m of [...marks.children]) marks.remove(m);
  }

  /** Which atoms the slab keeps (null: all). */
  function slabMask(f: ViewerFrame, s: Slab | null): Uint8Array | null {
    if (!s) return null;
    const k = s.axis === 'x' ? 0 : s.axis === 'y' ? 1 : 2;
    const L = s.axis === 'x' ? f.box.lx : s.axis === 'y' ? f.box.ly : f.box.lz;
    const mask = new Uint8Array(f.type.length);
    const half = s.thickness / 2;
    for (let i = 0; i < f.type.length; i++) {
      let d = wrap(f.pos[3 * i + k], L) - wrap(s.centre, L);
      d -= L * Math.round(d / L);
      mask[i] = Math.abs(d) <= half ? 1 : 0;
    }
    return mask;
  }

  function stats(): FrameStats | null {
    if (!frame) return null;
    const bySpecies: Record<string, number> = {};
    for (const m of atoms?.meshes ?? []) bySpecies[m.name] = m.count;
    const coord: Record<string, Record<number, number>> = {};
    if (z)
      for (let i = 0; i < z.length; i++) {
        const sp = frame.species[frame.type[i]];
        const c = (coord[sp] ??= {});
        c[z[i]] = (c[z[i]] ?? 0) + 1;
      }
    let shown = 0;
    for (const m of atoms?.meshes ?? []) shown += m.count;
    return { atoms: frame.type.length, shown, bonds: bonds?.count ?? 0, bySpecies, coordination: coord };
  }

  /** (Re)build atoms and bonds for the current frame, colour mode and slab. */
  function build(): void {
    clearLayers();
    if (!frame) return;
    const f = frame;
    visible = slabMask(f, slab);
    let colors: Int32Array | null = null;
    if (colorMode === 'coordination' && z) {
      colors = new Int32Array(f.type.length);
      for (let i = 0; i < colors.length; i++) colors[i] = coordinationColor(f.species[f.type[i]], z[i]);
    }
    atoms = buildAtoms(f, content, { colors, visible });
    bonds = buildBonds(f, cutoffs, content, visible);
    if (bonds.lines) bonds.lines.visible = showBonds;
    requestRender();
  }

  function resetView(dir?: 'x' | 'y' | 'z'): void {
    const L = frame ? Math.max(frame.box.lx, frame.box.ly, frame.box.lz) : 10;
    const centre = frame ? new Vector3(frame.box.lx / 2, frame.box.ly / 2, frame.box.lz / 2) : new Vector3();
    const d = dir === 'x' ? new Vector3(1, 0, 0) : dir === 'y' ? new Vector3(0, 1, 0) : dir === 'z' ? new Vector3(0, 0, 1) : new Vector3(1.1, 0.75, 1.4).normalize();
    // Far enough that the whole box fits the vertical field of view with a margin.
    const dist = (L * 0.95) / Math.tan(((camera.fov / 2) * Math.PI) / 180);
    camera.position.copy(centre).addScaledVector(d, dist);
    camera.up.set(0, dir === 'y' ? 0 : 1, dir === 'y' ? -1 : 0);
    camera.near = dist / 50;
    camera.far = dist * 4;
    camera.updateProjectionMatrix();
    controls.target.copy(centre);
    controls.update();
    requestRender();
  }

  const raycaster = new Raycaster();

  return {
    setFrame(f) {
      clearLayers();
      clearMarks();
      box?.dispose();
      box = null;
      frame = f;
      list = f ? neighbourList(f, cutoffs) : null;
      z = list ? coordination(list) : null;
      if (!f) {
        requestRender();
        return null;
      }
      build();
      box = buildBox(f.box, content);
      resetView();
      return stats();
    },
    setShowBonds(show) {
      showBonds = show;
      if (bonds?.lines) bonds.lines.visible = show;
      requestRender();
    },
    setColorMode(mode) {
      if (mode === colorMode) return stats();
      colorMode = mode;
      build();
      return stats();
    },
    setSlab(s) {
      slab = s;
      clearMarks();
      build();
      return stats();
    },
    pick(x, y) {
      if (!atoms || canvas.clientWidth === 0) return null;
      const ndc = new Vector2((x / canvas.clientWidth) * 2 - 1, -(y / canvas.clientHeight) * 2 + 1);
      raycaster.setFromCamera(ndc, camera);
      const hits = raycaster.intersectObjects(atoms.meshes, false);
      const hit = hits.find((h) => h.instanceId !== undefined);
      if (!hit) return null;
      const k = atoms.meshes.indexOf(hit.object as InstancedMesh);
      return k >= 0 ? atoms.atomOf[k][hit.instanceId!] : null;
    },
    select(atom) {
      clearMarks();
      if (atom === null || !frame || !list) {
        requestRender();
        return null;
      }
      const f = frame;
      const nb = neighbourhood(f, list, atom);
      const ring = (i: number, material: MeshBasicMaterial, scale: number) => {
        const m = new Mesh(ringGeometry, material);
        m.position.set(wrap(f.pos[3 * i], f.box.lx), wrap(f.pos[3 * i + 1], f.box.ly), wrap(f.pos[3 * i + 2], f.box.lz));
        m.scale.setScalar(speciesStyle(f.species[f.type[i]], f.type[i]).radius * scale);
        marks.add(m);
      };
      ring(atom, pickedMaterial, 1.6);
      for (const n of nb.neighbours) ring(n.atom, neighbourMaterial, 1.35);
      requestRender();
      return nb;
    },
    resetView,
    resize() {
      const w = canvas.clientWidth;
      const h = canvas.clientHeight;
      if (w === 0 || h === 0) return;
      renderer.setSize(w, h, false);
      camera.aspect = w / h;
      camera.updateProjectionMatrix();
      requestRender();
    },
    toDataURL() {
      render();
      return canvas.toDataURL('image/png');
    },
    dispose() {
      if (pending) cancelAnimationFrame(pending);
      controls.removeEventListener('change', requestRender);
      controls.dispose();
      clearLayers();
      clearMarks();
      box?.dispose();
      ringGeometry.dispose();
      pickedMaterial.dispose();
      neighbourMaterial.dispose();
      triadScene.traverse((o) => {
        const m = o as unknown as { geometry?: { dispose(): void }; material?: { dispose(): void; map?: { dispose(): void } | null } };
        m.geometry?.dispose();
        m.material?.map?.dispose();
        m.material?.dispose();
      });
      renderer.dispose();
      // Free the GL context now rather than when the canvas is collected (a few views open and close often).
      renderer.forceContextLoss();
    },
  };
}
