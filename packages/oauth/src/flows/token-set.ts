import type { RecognizedTokenTypes, TokenEndpointResponse } from 'oauth4webapi';
import { grantedScopesOf, type OAuthClientConfig } from './config';

/** Tokens from one successful token endpoint response. */
export interface TokenSet {
  accessToken: string;
  /** null when the response carried none: the caller keeps the refresh token it has. */
  refreshToken: string | null;
  /** As the provider sent it, lower-cased (`bearer`); `bearer` when the provider sent none. */
  tokenType: string;
  /** null = the provider gave no expiry. */
  expiresAt: Date | null;
  /** When the response arrived: with `expiresAt`, the token's lifetime. */
  obtainedAt: Date;
  /** The granted scope from the response; null when absent (RFC 6749: then as requested). */
  scopes: string[] | null;
  /** Passed through, not validated: Latchkey uses tokens for API access, not for sign-in. */
  idToken?: string;
  /** The other response fields, with every token and secret removed (also nested, e.g. Slack's `authed_user`). */
  raw: Record<string, unknown>;
}

/** Keys whose values are credentials: `access_token`, `bot_token`, `client_secret`, `password`. */
const SECRET_KEY = /token$|secret|password/i;

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!SECRET_KEY.test(key)) out[key] = withoutSecrets(item);
  }
  return out;
}

export function toTokenSet(
  response: TokenEndpointResponse,
  idToken: string | undefined,
  config: Pick<OAuthClientConfig, 'grantedScopes' | 'scopeSeparator'>,
  receivedAt: number,
): TokenSet {
  const expiresIn = response.expires_in;
  const tokenSet: TokenSet = {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    tokenType: response.token_type,
    expiresAt:
      typeof expiresIn === 'number' && Number.isFinite(expiresIn)
        ? new Date(receivedAt + expiresIn * 1000)
        : null,
    obtainedAt: new Date(receivedAt),
    scopes: grantedScopesOf(response.scope, config),
    raw: withoutSecrets(response) as Record<string, unknown>,
  };
  if (idToken !== undefined) tokenSet.idToken = idToken;
  return tokenSet;
}

export interface PreparedResponse {
  response: Response;
  idToken?: string;
  recognizedTokenTypes?: RecognizedTokenTypes;
}

function isJson(response: Response): boolean {
  return /\bjson\b/i.test(response.headers.get('content-type') ?? '');
}

/**
 * Makes a successful token response acceptable to oauth4webapi without weakening what matters:
 * - the ID token is taken out, because oauth4webapi would check its `iss` against an issuer that
 *   templates do not know (and Microsoft's differs per tenant); we do not use its claims;
 * - a missing `token_type` becomes `bearer`, and a provider's own type (Slack's `bot`) is
 *   accepted, since the token is sent as the template says regardless.
 * Error responses pass through untouched, so oauth4webapi classifies them.
 */
export async function prepareTokenResponse(response: Response): Promise<PreparedResponse> {
  if (response.status !== 200 || !isJson(response)) return { response };
  const text = await response.text();
  const rebuilt = (body: string) => {
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { response: rebuilt(text) };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { response: rebuilt(text) };
  }
  const { id_token: idToken, ...rest } = body as Record<string, unknown>;
  if (rest.token_type === undefined && typeof rest.access_token === 'string') {
    rest.token_type = 'bearer';
  }
  const prepared: PreparedResponse = { response: rebuilt(JSON.stringify(rest)) };
  if (typeof idToken === 'string') prepared.idToken = idToken;
  if (typeof rest.token_type === 'string') {
    const type = rest.token_type.toLowerCase() as Lowercase<string>;
    if (type !== 'bearer' && type !== 'dpop') {
      prepared.recognizedTokenTypes = { [type]: () => undefined };
    }
  }
  return prepared;
}
