/**
 * Box-constrained local minimisation with analytic gradients: projected limited-memory BFGS with a
 * backtracking Armijo search along the projected path (a compact cousin of L-BFGS-B: variables held at a
 * bound by their gradient are frozen, the quasi-Newton step is taken in the others, and every trial point is
 * projected back into the box). Used for GP hyper-parameters (box in log space) and for acquisition
 * refinement (the unit cube). Deterministic: no randomness, fixed iteration caps.
 */

/** Objective: returns f(x) and writes ∇f(x) into g. May return a non-finite value to reject a point. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface MinimizeOptions {
  readonly maxIter?: number; // quasi-Newton iterations (default 100)
  readonly maxEvals?: number; // objective evaluations (default 4·maxIter)
  readonly memory?: number; // stored (s, y) pairs (default 8)
  readonly gtol?: number; // stop when the projected gradient's max-norm is below this (default 1e-6)
  readonly ftol?: number; // stop when the relative decrease of f in one iteration is below this (default 1e-10)
  readonly initialStep?: number; // max-norm of the first steepest-descent step (default 0.1 of the widest box side)
}

export interface MinimizeResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/**
 * The minimiser as a coroutine: it yields each point it needs evaluated, with the buffer for the gradient, and
 * is resumed with f there. Lets several minimisations run in lock-step so one batched objective evaluation
 * serves all of them (`minimizeBoxBatch`).
 */
export function* minimizeBoxSteps(
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  opts: MinimizeOptions = {},
): Generator<{ readonly x: Float64Array; readonly g: Float64Array }, MinimizeResult, number> {
  const n = x0.length;
  const maxIter = opts.maxIter ?? 100;
  const maxEvals = opts.maxEvals ?? 4 * maxIter;
  const mem = opts.memory ?? 8;
  const gtol = opts.gtol ?? 1e-6;
  const ftol = opts.ftol ?? 1e-10;
  let widest = 0;
  for (let i = 0; i < n; i++) widest = Math.max(widest, upper[i] - lower[i]);
  const initialStep = opts.initialStep ?? 0.1 * widest;

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x0[i]));
  const g = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  const free = new Uint8Array(n);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(mem);

  let fx: number = yield { x, g };
  let evals = 1;
  if (!Number.isFinite(fx)) return { x, f: fx, iterations: 0, evaluations: evals, converged: false };
  let iter = 0;
  let converged = false;

  while (iter < maxIter && evals < maxEvals) {
    // Free variables: not at a bound with the gradient pushing outwards.
    let pgMax = 0;
    for (let i = 0; i < n; i++) {
      const atLow = x[i] <= lower[i] && g[i] > 0;
      const atHigh = x[i] >= upper[i] && g[i] < 0;
      free[i] = atLow || atHigh ? 0 : 1;
      if (free[i]) pgMax = Math.max(pgMax, Math.abs(g[i]));
    }
    if (pgMax < gtol) {
      converged = true;
      break;
    }
    // Two-loop recursion on the free subspace.
    for (let i = 0; i < n; i++) q[i] = free[i] ? g[i] : 0;
    const m = S.length;
    for (let k = m - 1; k >= 0; k--) {
      let sq = 0;
      for (let i = 0; i < n; i++) if (free[i]) sq += S[k][i] * q[i];
      const a = rho[k] * sq;
      alphaBuf[k] = a;
      for (let i = 0; i < n; i++) if (free[i]) q[i] -= a * Y[k][i];
    }
    let gamma = 1;
    if (m > 0) {
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += S[m - 1][i] * Y[m - 1][i];
        yy += Y[m - 1][i] * Y[m - 1][i];
      }
      if (yy > 0 && sy > 0) gamma = sy / yy;
    }
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < m; k++) {
      let yq = 0;
      for (let i = 0; i < n; i++) if (free[i]) yq += Y[k][i] * q[i];
      const b = rho[k] * yq;
      for (let i = 0; i < n; i++) if (free[i]) q[i] += (alphaBuf[k] - b) * S[k][i];
    }
    let slope = 0;
    for (let i = 0; i < n; i++) {
      p[i] = free[i] ? -q[i] : 0;
      slope += p[i] * g[i];
    }
    let step = 1;
    if (m === 0 || !(slope < 0)) {
      // Steepest descent on the free variables, scaled so the first step is modest.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      slope = 0;
      for (let i = 0; i < n; i++) {
        p[i] = free[i] ? -g[i] : 0;
        slope += p[i] * g[i];
      }
      step = initialStep / pgMax;
    }
    // Backtracking Armijo search along the projected path x(α) = P(x + α p).
    let accepted = false;
    let fNew = NaN;
    for (let ls = 0; ls < 30 && evals < maxEvals; ls++) {
      let dec = 0;
      let moved = false;
      for (let i = 0; i < n; i++) {
        const v = Math.min(upper[i], Math.max(lower[i], x[i] + step * p[i]));
        xNew[i] = v;
        dec += g[i] * (v - x[i]);
        if (v !== x[i]) moved = true;
      }
      if (!moved) break;
      fNew = yield { x: xNew, g: gNew };
      evals++;
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * dec) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      if (S.length === 0) break; // steepest descent failed too: a (numerically) stationary point
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      continue;
    }
    iter++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    let ss = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
      ss += s[i] * s[i];
      yy += y[i] * y[i];
    }
    // Curvature condition; skipping the pair keeps the inverse-Hessian model positive definite.
    if (sy > 1e-10 * Math.sqrt(ss * yy)) {
      if (S.length === mem) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const fOld = fx;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (fOld - fx <= ftol * Math.max(Math.abs(fOld), Math.abs(fx), 1)) {
      converged = true;
      break;
    }
  }
  return { x, f: fx, iterations: iter, evaluations: evals, converged };
}

/** Minimise f over the box [lower, upper] from x0 (clipped into the box). */
export function minimizeBox(f: Objective, x0: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  const it = minimizeBoxSteps(x0, lower, upper, opts);
  let r = it.next(0);
  while (!r.done) r = it.next(f(r.value.x, r.value.g));
  return r.value;
}

/** A batched objective: f at each xs[i] into out[i], gradients into gs[i]. */
export type BatchObjective = (xs: readonly Float64Array[], gs: readonly Float64Array[], out: Float64Array) => void;

/**
 * Several minimisations from different starts in lock-step: each round evaluates the points all active runs
 * need with one call of the batched objective. Results in the order of the starts; each is exactly what
 * `minimizeBox` would return with the same objective.
 */
export function minimizeBoxBatch(f: BatchObjective, starts: readonly ArrayLike<number>[], lower: ArrayLike<number>, upper: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult[] {
  const runs = starts.map((x0) => minimizeBoxSteps(x0, lower, upper, opts));
  const results: (MinimizeResult | null)[] = starts.map(() => null);
  let req = runs.map((r) => r.next(0));
  const fs = new Float64Array(starts.length);
  for (;;) {
    const active: number[] = [];
    req.forEach((r, i) => {
      if (r.done) results[i] = r.value;
      else active.push(i);
    });
    if (active.length === 0) break;
    const xs = active.map((i) => (req[i].value as { x: Float64Array }).x);
    const gs = active.map((i) => (req[i].value as { g: Float64Array }).g);
    f(xs, gs, fs);
    const next = [...req];
    active.forEach((i, j) => {
      next[i] = runs[i].next(fs[j]);
    });
    req = next.map((r, i) => (active.includes(i) ? r : { done: true, value: results[i] as MinimizeResult }));
  }
  return results as MinimizeResult[];
}
