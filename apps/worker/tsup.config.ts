import { appBuild } from '@latchkey/build';
import { defineConfig } from 'tsup';
import manifest from './package.json' with { type: 'json' };

// dist/main.js (the worker) and dist/payload-converter.cjs (required by path on the worker's
// main thread); scripts/bundle-workflows.ts then writes dist/workflow-bundle.js.
export default defineConfig([
  // tsup builds the two at once, so neither cleans dist/ (that would race the other).
  appBuild(manifest, { entry: ['src/main.ts'], clean: false }),
  appBuild(manifest, {
    entry: ['src/payload-converter.ts'],
    format: ['cjs'],
    clean: false,
    splitting: false,
  }),
]);
