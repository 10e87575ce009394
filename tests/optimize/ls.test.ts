import { describe, expect, it } from 'vitest';
import { fitLsModel, lsReplay, lsStep, modelValue } from '../../src-worker/optimize/ls.ts';
import { boCgState, propose, stop } from '../../src-worker/optimize/optimizer.ts';
import { createRng, normal } from '../../src-worker/rng.ts';
import { needsResiduals, parseOptimizerSettings, type BoOptimizerSettings, type CgSettings, type Observation, type Proposal } from '../../src-worker/optimize/strategy.ts';
import { CgSettingsSchema } from '../../src-worker/optimize/strategy.ts';

/** A least-squares problem like R_χ: m residuals, a linear part around x* plus a mild curvature, and noise. */
function problem(d: number, m: number, xStar: number[], seed: number) {
  const rng = createRng(seed);
  const A = Array.from({ length: m }, () => Array.from({ length: d }, () => normal(rng) * 0.05));
  const base = Array.from({ length: m }, () => normal(rng) * 0.002); // the floor: residual at x*
  const exact = (u: ArrayLike<number>): Float32Array => {
    const r = new Float32Array(m);
    for (let j = 0; j < m; j++) {
      let v = base[j];
      for (let k = 0; k < d; k++) {
        const dx = u[k] - xStar[k];
        v += A[j][k] * dx + 0.02 * A[j][k] * dx * dx;
      }
      r[j] = v;
    }
    return r;
  };
  const noisy = (u: ArrayLike<number>, sd: number, k: number): Float32Array => {
    const g = createRng(1000 + k);
    return exact(u).map((v) => v + sd * normal(g));
  };
  const norm = (r: ArrayLike<number>): number => {
    let s = 0;
    for (let j = 0; j < r.length; j++) s += r[j] * r[j];
    return Math.sqrt(s);
  };
  return { exact, noisy, norm };
}

/** n exact BO runs on a Lissajous curve of radius `spread` around c (2-D), and a start at c with its value. */
function boRunsAround(p: ReturnType<typeof problem>, c: number[], spread: number, n: number, w: number) {
  const prior: Observation[] = Array.from({ length: n }, (_, i) => {
    const u = [c[0] + spread * Math.cos(i), c[1] + spread * Math.sin(w * i)];
    const r = p.exact(u);
    return { u, phase: 'bo', y: p.norm(r), residual: r };
  });
  return { prior, start: { u: c, values: [p.norm(p.exact(c))], needStart: false } };
}

