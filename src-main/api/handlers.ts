/**
 * The workbench API without Electron: one handler per channel of channels.ts, over the campaign store and the
 * runner. Electron IPC (electron/ipc.ts), the HTTP/WS bridge (bridge/server.ts) and the CLI all call these, with
 * inputs already parsed by contract.ts. Expected failures (bad input, unknown ids, refused actions) reject with
 * an ApiError carrying one line; anything else is a programmer error.
 *
 * Campaigns run in this process (one runner each, started by campaigns.control 'resume' or create's `start`);
 * close() pauses them — they stay resumable — and closes the database.
 */
import { cancelRemoteJobs } from '../runner/slurm-evaluator.ts';
import { transportFor } from '../runner/slurm-transport.ts';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { randomUUID, randomInt } from 'node:crypto';
import { z } from 'zod';
import { ApiError, type Api, type ApiOptions, type Handlers, type Output, type ParsedInput, type EventSink } from './contract.ts';
import { openStore, NotFoundError, type Store } from '../store/store.ts';
import { StoreError } from '../store/db.ts';
import { LockError, currentLease } from '../store/lock.ts';
import { startCampaign, restingProgress, optimizerLists, type CampaignRun } from '../runner/runner.ts';
import { createOptimizerClient, type OptimizerClient } from '../runner/optimizer-client.ts';
import { loadDefaultReference, defaultReferenceDir } from '../reference/load.ts';
import { ENGINE_VERSION } from '../../src-worker/evaluate/spec.ts';
import { previewReference, type Reference } from '../../src-worker/evaluate/reference.ts';
import { parseInWorker, FileRejectedError } from '../parse/client.ts';
import { SETTING_BOUNDS, workersProblem } from '../../src-worker/settings-bounds.ts';
import { ParseError } from '../../src-worker/io/frame.ts';
import { DEFAULT_KERNEL } from '../../src-worker/md/engine.ts';
import { PAPER_PROTOCOL } from '../../src-worker/md/protocol.ts';
import { DEFAULT_COST_RANGE } from '../../src-worker/evaluate/cost.ts';
import { BUILTIN_NAMES, BUILTIN_SETS, builtinForceField } from '../../src-worker/params/sets.ts';
import { PRESETS, PRESET_NAMES, SILICA_BOUNDS, boundReasons, presetSpace } from '../../src-worker/params/presets.ts';
import { PARAM_UNITS, kindOf, parseSpace, unitToValue, type ParameterSpaceSpec } from '../../src-worker/params/space.ts';
import { referenceLandmarks } from '../../src-worker/physics/reference-features.ts';
import { screenContextFor, screenForceField } from '../../src-worker/physics/screen.ts';
import { screenBox } from '../../src-worker/physics/box-verdict.ts';
import { SILICA } from '../../src-worker/species.ts';
import { BoSettingsSchema, CgSettingsSchema, CmaesSettingsSchema } from '../../src-worker/optimize/strategy.ts';
import { SCHEMA_VERSION, type CampaignInfo, type CampaignRecord, type EvaluationRecord } from '../../src-worker/campaign/records.ts';
import {
  CampaignSetupError,
  DEFAULT_BASELINES,
  DEFAULT_BUDGET,
  DEFAULT_FINAL_REPLICAS,
  baselineEvaluation,
  buildCampaign,
  campaignReference,
  inSpace,
  searchSettings,
  executionSettings,
  valuesOf,
  NEW_CAMPAIGN_BO,
  NEW_CAMPAIGN_CG,
} from '../../src-worker/campaign/setup.ts';
import { exportCsv, exportJson, exportLammps, rChiWithReplicas } from '../../src-worker/campaign/export.ts';
import type { MapView, SliceView } from '../../src-worker/optimize/surrogate.ts';
import type { ImportanceView } from '../../src-worker/campaign/optimizer-service.ts';
import { ForceFieldFileError } from '../../src-worker/params/forcefield-file.ts';
import { DEFAULT_QUENCH, quenchProblems, type QuenchOptions } from '../../src-worker/glass/quench.ts';
import { createGlassJobs, type GlassJobs } from '../glass/jobs.ts';
import type { ForceField } from '../../src-worker/md/forcefield.ts';

