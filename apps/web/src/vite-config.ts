// Node side (vite.config.ts, the dev server, the build): never part of the browser bundle.
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { InlineConfig } from 'vite';

/** apps/web, where index.html lives. */
export const CONSOLE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';
export const DEFAULT_WEB_PORT = 5173;

/**
 * What the api answers; the console owns every other path. Anchored on whole segments so a
 * console route such as `/connections` is never sent to the api's `/connect/<token>`.
 */
const API_PATHS = '^/(trpc|oauth|connect|codec)(/|$)';

export interface ConsoleServerOptions {
  apiUrl: string;
  port: number;
}

/** The dev server's settings from `LATCHKEY_API_URL` and `LATCHKEY_WEB_PORT` (read only here). */
export function consoleServerOptionsFromEnv(env: NodeJS.ProcessEnv): ConsoleServerOptions {
  const port = Number(env.LATCHKEY_WEB_PORT ?? DEFAULT_WEB_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`LATCHKEY_WEB_PORT must be a port number, got '${env.LATCHKEY_WEB_PORT}'`);
  }
  const apiUrl = env.LATCHKEY_API_URL ?? DEFAULT_API_URL;
  if (!URL.canParse(apiUrl)) {
    throw new Error(`LATCHKEY_API_URL must be a URL such as ${DEFAULT_API_URL}`);
  }
  return { apiUrl, port };
}

/** One configuration for `vite`, `startConsoleDevServer` and `buildConsole`. */
export function consoleViteConfig(
  server: ConsoleServerOptions = { apiUrl: DEFAULT_API_URL, port: DEFAULT_WEB_PORT },
): InlineConfig {
  const proxy = { [API_PATHS]: { target: server.apiUrl } };
  return {
    root: CONSOLE_ROOT,
    plugins: [react()],
    server: { host: '127.0.0.1', port: server.port, strictPort: true, proxy },
    preview: { host: '127.0.0.1', port: server.port, strictPort: true, proxy },
    build: { outDir: 'dist', emptyOutDir: true },
  };
}
