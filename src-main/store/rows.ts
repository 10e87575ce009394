/**
 * The one mapping between database rows and records (src-worker/campaign/records.ts): column names, JSON
 * columns, and validation on the way out, so a hand-edited or damaged row surfaces as an error naming the row
 * instead of a wrong number in a plot.
 */
import { z } from 'zod';
import {
  CampaignRecordSchema,
  EvaluationRecordSchema,
  SCHEMA_VERSION,
  type CampaignInfo,
  type CampaignRecord,
  type EvaluationRecord,
} from '../../src-worker/campaign/records.ts';
import { StoreError } from './db.ts';

export interface CampaignRow {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  reference_hash: string;
  preset: string | null;
  strategy: string;
  budget: number;
  settings: string;
  stop_reason: string | null;
  schema_version: number;
}

export interface ReferenceRow {
  hash: string;
  provenance: string;
  data: string;
}

export interface EvaluationRow {
  id: number;
  campaign_id: string;
  seq: number;
  origin: string;
  phase: string;
  label: string | null;
  status: string;
  params: string;
  param_values: string;
  u: string;
  meta: string | null;
  r_chi: number | null;
  chi: string | null;
  failure: string | null;
  error: string | null;
  screen: string | null;
  early_stop: string | null;
  seed: number;
  kernel: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  us_per_atom_step: number | null;
  engine_version: string | null;
}

/** The settings column: everything of a CampaignRecord that is neither a column nor the reference. */
const SettingsSchema = CampaignRecordSchema.pick({
  species: true,
  space: true,
  protocol: true,
  optimizer: true,
  workers: true,
  seed: true,
  baselines: true,
  finalReplicas: true,
  search: true,
  execution: true,
});

function json(text: string | null, what: string): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new StoreError(`${what}: stored JSON is damaged`);
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new StoreError(`${what} does not match the schema: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export function campaignToRow(c: CampaignRecord): CampaignRow {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    reference_hash: c.reference.hash,
    preset: c.preset,
    strategy: c.optimizer.strategy,
    budget: c.optimizer.budget,
    settings: JSON.stringify({
      species: c.species,
      space: c.space,
      protocol: c.protocol,
      optimizer: c.optimizer,
      workers: c.workers,
      seed: c.seed,
      baselines: c.baselines,
      finalReplicas: c.finalReplicas,
      search: c.search,
      execution: c.execution,
    }),
    stop_reason: c.stopReason ? JSON.stringify(c.stopReason) : null,
    schema_version: SCHEMA_VERSION,
  };
}

export function referenceToRow(c: CampaignRecord): ReferenceRow {
  return { hash: c.reference.hash, provenance: JSON.stringify(c.reference.provenance), data: JSON.stringify(c.reference.data) };
}

/** A campaign row (and its reference, when read with it) as a record. `status` may be overridden (a crashed runner reads as paused). */
export function rowToCampaignInfo(r: CampaignRow, provenanceText: string, status?: CampaignInfo['status']): CampaignInfo {
  const what = `campaign ${r.id}`;
  const settings = check(SettingsSchema, json(r.settings, what), `${what} settings`);
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    status: status ?? (r.status as CampaignInfo['status']),
    preset: r.preset,
    ...settings,
    reference: { hash: r.reference_hash, provenance: check(CampaignRecordSchema.shape.reference.shape.provenance, json(provenanceText, what), `${what} reference provenance`) },
    stopReason: check(CampaignRecordSchema.shape.stopReason, json(r.stop_reason, what), `${what} stop reason`),
    schemaVersion: r.schema_version,
  };
}

export function rowToCampaign(r: CampaignRow, ref: ReferenceRow, status?: CampaignInfo['status']): CampaignRecord {
  const info = rowToCampaignInfo(r, ref.provenance, status);
  const data = check(CampaignRecordSchema.shape.reference.shape.data, json(ref.data, `reference ${ref.hash}`), `reference ${ref.hash}`);
  return { ...info, reference: { ...info.reference, data } };
}

export function rowToEvaluation(r: EvaluationRow): EvaluationRecord {
  const what = `evaluation ${r.id}`;
  return check(
    EvaluationRecordSchema,
    {
      id: r.id,
      campaignId: r.campaign_id,
      seq: r.seq,
      origin: r.origin,
      phase: r.phase,
      label: r.label,
      status: r.status,
      params: json(r.params, what),
      values: json(r.param_values, what),
      u: json(r.u, what),
      meta: json(r.meta, what),
      rChi: r.r_chi,
      chiByPair: json(r.chi, what),
      failure: json(r.failure, what),
      error: r.error,
      screen: json(r.screen, what),
      earlyStop: json(r.early_stop, what),
      seed: r.seed,
      kernel: r.kernel,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      durationS: r.duration_s,
      usPerAtomStep: r.us_per_atom_step,
      engineVersion: r.engine_version,
    },
    what,
  );
}
