import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

type ExportTarget = string | { types?: string; default?: string } | undefined;

/**
 * `paths` for every @latchkey/* workspace package and subpath export, pointing at its sources.
 * Our packages export `.ts` sources, which tsup's own `dts.resolve` cannot follow (it looks for
 * `types`/`main`); mapped through `paths` they are compiled and inlined into the bundled d.ts,
 * while real npm packages (@trpc/*, and kysely etc. behind the api's context type) stay imports.
 */
function workspaceTypePaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const group of ['packages', 'infra']) {
    const groupDir = join(workspaceRoot, group);
    if (!existsSync(groupDir)) continue;
    for (const dir of readdirSync(groupDir)) {
      const manifestPath = join(groupDir, dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name?: string;
        exports?: Record<string, ExportTarget>;
      };
      if (!manifest.name?.startsWith('@latchkey/') || manifest.name === '@latchkey/client')
        continue;
      for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
        const file = typeof target === 'string' ? target : (target?.types ?? target?.default);
        if (!file) continue;
        const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
        paths[specifier] = [join(groupDir, dir, file)];
      }
    }
  }
  return paths;
}

// ESM for Node 20+ with one bundled d.ts. At runtime the client imports nothing from
// @latchkey/* (type-only imports) and only @trpc/client from npm.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { compilerOptions: { paths: workspaceTypePaths() } },
  sourcemap: true,
  clean: true,
  treeshake: true,
});
