/** `npm run build:payload`: build out/payload/glassfit-payload.mjs (src-main/runner/payload-bundle.ts) and say where it is. */
import { buildPayloadBundle } from '../src-main/runner/payload-bundle.ts';

const path = await buildPayloadBundle();
console.log(`${path}: glassfit's node payload (glassfit evaluate --spec JOB.json --result RESULT.json), one file; copy it to a cluster and name it with --node-glassfit 'node <path>'`);
