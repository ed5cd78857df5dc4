import { abortCode, abortMessage, LatchkeyError } from './errors';

/** Any fetch-compatible function: the global fetch, undici's, or a test double. */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** Extra request headers, or a function returning them (called for every request). */
export type HeadersOption =
  | Record<string, string>
  | (() => Record<string, string> | Promise<Record<string, string>>);

/** `integrations.get` from `http://host/trpc/integrations.get?input=...`. */
export function procedurePathOf(url: string, trpcUrl: string): string | null {
  if (!url.startsWith(`${trpcUrl}/`)) return null;
  const rest = url.slice(trpcUrl.length + 1).split('?')[0] ?? '';
  return rest ? decodeURIComponent(rest) : null;
}

/** `fetch failed (ECONNREFUSED)`: undici hides the useful part in `cause.code`. */
function describeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? `${message} (${cause.code})` : message;
}

/**
 * Wraps fetch so transport failures become LatchkeyErrors before tRPC sees them: no answer at
 * all is NETWORK_ERROR, and an answer that is not JSON (a proxy's HTML error page) is
 * UNEXPECTED_RESPONSE with its status, which tRPC alone would report as a JSON parse error.
 */
export function createFetch(trpcUrl: string, fetchImpl: FetchLike | undefined): FetchLike {
  return async (url, init) => {
    const path = procedurePathOf(url, trpcUrl);
    const doFetch = fetchImpl ?? globalThis.fetch;
    if (typeof doFetch !== 'function') {
      throw new LatchkeyError('No fetch implementation: pass `fetch` to LatchkeyClient', {
        code: 'NETWORK_ERROR',
        path,
      });
    }
    let response: Response;
    try {
      response = await doFetch(url, init);
    } catch (cause) {
      const aborted = abortCode(cause);
      if (aborted) throw new LatchkeyError(abortMessage(aborted), { code: aborted, path, cause });
      throw new LatchkeyError(
        `Could not reach the Latchkey API at ${trpcUrl}: ${describeFailure(cause)}`,
        { code: 'NETWORK_ERROR', path, cause },
      );
    }
    const contentType = response.headers?.get?.('content-type') ?? null;
    if (contentType !== null && !/\bjson\b/i.test(contentType)) {
      // Free the connection: nobody will read this body.
      void response.body?.cancel().catch(() => undefined);
      throw new LatchkeyError(
        `The server at ${trpcUrl} answered HTTP ${response.status} with ${contentType.split(';')[0]}, not a Latchkey API response (is the endpoint the api's base URL?)`,
        { code: 'UNEXPECTED_RESPONSE', httpStatus: response.status, path },
      );
    }
    return response;
  };
}
