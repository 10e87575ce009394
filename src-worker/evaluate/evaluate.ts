/**
 * The evaluator: one parameter set → one trustworthy number. Builds the MD liquid of the forcefield by the
 * spec's protocol, samples its structure on the reference's own grid and bond cut-offs during production,
 * and scores it with R_χ (paper Eqs. 2–3). The function the optimizer minimises, run inside a worker.
 *
 * Failures are values: unusable parameters, a blow-up or a cancellation give a 'failed' result with the
 * reason; only a malformed spec (a set-up error that no parameter set could fix) throws. With spec.earlyStop a
 * run clearly worse than its threshold ends early as 'stopped' with its partial R_χ (early-stop.ts).
 */
import { pairList, type SpeciesTable } from '../species.ts';
import { checkForceField, type ForceField } from '../md/forcefield.ts';
import type { RunContext } from '../md/protocol.ts';
import { describeFailure } from '../md/failure.ts';
import { runLiquid, type KernelName } from '../md/engine.ts';
import { teamHistogramShare, type ForceTeam } from '../md/force-team.ts';
import { stepsOf } from '../md/run.ts';
import { boxForDensity, silicaCounts } from '../md/start.ts';
import { boxProblem } from '../md/neighbor.ts';
import type { System } from '../md/system.ts';
import { systemToFrame } from '../io/configuration.ts';
import { createStructureAccumulator, structureObserver, structureResult } from '../analysis/structure.ts';
import { referenceProblems, structureSpecFor } from './reference.ts';
import { rChi, type CostResult } from './cost.ts';
import { describeEarlyStop, earlyStopWatch } from './early-stop.ts';
import { MAX_MD_STEPS, PROTOCOL_BOUNDS, settingProblem } from '../settings-bounds.ts';
import { ENGINE_VERSION, type EvaluationFailure, type EvaluationResult, type EvaluationSpec, type FailedResult } from './spec.ts';

/**
 * Problems with a spec that make every evaluation of it meaningless (empty production, a reference of
 * other species, a cost range outside the reference). Empty when the spec is usable.
 */
export function specProblems(spec: EvaluationSpec): string[] {
  const p = spec.protocol;
  const problems: string[] = [];
  if (!Number.isSafeInteger(spec.seed)) problems.push(`seed ${spec.seed} is not a safe integer`);
  // The same bounds as the schemas (settings-bounds.ts), for specs built in code rather than parsed.
  for (const [key, bound] of Object.entries(PROTOCOL_BOUNDS)) {
    const why = settingProblem(bound, p[key as keyof typeof PROTOCOL_BOUNDS]);
    if (why) return [`${key}: ${why}`];
  }
  const steps = (p.relax + p.production) / p.timestep;
  if (steps > MAX_MD_STEPS) problems.push(`${p.relax} + ${p.production} ps at ${p.timestep * 1000} fs is ${steps.toExponential(1)} MD steps; at most ${MAX_MD_STEPS.toExponential(0)} per evaluation`);
  if (!(Number.isInteger(p.atoms) && p.atoms > 0)) problems.push(`atoms = ${p.atoms} must be a positive integer`);
  if (!(p.densityGcm3 > 0)) problems.push(`density ${p.densityGcm3} g/cm³ must be positive`);
  if (!(p.temperature > 0)) problems.push(`temperature ${p.temperature} K must be positive`);
  if (!(p.timestep > 0)) problems.push(`timestep ${p.timestep} ps must be positive`);
  if (!(p.relax >= 0)) problems.push(`relax time ${p.relax} ps must be ≥ 0`);
  if (!(Number.isInteger(p.sampleEvery) && p.sampleEvery >= 1)) problems.push(`sampleEvery = ${p.sampleEvery} must be a positive integer`);
  else if (p.timestep > 0 && stepsOf(p.production, p.timestep) < p.sampleEvery)
    problems.push(`production of ${p.production} ps (${stepsOf(p.production, p.timestep)} steps) gives no structure sample every ${p.sampleEvery} steps`);
  const names = spec.species.species.map((s) => s.name).join(',');
  if (spec.reference.species.join(',') !== names) problems.push(`the reference is for species ${spec.reference.species.join(', ')}, the spec for ${names}`);
  const r = spec.reference.r;
  const { rMin, rMax } = spec.costRange;
  if (!(rMax > rMin)) problems.push(`cost range [${rMin}, ${rMax}] Å is empty`);
  else if (!r.some((x) => x >= rMin && x <= rMax)) problems.push(`the reference has no r-grid point in the cost range [${rMin}, ${rMax}] Å`);
  // A reference R_χ cannot be computed against (a zero or non-finite g, too few points) fails here, before
  // any MD, rather than as NaN after it.
  else for (const q of referenceProblems(spec.reference, { costRange: spec.costRange })) problems.push(`the reference is unusable: ${q}`);
  if (names === 'Si,O') {
    try {
      silicaCounts(p.atoms);
    } catch (e) {
      problems.push((e as Error).message);
    }
  } else problems.push(`random starts are built for SiO2 only, not ${names}`);
  return problems;
}

