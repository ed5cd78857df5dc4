// Node side: used by tests (and anything else that needs a built console in a given folder).
import { build } from 'vite';
import { consoleViteConfig } from './vite-config';

/**
 * Builds the console into `outDir` (the api serves it with `webRoot`). Vite honours an inherited
 * NODE_ENV, and vitest sets `test`, which would compile JSX for React's development runtime
 * into a production bundle that cannot run: the build always runs as `production`.
 */
export async function buildConsole(outDir: string): Promise<void> {
  const config = consoleViteConfig();
  const inherited = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      ...config,
      configFile: false,
      logLevel: 'warn',
      mode: 'production',
      build: { ...config.build, outDir, emptyOutDir: true },
    });
  } finally {
    if (inherited === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = inherited;
  }
}
