import { createRedactor } from '@latchkey/credential-mapper';
import { parseRetryAfter } from '@latchkey/egress';
import {
  AuthorizationResponseError,
  OperationProcessingError,
  RESPONSE_IS_NOT_CONFORM,
  ResponseBodyError,
  UnsupportedOperationError,
  WWWAuthenticateChallengeError,
} from 'oauth4webapi';

/**
 * Invariant: an OAuthFlowError's message, description and fields never hold a token, an
 * authorization code, a PKCE verifier or a client secret. Messages are built from fixed text, OAuth
 * error codes and HTTP statuses; the provider's free-text `error_description` is redacted against
 * every secret of the call and cut short. The library error is not kept as `cause`, because
 * oauth4webapi attaches the callback parameters (with the code) and response bodies (with tokens).
 */

/** `permanent`: retrying cannot help (re-authorise or fix the configuration); `transient`: retry later. */
export type OAuthFlowErrorKind = 'permanent' | 'transient';

export interface OAuthFlowErrorInit {
  kind: OAuthFlowErrorKind;
  /** OAuth error code (`invalid_grant`) or our own (`state_mismatch`, `http_503`, `network`, `timeout`). */
  code: string;
  message: string;
  status?: number;
  retryAfterMs?: number;
  /** The provider's error code when `code` normalises it (GitHub's `bad_refresh_token` -> `invalid_grant`). */
  providerError?: string;
  /** The provider's `error_description`, redacted and truncated. */
  description?: string;
}

export class OAuthFlowError extends Error {
  override readonly name = 'OAuthFlowError';
  readonly kind: OAuthFlowErrorKind;
  readonly code: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly providerError?: string;
  readonly description?: string;

  constructor(init: OAuthFlowErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.code = init.code;
    if (init.status !== undefined) this.status = init.status;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.providerError !== undefined) this.providerError = init.providerError;
    if (init.description !== undefined) this.description = init.description;
  }

  get permanent(): boolean {
    return this.kind === 'permanent';
  }
}

/** RFC 6749 codes that no retry can fix: the grant, the client or the request itself is bad. */
const PERMANENT_CODES = new Set([
  'invalid_request',
  'invalid_grant',
  'invalid_client',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'invalid_scope',
  'access_denied',
  'invalid_target',
]);
/** Codes by which the server itself says "try again". */
const TRANSIENT_CODES = new Set(['temporarily_unavailable', 'server_error', 'slow_down']);

/**
 * Non-standard codes of popular providers, mapped to the RFC code callers act on (an
 * `invalid_grant` marks a connection needs_reauth). GitHub and Slack answer with these, often
 * with HTTP 200.
 */
const CODE_ALIASES: Record<string, string> = {
  bad_verification_code: 'invalid_grant',
  bad_refresh_token: 'invalid_grant',
  incorrect_client_credentials: 'invalid_client',
  invalid_code: 'invalid_grant',
  invalid_refresh_token: 'invalid_grant',
  invalid_client_id: 'invalid_client',
  bad_client_secret: 'invalid_client',
  token_revoked: 'invalid_grant',
  token_expired: 'invalid_grant',
};

const DESCRIPTION_LIMIT = 200;

/** The kind for an OAuth error code and HTTP status: the code decides when it is known. */
export function classify(code: string, status: number | undefined): OAuthFlowErrorKind {
  if (PERMANENT_CODES.has(code)) return 'permanent';
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (status !== undefined && (status === 429 || status >= 500)) return 'transient';
  return 'permanent';
}

/** What the failing call was, for the message and for which secrets to redact. */
export interface ErrorContext {
  /** `code exchange`, `refresh`, `client credentials grant`, `revocation`, `callback`. */
  action: string;
  /** Every secret of the call (client secret, code, verifier, tokens); redacted from descriptions. */
  secrets: (string | null | undefined)[];
}

function safeDescription(text: unknown, context: ErrorContext): string | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  const secrets = context.secrets.filter((s): s is string => typeof s === 'string');
  const redacted = createRedactor(secrets).redactString(text);
  return redacted.length > DESCRIPTION_LIMIT
    ? `${redacted.slice(0, DESCRIPTION_LIMIT)}…`
    : redacted;
}