/** Problems of a forcefield for this spec: parameter values, and its cut-offs against the box. */
export function parameterProblems(ff: ForceField, spec: EvaluationSpec): string[] {
  const problems = checkForceField(ff, spec.species);
  if (problems.length > 0) return problems;
  const box = boxForDensity(spec.species, silicaCounts(spec.protocol.atoms), spec.protocol.densityGcm3);
  const boxIssue = boxProblem(box, Math.max(ff.cutoff, ff.dsf.cutoff), spec.protocol.skin);
  if (boxIssue) problems.push(`${spec.protocol.atoms} atoms at ${spec.protocol.densityGcm3} g/cm³: ${boxIssue}`);
  return problems;
}

/** A 'failed' result; `sys` is the configuration at the failure, when there is one. */
export function failedResult(spec: EvaluationSpec, failure: EvaluationFailure, wallS: number, kernel: KernelName, sys?: System): FailedResult {
  return {
    status: 'failed',
    failure,
    reason: failure.kind === 'invalid-parameters' ? `invalid parameters: ${failure.message}` : failure.kind === 'engine' ? `engine error near step ${failure.step}: ${failure.message}` : describeFailure(failure),
    ...(sys ? { final: systemToFrame(sys) } : {}),
    timings: { wallS },
    seed: spec.seed,
    kernel,
    referenceHash: spec.reference.hash,
    engineVersion: ENGINE_VERSION,
  };
}

/** The result of an evaluation cancelled before it started (e.g. still queued in the pool). */
export function cancelledResult(spec: EvaluationSpec): FailedResult {
  return failedResult(spec, { kind: 'cancelled', step: 0 }, 0, spec.kernel);
}

/**
 * Evaluate a forcefield: MD by spec.protocol from a random start (spec.seed), structure sampled every
 * protocol.sampleEvery production steps, R_χ against spec.reference on spec.costRange.
 * Deterministic given (ff, spec) on one machine; never throws for physics (see the module header).
 * Throws for a malformed spec (specProblems), which is a programming or set-up error. `run_.team`: helper
 * threads that share the MD's pair loop (md/force-team.ts; same result to round-off).
 */
