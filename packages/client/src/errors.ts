import type { AppRouter } from '@latchkey/api';
import { createRedactor } from '@latchkey/credential-mapper/redact';
import type { inferRouterError, TRPC_ERROR_CODE_KEY } from '@trpc/server';

/** The error shape the api's error formatter sends, inferred from the router. */
type ServerErrorShape = inferRouterError<AppRouter>;

/** One invalid input field, as the api reports it on BAD_REQUEST (`path` like `['oauth', 'tokenUrl']`). */
export type FieldIssue = NonNullable<ServerErrorShape['data']['fields']>[number];

/**
 * What went wrong:
 * - a tRPC code the api sent (`'NOT_FOUND'`, `'BAD_REQUEST'`, `'UNAUTHORIZED'`, `'FORBIDDEN'`,
 *   `'CONFLICT'`, `'PRECONDITION_FAILED'`, `'INTERNAL_SERVER_ERROR'`, ...);
 * - `'NETWORK_ERROR'`: the request never got an answer (connection refused, DNS, TLS, reset,
 *   no fetch available). It may be retried;
 * - `'UNEXPECTED_RESPONSE'`: something answered, but not with a Latchkey API response (an HTML
 *   page from a proxy, a 502 from a load balancer, a wrong endpoint). `httpStatus` says what;
 * - `'CLIENT_CLOSED_REQUEST'`: the call was aborted by its caller (an AbortSignal);
 * - `'TIMEOUT'`: a fetch wrapper gave up (an `AbortSignal.timeout` fired).
 */
export type LatchkeyErrorCode = TRPC_ERROR_CODE_KEY | 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

export interface LatchkeyErrorOptions {
  code: LatchkeyErrorCode;
  httpStatus?: number | null;
  fields?: FieldIssue[] | null;
  path?: string | null;
  retryAfterSeconds?: number | null;
  cause?: unknown;
}

export interface FromErrorOptions {
  /** Strings (such as the API key) that must not appear in the message or the cause chain. */
  redact?: readonly (string | undefined)[];
}

/** Every failed call of LatchkeyClient rejects with one of these. */
export class LatchkeyError extends Error {
  override readonly name = 'LatchkeyError';
  readonly code: LatchkeyErrorCode;
  /** The HTTP status of the answer; null when there was none (network errors, aborts). */
  readonly httpStatus: number | null;
  /** On BAD_REQUEST for invalid input: which fields and why. Null otherwise. */
  readonly fields: FieldIssue[] | null;
  /** The procedure that failed (`integrations.upsert`), when known. */
  readonly path: string | null;
  /** On TOO_MANY_REQUESTS: seconds until the caller may try again (the api's Retry-After). */
  readonly retryAfterSeconds: number | null;

  constructor(message: string, options: LatchkeyErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.httpStatus = options.httpStatus ?? null;
    this.fields = options.fields ?? null;
    this.path = options.path ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }

  /**
   * Turns anything a tRPC call throws (a TRPCClientError, a network failure) into a
   * LatchkeyError. Useful with the raw `client.trpc` client:
   * `await client.trpc.audit.list.query().catch((e) => { throw LatchkeyError.from(e) })`.
   */
  static from(error: unknown, options: FromErrorOptions = {}): LatchkeyError {
    const secrets = (options.redact ?? []).filter((s): s is string => !!s && s.length > 0);
    const mapped = toLatchkeyError(error);
    return secrets.length > 0 ? redactError(mapped, secrets) : mapped;
  }
}

