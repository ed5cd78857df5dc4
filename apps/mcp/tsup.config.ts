import { appBuild } from '@latchkey/build';
import { defineConfig } from 'tsup';
import manifest from './package.json' with { type: 'json' };

// dist/main.js (Streamable HTTP) and dist/stdio.js (for local MCP clients).
export default defineConfig(appBuild(manifest, { entry: ['src/main.ts', 'src/stdio.ts'] }));
