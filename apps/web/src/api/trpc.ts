import type { AppRouter } from '@latchkey/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import { storedApiKey } from './session';

/** The api is on the same origin: served by it in production, proxied by vite in development. */
const TRPC_URL = '/trpc';

/** A typed client that sends `apiKey()` as a bearer token (a header, never the URL). */
export function createApiClient(apiKey: () => string | null) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: TRPC_URL,
        headers: () => {
          const key = apiKey();
          return key ? { authorization: `Bearer ${key}` } : {};
        },
      }),
    ],
  });
}

/** The client for the signed-in session. */
export const trpc = createApiClient(storedApiKey);
