/**
 * `glassfit serve`: the workbench in a local browser — the built renderer and the API bridge on 127.0.0.1,
 * guarded by a random token in the printed address. For a headless workstation (reach it through an SSH
 * tunnel) and for the e2e tests. Runs until interrupted; Ctrl-C pauses running campaigns (resumable) and
 * closes the database.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureRendererBuilt } from '../renderer-build.ts';
import { fileURLToPath } from 'node:url';
import { parse, int } from '../args.ts';
import { CliError } from '../errors.ts';
import { createApi } from '../../api/handlers.ts';
import { nodeWorkerEntry } from '../../runner/worker-path.ts';
import { startBridge } from '../../bridge/server.ts';
import { defaultDbPath } from '../../paths.ts';

export const help = `usage: glassfit serve [--db <file>] [--port <n>] [--no-build]

Serves the workbench to a browser on this machine: http://127.0.0.1:<port>/?token=<random>.
Only 127.0.0.1 is bound, and every API call and the event stream must carry the token, so neither other
machines nor other users' browsers can drive it. The page keeps the token in its tab (no cookie) and drops it
from the address bar; a new tab needs the printed address again. From another machine, tunnel the port
(ssh -L <port>:127.0.0.1:<port> host).

options:
  --db <file>    SQLite database (default: the desktop app's, ${defaultDbPath()})
  --port <n>     TCP port (default: a free one chosen by the system)
  --no-build     serve out/renderer as it is, even if missing or older than the sources

The first run after 'npm ci' (and the first after the renderer's sources change) builds the workbench
(npm run build, about a minute). Ctrl-C pauses running campaigns and exits.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, { db: { type: 'string' }, port: { type: 'string' }, 'no-build': { type: 'boolean' } });
  const dbPath = resolve(typeof values.db === 'string' ? values.db : defaultDbPath());
  const port = int(values.port as string | undefined, 'port', 0, 0);
  if (port > 65535) throw new CliError(`--port must be at most 65535, got ${port}`);
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const rendererDir = join(root, 'out', 'renderer');
  if (values['no-build'] !== true) await ensureRendererBuilt(root);
  if (!existsSync(join(rendererDir, 'index.html'))) throw new CliError(`no built renderer in ${rendererDir}: run 'npm run build' first`);

  const bridge = await startBridge({
    rendererDir,
    port,
    open: (emit) => createApi({ dbPath, workerEntry: nodeWorkerEntry(), emit }),
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new CliError(`port ${port} on 127.0.0.1 is in use; pick another with --port or omit it`);
    throw e;
  });

  console.log(`glassfit: database ${bridge.api.dbPath}`);
  // The e2e tests read this line; keep its shape.
  console.log(`glassfit: serving the workbench at ${bridge.url}`);
  console.log('glassfit: only this machine can connect, and only with the token above; Ctrl-C to stop');

  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`glassfit: ${signal}: pausing running campaigns and closing the database…`);
      void bridge.close().finally(done);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}
