/**
 * Making a glass with a forcefield, as the simulation chapter of a glass paper does it:
 *
 *   1. the liquid as the campaign makes it: random insertion at the campaign density, soft start, NVT at the
 *      campaign temperature (the state the forcefield was fitted on);
 *   2. linear cooling from that temperature to 300 K at a fixed rate (default 10 K/ps) under NPT at 0 GPa
 *      (LAMMPS `fix npt temp T 300 … iso 0 0 …`);
 *   3. relaxation at 300 K and 0 GPa (NPT), then sampling at 300 K and 0 GPa (NPT): density, g(r), bond
 *      angles, coordination, Qn, and the neutron F(Q) directly from the atoms at low Q (kspace.ts).
 *
 * Why NPT during the cooling: a real glass is cooled at ambient pressure, and the structure it freezes in
 * depends on the density at the glass transition. Cooling at the liquid's fixed volume would impose the
 * density (2.2 g/cm³ is the campaign's, not a prediction) and freeze in a structure under whatever pressure
 * the forcefield gives there (BKS: −1.8 GPa at 3600 K); a 300 K relaxation cannot undo that. Under NPT the
 * density at 300 K is what the forcefield predicts, which is what the comparison with experiment asks.
 */
import { SILICA, type SpeciesTable } from '../species.ts';
import { createRng } from '../rng.ts';
import type { ForceField } from '../md/forcefield.ts';
import type { Progress, RunContext } from '../md/protocol.ts';
import type { MdFailure } from '../md/failure.ts';
import type { System } from '../md/system.ts';
import { volume } from '../md/system.ts';
import { applyCharges } from '../io/configuration.ts';
import { DEFAULT_KERNEL, preparePotential, type KernelName } from '../md/engine.ts';
import { boxForDensity, defaultSoftStart, randomInsertion, silicaCounts, softStart, SILICA_MIN_DISTANCES } from '../md/start.ts';
import { boxProblem } from '../md/neighbor.ts';
import type { ForceTeam } from '../md/force-team.ts';
import { defaultLimits, runSegment, stepsOf, thermostatSetup, type Ensemble, type MdState } from '../md/run.ts';
import { createNoseHooverChain } from '../md/thermostat.ts';
import { createMtkBarostat } from '../md/barostat.ts';
import { pressure } from '../md/pressure.ts';
import { temperature, totalMass } from '../md/thermo.ts';
import { MV2D } from '../units.ts';
import { accumulateRdf, createRdfAccumulator, rdfResult, type PartialRdf } from '../analysis/rdf.ts';
import { createBondList, findBonds, type BondCutoffs } from '../analysis/bonds.ts';
import { accumulateAdf, adfResult, createAdfAccumulator, DEFAULT_TRIPLETS, type AngleDistributions } from '../analysis/adf.ts';
import { accumulateCoordination, coordinationResult, createCoordinationAccumulator, DEFAULT_COORDINATION, type Coordination } from '../analysis/coordination.ts';
import { accumulateQn, createQnAccumulator, qnResult, type QnDistribution } from '../analysis/qn.ts';
import { accumulateKSpace, createKSpaceAccumulator, kSpaceResult } from './kspace.ts';
import { SILICA_NEUTRON } from './scattering.ts';

export interface QuenchOptions {
  readonly atoms: number;
  readonly densityGcm3: number; // g/cm³, of the starting liquid
  readonly liquidTemperature: number; // K, the campaign's
  readonly finalTemperature: number; // K
  readonly rate: number; // K/ps, cooling rate
  readonly pressureBar: number; // bar, of the cooling, relaxation and sampling
  readonly liquidPs: number; // ps, NVT at the liquid temperature before cooling
  readonly relaxPs: number; // ps, NPT at the final temperature before sampling
  readonly samplePs: number; // ps, NPT at the final temperature, sampled
  readonly sampleEvery: number; // steps between samples
  readonly timestep: number; // ps
  readonly tDamp: number; // ps, LAMMPS Tdamp
  readonly pDamp: number; // ps, LAMMPS Pdamp
  readonly skin: number; // Å
  readonly startSteps: number; // soft-start steps (0.5 fs each)
  readonly kernel: KernelName;
  /** Si–O bond cut-off for angles, coordination and Qn, Å (the fixtures' analysis value). */
  readonly bondCutoffs: BondCutoffs;
  /** g(r) bin width, Å; its range is half the shortest box edge at the start of sampling. */
  readonly rdfBin: number;
  /** F(Q) directly from the atoms (kspace.ts) up to this Q, Å⁻¹, on every `kspaceEvery`-th sample. */
  readonly kspaceQMax: number;
  readonly kspaceEvery: number;
}

