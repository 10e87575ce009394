/**
 * Baselines behind the same Strategy interface as BO, for the paper's comparison (Sec. 4.1) and the benchmark:
 * 'random' (uniform random search), 'cmaes' ((μ/μ_w, λ)-CMA-ES following Hansen, "The CMA Evolution Strategy:
 * A Tutorial", arXiv:1604.00772, default parameters), and 'cg' (conjugate gradient alone from a given start).
 * All are replayable: point i of random search depends only on (seed, i); CMA-ES rebuilds its state by
 * replaying every completed generation (samples tagged {gen, k}, drawn from (seed, gen, k)).
 *
 * CMA-ES bounds: the search distribution lives in R^d and each sample is evaluated at its mirror image in
 * [0,1]^d (periodic reflection — the simplest form of pycma's BoundTransform): f∘T stays continuous, no
 * penalty scale has to be guessed, and the update uses the unreflected sample. A failed evaluation ranks last.
 */
import { createRng, deriveSeed, normal, uniform } from '../rng.ts';
import { cgProposals, cgReplay } from './cg.ts';
import { symmetricEigen } from './linalg.ts';
import {
  checkPoints,
  budgetUsed,
  remainingBudget,
  budgetStop,
  type CgOptimizerSettings,
  type CmaesOptimizerSettings,
  type Observation,
  type Proposal,
  type RandomOptimizerSettings,
  type Strategy,
} from './strategy.ts';

// ---------------------------------------------------------------- random search

/** Point i of a random search: uniform in [0,1]^d from (seed, i). */
export function randomPoint(d: number, seed: number, i: number): number[] {
  const r = createRng(deriveSeed(seed, 7, i));
  return Array.from({ length: d }, () => uniform(r));
}

export const randomStrategy: Strategy<RandomOptimizerSettings> = {
  name: 'random',
  propose(history, pending, q, s, seed) {
    checkPoints(history, s.dim, 'history');
    const n = Math.min(q, remainingBudget(history, pending, s.budget));
    const first = history.length + pending.length;
    return Array.from({ length: n }, (_, j) => ({ u: randomPoint(s.dim, seed, first + j), phase: 'baseline' as const, meta: { role: 'random', index: first + j } }));
  },
  stop(history, s) {
    return budgetStop(history, s.budget);
  },
};

// ---------------------------------------------------------------- CMA-ES

/** Mirror a real number into [0,1] (period 2). */
export function reflect01(v: number): number {
  let t = v % 2;
  if (t < 0) t += 2;
  return t > 1 ? 2 - t : t;
}

/** CMA-ES strategy parameters (tutorial Table 1, positive weights only). */
export function cmaesParams(d: number, popsize: number | null) {
  const lambda = popsize ?? 4 + Math.floor(3 * Math.log(d));
  const mu = Math.floor(lambda / 2);
  const wRaw = Array.from({ length: mu }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const wSum = wRaw.reduce((a, b) => a + b, 0);
  const weights = wRaw.map((w) => w / wSum);
  const muEff = 1 / weights.reduce((a, w) => a + w * w, 0);
  const cs = (muEff + 2) / (d + muEff + 5);
  const ds = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (d + 1)) - 1) + cs;
  const cc = (4 + muEff / d) / (d + 4 + (2 * muEff) / d);
  const c1 = 2 / ((d + 1.3) ** 2 + muEff);
  const cmu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((d + 2) ** 2 + muEff));
  const chiN = Math.sqrt(d) * (1 - 1 / (4 * d) + 1 / (21 * d * d));
  return { lambda, mu, weights, muEff, cs, ds, cc, c1, cmu, chiN };
}

export interface CmaesState {
  gen: number;
  mean: Float64Array;
  sigma: number;
  C: Float64Array; // [d·d]
  B: Float64Array; // [d·d] eigenvectors (columns)
  D: Float64Array; // [d] sqrt eigenvalues
  ps: Float64Array;
  pc: Float64Array;
  /** Completed generations' best value, for the stop test. */
  bestHistory: number[];
}

function initialState(d: number, s: CmaesOptimizerSettings): CmaesState {
  const C = new Float64Array(d * d);
  const B = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    C[i * d + i] = 1;
    B[i * d + i] = 1;
  }
  return {
    gen: 0,
    mean: Float64Array.from(s.cmaes.start ?? new Array(d).fill(0.5)),
    sigma: s.cmaes.sigma0,
    C,
    B,
    D: new Float64Array(d).fill(1),
    ps: new Float64Array(d),
    pc: new Float64Array(d),
    bestHistory: [],
  };
}