/**
 * µs per atom-step when the database has no finished evaluation to measure it by: `npm run bench:md` gives
 * 4.2 for the table kernel on the 3000-atom liquid; small boxes and busy machines run slower (15 was measured
 * for 648 atoms on the shared 2-core development machine), so the estimate leans high.
 */
export const DEFAULT_US_PER_ATOM_STEP = 6;

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Any expected failure as an ApiError (one line); programmer errors pass through. */
function asApiError(e: unknown): unknown {
  if (e instanceof ApiError) return e;
  const line = (m: string) => m.split('\n')[0];
  if (e instanceof NotFoundError) return new ApiError('not-found', line(e.message));
  if (e instanceof LockError) return new ApiError('conflict', line(e.message));
  if (e instanceof ForceFieldFileError) return new ApiError('bad-input', `${e.file}: ${e.problems.join('; ')}`);
  if (e instanceof CampaignSetupError || e instanceof ParseError || e instanceof FileRejectedError) return new ApiError('bad-input', line(e.message));
  if (e instanceof StoreError) return new ApiError('internal', line(e.message));
  if (e instanceof z.ZodError) return new ApiError('bad-input', line(e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
  return e;
}

const grCurves = (ref: Reference) => ({ r: Array.from(ref.r), pairs: [...ref.pairs], g: Object.fromEntries(ref.pairs.map((p) => [p, Array.from(ref.g[p])])) });
const adfCurves = (ref: Reference) =>
  ref.adf ? { theta: Array.from(ref.adf.theta), triplets: [...ref.adf.triplets], p: Object.fromEntries(ref.adf.triplets.map((t) => [t, Array.from(ref.adf!.p[t])])) } : null;

function preview(ref: Reference) {
  const p = previewReference(ref);
  const { notes, ...provenance } = p.provenance;
  return {
    preview: {
      ...p,
      pairs: [...p.pairs],
      rRange: [p.rRange[0], p.rRange[1]] as [number, number],
      provenance: { ...provenance, ...(notes ? { notes: [...notes] } : {}) },
      bondCutoffs: p.bondCutoffs ? (Object.fromEntries(Object.entries(p.bondCutoffs).filter(([, v]) => v !== undefined)) as Record<string, number>) : null,
      coordination: p.coordination ? p.coordination.map((c) => ({ ...c, fractions: { ...c.fractions } })) : null,
      warnings: [...p.warnings],
    },
    curves: grCurves(ref),
    adf: adfCurves(ref),
  };
}

/** Unit-cube coordinate k of a stored point as a value in the parameter's unit. */
function coord(space: ParameterSpaceSpec, k: number, u: readonly number[]): number {
  return unitToValue(space.free[k], u[k]);
}

function freeIndex(space: ParameterSpaceSpec, name: string): number {
  const k = space.free.findIndex((d) => d.name === name);
  if (k < 0) throw new ApiError('bad-input', `'${name}' is not a free parameter of this campaign (free: ${space.free.map((d) => d.name).join(', ')})`);
  return k;
}

/** Open the database and serve the API; rejects with a StoreError for a missing, corrupt or foreign file. */
export async function createApi(opts: ApiOptions): Promise<Api> {
  const store: Store = openStore(opts.dbPath, { mustExist: opts.mustExist === true });
  const emit: EventSink = opts.emit;
  const runs = new Map<string, CampaignRun>();
  const version = opts.version ?? packageVersion();
  let builtinRef: Reference | null = null;
  let surrogateClient: OptimizerClient | null = null;
  let glassJobs: GlassJobs | null = null;
  const glass = () => (glassJobs ??= createGlassJobs(opts.workerEntry, emit, opts.experimentDir, store));
  let closed = false;

  const defaultReference = () => (builtinRef ??= loadDefaultReference(opts.referenceDir ?? defaultReferenceDir()));
  /** A user's reference file, read in the parse worker (never on this event loop), usability checked there. */
  const importFile = (fileName: string, text: string, typeMap: Readonly<Record<string, string>> | undefined) =>
    parseInWorker(
      { kind: 'reference', fileName, source: { text }, options: typeMap ? { typeMap: Object.fromEntries(Object.entries(typeMap).map(([k, v]) => [Number(k), v])) } : {} },
      opts.parseWorkerEntry ? { entry: opts.parseWorkerEntry } : {},
    );
  /** The reference a request names: the built-in one, or a user file's contents (parsed in the worker). */
  const referenceOf = async (r: ParsedInput<'campaigns.create'>['reference']): Promise<Reference> =>
    r.kind === 'builtin' ? defaultReference() : await importFile(r.fileName, r.text, r.typeMap);
  const optimizer = () => (surrogateClient ??= createOptimizerClient(opts.workerEntry));

  function resume(id: string): CampaignRun {
    const existing = runs.get(id);
    if (existing) return existing;
    const run = startCampaign({ store, campaignId: id, workerEntry: opts.workerEntry, emit });
    runs.set(id, run);
    void run.done.then((outcome) => {
      runs.delete(id);
      if (outcome.error) console.error(`glassfit: campaign ${id} paused: ${outcome.error.message}`);
    });
    return run;
  }

  /** Refuse while a runner elsewhere holds the campaign. */
  function notRunningElsewhere(id: string, what: string): void {
    const lease = currentLease(store.db, id);
    if (lease) throw new ApiError('conflict', `cannot ${what} campaign ${id}: it is running in process ${lease.pid} on ${lease.host}; pause it there first`);
  }

  function progressOf(id: string) {
    const run = runs.get(id);
    return run ? run.progress() : restingProgress(store, id);
  }

  /** The surrogate's input: the campaign's optimizer history (finished rows in seq order). */
  function historyOf(c: CampaignInfo) {
    const rows = store.optimizerRows(c.id);
    return { rows, history: optimizerLists(rows, store.baselineRows(c.id)).history };
  }

  function surrogatePoints(c: CampaignInfo, rows: ReturnType<typeof store.optimizerRows>, kx: number, ky: number | null) {
    return rows
      .filter((r) => r.status !== 'queued' && r.status !== 'running')
      .map((r) => ({
        evaluationId: r.id,
        seq: r.seq,
        phase: r.phase,
        status: r.status,
        // A stopped run's partial R_χ is what the model saw; failed and screened points have none.
        rChi: r.status === 'done' || r.status === 'stopped' ? r.rChi : null,
        x: coord(c.space, kx, r.u),
        ...(ky !== null ? { y: coord(c.space, ky, r.u) } : {}),
      }));
  }

  const throughOf = (c: CampaignInfo, through: readonly number[]) => Object.fromEntries(c.space.free.map((d, k) => [d.name, unitToValue(d, through[k])]));

  const h: Handlers = {
    async 'app.info'() {
      const measured = store.medianUsPerAtomStep();
      const cores = availableParallelism();
      return {
        version,
        engineVersion: ENGINE_VERSION,
        dbPath: store.path,
        cores,
        defaultWorkers: cores,
        usPerAtomStep: measured ?? DEFAULT_US_PER_ATOM_STEP,
        usPerAtomStepSource: measured !== null ? 'measured' : 'default',
      };
    },

    async 'builtins.get'() {
      return {
        potentials: BUILTIN_NAMES.map((name) => {
          const s = BUILTIN_SETS[name];
          const ff = builtinForceField(name);
          return { name, label: s.label, source: s.source, lammpsChecked: s.lammpsChecked, values: valuesOf(presetSpace('ML-ALL'), ff), params: ff };
        }),
        presets: PRESET_NAMES.map((name) => ({ name, label: PRESETS[name].label, description: PRESETS[name].description, space: presetSpace(name) })),
        bounds: Object.entries(SILICA_BOUNDS).map(([name, b]) => ({ name, lower: b.lower, upper: b.upper, scale: b.scale, unit: PARAM_UNITS[kindOf(name)], why: b.why })),
        protocol: { ...PAPER_PROTOCOL, kernel: DEFAULT_KERNEL, costRange: { ...DEFAULT_COST_RANGE } },
        optimizer: {
          strategies: [
            {
              name: 'bo' as const,
              label: 'Bayesian optimisation + refinement',
              description:
                'space-filling design, GP + expected improvement until R_χ plateaus or the reserve is reached, then a local refinement: least squares on the g(r) residuals (default) or conjugate gradients (the paper)',
            },
            { name: 'cg' as const, label: 'Conjugate gradient', description: 'Polak–Ribière CG with finite-difference gradients from a start point' },
            { name: 'random' as const, label: 'Random search', description: 'uniform random points: a baseline for comparison' },
            { name: 'cmaes' as const, label: 'CMA-ES', description: 'evolution strategy: a baseline for comparison' },
          ],
          defaultBudget: DEFAULT_BUDGET,
          // What a new campaign gets (setup.ts: the paper's settings with a trust region and a CG reserve).
          bo: BoSettingsSchema.parse({ trustRegion: NEW_CAMPAIGN_BO.trustRegion }),
          cg: CgSettingsSchema.parse(NEW_CAMPAIGN_CG),
          cmaes: CmaesSettingsSchema.parse({}),
        },
        defaultBaselines: [...DEFAULT_BASELINES],
        defaultFinalReplicas: DEFAULT_FINAL_REPLICAS,
        defaultSearch: searchSettings(),
        reference: preview(defaultReference()),
      };
    },

    async 'campaigns.list'() {
      return store.listCampaigns();
    },

    async 'campaigns.get'({ id }) {
      return { campaign: store.campaignInfo(id), progress: progressOf(id), mdTime: store.mdTime(id), engines: store.engines(id) };
    },

    async 'presets.space'({ preset, coordinates, reference }) {
      const name = PRESET_NAMES.find((n) => n.toLowerCase() === preset.toLowerCase());
      if (!name) throw new ApiError('bad-input', `unknown preset '${preset}' (${PRESET_NAMES.join(', ')})`);
      const landmarks = referenceLandmarks(await referenceOf(reference));
      const space = presetSpace(name, { coordinates, landmarks });
      return { space, reasons: boundReasons(space, landmarks), landmarks };
    },

    async 'screen.preview'({ space: raw, reference, temperature, samples }) {
      let space: ParameterSpaceSpec;
      try {
        space = parseSpace(raw);
      } catch (e) {
        throw new ApiError('bad-input', (e as Error).message);
      }
      const ctx = screenContextFor({ species: space.species, reference: await referenceOf(reference), temperature });
      const box = screenBox(space, ctx, samples);
      const builtins = BUILTIN_NAMES.map((n) => {
        const ff = builtinForceField(n);
        const v = screenForceField(ff, ctx);
        return { name: n, inSpace: inSpace(space, ff), ok: v.ok, reason: v.ok ? null : v.reason };
      });
      return { ...box, byRule: { ...box.byRule }, examples: [...box.examples], builtins };
    },

    async 'campaigns.create'(input) {
      const cores = availableParallelism();
      const tooMany = input.workers !== undefined ? workersProblem(input.workers, cores) : null;
      if (tooMany) throw new ApiError('bad-input', `workers: ${tooMany}`);
      const reference = await referenceOf(input.reference);
      let space: unknown = input.space;
      if (input.shape) {
        const name = PRESET_NAMES.find((n) => n.toLowerCase() === input.shape!.preset.toLowerCase());
        if (!name) throw new ApiError('bad-input', `unknown preset '${input.shape.preset}' (${PRESET_NAMES.map((n) => n.toLowerCase()).join(', ')})`);
        try {
          space = presetSpace(name, { coordinates: input.shape.coordinates, landmarks: referenceLandmarks(reference), ...(input.shape.bounds ? { bounds: input.shape.bounds } : {}) });
        } catch (e) {
          throw new ApiError('bad-input', (e as Error).message);
        }
      }
      const { record, initial } = buildCampaign(
        {
          name: input.name,
          reference,
          space,
          preset: input.preset ?? null,
          protocol: input.protocol ?? {},
          optimizer: input.optimizer,
          workers: input.workers ?? Math.min(cores, SETTING_BOUNDS.workers.max),
          seed: input.seed ?? randomInt(0, 0x7fffffff),
          baselines: input.baselines ?? DEFAULT_BASELINES,
          finalReplicas: input.finalReplicas ?? DEFAULT_FINAL_REPLICAS,
          ...(input.search ? { search: input.search } : {}),
          ...(input.execution ? { execution: input.execution } : {}),
        },
        { id: randomUUID(), now: new Date().toISOString() },
      );
      store.createCampaign(record, initial);
      emit('campaigns.changed', {});
      if (input.start) resume(record.id);
      return { id: record.id };
    },

    async 'campaigns.control'({ id, action }) {
      const info = store.campaignInfo(id);
      const run = runs.get(id);
      if (action === 'resume') {
        if (info.status === 'finished') throw new ApiError('conflict', `campaign ${id} is finished; duplicate it to run it again`);
        resume(id);
        return { status: 'running' as const };
      }
      if (run) {
        const outcome = action === 'pause' ? await run.pause() : await run.stop();
        // A stop that reaches a runner already winding down from a pause (the store says 'paused' before the
        // runner has closed its workers) ends with that pause: the paused campaign is then stopped below.
        if (!(action === 'stop' && outcome.status === 'paused')) return { status: outcome.status };
      }
      notRunningElsewhere(id, action);
      if (action === 'stop') {
        // Jobs a pause left running on SLURM go with the stop (no runner holds them).
        try {
          await cancelRemoteJobs(store.db, id, transportFor(info.execution.slurm));
        } catch (e) {
          throw new ApiError('conflict', `could not cancel the campaign's SLURM jobs: ${(e as Error).message}`);
        }
      }
      const now = store.campaignInfo(id).status;
      if (action === 'stop' && now !== 'finished' && now !== 'stopped') {
        store.setStatus(id, 'stopped', { kind: 'user', detail: 'stopped by the user' });
        emit('campaigns.changed', {});
        emit('campaign.progress', restingProgress(store, id));
      }
      return { status: store.campaignInfo(id).status };
    },

    async 'campaigns.duplicate'({ id, name, seed }) {
      const c = store.campaign(id);
      const now = new Date().toISOString();
      const copy: CampaignRecord = { ...c, id: randomUUID(), name: name ?? `${c.name} (copy)`, seed: seed ?? c.seed, createdAt: now, updatedAt: now, status: 'draft', stopReason: null, schemaVersion: SCHEMA_VERSION };
      store.createCampaign(
        copy,
        copy.baselines.map((b) => baselineEvaluation(copy, b)),
      );
      emit('campaigns.changed', {});
      return { id: copy.id };
    },

    async 'campaigns.delete'({ id }) {
      store.campaignInfo(id);
      if (runs.has(id)) throw new ApiError('conflict', `campaign ${id} is running; pause or stop it before deleting it`);
      notRunningElsewhere(id, 'delete');
      store.deleteCampaign(id);
      emit('campaigns.changed', {});
      return {};
    },

    async 'campaigns.setExecution'({ id, execution }) {
      const info = store.campaignInfo(id);
      if (runs.has(id)) throw new ApiError('conflict', `campaign ${id} is running; pause it before changing where its evaluations run`);
      notRunningElsewhere(id, 'change the backend of');
      if (info.status === 'finished') throw new ApiError('conflict', `campaign ${id} is finished; duplicate it to run it elsewhere`);
      let next;
      try {
        next = executionSettings(execution, info.execution);
      } catch (e) {
        throw new ApiError('bad-input', (e as Error).message);
      }
      store.setExecution(id, next);
      emit('campaigns.changed', {});
      return { execution: next };
    },

    async 'evaluations.page'(q) {
      return store.page(q);
    },

    async 'evaluations.detail'({ id }) {
      return { record: store.evaluation(id), artefacts: store.artefacts(id) };
    },

    async 'surrogate.slice'({ campaignId, param, points }) {
      const c = store.campaignInfo(campaignId);
      const k = freeIndex(c.space, param);
      const { rows, history } = historyOf(c);
      const v = (await optimizer().surrogate({ settings: c.optimizer, history, seed: c.seed, view: { kind: 'slice', dim: k, points: points ?? 101 } })) as SliceView | null;
      if (!v) return null;
      const d = c.space.free[k];
      return {
        param,
        unit: d.unit,
        scale: d.scale,
        x: Array.from(v.u, (u) => unitToValue(d, u)),
        mean: Array.from(v.mean),
        lower: Array.from(v.lower),
        upper: Array.from(v.upper),
        ei: Array.from(v.ei),
        feasible: Array.from(v.feasible),
        incumbent: v.incumbent,
        through: throughOf(c, v.through),
        points: surrogatePoints(c, rows, k, null),
      };
    },

    async 'surrogate.map'({ campaignId, px, py, n }) {
      const c = store.campaignInfo(campaignId);
      const kx = freeIndex(c.space, px);
      const ky = freeIndex(c.space, py);
      if (kx === ky) throw new ApiError('bad-input', 'a map needs two different parameters');
      const { rows, history } = historyOf(c);
      const v = (await optimizer().surrogate({ settings: c.optimizer, history, seed: c.seed, view: { kind: 'map', dx: kx, dy: ky, n: n ?? 41 } })) as MapView | null;
      if (!v) return null;
      const dx = c.space.free[kx];
      const dy = c.space.free[ky];
      const points = surrogatePoints(c, rows, kx, ky);
      const boPath: typeof points = [];
      let best = Infinity;
      for (const p of points) {
        if ((p.phase === 'initial' || p.phase === 'bo') && p.rChi !== null && p.rChi < best) {
          best = p.rChi;
          boPath.push(p);
        }
      }
      return {
        px,
        py,
        units: [dx.unit, dy.unit] as [string, string],
        scales: [dx.scale, dy.scale] as ['linear' | 'log', 'linear' | 'log'],
        x: Array.from(v.ux, (u) => unitToValue(dx, u)),
        y: Array.from(v.uy, (u) => unitToValue(dy, u)),
        mean: Array.from(v.mean),
        sd: Array.from(v.sd),
        through: throughOf(c, v.through),
        points,
        boPath,
        cgPath: points.filter((p) => p.phase === 'cg' || p.phase === 'replica'),
        ...(v.trustRegion
          ? {
              trustRegion: {
                x: [unitToValue(dx, v.trustRegion.lower[kx]), unitToValue(dx, v.trustRegion.upper[kx])] as [number, number],
                y: [unitToValue(dy, v.trustRegion.lower[ky]), unitToValue(dy, v.trustRegion.upper[ky])] as [number, number],
                length: v.trustRegion.length,
                collapsed: v.trustRegion.collapsed,
              },
            }
          : {}),
      };
    },

    async 'surrogate.importance'({ campaignId }) {
      const c = store.campaignInfo(campaignId);
      const { rows, history } = historyOf(c);
      const v = (await optimizer().surrogate({ settings: c.optimizer, history, seed: c.seed, view: { kind: 'importance', n: 512 } })) as ImportanceView | null;
      if (!v) return null;
      return {
        params: c.space.free.map((d, k) => ({ name: d.name, first: v.first[k], total: v.total[k] })),
        scale: v.scale,
        points: rows.filter((r) => r.status === 'done').length,
        samples: v.n,
      };
    },

    async 'reference.preview'({ fileName, text, typeMap }) {
      try {
        return { ok: true as const, ...preview(await importFile(fileName, text, typeMap)) };
      } catch (e) {
        return { ok: false as const, error: (e instanceof Error ? e.message : String(e)).split('\n')[0] };
      }
    },

    async 'reference.get'({ campaignId }) {
      const ref = campaignReference(store.campaign(campaignId));
      const provenance = store.campaignInfo(campaignId).reference.provenance;
      return {
        hash: ref.hash,
        provenance,
        curves: grCurves(ref),
        adf: adfCurves(ref),
        coordination: ref.coordination ? ref.coordination.map((c) => ({ centre: c.centre, neighbour: c.neighbour, mean: Number.isFinite(c.mean) ? c.mean : null, fractions: Array.from(c.fractions) })) : null,
      };
    },

    async 'compare.get'({ campaignIds }) {
      const rows: Output<'compare.get'>['rows'] = [];
      for (const id of campaignIds) {
        const c = store.campaignInfo(id);
        const all = store.evaluations(id);
        const spreadOf = (evals: EvaluationRecord[]) => {
          const pairs = [...new Set(evals.flatMap((e) => Object.keys(e.chiByPair ?? {})))];
          const stat = (xs: number[]) => {
            const n = xs.length;
            const mean = xs.reduce((a, b) => a + b, 0) / n;
            return { mean, sd: n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : null, n };
          };
          return {
            rChi: stat(evals.map((e) => e.rChi as number)),
            chiByPair: Object.fromEntries(pairs.map((p) => [p, stat(evals.map((e) => e.chiByPair?.[p]).filter((x): x is number => x !== undefined))])),
          };
        };
        const best = store.best(id);
        if (best) {
          const group = [best, ...all.filter((e) => e.origin === 'final' && e.meta?.of === best.id && e.status === 'done')];
          rows.push({ campaignId: id, campaignName: c.name, kind: 'best', label: `${c.name}: best`, evaluationIds: group.map((e) => e.id), ...spreadOf(group), values: best.values });
        }
        for (const b of all.filter((e) => e.origin === 'baseline' && e.status === 'done')) {
          rows.push({ campaignId: id, campaignName: c.name, kind: 'baseline', label: b.label ?? 'baseline', evaluationIds: [b.id], ...spreadOf([b]), values: b.values });
        }
      }
      return { rows };
    },

    async 'export.lammps'({ evaluationId, variant }) {
      const e = store.evaluation(evaluationId);
      const c = store.campaignInfo(e.campaignId);
      // The header's R_χ spread needs only the final replicas of the point.
      const files = exportLammps(c, e, store.evaluations(c.id, { origin: ['final'] }), variant, new Date().toISOString());
      return { fileName: files[0].fileName, text: files[0].text, files };
    },

    async 'glass.start'(input) {
      const p = input.potential;
      let ff: ForceField;
      let label: string;
      let base: QuenchOptions = DEFAULT_QUENCH;
      if (p.kind === 'builtin') {
        ff = builtinForceField(p.name);
        label = p.name;
      } else if (p.kind === 'evaluation') {
        const e = store.evaluation(p.evaluationId);
        const c = store.campaignInfo(e.campaignId);
        ff = e.params as ForceField;
        label = `${c.name}: ${e.label ?? `evaluation ${e.id}`}`;
        // The liquid the set was fitted on: the campaign's temperature, density and kernel.
        base = { ...base, liquidTemperature: c.protocol.temperature, densityGcm3: c.protocol.densityGcm3, kernel: c.protocol.kernel };
      } else {
        const f = await parseInWorker({ kind: 'forcefield', fileName: p.fileName, source: { text: p.text } }, opts.parseWorkerEntry ? { entry: opts.parseWorkerEntry } : {});
        if (f.species.species.map((s) => s.name).join(',') !== 'Si,O') throw new ApiError('bad-input', `${p.fileName}: glass making is built for SiO2 (species Si, O) only`);
        ff = f.ff;
        label = f.name ?? p.fileName;
      }
      const options: QuenchOptions = {
        ...base,
        ...(input.rate !== undefined ? { rate: input.rate } : {}),
        ...(input.atoms !== undefined ? { atoms: input.atoms } : {}),
        ...(input.liquidPs !== undefined ? { liquidPs: input.liquidPs } : {}),
        ...(input.relaxPs !== undefined ? { relaxPs: input.relaxPs } : {}),
        ...(input.samplePs !== undefined ? { samplePs: input.samplePs } : {}),
        ...(input.startSteps !== undefined ? { startSteps: input.startSteps } : {}),
      };
      const problems = quenchProblems(options);
      if (problems.length > 0) throw new ApiError('bad-input', `glass.start: ${problems.join('; ')}`);
      return { jobId: glass().start(label, ff, options, input.replicas ?? 1, input.seed ?? 1) };
    },

    async 'glass.get'({ jobId }) {
      return glass().get(jobId);
    },

    async 'glass.cancel'({ jobId }) {
      return glass().cancel(jobId);
    },

    async 'glass.list'() {
      return glass().list();
    },

    async 'glass.delete'({ jobId }) {
      return glass().delete(jobId);
    },

    async 'export.table'({ campaignId, format }) {
      const c = store.campaignInfo(campaignId);
      const all = store.evaluations(campaignId);
      return format === 'json' ? exportJson(c, all, store.best(campaignId), new Date().toISOString()) : exportCsv(c, all);
    },
  };

  // Every handler maps expected failures to ApiError; a closed backend refuses politely.
  const handlers = Object.fromEntries(
    Object.entries(h).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        if (closed) throw new ApiError('internal', 'the database is closed');
        try {
          return await (fn as (i: unknown) => Promise<unknown>)(input);
        } catch (e) {
          throw asApiError(e);
        }
      },
    ]),
  ) as unknown as Handlers;

  return {
    handlers,
    dbPath: store.path,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...runs.values()].map((r) => r.pause()));
      await surrogateClient?.close();
      await glassJobs?.close();
      store.close();
    },
  };
}

export type { ParsedInput };
export { rChiWithReplicas };
