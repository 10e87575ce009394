/**
 * The paper's final refinement (Sec. 2.5) and the 'cg' baseline (Sec. 4.1): nonlinear conjugate gradient with
 * Polak–Ribière directions (PR+, restarted on loss of descent or progress; Shewchuk 1994 §14), a secant-style
 * quadratic line search of at most 3 trial points per direction, and finite-difference gradients whose steps
 * are sized against the measured noise.
 *
 * It is a REPLAYABLE state machine: every proposal carries a meta tag naming its role ({role: 'fd', it, k,
 * side}, {role: 'line', it, step}, {role: 'start'}, {role: 'replica', k}), and `cgReplay` rebuilds the whole
 * state by walking the algorithm from the start point, looking results up by tag. The next proposals are
 * whatever the walk needs and cannot find — a pure function of the observations; results may arrive in any
 * order, and the finite-difference points of one gradient are proposed together for parallel workers.
 *
 * Noise: replicas of the start point measure σ (else σ = noiseRel·|f0|). A coordinate whose difference is
 * within fdSignal·√2σ of zero doubles its step (up to fdStepMax); one far above the noise halves back towards
 * fdStep. Default tolerances are noise-based: |Δf| < 2√2σ and |g|² < 4·E[|g|² of pure noise].
 * Stop: `patience` consecutive calm iterations (position, value and squared gradient all under tolerance —
 * the paper's 10 iterations); or 2·patience iterations in which position and value stood still although the
 * gradient did not vanish (a stall: roughness finer than the difference step, as on real R_χ surfaces); or
 * maxIterations.
 */
import type { CgSettings, Observation, Phase, Proposal, ProposalMeta } from './strategy.ts';

export interface CgStart {
  readonly u: ArrayLike<number>;
  /** Values already known at u (BO's observations of the incumbent); empty for a cold start. */
  readonly values: readonly (number | null)[];
  /** Whether the start itself must be evaluated (cold start: the 'cg' baseline). */
  readonly needStart: boolean;
}

/** One CG iteration, for the UI (paper Fig. 4: R_χ and the squared gradient per iteration). */
export interface CgIteration {
  readonly it: number;
  readonly x: number[]; // point the gradient was taken at
  readonly f: number; // value there
  readonly gradSq: number; // |g|², y units per unit-cube length, squared
  readonly step: number; // accepted step length along the normalised direction (0: no progress)
  readonly fNew: number;
  readonly calm: boolean;
}

export interface CgRequest {
  readonly key: string;
  readonly u: number[];
  readonly phase: Phase;
  readonly meta: ProposalMeta;
}

export interface CgReplay {
  readonly status: 'running' | 'converged' | 'failed' | 'cap';
  readonly detail: string;
  /** Evaluations the algorithm is waiting for (some may already be pending). */
  readonly requests: CgRequest[];
  readonly iterations: CgIteration[];
  /** Current point, its value and the noise estimate (NaN before the start is known). */
  readonly x: number[];
  readonly f: number;
  readonly sigma: number;
}

function keyOf(meta: ProposalMeta | undefined): string | null {
  if (!meta || typeof meta.role !== 'string') return null;
  switch (meta.role) {
    case 'start':
      return 'start';
    case 'replica':
      return `replica:${meta.k}`;
    case 'fd':
      return `fd:${meta.it}:${meta.k}:${meta.side}`;
    case 'line':
      return `line:${meta.it}:${meta.step}`;
    case 'ls': // the least-squares refinement's runs (ls.ts), which shares cgProposals
      return `ls:${meta.it}:${meta.kind}`;
    default:
      return null;
  }
}

/** The observations by their tag (keyOf), for a replay's look-ups; untagged ones are left out. */
export function indexByTag(obs: readonly Observation[]): Map<string, Observation[]> {
  const byKey = new Map<string, Observation[]>();
  for (const o of obs) {
    const k = keyOf(o.meta);
    if (!k) continue;
    const list = byKey.get(k);
    if (list) list.push(o);
    else byKey.set(k, [o]);
  }
  return byKey;
}

