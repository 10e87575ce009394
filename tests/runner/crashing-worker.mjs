// Test double of bin/worker-ts.mjs: the real worker entry, except that a request with seed 4242 ends the
// thread at once (process.exit in a worker thread stops only that thread), so the pool's crash handling
// can be tested without waiting for a real crash. The check wraps the entry's own 'message' listener
// rather than adding one before it: a listener attached early would receive (and drop) the requests
// that arrive while the entry is still loading.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

const CRASH_SEED = 4242;
register();
const on = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) =>
  on(event, event !== 'message' ? listener : (m) => {
    if (m?.spec?.seed === CRASH_SEED) process.exit(17);
    listener(m);
  });
await import('../../src-worker/entry.ts');
