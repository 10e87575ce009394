/**
 * Least-squares refinement after BO (`cg.method: 'ls'`): a model-based trust-region Gauss–Newton method on R_χ's
 * residual vector, in the manner of the derivative-free least-squares solvers (POUNDERS, Wild 2017; DFO-LS,
 * Cartis, Fiala, Marteau & Roberts 2019), with weighted regression instead of interpolation because every run is
 * noisy.
 *
 * Why: R_χ² is a sum of squares over every g(r) bin of every pair (evaluate/cost.ts rChiResiduals). CG sees one
 * number per run and pays 2d runs for each finite-difference gradient. Here each run adds its whole residual
 * vector, and a linear model r(x) ≈ a + J·(x − c), fitted by weighted least squares to the done runs around the
 * centre c (BO's included: many more runs than unknowns, so the noise averages out), gives the Gauss–Newton model
 * m(s) = |a + J·s|² of R_χ² — its curvature JᵀJ included — from runs already made. Each iteration costs one run:
 * the Levenberg–Marquardt step that minimises m inside the trust region |s| ≤ Δ (2-norm, unit cube), shortened
 * along itself until the physics screen accepts it (the optimum of these fits lies against the screen's boundary:
 * a screened step would teach nothing and shrink Δ).
 *
 * Noise-aware decisions: after the step's run the model is refitted with it, and the centre moves to the step's
 * point when the refitted model is lower there than at the centre — a single lucky run cannot move it. Δ doubles
 * (≤ lsRadiusMax) after a step at the radius whose refitted decrease is ≥ 3/4 of the predicted one, halves after
 * one below 1/4 of it, a failed, screened or stopped run. When Δ falls below lsRadiusMin the refinement restarts
 * from its centre with the first radius (DFO-LS's soft restart for noisy problems: the data stay) up to
 * lsRestarts times, then it has converged.
 *
 * Measured choices (src-worker/optimize/README.md): runs stopped early are left out of the fit (their huge
 * residuals far from c bent the linear model: slower progress on both seeds tried), and there are no
 * geometry-improving runs (DFO's extra runs along directions the data do not span: on real campaigns nearly all
 * of them left the thin feasible sheet and were screened or stopped early).
 *
 * Replayable like cg.ts: proposals carry {role: 'ls', it, kind: 'step'}; iteration `it` is computed from the
 * chain's prior runs (BO's, passed in), the start's replicas (from iteration 1 on, so that the first step runs
 * beside them) and the chain's own runs of earlier iterations — never from runs still out — so the walk from the
 * start rebuilds the same state from the stored runs in any order of arrival. The screen (`feasible`) is a pure
 * function of the point, so the walk stays pure.
 */
import { indexByTag, Missing, samePoint, type CgIteration, type CgReplay, type CgRequest, type CgStart } from './cg.ts';
import { cholesky, solveChol } from './linalg.ts';
import { statusOf, type CgSettings, type Feasible, type Observation, type Phase, type ProposalMeta } from './strategy.ts';

/** A run the model can use (see `usable`): where it ran and its residual vector. */
interface Sample {
  readonly u: ArrayLike<number>;
  readonly r: ArrayLike<number>;
}

/** The linear model of the residuals around c, as the quantities the step needs. */
export interface LsModel {
  /** m(0) = |a|², R_χ² units. */
  readonly m0: number;
  /** [d] Jᵀa. */
  readonly g: Float64Array;
  /** [d·d] JᵀJ, row-major. */
  readonly H: Float64Array;
  /** Runs with a weight above 1e-6 and the neighbourhood width (unit cube). */
  readonly used: number;
  readonly width: number;
}

/** m(s) = m0 + 2 gᵀs + sᵀHs. */
export function modelValue(m: LsModel, s: ArrayLike<number>): number {
  const d = m.g.length;
  let v = m.m0;
  for (let k = 0; k < d; k++) {
    v += 2 * m.g[k] * s[k];
    let hs = 0;
    for (let l = 0; l < d; l++) hs += m.H[k * d + l] * s[l];
    v += s[k] * hs;
  }
  return v;
}

const RIDGE = 1e-3; // relative to the total weight, on the slopes in width-scaled coordinates

