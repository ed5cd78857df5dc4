import type { FetchLike } from '../src/transport';

export interface RecordedRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  /** The procedure input: the query's `input` parameter or the mutation's body. */
  input: unknown;
}

type Reply = { status?: number; body: unknown; contentType?: string } | Response;

/**
 * A fetch that answers like the api's tRPC HTTP handler, from a table of procedure replies.
 * Records every request so tests can check paths, methods, headers and inputs.
 */
export function fakeApi(replies: Record<string, Reply | ((input: unknown) => Reply)>) {
  const requests: RecordedRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url);
    const path = parsed.pathname.replace(/^\/trpc\//, '');
    const rawInput =
      init?.method === 'GET' ? parsed.searchParams.get('input') : ((init?.body as string) ?? null);
    const input = rawInput == null ? undefined : JSON.parse(rawInput);
    requests.push({
      url: parsed,
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(
        Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [
          k.toLowerCase(),
          v,
        ]),
      ),
      input,
    });
    const entry = replies[path];
    const reply = typeof entry === 'function' ? entry(input) : entry;
    if (!reply)
      return json(404, {
        error: {
          message: `No procedure ${path}`,
          code: -32004,
          data: { code: 'NOT_FOUND', httpStatus: 404, path, fields: null },
        },
      });
    if (reply instanceof Response) return reply;
    return new Response(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { 'content-type': reply.contentType ?? 'application/json' },
    });
  };
  return { fetch, requests };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

export const ok = (data: unknown) => ({ body: { result: { data } } });

export function trpcError(
  code: string,
  httpStatus: number,
  message: string,
  path: string,
  fields: { path: string[]; message: string }[] | null = null,
) {
  return {
    status: httpStatus,
    body: { error: { message, code: -32600, data: { code, httpStatus, path, fields } } },
  };
}