/** Sample k of a generation in R^d (unreflected) and its z, y vectors: x = m + σ·B·D·z. */
function sample(st: CmaesState, d: number, seed: number, k: number): { x: Float64Array; y: Float64Array } {
  const r = createRng(deriveSeed(seed, 11, st.gen, k));
  const z = Float64Array.from({ length: d }, () => normal(r));
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let v = 0;
    for (let j = 0; j < d; j++) v += st.B[i * d + j] * st.D[j] * z[j];
    y[i] = v;
  }
  const x = new Float64Array(d);
  for (let i = 0; i < d; i++) x[i] = st.mean[i] + st.sigma * y[i];
  return { x, y };
}

/** One generation's update (tutorial Eqs. 39–47) from the λ samples' y vectors and values. */
function update(st: CmaesState, d: number, ys: Float64Array[], f: number[], p: ReturnType<typeof cmaesParams>): void {
  const order = f.map((_, i) => i).sort((a, b) => f[a] - f[b] || a - b);
  const yw = new Float64Array(d);
  for (let i = 0; i < p.mu; i++) {
    const yi = ys[order[i]];
    for (let k = 0; k < d; k++) yw[k] += p.weights[i] * yi[k];
  }
  for (let k = 0; k < d; k++) st.mean[k] += st.sigma * yw[k];
  // C^{-1/2}·yw = B·D⁻¹·Bᵀ·yw
  const t = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let v = 0;
    for (let i = 0; i < d; i++) v += st.B[i * d + j] * yw[i];
    t[j] = v / st.D[j];
  }
  const cInvY = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let v = 0;
    for (let j = 0; j < d; j++) v += st.B[i * d + j] * t[j];
    cInvY[i] = v;
  }
  const csf = Math.sqrt(p.cs * (2 - p.cs) * p.muEff);
  let psNorm = 0;
  for (let k = 0; k < d; k++) {
    st.ps[k] = (1 - p.cs) * st.ps[k] + csf * cInvY[k];
    psNorm += st.ps[k] * st.ps[k];
  }
  psNorm = Math.sqrt(psNorm);
  const hsig = psNorm / Math.sqrt(1 - (1 - p.cs) ** (2 * (st.gen + 1))) < (1.4 + 2 / (d + 1)) * p.chiN ? 1 : 0;
  const ccf = Math.sqrt(p.cc * (2 - p.cc) * p.muEff);
  for (let k = 0; k < d; k++) st.pc[k] = (1 - p.cc) * st.pc[k] + hsig * ccf * yw[k];
  const dh = (1 - hsig) * p.cc * (2 - p.cc);
  const keep = 1 - p.c1 - p.cmu;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let rmu = 0;
      for (let m = 0; m < p.mu; m++) rmu += p.weights[m] * ys[order[m]][i] * ys[order[m]][j];
      st.C[i * d + j] = keep * st.C[i * d + j] + p.c1 * (st.pc[i] * st.pc[j] + dh * st.C[i * d + j]) + p.cmu * rmu;
    }
  }
  st.sigma *= Math.exp((p.cs / p.ds) * (psNorm / p.chiN - 1));
  // Bound σ: a step far beyond the box only reflects around it.
  st.sigma = Math.min(st.sigma, 2);
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) st.C[i * d + j] = st.C[j * d + i] = 0.5 * (st.C[i * d + j] + st.C[j * d + i]);
  const e = symmetricEigen(st.C, d);
  st.B.set(e.vectors);
  for (let k = 0; k < d; k++) st.D[k] = Math.sqrt(Math.max(e.values[k], 1e-20));
  st.bestHistory.push(f[order[0]]);
  st.gen++;
}

function cmaesKey(meta: Proposal['meta']): string | null {
  return meta && meta.role === 'cmaes' ? `${meta.gen}:${meta.k}` : null;
}

function cloneState(st: CmaesState): CmaesState {
  return { gen: st.gen, mean: st.mean.slice(), sigma: st.sigma, C: st.C.slice(), B: st.B.slice(), D: st.D.slice(), ps: st.ps.slice(), pc: st.pc.slice(), bestHistory: [...st.bestHistory] };
}

/**
 * Memo of states after complete generations, keyed by everything that determines them (settings, seed, and
 * the values of every generation so far): replaying a long run costs one update per new generation instead of
 * one per generation per call, and a hit is exactly the state a replay would build.
 */
const cmaesMemo = new Map<string, CmaesState>();
const CMAES_MEMO_SIZE = 16;

