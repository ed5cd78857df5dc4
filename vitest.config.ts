import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const ROOT = import.meta.dirname;
const projectDirs = [
  ...['packages', 'apps'].flatMap((group) =>
    readdirSync(path.join(ROOT, group)).map((name) => `${group}/${name}`),
  ),
  'infra/devstack',
  'infra/docker',
];

/** Generous: the tests start real servers, and CI machines are small and busy. */
const TIMEOUTS = { testTimeout: 30_000, hookTimeout: 120_000 };

/**
 * Every workspace folder is a test project. A project does not inherit this file's test
 * settings (a bare `packages/*` glob ran with vitest's 5 s defaults), so folders without a
 * config of their own get the timeouts here. The services stay one set for the whole run.
 */
function project(dir: string): string | TestProjectInlineConfiguration {
  if (existsSync(path.join(ROOT, dir, 'vitest.config.ts'))) return dir;
  const { name } = JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
  return { root: path.join(ROOT, dir), test: { name, ...TIMEOUTS } };
}

// One test run starts PostgreSQL and the Temporal dev server once (globalSetup) and
// every package's tests run as a project against them.
export default defineConfig({
  test: {
    reporters: ['default', './tooling/vitest/summary-reporter.ts'],
    globalSetup: ['./infra/devstack/src/vitest-global-setup.ts'],
    projects: projectDirs
      .filter((dir) => existsSync(path.join(ROOT, dir, 'package.json')))
      .map(project),
    ...TIMEOUTS,
  },
});
