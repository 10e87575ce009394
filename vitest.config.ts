import { defineConfig } from 'vitest/config';

// Unit and integration tests of the Node-side code. Physics tests run real MD on small systems, so the
// timeout is generous; the machine has two cores, so at most two test files run at once.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ['default'],
  },
});
