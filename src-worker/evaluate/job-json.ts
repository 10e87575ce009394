/**
 * One evaluation as files, for evaluations that run in another process or on another machine (the `slurm`
 * backend's 'js' payload: `glassfit evaluate --spec job.json --result result.json` on a compute node).
 * The job file holds the spec and the forcefield; the result file the whole EvaluationResult with its typed arrays
 * tagged, so the numbers come back bit for bit (JSON keeps a double's shortest round-trip text).
 */
import { z } from 'zod';
import { ForceFieldSchema } from '../campaign/records.ts';
import type { ForceField } from '../md/forcefield.ts';
import { EvaluationSpecJsonSchema, specFromJson, specToJson, type EvaluationResult, type EvaluationSpec } from './spec.ts';

export const JOB_FORMAT = 'glassfit-evaluation-job';
export const RESULT_FORMAT = 'glassfit-evaluation-result';

export const EvaluationJobSchema = z.object({
  format: z.literal(JOB_FORMAT),
  version: z.literal(1),
  spec: EvaluationSpecJsonSchema,
  forcefield: ForceFieldSchema,
});

export function jobToJson(ff: ForceField, spec: EvaluationSpec): string {
  return JSON.stringify({ format: JOB_FORMAT, version: 1, spec: specToJson(spec), forcefield: ff });
}

/** Parse a job file; throws with the fields that are wrong. */
export function jobFromJson(text: string): { ff: ForceField; spec: EvaluationSpec } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('the job file is not JSON');
  }
  const r = EvaluationJobSchema.safeParse(raw);
  if (!r.success) throw new Error(`the job file does not match ${JOB_FORMAT} v1: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { ff: r.data.forcefield as ForceField, spec: specFromJson(r.data.spec) };
}

export function resultToJson(result: EvaluationResult): string {
  return JSON.stringify({ format: RESULT_FORMAT, version: 1, result }, (_k, v: unknown) => {
    if (v instanceof Float64Array) return { $f64: Array.from(v) };
    if (v instanceof Int32Array) return { $i32: Array.from(v) };
    return v;
  });
}

/**
 * A result file back into an EvaluationResult; throws when it is not one, or is the result of another evaluation
 * (seed or reference differ from the spec it was submitted with).
 */
export function resultFromJson(text: string, spec: EvaluationSpec): EvaluationResult {
  let raw: { format?: unknown; version?: unknown; result?: EvaluationResult };
  try {
    raw = JSON.parse(text, (_k, v: unknown) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const t = v as Partial<Record<'$f64' | '$i32', number[]>>;
        if (Array.isArray(t.$f64)) return Float64Array.from(t.$f64);
        if (Array.isArray(t.$i32)) return Int32Array.from(t.$i32);
      }
      return v;
    }) as typeof raw;
  } catch {
    throw new Error('the result file is not JSON (cut short?)');
  }
  if (raw?.format !== RESULT_FORMAT || raw.version !== 1 || !raw.result) throw new Error(`the result file is not a ${RESULT_FORMAT} v1`);
  const r = raw.result;
  if (!['done', 'stopped', 'failed'].includes(r.status)) throw new Error(`the result file has status '${String(r.status)}'`);
  if (r.seed !== spec.seed || r.referenceHash !== spec.reference.hash) throw new Error('the result file belongs to another evaluation (seed or reference differ)');
  if (r.status !== 'failed' && !(typeof r.rChi === 'number' && r.rdf && r.final)) throw new Error('the result file lacks R_χ, g(r) or the final configuration');
  return r;
}
