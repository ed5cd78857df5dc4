import { defineProject } from 'vitest/config';

// Without this file vitest would take vite.config.ts (the console's build) as the project config.
export default defineProject({
  test: {
    name: '@latchkey/web',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
