/**
 * One workbench glass job, as a worker thread runs it: K replica quenches of one forcefield, their properties
 * scored against the measured F(Q), the replica summary, and the figures' curves as plain JSON-safe data (the
 * API's `glass.get` result). The CLI's `glassfit glass` runs the same steps in its own process.
 */
import type { ForceField } from '../md/forcefield.ts';
import type { RunContext } from '../md/protocol.ts';
import type { ForceTeam } from '../md/force-team.ts';
import { describeFailure } from '../md/failure.ts';
import { quenchSteps, runQuench, type QuenchOptions, type QuenchStage } from './quench.ts';
import { experimentCurves, glassProperties, summarize, type GlassProperties, type Stat } from './properties.ts';
import type { Curve } from './scattering.ts';

export interface GlassJobArgs {
  readonly ff: ForceField;
  readonly options: QuenchOptions;
  readonly replicas: number;
  /** Replica k uses seed + k (the CLI's rule). */
  readonly seed: number;
  /** The measured F(Q) (barn), or null to score nothing. */
  readonly experiment: { readonly x: readonly number[]; readonly y: readonly number[] } | null;
}

/** Progress of the whole job: the stage of the replica running and the fraction of all replicas' steps done. */
export interface GlassJobProgress {
  readonly stage: QuenchStage;
  readonly replica: number; // 0-based
  readonly replicas: number;
  readonly fraction: number; // 0…1
  readonly temperature: number; // K, instantaneous
  readonly etaS: number; // s, the whole job
}

const arr = (a: ArrayLike<number>): number[] => Array.from(a, (v) => (Number.isFinite(v) ? v : 0));
/** A statistic as data: NaN (no FSDP, one replica's error) becomes null. */
const st = (s: Stat) => ({ mean: Number.isFinite(s.mean) ? s.mean : null, err: Number.isFinite(s.err) ? s.err : null });

export type GlassJobAnswer =
  | { readonly ok: true; readonly result: GlassJobResult }
  | { readonly ok: false; readonly cancelled: boolean; readonly replica: number; readonly stage: QuenchStage; readonly message: string };

export type GlassJobResult = ReturnType<typeof resultOf>;

function resultOf(reps: readonly GlassProperties[], experiment: Curve | null, wallS: readonly number[]) {
  const s = summarize(reps);
  const c = s.curves;
  const exp = experiment ? experimentCurves(experiment, c.r) : null;
  return {
    replicas: s.replicas,
    scalars: Object.fromEntries(Object.entries(s.scalars).map(([k, v]) => [k, st(v)])) as Record<keyof typeof s.scalars, { mean: number | null; err: number | null }>,
    qn: s.qn.map(st),
    curves: {
      q: arr(c.q),
      fq: arr(c.fq),
      sq: arr(c.sq),
      r: arr(c.r),
      g: Object.fromEntries(Object.entries(c.g).map(([k, v]) => [k, arr(v)])),
      gTotal: arr(c.gTotal),
      tr: arr(c.tr),
      theta: arr(c.theta),
      pSiOSi: arr(c.pSiOSi),
      pOSiO: arr(c.pOSiO),
    },
    experiment: exp ? { q: arr(exp.fq.x), fq: arr(exp.fq.y), r: arr(exp.tr.x), tr: arr(exp.tr.y), density: exp.density } : null,
    wallS: [...wallS],
  };
}

/**
 * Run the job; a blow-up or a cancel ends it with the replica and stage it happened in. Bad options throw.
 * `team`: the worker's helper threads, shared by the replicas' MD in turn.
 */
export function runGlassJob(args: GlassJobArgs, ctx: RunContext, onProgress: (p: GlassJobProgress) => void, team?: ForceTeam): GlassJobAnswer {
  const experiment: Curve | null = args.experiment ? { x: Float64Array.from(args.experiment.x), y: Float64Array.from(args.experiment.y) } : null;
  const steps = quenchSteps(args.options);
  const perReplica = steps.start + steps.liquid + steps.cool + steps.relax + steps.sample;
  const total = perReplica * args.replicas;
  const reps: GlassProperties[] = [];
  const wallS: number[] = [];
  for (let k = 0; k < args.replicas; k++) {
    const r = runQuench(args.ff, args.options, args.seed + k, ctx, (p) => {
      const done = k * perReplica + p.step;
      // The replicas left run as long as this one will have.
      const perRun = p.totalSteps > p.step ? (p.etaS * p.totalSteps) / (p.totalSteps - p.step) : 0;
      onProgress({
        stage: p.stage,
        replica: k,
        replicas: args.replicas,
        fraction: Math.min(1, done / total),
        temperature: p.temperature,
        etaS: Number.isFinite(p.etaS) ? p.etaS + (args.replicas - k - 1) * perRun : -1,
      });
    }, k, undefined, team ? { team } : {});
    if (!r.ok) return { ok: false, cancelled: r.failure.kind === 'cancelled', replica: k, stage: r.stage, message: describeFailure(r.failure) };
    wallS.push(r.wallMs / 1000);
    reps.push(glassProperties(r.sample, experiment));
  }
  return { ok: true, result: resultOf(reps, experiment, wallS) };
}
