// electron-vite build of the desktop app. Our folders are not electron-vite's defaults (src/main, src/preload,
// src/renderer), so every entry is named. The worker entry is built beside the main process so the runner can
// spawn it from the packaged app; the preload is CommonJS because sandboxed preloads cannot be ES modules.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve('src-main/electron/main.ts'),
          worker: resolve('src-worker/entry.ts'),
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
    plugins: [svelte()],
  },
});
