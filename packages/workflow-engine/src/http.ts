import { STATUS_CODES } from 'node:http';
import type { MappedHttpRequest } from '@latchkey/credential-mapper';
import { type EgressPolicy, findEgressRefusal } from '@latchkey/egress';
import { excerpt, StepError, stepPrefix } from './errors';
import { MAX_RETRY_DELAY_MS, type RetryDelayRules, retryDelayFromHeaders } from './retry-delay';

/**
 * Invariants:
 * - every error message passes through `redact` as a whole (URL, body excerpt, network reason),
 *   since query parameters and echoed request bodies may carry secrets;
 * - request headers (where credentials usually are) never follow a redirect to another origin;
 * - at most `maxResponseBytes` of a response are read (after decompression);
 * - every request, each redirect hop included, goes out through `egress`, whose dispatcher
 *   resolves each new connection's host once, checks every address and dials the checked one
 *   (pooled connections were checked when made); a refusal is fatal and names host and reason.
 */
export interface HttpExecuteOptions {
  timeoutMs: number;
  /** The caller's cancellation; when it fires, its `reason` is thrown as is. */
  signal?: AbortSignal;
  /** The tenant egress policy: required, so no step can reach the network around it. */
  egress: EgressPolicy;
  redact: (text: string) => string;
  stepId: string;
  /** Default 10 MiB. */
  maxResponseBytes?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** The provider's rate-limit headers (its catalogue template's `rateLimit`), for the retry delay. */
  rateLimit?: RetryDelayRules;
}

export interface HttpResult {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. Not redacted. */
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON, else the text; null when empty. Not redacted. */
  body: unknown;
  durationMs: number;
  bytes: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_RETRY_AFTER_MS = 1000;
export const MAX_RETRY_AFTER_MS = MAX_RETRY_DELAY_MS;

const clampRetryAfter = (ms: number | undefined) =>
  Math.min(Math.max(ms ?? DEFAULT_RETRY_AFTER_MS, 0), MAX_RETRY_AFTER_MS);

class TooLarge extends Error {}

async function readLimited(response: Response, max: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => {});
    throw new TooLarge();
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw new TooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** JSON when declared or when it plainly looks like JSON; otherwise the text; null when empty. */
export function parseResponseBody(text: string, contentType: string | null): unknown {
  if (text.trim() === '') return null;
  const declaredJson = /[/+]json\b/i.test(contentType ?? '');
  if (declaredJson || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function responseHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) out[name] = out[name] ? `${out[name]}, ${value}` : value;
  return out;
}

function classifyStatus(status: number): StepError['kind'] {
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'retryable';
  return 'fatal';
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.message === 'string' && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function executeHttp(
  request: MappedHttpRequest,
  opts: HttpExecuteOptions,
): Promise<HttpResult> {
  const started = performance.now();
  const doFetch = opts.egress.fetch;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxRedirects = opts.maxRedirects ?? 5;
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const prefix = stepPrefix(opts.stepId);

  let { method, url, body } = request;
  let headers: Record<string, string> = { ...request.headers };
  const fail = (
    kind: StepError['kind'],
    text: string,
    details: ConstructorParameters<typeof StepError>[3],
  ) => new StepError(kind, opts.stepId, opts.redact(`${prefix}${method} ${url} ${text}`), details);
  let hop = 0;
  const refused = (error: unknown) => {
    const refusal = findEgressRefusal(error);
    if (!refusal) return undefined;
    const after = hop > 0 ? ` (redirect ${hop} of ${request.method} ${request.url})` : '';
    return new StepError('fatal', opts.stepId, opts.redact(`${prefix}${refusal.message}${after}`), {
      code: refusal.code,
    });
  };
  const aborted = (error: unknown): unknown => {
    if (opts.signal?.aborted) return opts.signal.reason;
    const refusal = refused(error);
    if (refusal) return refusal;
    if (timeout.aborted) {
      return fail('retryable', `timed out after ${opts.timeoutMs} ms`, { code: 'TIMEOUT' });
    }
    return fail('retryable', `failed: ${networkReason(error)}`, { code: 'NETWORK' });
  };

  for (; ; hop++) {
    let response: Response;
    try {
      response = await doFetch(url, { method, headers, body, signal, redirect: 'manual' });
    } catch (error) {
      throw aborted(error);
    }

    const location = response.headers.get('location');
    if (REDIRECTS.has(response.status) && location) {
      await response.body?.cancel().catch(() => {});
      if (hop >= maxRedirects) {
        throw fail('fatal', `redirected more than ${maxRedirects} times`, { code: 'REDIRECTS' });
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw fail('fatal', `returned ${response.status} with an invalid Location`, {
          status: response.status,
          code: 'REDIRECTS',
        });
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw fail('fatal', `redirected to a non-http(s) URL`, { code: 'REDIRECTS' });
      }
      const toGet =
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST');
      if (toGet) {
        method = 'GET';
        body = undefined;
      }
      if (next.origin !== new URL(url).origin) {
        // Credentials live in headers (Authorization, X-Api-Key ...): another origin gets none.
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => name.toLowerCase() === 'accept'),
        );
      } else if (toGet) {
        headers = Object.fromEntries(
          Object.entries(headers).filter(([name]) => !/^content-/i.test(name)),
        );
      }
      url = next.href;
      continue;
    }

    let bytes: Uint8Array;
    try {
      bytes = await readLimited(response, maxBytes);
    } catch (error) {
      if (error instanceof TooLarge) {
        throw fail('fatal', `returned a response larger than ${maxBytes} bytes (the limit)`, {
          status: response.status,
          code: 'TOO_LARGE',
        });
      }
      throw aborted(error);
    }
    const text = new TextDecoder().decode(bytes);
    const status = response.status;
    if (status >= 400) {
      const kind = classifyStatus(status);
      const retryAfter = retryDelayFromHeaders({
        status,
        headers: response.headers,
        rules: opts.rateLimit,
      });
      const reason = response.statusText || STATUS_CODES[status] || '';
      // Redact before cutting: a cut through a secret would leave a prefix no redactor matches.
      const snippet = excerpt(opts.redact(text));
      throw fail(
        kind,
        `returned ${status}${reason ? ` ${reason}` : ''}${snippet ? `: ${snippet}` : ''}`,
        {
          status,
          code: `HTTP_${status}`,
          ...(kind === 'rate_limited' ? { retryAfterMs: clampRetryAfter(retryAfter) } : {}),
          ...(kind === 'retryable' && retryAfter !== undefined
            ? { retryAfterMs: clampRetryAfter(retryAfter) }
            : {}),
        },
      );
    }
    return {
      status,
      headers: responseHeaders(response.headers),
      body: parseResponseBody(text, response.headers.get('content-type')),
      durationMs: Math.round(performance.now() - started),
      bytes: bytes.byteLength,
    };
  }
}