/**
 * Weighted least-squares fit of r(x) ≈ a + J·(x − c) to the samples. Weights exp(−½(|x − c|/w)²) with the width
 * w = max(2Δ, distance to the (2d+2)-th nearest sample), so that a small trust region still fits on enough runs;
 * a small ridge keeps the slopes of an unspanned direction at zero instead of undefined.
 */
export function fitLsModel(samples: readonly Sample[], c: ArrayLike<number>, radius: number): LsModel | null {
  const d = c.length;
  const n = samples.length;
  if (n === 0) return null;
  const m = samples[0].r.length;
  const dist = samples.map((p) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += (p.u[k] - c[k]) ** 2;
    return Math.sqrt(s);
  });
  const sorted = [...dist].sort((a, b) => a - b);
  const width = Math.max(2 * radius, sorted[Math.min(n - 1, 2 * d + 1)]);
  const p1 = d + 1;
  const M = new Float64Array(p1 * p1);
  const ZR = new Float64Array(p1 * m);
  const z = new Float64Array(p1);
  let W = 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.exp(-0.5 * (dist[i] / width) ** 2);
    if (w < 1e-6) continue;
    used++;
    W += w;
    const p = samples[i];
    z[0] = 1;
    for (let k = 0; k < d; k++) z[k + 1] = (p.u[k] - c[k]) / width;
    for (let a = 0; a < p1; a++) {
      const wa = w * z[a];
      for (let b = 0; b <= a; b++) M[a * p1 + b] += wa * z[b];
      const row = a * m;
      for (let j = 0; j < m; j++) ZR[row + j] += wa * p.r[j];
    }
  }
  if (used === 0) return null;
  for (let a = 0; a < p1; a++) for (let b = 0; b < a; b++) M[b * p1 + a] = M[a * p1 + b];
  for (let k = 1; k < p1; k++) M[k * p1 + k] += RIDGE * W;
  const f = cholesky(M, p1, { jitterMax: 1 });
  // B = M⁻¹·ZR, column by column; a = B[0], J_k = B[k+1]/width.
  const B = new Float64Array(p1 * m);
  const col = new Float64Array(p1);
  const sol = new Float64Array(p1);
  for (let j = 0; j < m; j++) {
    for (let a = 0; a < p1; a++) col[a] = ZR[a * m + j];
    solveChol(f, col, sol);
    for (let a = 0; a < p1; a++) B[a * m + j] = sol[a];
  }
  const dotRows = (a: number, b: number): number => {
    let s = 0;
    const ra = a * m;
    const rb = b * m;
    for (let j = 0; j < m; j++) s += B[ra + j] * B[rb + j];
    return s;
  };
  const g = new Float64Array(d);
  const H = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    g[k] = dotRows(0, k + 1) / width;
    for (let l = 0; l <= k; l++) H[k * d + l] = H[l * d + k] = dotRows(k + 1, l + 1) / (width * width);
  }
  return { m0: dotRows(0, 0), g, H, used, width };
}

/** s = −(H + λI)⁻¹g restricted to the free coordinates (others 0). */
function lmSolve(mod: LsModel, free: readonly number[], lambda: number): Float64Array<ArrayBuffer> {
  const d = mod.g.length;
  const nf = free.length;
  const A = new Float64Array(nf * nf);
  const b = new Float64Array(nf);
  let trace = 0;
  for (let i = 0; i < nf; i++) trace += mod.H[free[i] * d + free[i]];
  const floor = 1e-12 * Math.max(trace / Math.max(nf, 1), 1e-300);
  for (let i = 0; i < nf; i++) {
    b[i] = -mod.g[free[i]];
    for (let j = 0; j < nf; j++) A[i * nf + j] = mod.H[free[i] * d + free[j]];
    A[i * nf + i] += lambda + floor;
  }
  const x = solveChol(cholesky(A, nf, { jitterMax: 1 }), b, new Float64Array(nf));
  const s = new Float64Array(d);
  for (let i = 0; i < nf; i++) s[free[i]] = x[i];
  return s;
}

const norm = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k] * v[k];
  return Math.sqrt(s);
};