/** The issue's defaults: 3000 atoms from the campaign liquid (2.2 g/cm³, 3600 K), 10 K/ps to 300 K at 0 GPa. */
export const DEFAULT_QUENCH: QuenchOptions = {
  atoms: 3000,
  densityGcm3: 2.2,
  liquidTemperature: 3600,
  finalTemperature: 300,
  rate: 10,
  pressureBar: 0,
  liquidPs: 10,
  relaxPs: 10,
  samplePs: 10,
  sampleEvery: 100,
  timestep: 0.001,
  tDamp: 0.1,
  pDamp: 1.0, // 1000 steps: LAMMPS's advice for Pdamp
  skin: 2.0,
  startSteps: 2000,
  kernel: DEFAULT_KERNEL,
  bondCutoffs: { SiO: 2.3 },
  rdfBin: 0.01,
  kspaceQMax: 6,
  kspaceEvery: 10,
};

export type QuenchStage = 'start' | 'liquid' | 'cool' | 'relax' | 'sample';

/** Progress of a quench: the MD's, with the stage and the replica. */
export type QuenchProgress = Omit<Progress, 'phase'> & { readonly stage: QuenchStage; readonly replica: number };

/** What one quenched glass gives: sampled at the final temperature and pressure. */
export interface QuenchSample {
  readonly density: number; // g/cm³, mean over samples
  readonly numberDensity: number; // atoms/Å³, N/⟨V⟩
  readonly temperature: number; // K, mean over samples
  readonly pressureBar: number; // bar, mean over samples
  readonly rdf: PartialRdf;
  readonly adf: AngleDistributions;
  readonly coordination: readonly Coordination[];
  readonly qn: QnDistribution;
  /** Shell-averaged F(Q) (barn) from the atoms, Q ≤ kspaceQMax. */
  readonly kspace: { readonly q: Float64Array; readonly fq: Float64Array; readonly qMax: number };
  readonly samples: number;
}

export type QuenchResult =
  | { readonly ok: true; readonly sample: QuenchSample; readonly sys: System; readonly steps: number; readonly wallMs: number; readonly kernel: KernelName }
  | { readonly ok: false; readonly failure: MdFailure; readonly stage: QuenchStage; readonly sys: System; readonly kernel: KernelName };

/** Problems with quench options (empty when usable). */
export function quenchProblems(o: QuenchOptions): string[] {
  const p: string[] = [];
  if (!(Number.isInteger(o.atoms) && o.atoms > 0 && o.atoms % 3 === 0)) p.push(`atoms must be a positive multiple of 3 (SiO2), got ${o.atoms}`);
  if (!(o.rate > 0 && Number.isFinite(o.rate))) p.push(`cooling rate must be a positive number of K/ps, got ${o.rate}`);
  if (!(o.finalTemperature > 0)) p.push(`final temperature must be positive, got ${o.finalTemperature} K`);
  if (!(o.liquidTemperature > o.finalTemperature)) p.push(`liquid temperature ${o.liquidTemperature} K must exceed the final ${o.finalTemperature} K`);
  if (!(o.densityGcm3 > 0)) p.push(`density must be positive, got ${o.densityGcm3} g/cm³`);
  for (const k of ['liquidPs', 'relaxPs'] as const) if (!(o[k] >= 0)) p.push(`${k} must be ≥ 0, got ${o[k]}`);
  if (!(o.samplePs > 0)) p.push(`samplePs must be positive, got ${o.samplePs}`);
  if (!(Number.isInteger(o.sampleEvery) && o.sampleEvery >= 1)) p.push(`sampleEvery must be a positive integer, got ${o.sampleEvery}`);
  if (!(o.timestep > 0) || !(o.tDamp > 0) || !(o.pDamp > 0)) p.push('timestep, tDamp and pDamp must be positive');
  if (!Number.isFinite(o.pressureBar)) p.push(`pressure must be finite, got ${o.pressureBar} bar`);
  if (!(o.kspaceQMax > 2)) p.push(`kspaceQMax must exceed 2 Å⁻¹ (the FSDP range), got ${o.kspaceQMax}`);
  if (!(Number.isInteger(o.kspaceEvery) && o.kspaceEvery >= 1)) p.push(`kspaceEvery must be a positive integer, got ${o.kspaceEvery}`);
  if (!(o.rdfBin > 0)) p.push(`g(r) bin must be positive, got ${o.rdfBin} Å`);
  if (p.length === 0 && o.samplePs / o.timestep < o.sampleEvery) p.push(`sampling ${o.samplePs} ps is shorter than one sample interval (${o.sampleEvery} steps)`);
  return p;
}

