// Parse-worker bootstrap for plain Node (CLI, serve, tests): registers the TypeScript loader (worker threads do not
// inherit the main thread's) and runs src-worker/parse-entry.ts. src-main/parse/client.ts starts it; Electron
// passes its bundled out/main/parse-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('../src-worker/parse-entry.ts');
