// Node side: called by `pnpm dev`; never part of the browser bundle.
import { createServer } from 'vite';
import { type ConsoleServerOptions, consoleViteConfig } from './vite-config';

/**
 * The console with hot reload on 127.0.0.1:`port`, proxying the api's paths to `apiUrl`, so
 * the browser talks to one origin and the tRPC client can use the relative URL `/trpc`.
 */
export async function startConsoleDevServer(
  options: ConsoleServerOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await createServer({ ...consoleViteConfig(options), configFile: false });
  await server.listen();
  const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${options.port}/`;
  return { url, close: () => server.close() };
}