export function isLatchkeyError(error: unknown): error is LatchkeyError {
  return error instanceof LatchkeyError;
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null;

function messageOf(value: unknown, fallback: string): string {
  if (typeof value === 'string' && value) return value;
  if (isObject(value) && typeof value.message === 'string' && value.message) return value.message;
  return fallback;
}

/** An aborted call (AbortSignal), or one a fetch wrapper timed out (AbortSignal.timeout). */
export function abortCode(value: unknown): 'CLIENT_CLOSED_REQUEST' | 'TIMEOUT' | undefined {
  if (!isObject(value)) return undefined;
  if (value.name === 'AbortError') return 'CLIENT_CLOSED_REQUEST';
  if (value.name === 'TimeoutError') return 'TIMEOUT';
  return undefined;
}

export const abortMessage = (code: 'CLIENT_CLOSED_REQUEST' | 'TIMEOUT') =>
  code === 'TIMEOUT' ? 'The request timed out' : 'The request was aborted';

function toLatchkeyError(error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;
  if (!isObject(error)) {
    return new LatchkeyError(messageOf(error, 'Unknown error'), {
      code: 'NETWORK_ERROR',
      cause: error,
    });
  }
  // Our fetch wrapper already classified transport failures; tRPC wraps them as `cause`.
  if (error.cause instanceof LatchkeyError) return error.cause;

  const shape = isObject(error.shape) ? error.shape : undefined;
  const data = isObject(error.data) ? error.data : isObject(shape?.data) ? shape.data : undefined;
  const meta = isObject(error.meta) ? error.meta : undefined;
  const response = isObject(meta?.response) ? meta.response : undefined;
  const status = typeof response?.status === 'number' ? response.status : null;

  if (data && typeof data.code === 'string') {
    return new LatchkeyError(messageOf(error, messageOf(shape, data.code)), {
      code: data.code as LatchkeyErrorCode,
      httpStatus: typeof data.httpStatus === 'number' ? data.httpStatus : status,
      fields: Array.isArray(data.fields) ? (data.fields as FieldIssue[]) : null,
      path: typeof data.path === 'string' ? data.path : null,
      retryAfterSeconds: typeof data.retryAfterSeconds === 'number' ? data.retryAfterSeconds : null,
      cause: error,
    });
  }
  const aborted = abortCode(error) ?? abortCode(error.cause);
  if (aborted) return new LatchkeyError(abortMessage(aborted), { code: aborted, cause: error });
  if (status !== null || error.cause instanceof SyntaxError) {
    const answered = status === null ? 'a response' : `HTTP ${status}`;
    return new LatchkeyError(
      `The server answered ${answered} that is not a Latchkey API response (is the endpoint the api's base URL?)`,
      { code: 'UNEXPECTED_RESPONSE', httpStatus: status, cause: error },
    );
  }
  return new LatchkeyError(messageOf(error, 'The request failed'), {
    code: 'NETWORK_ERROR',
    cause: error,
  });
}

type RedactString = (text: string) => string;

function chainMentions(error: unknown, redact: RedactString, depth = 0): boolean {
  if (depth > 8 || !isObject(error)) return false;
  const text = `${String(error.message ?? '')} ${String(error.stack ?? '')}`;
  if (redact(text) !== text) return true;
  return chainMentions(error.cause, redact, depth + 1);
}

/**
 * Removes secrets from the message, and drops a cause chain that mentions them. The redactor is
 * the credential mapper's (every encoded form of a secret, `[REDACTED]`), bundled into the
 * published client from its small `redact` entry.
 */
function redactError(error: LatchkeyError, secrets: readonly string[]): LatchkeyError {
  const { redactString } = createRedactor(secrets);
  const message = redactString(error.message);
  const leakyCause = chainMentions(error.cause, redactString);
  if (message === error.message && !leakyCause) return error;
  const cause = leakyCause
    ? new Error(redactString(messageOf(error.cause, 'redacted cause')))
    : error.cause;
  const clean = new LatchkeyError(message, {
    code: error.code,
    httpStatus: error.httpStatus,
    fields: error.fields,
    path: error.path,
    retryAfterSeconds: error.retryAfterSeconds,
    cause,
  });
  if (error.stack) clean.stack = redactString(error.stack);
  return clean;
}
