/**
 * Entry of the bundled node payload (payload-bundle.ts builds out/payload/glassfit-payload.mjs from it): accepts
 * exactly what the batch script passes to glassfit, `evaluate --spec JOB.json --result RESULT.json`.
 */
import { JobFileError, runJob } from './evaluate-job.ts';

const [cmd, ...rest] = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const spec = arg('--spec');
const result = arg('--result');
if (cmd !== 'evaluate' || !spec || !result) {
  console.error('usage: glassfit-payload evaluate --spec JOB.json --result RESULT.json');
  process.exitCode = 2;
} else {
  try {
    process.exitCode = runJob(spec, result);
  } catch (e) {
    console.error(`glassfit-payload: ${(e as Error).message}`);
    process.exitCode = e instanceof JobFileError ? 2 : 1;
  }
}
