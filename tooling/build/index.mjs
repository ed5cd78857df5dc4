// Plain JavaScript on purpose: tsup loads each app's tsup.config.ts with esbuild and leaves
// workspace packages as imports, so this file must run in Node as it is.
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules);

/** `@scope/name/sub/path` -> `@scope/name`; `name/sub` -> `name`. */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Fails the build when bundled code imports an npm package the app does not declare in its own
 * `dependencies`: `pnpm deploy --prod` installs only those, so an undeclared import would build
 * here (pnpm's workspace layout resolves it) and crash in production.
 */
export function declaredDependenciesOnly(manifest) {
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  return {
    name: 'latchkey-declared-dependencies-only',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || BUILTINS.has(args.path)) return undefined;
        const name = packageName(args.path);
        if (name.startsWith('@latchkey/')) return undefined; // bundled from the workspace
        if (declared.has(name)) return { path: args.path, external: true };
        return {
          errors: [
            {
              text: `${name} is imported (by ${args.importer}) but is not in ${manifest.name}'s dependencies; add it with \`pnpm add ${name} --filter ${manifest.name}\``,
            },
          ],
        };
      });
    },
  };
}

/**
 * tsup options for one of the apps: ESM for Node 20, workspace packages (`@latchkey/*`, which
 * export TypeScript sources) bundled in, every npm package left as an import that must be one
 * of the app's own `dependencies`.
 */
export function appBuild(manifest, options = {}) {
  return {
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    outDir: 'dist',
    sourcemap: true,
    clean: true,
    splitting: true,
    treeshake: false,
    noExternal: [/^@latchkey\//],
    esbuildPlugins: [declaredDependenciesOnly(manifest)],
    ...options,
  };
}