/** An OAuthFlowError for an OAuth error code from a response or a callback. */
function fromOAuthError(
  rawCode: string,
  status: number | undefined,
  description: unknown,
  retryAfterMs: number | undefined,
  context: ErrorContext,
): OAuthFlowError {
  const providerCode = safeCode(rawCode);
  const code = CODE_ALIASES[providerCode] ?? providerCode;
  const text = safeDescription(description, context);
  const notes = [
    ...(code !== providerCode ? [providerCode] : []),
    ...(status !== undefined ? [`HTTP ${status}`] : []),
  ];
  const statusText = notes.length ? ` (${notes.join(', ')})` : '';
  return new OAuthFlowError({
    kind: classify(code, status),
    code,
    message: `OAuth ${context.action} failed: ${code}${statusText}${text ? `: ${text}` : ''}`,
    ...(status !== undefined ? { status } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(code !== providerCode ? { providerError: providerCode } : {}),
    ...(text ? { description: text } : {}),
  });
}

/** An OAuth error code is a short token; anything else is not echoed. */
function safeCode(code: string): string {
  return /^[\w.-]{1,64}$/.test(code) ? code : 'invalid_error_code';
}

function fromStatus(
  status: number,
  retryAfterMs: number | undefined,
  context: ErrorContext,
): OAuthFlowError {
  const code = `http_${status}`;
  return new OAuthFlowError({
    kind: classify(code, status),
    code,
    message: `OAuth ${context.action} failed: HTTP ${status}`,
    status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
}

function retryAfterOf(response: Response | undefined): number | undefined {
  return parseRetryAfter(response?.headers.get('retry-after'));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A network failure's low-level code (`ECONNREFUSED`), which names no secret. */
function networkCode(error: Error): string | undefined {
  const cause: unknown = error.cause;
  if (isObject(cause) && typeof cause.code === 'string' && /^[A-Z_]+$/.test(cause.code)) {
    return cause.code;
  }
  return undefined;
}

/**
 * Turns anything thrown during a flow into an OAuthFlowError with the right kind. Callers pass
 * the secrets of the call so a provider's description that echoes one is redacted.
 */
export function toFlowError(error: unknown, context: ErrorContext): OAuthFlowError {
  if (error instanceof OAuthFlowError) return error;

  if (error instanceof ResponseBodyError) {
    return fromOAuthError(
      error.error,
      error.status,
      error.error_description,
      retryAfterOf(error.response),
      context,
    );
  }
  if (error instanceof WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    const code = challenge?.parameters.error;
    const retryAfterMs = retryAfterOf(error.response);
    if (code) {
      return fromOAuthError(
        code,
        error.status,
        challenge.parameters.error_description,
        retryAfterMs,
        context,
      );
    }
    return fromStatus(error.status, retryAfterMs, context);
  }
  if (error instanceof AuthorizationResponseError) {
    return callbackError(error.error, error.error_description, context);
  }
  if (error instanceof OperationProcessingError) {
    const cause: unknown = error.cause;
    // A failed response without an OAuth JSON body (a proxy's 429, an HTML 502): the status decides.
    if (cause instanceof Response && (error.code === RESPONSE_IS_NOT_CONFORM || !cause.ok)) {
      return fromStatus(cause.status, retryAfterOf(cause), context);
    }
    // Some providers (GitHub, Slack) answer errors with HTTP 200 and an `error` field.
    const body = isObject(cause) ? cause.body : undefined;
    if (isObject(body) && typeof body.error === 'string') {
      return fromOAuthError(body.error, 200, body.error_description, undefined, context);
    }
    return new OAuthFlowError({
      kind: 'permanent',
      code: 'invalid_response',
      message: `OAuth ${context.action} failed: the response does not conform to OAuth 2.0 (${error.code ?? 'unknown'})`,
    });
  }
  if (error instanceof UnsupportedOperationError) {
    return new OAuthFlowError({
      kind: 'permanent',
      code: 'unsupported_response',
      message: `OAuth ${context.action} failed: unsupported response (${error.code})`,
    });
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new OAuthFlowError({
      kind: 'transient',
      code: 'timeout',
      message: `OAuth ${context.action} timed out`,
    });
  }
  if (error instanceof TypeError) {
    const code: unknown = (error as { code?: unknown }).code;
    // oauth4webapi's argument checks are TypeErrors with ERR_INVALID_ARG_*: a configuration bug.
    if (typeof code === 'string' && code.startsWith('ERR_INVALID_ARG')) {
      return new OAuthFlowError({
        kind: 'permanent',
        code: 'invalid_config',
        message: `OAuth ${context.action} failed: invalid configuration (${code})`,
      });
    }
    const low = networkCode(error);
    return new OAuthFlowError({
      kind: 'transient',
      code: 'network',
      message: `OAuth ${context.action} failed: network error${low ? ` (${low})` : ''}`,
    });
  }
  // Unknown failures retry: marking a connection needs_reauth for our own bug would be worse.
  return new OAuthFlowError({
    kind: 'transient',
    code: 'unexpected',
    message: `OAuth ${context.action} failed unexpectedly (${error instanceof Error ? error.name : typeof error})`,
  });
}

/** A provider error in the authorization callback: the user must start again, so permanent. */
export function callbackError(
  providerError: string,
  description: unknown,
  context: ErrorContext,
): OAuthFlowError {
  const code = safeCode(providerError);
  const text = safeDescription(description, context);
  return new OAuthFlowError({
    kind: 'permanent',
    code: 'authorization_denied',
    message: `OAuth authorization was not granted: ${code}${text ? `: ${text}` : ''}`,
    providerError: code,
    ...(text ? { description: text } : {}),
  });
}

export function configError(message: string): OAuthFlowError {
  return new OAuthFlowError({ kind: 'permanent', code: 'invalid_config', message });
}
