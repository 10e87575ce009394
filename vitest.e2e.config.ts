import { defineConfig } from 'vitest/config';

// End-to-end tests: the built renderer in Debian's Chromium against `glassfit serve` (real runner, real MD on a
// tiny protocol), the bridge's security, and electronegativity on the Electron sources. Files run one after
// another: each starts its own server and browser, and the machine has few cores.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 5 * 60_000,
    fileParallelism: false,
    pool: 'forks',
    reporters: ['default'],
  },
});