export function samePoint(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (Math.abs(a[k] - b[k]) > 1e-12) return false;
  return true;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Thrown by a replay's walk at the first evaluation it needs and cannot find (cg.ts, ls.ts). */
export class Missing {
  constructor(readonly requests: CgRequest[]) {}
}

/**
 * Rebuild the CG state from the start and the CG-phase observations (any order; matched by meta tag and
 * position, so an observation from other settings is ignored rather than misread).
 */
export function cgReplay(start: CgStart, obs: readonly Observation[], s: CgSettings): CgReplay {
  const d = start.u.length;
  const byKey = indexByTag(obs);
  const lookup = (key: string, u: number[]): number | null | undefined => {
    const list = byKey.get(key);
    if (!list) return undefined;
    for (const o of list) if (samePoint(o.u, u)) return o.y;
    return undefined;
  };
  const iterations: CgIteration[] = [];
  const x = Array.from(start.u, clamp01);
  let fx = NaN;
  let sigma = NaN;
  const result = (status: CgReplay['status'], detail: string, requests: CgRequest[] = []): CgReplay => ({ status, detail, requests, iterations, x: [...x], f: fx, sigma });

  // Stage 0: the start value, its replicas and the first gradient's points are independent — ask for all.
  const h = new Array<number>(d).fill(s.fdStep);
  const vals: number[] = [];
  for (const v of start.values) if (v !== null && Number.isFinite(v)) vals.push(v);
  const stage0: CgRequest[] = [];
  let startFailed = false;
  const need0 = (key: string, u: number[], phase: Phase, meta: ProposalMeta): void => {
    const v = lookup(key, u);
    if (v === undefined) stage0.push({ key, u, phase, meta });
    else if (v === null) {
      if (key === 'start') startFailed = true;
    } else vals.push(v);
  };
  if (start.needStart) need0('start', [...x], 'cg', { role: 'start' });
  for (let r = 1; r <= s.replicas; r++) need0(`replica:${r}`, [...x], 'replica', { role: 'replica', k: r });
  const fd0 = fdRequests(0, x, h, s);
  const fdMissing = fd0.filter((q) => lookup(q.key, q.u) === undefined);
  if (stage0.length > 0) return result('running', 'measuring the start point', [...stage0, ...fdMissing]);
  if (vals.length === 0) return result('failed', startFailed ? 'the start point failed to evaluate' : 'no value at the start point');
  fx = vals.reduce((a, b) => a + b, 0) / vals.length;
  if (vals.length >= 2) {
    let ss = 0;
    for (const v of vals) ss += (v - fx) * (v - fx);
    sigma = Math.max(Math.sqrt(ss / (vals.length - 1)), 0.1 * s.noiseRel * Math.abs(fx));
  } else sigma = s.noiseRel * Math.abs(fx);
  const valueTol = s.valueTol ?? 2 * Math.SQRT2 * sigma;

  let step = s.initialStep;
  let gPrev: number[] | null = null;
  let dPrev: number[] | null = null;
  let restart = true;
  let calmRun = 0;
  let stillRun = 0;
  try {
    for (let it = 0; it < s.maxIterations; it++) {
      // Gradient by finite differences.
      const reqs = fdRequests(it, x, h, s);
      const got = new Map<string, number | null>();
      const missing: CgRequest[] = [];
      for (const q of reqs) {
        const v = lookup(q.key, q.u);
        if (v === undefined) missing.push(q);
        else got.set(q.key, v);
      }
      if (missing.length) throw new Missing(missing);
      const g = new Array<number>(d).fill(0);
      let noiseG2 = 0;
      for (let k = 0; k < d; k++) {
        const fp = got.get(`fd:${it}:${k}:1`);
        const fm = got.get(`fd:${it}:${k}:-1`);
        let diff = NaN;
        if (fp !== undefined && fm !== undefined && fp !== null && fm !== null) {
          g[k] = (fp - fm) / (2 * h[k]);
          diff = Math.abs(fp - fm);
          noiseG2 += (sigma * sigma) / (2 * h[k] * h[k]);
        } else if (fp !== undefined && fp !== null) {
          g[k] = (fp - fx) / h[k];
          diff = Math.abs(fp - fx);
          noiseG2 += (2 * sigma * sigma) / (h[k] * h[k]);
        } else if (fm !== undefined && fm !== null) {
          g[k] = (fx - fm) / h[k];
          diff = Math.abs(fx - fm);
          noiseG2 += (2 * sigma * sigma) / (h[k] * h[k]);
        } // both sides failed: no information along k this iteration (g_k = 0)
        if (Number.isFinite(diff)) {
          const noiseDiff = Math.SQRT2 * sigma;
          if (diff < s.fdSignal * noiseDiff) h[k] = Math.min(2 * h[k], s.fdStepMax);
          else if (diff > 10 * s.fdSignal * noiseDiff && h[k] > s.fdStep) h[k] = Math.max(h[k] / 2, s.fdStep, s.fdStepMin);
        }
      }
      const gradSq = g.reduce((a, v) => a + v * v, 0);
      const gradTol = s.gradTol ?? 4 * noiseG2;

      // Direction: Polak–Ribière+, steepest descent on restart or when PR loses descent.
      let dir = g.map((v) => -v);
      if (!restart && gPrev && dPrev) {
        let num = 0;
        let den = 0;
        for (let k = 0; k < d; k++) {
          num += g[k] * (g[k] - gPrev[k]);
          den += gPrev[k] * gPrev[k];
        }
        const beta = den > 0 ? Math.max(0, num / den) : 0;
        const cand = dir.map((v, k) => v + beta * (dPrev as number[])[k]);
        if (cand.reduce((a, v, k) => a + v * g[k], 0) < 0) dir = cand;
      }
      // Components blocked by the box (at a bound, pointing out) are dropped.
      for (let k = 0; k < d; k++) if ((x[k] <= 0 && dir[k] < 0) || (x[k] >= 1 && dir[k] > 0)) dir[k] = 0;
      const norm = Math.sqrt(dir.reduce((a, v) => a + v * v, 0));
      let accepted = 0;
      let fNew = fx;
      let xNew = x;
      if (norm > 0) {
        const dn = dir.map((v) => v / norm);
        const slope0 = dn.reduce((a, v, k) => a + v * g[k], 0);
        let amax = Infinity;
        for (let k = 0; k < d; k++) {
          if (dn[k] > 0) amax = Math.min(amax, (1 - x[k]) / dn[k]);
          else if (dn[k] < 0) amax = Math.min(amax, -x[k] / dn[k]);
        }
        const pts: { a: number; f: number; u: number[] }[] = [{ a: 0, f: fx, u: x }];
        for (let j = 1; j <= s.maxLineSteps && amax > 1e-9; j++) {
          const a = nextTrial(j, pts, slope0, step, amax);
          if (!(a > 1e-9) || pts.some((p) => Math.abs(p.a - a) <= 1e-3 * Math.max(a, p.a))) break;
          const u = dn.map((v, k) => clamp01(x[k] + a * v));
          const key = `line:${it}:${j}`;
          const v = lookup(key, u);
          if (v === undefined) throw new Missing([{ key, u, phase: 'cg', meta: { role: 'line', it, step: j } }]);
          pts.push({ a, f: v === null ? Infinity : v, u });
        }
        let bestP = pts[0];
        for (const p of pts) if (p.f < bestP.f) bestP = p;
        accepted = bestP.a;
        fNew = bestP.f;
        xNew = bestP.u;
        dPrev = dir;
      } else dPrev = null;
      gPrev = g;
      const moved = accepted > 0;
      const dx = moved ? Math.max(...xNew.map((v, k) => Math.abs(v - x[k]))) : 0;
      const still = dx < s.positionTol && Math.abs(fNew - fx) < valueTol;
      const calm = still && gradSq < gradTol;
      iterations.push({ it, x: [...x], f: fx, gradSq, step: accepted, fNew, calm });
      calmRun = calm ? calmRun + 1 : 0;
      stillRun = still ? stillRun + 1 : 0;
      restart = !moved;
      step = moved ? Math.min(0.5, Math.max(accepted, s.fdStepMin)) : Math.max(step / 4, s.fdStepMin);
      if (moved) {
        for (let k = 0; k < d; k++) x[k] = xNew[k];
        fx = fNew;
      }
      if (calmRun >= s.patience) return result('converged', `${calmRun} calm iterations: position, value and squared gradient under tolerance`);
      if (stillRun >= 2 * s.patience) return result('converged', `stalled: position and value unchanged for ${stillRun} iterations (the finite-difference gradient stays above its tolerance: roughness below the step)`);
    }
  } catch (e) {
    if (e instanceof Missing) return result('running', `iteration ${iterations.length}`, e.requests);
    throw e;
  }
  return result('cap', `stopped after ${s.maxIterations} iterations`);
}

/** The finite-difference points of iteration it at x: central where the box allows, one-sided at a bound. */
function fdRequests(it: number, x: readonly number[], h: readonly number[], s: CgSettings): CgRequest[] {
  const out: CgRequest[] = [];
  const d = x.length;
  for (let k = 0; k < d; k++) {
    const canUp = x[k] + h[k] <= 1;
    const canDown = x[k] - h[k] >= 0;
    const sides: number[] = s.fd === 'central' ? (canUp && canDown ? [1, -1] : canUp ? [1] : [-1]) : canUp ? [1] : [-1];
    for (const side of sides) {
      const u = [...x];
      u[k] = clamp01(x[k] + side * h[k]);
      out.push({ key: `fd:${it}:${k}:${side}`, u, phase: 'cg', meta: { role: 'fd', it, k, side } });
    }
  }
  return out;
}

/**
 * Next trial step along the line. Trial 1: the carried-over step. Trial 2: the minimum of the parabola through
 * f(0) with the FD slope and f(α1) (the secant step on the derivative), or an expansion when that parabola is
 * not convex. Trial 3: the vertex of the parabola through the three lowest points, or expansion/contraction
 * around the best. Always inside (0, αmax] and within a factor 4 of the points already tried.
 */
function nextTrial(j: number, pts: readonly { a: number; f: number }[], slope0: number, step: number, amax: number): number {
  if (j === 1) return Math.min(step, amax);
  const finite = pts.filter((p) => Number.isFinite(p.f));
  const aMaxTried = Math.max(...pts.map((p) => p.a));
  const best = finite.reduce((a, p) => (p.f < a.f ? p : a));
  let a: number;
  if (j === 2) {
    const p1 = pts[1];
    if (!Number.isFinite(p1.f)) a = p1.a / 3;
    else {
      const c = (p1.f - pts[0].f - slope0 * p1.a) / (p1.a * p1.a);
      a = c > 0 ? -slope0 / (2 * c) : 3 * p1.a;
      a = Math.min(Math.max(a, p1.a / 10), 4 * p1.a);
    }
  } else {
    const three = [...finite].sort((p, q) => p.f - q.f).slice(0, 3).sort((p, q) => p.a - q.a);
    a = NaN;
    if (three.length === 3) {
      const [p0, p1, p2] = three;
      const d01 = (p1.f - p0.f) / (p1.a - p0.a);
      const d12 = (p2.f - p1.f) / (p2.a - p1.a);
      const c = (d12 - d01) / (p2.a - p0.a);
      if (c > 0) a = (p0.a + p1.a) / 2 - d01 / (2 * c);
    }
    if (!Number.isFinite(a)) a = best.a === aMaxTried ? 2 * best.a : best.a > 0 ? best.a / 2 : aMaxTried / 4;
    a = Math.min(Math.max(a, 0), 4 * aMaxTried);
  }
  return Math.min(a, amax);
}

/** Proposals for the outstanding requests that are not already pending, at most q. */
export function cgProposals(r: CgReplay, pending: readonly Proposal[], q: number): Proposal[] {
  const out: Proposal[] = [];
  for (const req of r.requests) {
    if (out.length >= q) break;
    const isPending = pending.some((p) => keyOf(p.meta) === req.key && samePoint(p.u, req.u));
    if (!isPending) out.push({ u: req.u, phase: req.phase, meta: req.meta });
  }
  return out;
}