/** Steps of each stage (soft start included), for progress and reports. */
export function quenchSteps(o: QuenchOptions): Record<QuenchStage, number> {
  return {
    start: o.startSteps,
    liquid: stepsOf(o.liquidPs, o.timestep),
    cool: stepsOf((o.liquidTemperature - o.finalTemperature) / o.rate, o.timestep),
    relax: stepsOf(o.relaxPs, o.timestep),
    sample: stepsOf(o.samplePs, o.timestep),
  };
}

/**
 * One quench from a fresh random liquid (seed: insertion stream 0, velocities stream 1). Blow-ups come back
 * as `{ ok: false }` with the stage and the system as it was; bad options throw. `run_.team`: helper threads
 * that share the MD's pair loop (md/force-team.ts): the same glass to round-off, which the liquid's chaos
 * then grows, so a seed's glass made on another number of threads is another replica of the same statistics.
 */
export function runQuench(
  ff: ForceField,
  o: QuenchOptions,
  seed: number,
  ctx: RunContext,
  onProgress: (p: QuenchProgress) => void = () => {},
  replica = 0,
  species: SpeciesTable = SILICA,
  run_: { readonly team?: ForceTeam } = {},
): QuenchResult {
  const problems = quenchProblems(o);
  if (problems.length > 0) throw new Error(`invalid quench: ${problems.join('; ')}`);
  const prepared = preparePotential(species, ff, o.kernel);
  const counts = silicaCounts(o.atoms);
  const box = boxForDensity(species, counts, o.densityGcm3);
  const boxIssue = boxProblem(box, prepared.table.maxCutoff, o.skin);
  if (boxIssue) throw new Error(`${o.atoms} atoms at ${o.densityGcm3} g/cm³: ${boxIssue}`);
  const sys = randomInsertion(species, counts, box, createRng(seed, 0), SILICA_MIN_DISTANCES);
  applyCharges(sys, ff);

  const steps = quenchSteps(o);
  const totalSteps = steps.start + steps.liquid + steps.cool + steps.relax + steps.sample;
  let stage: QuenchStage = 'start';
  const stageCtx: RunContext = {
    now: () => ctx.now(),
    reportIntervalMs: ctx.reportIntervalMs,
    isCancelled: () => ctx.isCancelled(),
    report: (p) => {
      const { phase: _phase, ...rest } = p;
      onProgress({ ...rest, stage, replica });
    },
  };
  const startedAt = ctx.now();
  const reportClock = { last: -Infinity };
  const limits = defaultLimits(o.liquidTemperature);
  const soft = { ...defaultSoftStart(o.liquidTemperature), skin: o.skin, steps: o.startSteps };
  const started = softStart(sys, prepared.pot, prepared.table, soft, createRng(seed, 1), stageCtx, { stepOffset: 0, totalSteps, startedAt, reportClock }, run_.team);
  const fail = (failure: MdFailure): QuenchResult => ({ ok: false, failure, stage, sys, kernel: prepared.kernel });
  if (!started.ok) return fail(started.failure);
  const md: MdState = started.md;
  let offset = steps.start;
  const segment = (ens: Ensemble, n: number, onStep?: (k: number, t: number) => void): MdFailure | null => {
    const f = runSegment(md, ens, o.timestep, n, {
      phase: 'relax',
      limits,
      ctx: stageCtx,
      stepOffset: offset,
      totalSteps,
      startedAt,
      reportClock,
      ...(onStep ? { onStep } : {}),
    });
    offset += n;
    return f;
  };

  stage = 'liquid';
  const liquidChain = createNoseHooverChain(md.dof, o.liquidTemperature, o.tDamp);
  let f = segment({ kind: 'nvt', chain: liquidChain }, steps.liquid);
  if (f) return fail(f);

  // One `fix npt` from the cooling on: the barostat's reference volume is the liquid's.
  stage = 'cool';
  const chain = createNoseHooverChain(md.dof, o.liquidTemperature, o.tDamp);
  const baro = createMtkBarostat(sys, o.pressureBar, o.pressureBar, o.pDamp);
  const npt = (tStart: number, tStop: number, n: number): Ensemble & { kind: 'npt' } => ({
    kind: 'npt',
    chain,
    baro,
    ramp: { tStart, tStop, begin: md.step, length: n },
  });
  const cool = npt(o.liquidTemperature, o.finalTemperature, steps.cool);
  f = thermostatSetup(md, cool) ?? segment(cool, steps.cool);
  if (f) return fail(f);

  stage = 'relax';
  const relax = npt(o.finalTemperature, o.finalTemperature, steps.relax);
  f = thermostatSetup(md, relax) ?? segment(relax, steps.relax);
  if (f) return fail(f);

  stage = 'sample';
  const rMax = Math.floor((0.49 * Math.min(sys.box.lx, sys.box.ly, sys.box.lz)) / o.rdfBin) * o.rdfBin;
  const rdf = createRdfAccumulator(species, { rMax, nBins: Math.round(rMax / o.rdfBin) });
  const bonds = createBondList(species, o.bondCutoffs);
  const adf = createAdfAccumulator(species, DEFAULT_TRIPLETS, 1);
  const coord = createCoordinationAccumulator(species, DEFAULT_COORDINATION);
  const qn = createQnAccumulator(species);
  const kspace = createKSpaceAccumulator(o.kspaceQMax);
  const names = species.species.map((s) => s.name);
  const mass = totalMass(sys);
  let n = 0;
  let sumV = 0;
  let sumRho = 0;
  let sumT = 0;
  let sumP = 0;
  const sample = npt(o.finalTemperature, o.finalTemperature, steps.sample);
  f =
    thermostatSetup(md, sample) ??
    segment(sample, steps.sample, (k, t) => {
      if (k % o.sampleEvery !== 0) return;
      const v = volume(sys.box);
      n++;
      sumV += v;
      sumRho += (mass / v) * MV2D;
      sumT += t;
      sumP += pressure(sys, md.nl);
      accumulateRdf(rdf, sys.type, sys.pos, sys.box);
      findBonds(bonds, sys.type, sys.pos, sys.box);
      accumulateAdf(adf, bonds);
      accumulateCoordination(coord, bonds);
      accumulateQn(qn, bonds);
      if ((n - 1) % o.kspaceEvery === 0) accumulateKSpace(kspace, sys.type, names, sys.pos, sys.box, SILICA_NEUTRON);
    });
  if (f) return fail(f);
  return {
    ok: true,
    sys,
    steps: totalSteps,
    wallMs: ctx.now() - startedAt,
    kernel: prepared.kernel,
    sample: {
      density: sumRho / n,
      numberDensity: sys.n / (sumV / n),
      temperature: n > 0 ? sumT / n : temperature(sys, md.dof),
      pressureBar: sumP / n,
      rdf: rdfResult(rdf),
      adf: adfResult(adf),
      coordination: coordinationResult(coord),
      qn: qnResult(qn),
      kspace: { ...kSpaceResult(kspace), qMax: o.kspaceQMax },
      samples: n,
    },
  };
}
