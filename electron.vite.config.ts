// electron-vite build of the desktop app. Our folders are not electron-vite's defaults (src/main, src/preload,
// src/renderer), so every entry is named. The worker entries (the runner's, and the parse worker that reads uploaded
// files) are built beside the main process so they can be spawned from the packaged app; the preload is CommonJS because sandboxed preloads cannot be ES modules.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';

/**
 * `electron-vite dev` only: Vite's dev server injects component styles as <style> elements and talks HMR over a
 * WebSocket, which the page's strict CSP (src-renderer/index.html) forbids. Relax exactly those two directives
 * while serving; production builds keep the policy as written.
 */
function devCsp(): Plugin {
  return {
    name: 'glassfit-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*"),
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          worker: resolve('src-worker/entry.ts'),
          'parse-worker': resolve('src-worker/parse-entry.ts'),
        },
        external: ['better-sqlite3'],
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src-main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    build: { outDir: resolve('out/renderer'), rollupOptions: { input: resolve('src-renderer/index.html') } },
    plugins: [svelte(), devCsp()],
  },
});
