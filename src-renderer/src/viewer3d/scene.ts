/**
 * The 3D viewer, framework-free: a WebGL renderer on a given canvas, a perspective camera with orbit controls
 * around the box centre, a camera-attached light, and the atoms / bonds / box layers of one frame. It renders on
 * demand (controls change, resize, new frame) rather than every animation frame, so an idle view costs nothing.
 * The Svelte component only mounts, resizes and disposes it.
 */
import {
  AmbientLight,
  Color,
  DirectionalLight,
  Group,
  PerspectiveCamera,
  Scene,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { buildAtoms, type AtomLayer } from './atoms';
import { buildBonds, type BondCutoffs, type BondLayer } from './bonds';
import { buildBox } from './box';
import type { ViewerFrame } from './frame';

export interface ViewerOptions {
  /** Pairs drawn as bonds and their cut-offs, Å (default Si–O 2.3 Å, the built-in reference's first minimum). */
  readonly bondCutoffs?: BondCutoffs;
  readonly showBonds?: boolean;
  readonly background?: number;
}

export interface FrameStats {
  readonly atoms: number;
  readonly bonds: number;
  readonly bySpecies: Readonly<Record<string, number>>;
}

export interface Viewer {
  setFrame(frame: ViewerFrame | null): FrameStats | null;
  setShowBonds(show: boolean): void;
  /** Look at the box along an axis, or from the default oblique direction. */
  resetView(dir?: 'x' | 'y' | 'z'): void;
  /** Match the drawing buffer to the canvas's CSS size. */
  resize(): void;
  /** The current image as a PNG data URL (the drawing buffer is preserved for this). */
  toDataURL(): string;
  dispose(): void;
}

export const DEFAULT_BOND_CUTOFFS: BondCutoffs = { SiO: 2.3 };

export function createViewer(canvas: HTMLCanvasElement, opts: ViewerOptions = {}): Viewer {
  const renderer = new WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  const scene = new Scene();
  scene.background = new Color(opts.background ?? 0xf7f7f4);
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

  let atoms: AtomLayer | null = null;
  let bonds: BondLayer | null = null;
  let box: { dispose(): void } | null = null;
  let frame: ViewerFrame | null = null;
  let showBonds = opts.showBonds ?? true;
  const cutoffs = opts.bondCutoffs ?? DEFAULT_BOND_CUTOFFS;
  let pending = 0;

  const render = () => {
    pending = 0;
    renderer.render(scene, camera);
  };
  const requestRender = () => {
    if (!pending) pending = requestAnimationFrame(render);
  };
  controls.addEventListener('change', requestRender);

  function clear(): void {
    atoms?.dispose();
    bonds?.dispose();
    box?.dispose();
    atoms = bonds = box = null;
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

  return {
    setFrame(f) {
      clear();
      frame = f;
      if (!f) {
        requestRender();
        return null;
      }
      atoms = buildAtoms(f, content);
      bonds = buildBonds(f, cutoffs, content);
      if (bonds.lines) bonds.lines.visible = showBonds;
      box = buildBox(f.box, content);
      resetView();
      const bySpecies: Record<string, number> = {};
      for (const m of atoms.meshes) bySpecies[m.name] = m.count;
      return { atoms: f.type.length, bonds: bonds.count, bySpecies };
    },
    setShowBonds(show) {
      showBonds = show;
      if (bonds?.lines) bonds.lines.visible = show;
      requestRender();
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
      clear();
      renderer.dispose();
      // Free the GL context now rather than when the canvas is collected (a few views open and close often).
      renderer.forceContextLoss();
    },
  };
}
