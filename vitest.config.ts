import { defineConfig } from 'vitest/config';

// One test run starts PostgreSQL and the Temporal dev server once (globalSetup) and
// every package's tests run as a project against them.
export default defineConfig({
  test: {
    reporters: ['default', './tooling/vitest/summary-reporter.ts'],
    globalSetup: ['./infra/devstack/src/vitest-global-setup.ts'],
    projects: ['packages/*', 'apps/*', 'infra/devstack'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
