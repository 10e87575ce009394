// Test double of bin/worker-ts.mjs: the real worker entry, except that a request with seed 4242 ends the
// thread at once (process.exit in a worker thread stops only that thread), so the pool's crash handling
// can be tested without waiting for a real crash.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

export const CRASH_SEED = 4242;
register();
parentPort.on('message', (m) => {
  if (m?.spec?.seed === CRASH_SEED) process.exit(17);
});
await import('../../src-worker/entry.ts');