describe('least-squares refinement (ls.ts)', () => {
  it('fits the Gauss–Newton model of affine residuals exactly', () => {
    const d = 3;
    const J = [
      [1, 0.5, 0],
      [0, 2, -1],
      [0.3, 0, 0.7],
      [1, 1, 1],
    ];
    const a = [0.2, -0.1, 0.05, 0.3];
    const c = [0.5, 0.4, 0.6];
    const rng = createRng(3);
    const samples = Array.from({ length: 30 }, () => {
      const u = c.map((v) => v + 0.1 * normal(rng));
      const r = a.map((ai, j) => ai + J[j].reduce((s, Jjk, k) => s + Jjk * (u[k] - c[k]), 0));
      return { u, r };
    });
    const mod = fitLsModel(samples, c, 0.05)!;
    expect(mod.used).toBe(30);
    expect(mod.m0).toBeCloseTo(a.reduce((s, v) => s + v * v, 0), 3);
    // Within 1 %: the ridge (1e-3 of the total weight) shrinks the slopes a little.
    const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThan(0.01 * Math.max(Math.abs(want), 0.1));
    for (let k = 0; k < d; k++) {
      close(mod.g[k], J.reduce((s, row, j) => s + row[k] * a[j], 0));
      for (let l = 0; l < d; l++) close(mod.H[k * d + l], J.reduce((s, row) => s + row[k] * row[l], 0));
    }
    // The model's value is the squared norm of the affine residual.
    const s = [0.01, -0.02, 0.03];
    const r = a.map((ai, j) => ai + J[j].reduce((acc, Jjk, k) => acc + Jjk * s[k], 0));
    expect(modelValue(mod, s)).toBeCloseTo(r.reduce((acc, v) => acc + v * v, 0), 3);
  });

  it('steps to the least-squares minimum when it lies in the trust region, else onto its boundary and inside the box', () => {
    const { exact, norm } = problem(2, 30, [0.45, 0.6], 5);
    const c = [0.4, 0.5];
    const samples = Array.from({ length: 20 }, (_, i) => {
      const u = [c[0] + 0.05 * Math.cos(i), c[1] + 0.05 * Math.sin(2.3 * i)];
      return { u, r: exact(u) };
    });
    const mod = fitLsModel(samples, c, 0.05)!;
    const far = lsStep(mod, c, 1);
    // One Gauss–Newton step removes nearly all of the excess over the floor (the curvature term is what is left).
    const floor = norm(exact([0.45, 0.6]));
    expect(norm(exact(far)) - floor).toBeLessThan(0.03 * (norm(exact(c)) - floor));
    const near = lsStep(mod, c, 0.03);
    expect(Math.hypot(near[0] - c[0], near[1] - c[1])).toBeCloseTo(0.03, 6);
    // At the box's edge the step slides along it instead of leaving.
    // (Shifted so that the minimum lies at x0 = −0.05, outside the box, and the centre on the bound x0 = 0.)
    const edge = lsStep(fitLsModel(samples.map((p) => ({ u: [p.u[0] - 0.5, p.u[1]], r: p.r })), [0, 0.5], 0.05)!, [0, 0.5], 1);
    expect(edge[0]).toBe(0);
    expect(edge[1]).toBeGreaterThan(0.55);
  });

  it('refines a noisy least-squares problem from the BO hand-over to near its minimum, in few runs', () => {
    const d = 3;
    const xStar = [0.35, 0.6, 0.45];
    const { noisy, exact, norm } = problem(d, 60, xStar, 11);
    const settings = parseOptimizerSettings({
      strategy: 'bo',
      dim: d,
      budget: 70,
      bo: { initial: { size: 10 } },
      cg: { method: 'ls', reserve: 0.6, replicas: 2 },
    }) as BoOptimizerSettings;
    expect(needsResiduals(settings)).toBe(true);
    const history: Observation[] = [];
    const pending: Proposal[] = [];
    const q = 2;
    for (let k = 0; history.length < 200; k++) {
      if (stop(settings, history)) break;
      if (pending.length < q) pending.push(...propose(settings, history, pending, q - pending.length, 7));
      const p = pending.shift();
      if (!p) break;
      const r = noisy(p.u, 0.0015, k);
      history.push({ ...p, y: norm(r), residual: r });
    }
    const st = boCgState(history, [], settings);
    expect(st.phase).toBe('cg');
    if (st.phase !== 'cg') return;
    const lsRuns = history.filter((o) => o.meta?.role === 'ls').length;
    const startTrue = norm(exact(st.chains[0].start.u));
    const endTrue = norm(exact(st.cg.x));
    const floor = norm(exact(xStar));
    // From the start's excess over the floor, at least 80 % is gone.
    expect(endTrue - floor).toBeLessThan(0.2 * (startTrue - floor));
    expect(lsRuns).toBeGreaterThan(3);
    expect(st.cg.iterations.length).toBeGreaterThan(2);

    // A pure function of the runs: shuffled, the replay gives the same state.
    const shuffled = [...history].reverse();
    const again = lsReplay(st.chains[0].start, history.filter((o) => o.phase === 'initial' || o.phase === 'bo'), shuffled.filter((o) => o.phase === 'cg' || o.phase === 'replica'), settings.cg);
    expect(again.x).toEqual(st.cg.x);
    expect(again.status).toBe(st.cg.status);
  });

  it('shrinks its region after each failed step, restarts it lsRestarts times, then has converged', () => {
    const { prior, start } = boRunsAround(problem(2, 20, [0.5, 0.5], 2), [0.3, 0.3], 0.03, 12, 1.7);
    for (const lsRestarts of [0, 1]) {
      const s: CgSettings = CgSettingsSchema.parse({ method: 'ls', replicas: 0, lsRadius: 0.08, lsRadiusMin: 0.02, lsRestarts });
      const own: Observation[] = [];
      let st = lsReplay(start, prior, own, s);
      for (let k = 0; k < 20 && st.status === 'running'; k++) {
        // Every step blows up in MD.
        for (const req of st.requests) own.push({ u: req.u, phase: req.phase, meta: req.meta, y: null, status: 'failed' });
        st = lsReplay(start, prior, own, s);
      }
      expect(st.status).toBe('converged');
      // 0.08 → 0.04 → 0.02 → 0.01: three failed steps per radius cycle.
      expect(own).toHaveLength(3 * (1 + lsRestarts));
      expect(st.detail).toContain('trust region below 0.02');
      if (lsRestarts) expect(st.detail).toContain('1 restarts');
      expect(st.x).toEqual([0.3, 0.3]);
    }
  });

  it('shortens a step the physics screen rejects along itself, so that it never proposes a screened point', () => {
    const p = problem(2, 30, [0.6, 0.6], 4);
    const { exact, norm } = p;
    const { prior, start } = boRunsAround(p, [0.4, 0.4], 0.04, 16, 2.1);
    const s: CgSettings = CgSettingsSchema.parse({ method: 'ls', replicas: 0, lsRadius: 0.2 });
    const feasible = (u: ArrayLike<number>) => u[0] + u[1] <= 1.0;
    const free = lsReplay(start, prior, [], s);
    expect(free.requests[0].u[0] + free.requests[0].u[1]).toBeGreaterThan(1);
    const own: Observation[] = [];
    for (let k = 0; k < 10; k++) {
      const st = lsReplay(start, prior, own, s, feasible);
      if (st.status !== 'running') break;
      const req = st.requests[0];
      expect(feasible(req.u)).toBe(true);
      const r = exact(req.u);
      own.push({ u: req.u, phase: req.phase, meta: req.meta, y: norm(r), residual: r });
    }
    // It moved up to the screen's boundary, towards the minimum beyond it, and ends there: no descent is left
    // that the screen allows (steps too short to run shrink the region without MD).
    const st = lsReplay(start, prior, own, s, feasible);
    expect(own.length).toBeGreaterThanOrEqual(1);
    expect(st.x[0] + st.x[1]).toBeGreaterThan(0.98);
    expect(st.status).toBe('converged');
  });
});
