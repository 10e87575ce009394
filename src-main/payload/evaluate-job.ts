/**
 * Batch mode of `glassfit evaluate --spec JOB.json --result RESULT.json`: one job file in (forcefield + spec,
 * written by the campaign runner), the JS engine in this thread, the whole result out (temporary file + rename,
 * so its presence means done). What a SLURM task of a campaign runs on a node. Kept free of the desktop and
 * database code so that it also bundles into one self-contained file (payload-bundle.ts) that a node starts in
 * a fraction of the time the TypeScript loader takes, and that a cluster user can copy anywhere.
 */
import { readFileSync } from 'node:fs';
import { jobFromJson, resultToJson } from '../../src-worker/evaluate/job-json.ts';
import { evaluate } from '../../src-worker/evaluate/evaluate.ts';
import { silentContext } from '../../src-worker/md/protocol.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';

/** A problem with the job's files: the message names the file; exit status 2. */
export class JobFileError extends Error {}

/** Run one job; the exit status: 0 done or stopped, 3 the run failed (the result file says why). */
export function runJob(specPath: string, resultPath: string): number {
  let text: string;
  try {
    text = readFileSync(specPath, 'utf8');
  } catch (e) {
    throw new JobFileError(`job file '${specPath}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let job: ReturnType<typeof jobFromJson>;
  try {
    job = jobFromJson(text);
  } catch (e) {
    throw new JobFileError(`${specPath}: ${(e as Error).message}`);
  }
  const result = evaluate(job.ff, job.spec, silentContext(() => performance.now()));
  try {
    writeFileAtomic(resultPath, resultToJson(result), { force: true });
  } catch (e) {
    throw new JobFileError(`--result '${resultPath}': ${(e as Error).message}`);
  }
  return result.status === 'failed' ? 3 : 0;
}