export function evaluate(ff: ForceField, spec: EvaluationSpec, ctx: RunContext, run_: { readonly team?: ForceTeam } = {}): EvaluationResult {
  const t0 = ctx.now();
  const wallS = () => (ctx.now() - t0) / 1000;
  const specIssues = specProblems(spec);
  if (specIssues.length > 0) throw new Error(`evaluation spec: ${specIssues.join('; ')}`);
  const paramIssues = parameterProblems(ff, spec);
  if (paramIssues.length > 0) return failedResult(spec, { kind: 'invalid-parameters', step: 0, message: paramIssues.join('; ') }, wallS(), spec.kernel);
  if (ctx.isCancelled()) return failedResult(spec, { kind: 'cancelled', step: 0 }, wallS(), spec.kernel);

  const species: SpeciesTable = spec.species;
  const sspec = structureSpecFor(spec.reference, species);
  const acc = createStructureAccumulator(species, sspec);
  const watch = earlyStopWatch(spec, species, sspec.rdf);
  // The engine reports every few steps, not at the last one; the evaluator closes with an 'analysis' report
  // at 100 %, for which it remembers the run's length.
  let totalSteps = 0;
  const runCtx: RunContext = {
    now: () => ctx.now(),
    reportIntervalMs: ctx.reportIntervalMs,
    isCancelled: () => ctx.isCancelled(),
    report: (p) => {
      totalSteps = p.totalSteps;
      ctx.report(p);
    },
  };
  const run = runLiquid(
    ff,
    {
      protocol: spec.protocol,
      seed: spec.seed,
      kernel: spec.kernel,
      species,
      ...(spec.softStart ? { softStart: spec.softStart } : {}),
      ...(watch ? { watcher: watch.watcher } : {}),
      ...(run_.team ? { team: run_.team } : {}),
    },
    // With helper threads, they count part of each sample's g(r) while this thread finds bonds and angles.
    [structureObserver(acc, spec.protocol.sampleEvery, run_.team ? teamHistogramShare(run_.team) : undefined)],
    runCtx,
  );
  if (!run.ok) return failedResult(spec, run.failure, wallS(), run.kernel, run.sys);
  if (!run.sys) throw new Error('runLiquid returned no system');
  const s = run.stats;
  totalSteps ||= s.steps;
  ctx.report({ phase: 'analysis', step: totalSteps, totalSteps, temperature: s.finalTemperature, potentialEnergy: s.finalPotentialEnergy, etaS: 0 });

  const hit = run.stoppedAt !== undefined ? watch?.hit() : null;
  if (run.stoppedAt !== undefined && !hit) throw new Error(`the run ended at step ${run.stoppedAt} without an early-stop decision`);
  if (hit) {
    // The production's angles and coordination so far, when it got that far: what a user inspecting it can see.
    const sofar = acc.rdf.frames > 0 ? structureResult(acc) : null;
    return {
      status: 'stopped',
      rChi: hit.cost.rChi,
      chiByPair: chiInPairOrder(species, hit.cost),
      rdf: hit.rdf,
      adf: sofar ? sofar.adf : null,
      coordination: sofar ? sofar.coordination : [],
      bondCutoffs: sspec.bondCutoffs,
      final: systemToFrame(run.sys, { energy: s.finalPotentialEnergy }),
      stop: hit.detail,
      reason: describeEarlyStop(hit.detail),
      run: { steps: s.steps, meanTemperature: s.meanTemperature, meanPotentialEnergy: s.meanPotentialEnergy },
      timings: { wallS: wallS(), usPerAtomStep: s.usPerAtomStep },
      seed: spec.seed,
      kernel: run.kernel,
      referenceHash: spec.reference.hash,
      engineVersion: ENGINE_VERSION,
    };
  }

  const structure = structureResult(acc);
  const cost = rChi(spec.reference, structure.rdf, spec.costRange);
  return {
    status: 'done',
    rChi: cost.rChi,
    chiByPair: chiInPairOrder(species, cost),
    rdf: structure.rdf,
    adf: structure.adf,
    coordination: structure.coordination,
    bondCutoffs: structure.bondCutoffs,
    final: systemToFrame(run.sys, { energy: s.finalPotentialEnergy }),
    run: { steps: s.steps, meanTemperature: s.meanTemperature, meanPotentialEnergy: s.meanPotentialEnergy },
    timings: { wallS: wallS(), usPerAtomStep: s.usPerAtomStep },
    seed: spec.seed,
    kernel: run.kernel,
    referenceHash: spec.reference.hash,
    engineVersion: ENGINE_VERSION,
  };
}

/** χ in species-table pair order (SiSi, SiO, OO); a pair the reference lacks takes no part in R_χ and is left out. */
export function chiInPairOrder(species: SpeciesTable, cost: CostResult): Record<string, number> {
  return Object.fromEntries(pairList(species).flatMap(({ name }) => (name in cost.chi ? [[name, cost.chi[name]]] : [])));
}