/** Replay completed generations from the history; returns the state of the current (incomplete) generation. */
export function cmaesReplay(history: readonly Observation[], s: CmaesOptimizerSettings, seed: number): { state: CmaesState; params: ReturnType<typeof cmaesParams>; got: Map<string, number | null> } {
  const d = s.dim;
  const p = cmaesParams(d, s.cmaes.popsize);
  let st = initialState(d, s);
  const got = new Map<string, number | null>();
  for (const o of history) {
    const k = cmaesKey(o.meta);
    if (k && !got.has(k)) got.set(k, o.y);
  }
  // Values of the complete generations, and a rolling 64-bit FNV hash over settings, seed and all values so far.
  const gens: number[][] = [];
  for (let g = 0; ; g++) {
    const f: number[] = [];
    for (let k = 0; k < p.lambda; k++) {
      const v = got.get(`${g}:${k}`);
      if (v === undefined) break;
      f.push(v === null ? Infinity : v);
    }
    if (f.length < p.lambda) break;
    gens.push(f);
  }
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  const mix = (w: number): void => {
    h1 = Math.imul(h1 ^ w, 0x01000193);
    h2 = Math.imul(h2 ^ w, 0x5bd1e995) ^ (h2 >>> 13);
  };
  const head = `${seed}|${JSON.stringify(s)}`;
  for (let i = 0; i < head.length; i++) mix(head.charCodeAt(i));
  const keys: string[] = [];
  for (const f of gens) {
    for (const v of f) {
      f64[0] = v;
      mix(u32[0]);
      mix(u32[1]);
    }
    keys.push(`${h1 >>> 0}:${h2 >>> 0}`);
  }
  let g0 = 0;
  for (let g = gens.length - 1; g >= 0; g--) {
    const hit = cmaesMemo.get(keys[g]);
    if (hit) {
      st = cloneState(hit);
      g0 = g + 1;
      break;
    }
  }
  for (let g = g0; g < gens.length; g++) {
    const ys: Float64Array[] = [];
    for (let k = 0; k < p.lambda; k++) ys.push(sample(st, d, seed, k).y);
    update(st, d, ys, gens[g], p);
    if (cmaesMemo.size >= CMAES_MEMO_SIZE) cmaesMemo.delete(cmaesMemo.keys().next().value as string);
    cmaesMemo.set(keys[g], cloneState(st));
  }
  return { state: st, params: p, got };
}

/** Forget memoised CMA-ES states (frees memory; results never depend on the memo). */
export function clearCmaesMemo(): void {
  cmaesMemo.clear();
}

export const cmaesStrategy: Strategy<CmaesOptimizerSettings> = {
  name: 'cmaes',
  propose(history, pending, q, s, seed) {
    checkPoints(history, s.dim, 'history');
    let n = Math.min(q, remainingBudget(history, pending, s.budget));
    const { state, params, got } = cmaesReplay(history, s, seed);
    const pend = new Set(pending.map((p) => cmaesKey(p.meta)).filter((k): k is string => k !== null));
    const out: Proposal[] = [];
    for (let k = 0; k < params.lambda && n > 0; k++) {
      const key = `${state.gen}:${k}`;
      if (got.has(key) || pend.has(key)) continue;
      const { x } = sample(state, s.dim, seed, k);
      out.push({ u: Array.from(x, reflect01), phase: 'baseline', meta: { role: 'cmaes', gen: state.gen, k } });
      n--;
    }
    return out;
  },
  stop(history, s) {
    const b = budgetStop(history, s.budget);
    if (b) return b;
    // stop() has no seed, so it cannot replay the distribution; a collapsed distribution shows in the points:
    // the last complete generation inside a 1e-6 box (the tutorial's TolX, scaled to the unit cube).
    const p = cmaesParams(s.dim, s.cmaes.popsize);
    const gens = new Map<number, Observation[]>();
    for (const o of history) {
      if (!o.meta || o.meta.role !== 'cmaes') continue;
      const g = Number(o.meta.gen);
      const list = gens.get(g) ?? [];
      list.push(o);
      gens.set(g, list);
    }
    let last = -1;
    for (const [g, list] of gens) if (list.length >= p.lambda && g > last) last = g;
    if (last >= 0) {
      const pts = gens.get(last) as Observation[];
      let spread = 0;
      for (let k = 0; k < s.dim; k++) {
        let lo = Infinity;
        let hi = -Infinity;
        for (const o of pts) {
          lo = Math.min(lo, o.u[k]);
          hi = Math.max(hi, o.u[k]);
        }
        spread = Math.max(spread, hi - lo);
      }
      if (spread < 1e-6) return { kind: 'converged', detail: `CMA-ES generation ${last} collapsed to a ${spread.toExponential(2)} box` };
    }
    return null;
  },
};

// ---------------------------------------------------------------- CG alone

export const cgStrategy: Strategy<CgOptimizerSettings> = {
  name: 'cg',
  propose(history, pending, q, s) {
    checkPoints(history, s.dim, 'history');
    const n = Math.min(q, remainingBudget(history, pending, s.budget));
    const r = cgReplay({ u: s.start, values: [], needStart: true }, history, s.cg);
    return r.status === 'running' ? cgProposals(r, pending, n) : [];
  },
  stop(history, s) {
    const b = budgetStop(history, s.budget);
    if (b) return b;
    const r = cgReplay({ u: s.start, values: [], needStart: true }, history, s.cg);
    if (r.status === 'converged' || r.status === 'cap') return { kind: 'converged', detail: r.detail };
    if (r.status === 'failed') return { kind: 'failed', detail: r.detail };
    return null;
  },
};
