import { appBuild } from '@latchkey/build';
import { defineConfig } from 'tsup';
import manifest from './package.json' with { type: 'json' };

// dist/main.js (the api) and dist/cli.js (operator commands): `node dist/<file>.js`.
export default defineConfig(appBuild(manifest, { entry: ['src/main.ts', 'src/cli.ts'] }));
