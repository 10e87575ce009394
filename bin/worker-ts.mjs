// Worker-thread bootstrap for plain Node (CLI, tests, scripts): worker threads do not inherit the TypeScript
// loader the main thread registered, so this registers tsx and then runs src-worker/entry.ts.
// The pool gets this file's path from src-main/runner/worker-path.ts; Electron passes out/main/worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('../src-worker/entry.ts');