/**
 * The Levenberg–Marquardt step of the model inside |s| ≤ Δ and the box: λ = 0 when the Gauss–Newton step fits,
 * else the λ (bisection in log λ) that puts it on the radius; a coordinate at a bound that the step pushes out
 * of the box is held there and the step solved again without it; what is left outside is clipped.
 */
export function lsStep(mod: LsModel, x: readonly number[], radius: number): number[] {
  const d = x.length;
  let free = Array.from({ length: d }, (_, k) => k);
  let s = new Float64Array(d);
  for (let round = 0; round <= d && free.length > 0; round++) {
    s = lmSolve(mod, free, 0);
    if (norm(s) > radius) {
      let hi = Math.max(norm(mod.g) / radius, 1e-300);
      while (norm(lmSolve(mod, free, hi)) > radius) hi *= 10;
      let lo = hi / 10;
      while (lo > 1e-300 && norm(lmSolve(mod, free, lo)) <= radius) lo /= 10;
      for (let k = 0; k < 60; k++) {
        const mid = Math.sqrt(lo * hi);
        if (norm(lmSolve(mod, free, mid)) > radius) lo = mid;
        else hi = mid;
      }
      s = lmSolve(mod, free, hi);
    }
    const blocked = free.filter((k) => (x[k] <= 0 && s[k] < 0) || (x[k] >= 1 && s[k] > 0));
    if (blocked.length === 0) break;
    free = free.filter((k) => !blocked.includes(k));
    s = new Float64Array(d);
  }
  return x.map((v, k) => Math.min(1, Math.max(0, v + s[k])));
}

const sub = (a: ArrayLike<number>, b: ArrayLike<number>): number[] => Array.from(a, (v, k) => v - b[k]);

/** A run the model fits: a done run with its residual vector. */
const usable = (o: Observation): o is Observation & { residual: ArrayLike<number>; y: number } =>
  statusOf(o) === 'done' && o.y !== null && o.residual !== undefined && o.residual.length > 0;

/**
 * The point on the segment from x to u (x itself accepted) that the screen accepts, as far along as bisection
 * finds in 30 halvings; u when there is no screen or it accepts u.
 */
function feasibleAlong(x: readonly number[], u: number[], feasible: Feasible | undefined): number[] {
  if (!feasible || feasible(u)) return u;
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 30; k++) {
    const mid = (lo + hi) / 2;
    if (feasible(x.map((v, j) => v + mid * (u[j] - v)))) lo = mid;
    else hi = mid;
  }
  return x.map((v, j) => v + lo * (u[j] - v));
}

/**
 * Rebuild the refinement's state from its start, the runs before it (`prior`: BO's) and the chain's own runs
 * (`obs`, any order; matched by meta tag and position); `feasible`: the campaign's physics screen, if any.
 */
