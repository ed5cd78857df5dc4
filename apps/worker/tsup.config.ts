import { createRequire } from 'node:module';
import { appBuild } from '@latchkey/build';
import { defineConfig } from 'tsup';
import manifest from './package.json' with { type: 'json' };

/** The transform sandbox's thread code, which the bundled sandbox starts from `dist/`. */
const sandboxThread = createRequire(import.meta.url).resolve(
  '@latchkey/workflow-engine/sandbox-thread',
);

// dist/main.js (the worker), dist/sandbox-thread.js (started by path as a worker thread) and
// dist/payload-converter.cjs (required by path on the worker's main thread);
// scripts/bundle-workflows.ts then writes dist/workflow-bundle.js.
export default defineConfig([
  // tsup builds the two at once, so neither cleans dist/ (that would race the other).
  appBuild(manifest, {
    entry: { main: 'src/main.ts', 'sandbox-thread': sandboxThread },
    clean: false,
  }),
  appBuild(manifest, {
    entry: ['src/payload-converter.ts'],
    format: ['cjs'],
    clean: false,
    splitting: false,
  }),
]);