export function lsReplay(start: CgStart, prior: readonly Observation[], obs: readonly Observation[], s: CgSettings, feasible?: Feasible): CgReplay {
  const d = start.u.length;
  const byKey = indexByTag(obs);
  const lookup = (key: string, u: ArrayLike<number>): Observation | undefined => byKey.get(key)?.find((o) => samePoint(o.u, u));
  // Residual vectors of one length only (one reference grid): the most common among the usable runs.
  const lengths = new Map<number, number>();
  for (const o of [...prior, ...obs]) if (usable(o)) lengths.set(o.residual.length, (lengths.get(o.residual.length) ?? 0) + 1);
  const m = [...lengths].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const sample = (o: Observation): Sample[] => (usable(o) && o.residual.length === m ? [{ u: o.u, r: o.residual }] : []);

  const iterations: CgIteration[] = [];
  const x = Array.from(start.u, (v) => Math.min(1, Math.max(0, v)));
  let fx = NaN;
  let sigma = NaN;
  let radius = s.lsRadius;
  const result = (status: CgReplay['status'], detail: string, requests: CgRequest[] = []): CgReplay => ({ status, detail, requests, iterations, x: [...x], f: fx, sigma });

  // Stage 0: the start's value and replicas (they measure the noise; the model uses them from iteration 1 on).
  const vals: number[] = [];
  for (const v of start.values) if (v !== null && Number.isFinite(v)) vals.push(v);
  const stage0: CgRequest[] = [];
  const replicaSamples: Sample[] = [];
  const need0 = (key: string, phase: Phase, meta: ProposalMeta): void => {
    const o = lookup(key, x);
    if (o === undefined) stage0.push({ key, u: [...x], phase, meta });
    else {
      if (o.y !== null && statusOf(o) === 'done') vals.push(o.y);
      replicaSamples.push(...sample(o));
    }
  };
  if (start.needStart) need0('start', 'cg', { role: 'start' });
  for (let r = 1; r <= s.replicas; r++) need0(`replica:${r}`, 'replica', { role: 'replica', k: r });
  if (vals.length > 0) {
    fx = vals.reduce((a, b) => a + b, 0) / vals.length;
    if (vals.length >= 2) sigma = Math.sqrt(vals.reduce((a, v) => a + (v - fx) ** 2, 0) / (vals.length - 1));
    else sigma = s.noiseRel * fx;
  }
  const priorSamples = prior.flatMap(sample);
  const ownSamples: { it: number; s: Sample }[] = [];
  let restarts = 0;
  try {
    for (let it = 0; it < s.lsMaxIterations; it++) {
      const data = [...priorSamples, ...(it > 0 ? replicaSamples : []), ...ownSamples.filter((p) => p.it < it).map((p) => p.s)];
      const mod = fitLsModel(data, x, radius);
      if (!mod) {
        if (stage0.length) throw new Missing(stage0);
        return result('failed', 'no full-length run with a g(r) to fit the least-squares model on');
      }
      const uStep = feasibleAlong(x, lsStep(mod, x, radius), feasible);
      const step = sub(uStep, x);
      const stepLen = norm(step);
      let moved = false;
      let ratio = -Infinity;
      let fNew = Infinity;
      if (stepLen > 1e-3 * radius) {
        const req: CgRequest = { key: `ls:${it}:step`, u: uStep, phase: 'cg', meta: { role: 'ls', it, kind: 'step' } };
        const stepObs = lookup(req.key, req.u);
        if (it === 0 && stage0.length) throw new Missing(stepObs === undefined ? [req, ...stage0] : stage0);
        if (stepObs === undefined) throw new Missing([req]);
        if (vals.length === 0) return result('failed', start.needStart ? 'the start point failed to evaluate' : 'no value at the start point');
        for (const p of sample(stepObs)) ownSamples.push({ it, s: p });
        fNew = stepObs.y ?? Infinity;
        const predicted = mod.m0 - modelValue(mod, step);
        if (usable(stepObs)) {
          const after = fitLsModel([...data, ...ownSamples.filter((p) => p.it === it).map((p) => p.s)], x, radius) as LsModel;
          const here = after.m0;
          const there = modelValue(after, step);
          moved = there < here;
          ratio = predicted > 0 ? (here - there) / predicted : -Infinity;
          fx = Math.sqrt(Math.max(0, moved ? there : here));
        }
      } else if (it === 0 && stage0.length) throw new Missing(stage0);
      // else: the model sees no descent the screen allows within Δ — no run, a smaller region.
      iterations.push({
        it,
        x: [...x],
        f: Math.sqrt(Math.max(0, mod.m0)),
        gradSq: mod.m0 > 0 ? mod.g.reduce((a, v) => a + v * v, 0) / mod.m0 : 0,
        step: moved ? stepLen : 0,
        fNew,
        calm: !moved,
      });
      if (moved) for (let k = 0; k < d; k++) x[k] = uStep[k];
      if (ratio >= 0.75 && stepLen >= 0.9 * radius) radius = Math.min(2 * radius, s.lsRadiusMax);
      else if (ratio < 0.25) radius /= 2;
      if (radius < s.lsRadiusMin) {
        if (restarts >= s.lsRestarts)
          return result('converged', `trust region below ${s.lsRadiusMin} (unit cube) after ${it + 1} iterations${restarts ? ` and ${restarts} restarts` : ''}`);
        restarts++;
        radius = s.lsRadius;
      }
    }
  } catch (e) {
    if (e instanceof Missing) return result('running', `iteration ${iterations.length}, trust radius ${radius.toPrecision(2)}${restarts ? `, restart ${restarts}` : ''}`, e.requests);
    throw e;
  }
  return result('cap', `stopped after ${s.lsMaxIterations} iterations`);
}
