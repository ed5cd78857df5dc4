import { InvalidInputError } from '../errors';

/**
 * OAuth values given the documentation's way, inside an integration's `credentials`
 * (`{ client_id, client_secret, access_token, refresh_token }`): on an OAuth integration they
 * are the OAuth client and the integration's own tokens, not credentials to place in requests.
 */
export interface OAuthCredentials {
  clientId?: string;
  clientSecret?: string;
  /** Requested scopes, from `scopes` (space- or comma-separated). */
  scopes?: string[];
  /** The integration's own tokens, kept in its own connection and refreshed like any. */
  tokens?: { access_token?: string; refresh_token?: string };
  expiresAt?: Date;
  /** The credential names taken out of the bag, for the response and the audit log. */
  taken: string[];
  /** What stays in the integration's credential bag. */
  rest: Record<string, string>;
}

const CLIENT = { client_id: 'clientId', client_secret: 'clientSecret' } as const;
const TOKENS = ['access_token', 'refresh_token'] as const;
const EXPIRY = ['expires_at', 'expires_in'] as const;
const SCOPES = ['scopes', 'scope'] as const;

/** `expires_at` as an ISO date, epoch seconds or epoch milliseconds; `expires_in` in seconds. */
export function parseExpiry(name: string, value: string, now = Date.now()): Date {
  const trimmed = value.trim();
  const field = `credentials.${name}`;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    if (name === 'expires_in') return new Date(now + n * 1000);
    // Epoch milliseconds have 13 digits until the year 2286; seconds have 10.
    return new Date(n >= 1e12 ? n : n * 1000);
  }
  if (name === 'expires_in') throw new InvalidInputError(field, 'must be a number of seconds');
  const date = new Date(trimmed);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidInputError(field, 'must be an ISO 8601 date or epoch seconds');
  }
  return date;
}

export function splitOAuthCredentials(credentials: Record<string, string>): OAuthCredentials {
  const rest = { ...credentials };
  const out: OAuthCredentials = { taken: [], rest };
  const take = (name: string): string | undefined => {
    const value = rest[name];
    if (value === undefined) return undefined;
    delete rest[name];
    out.taken.push(name);
    return value;
  };
  for (const [name, field] of Object.entries(CLIENT)) {
    const value = take(name);
    if (value !== undefined) out[field] = value;
  }
  for (const name of TOKENS) {
    const value = take(name);
    if (value !== undefined) out.tokens = { ...out.tokens, [name]: value };
  }
  for (const name of EXPIRY) {
    const value = take(name);
    if (value !== undefined) out.expiresAt = parseExpiry(name, value);
  }
  for (const name of SCOPES) {
    const value = take(name);
    if (value !== undefined) out.scopes = value.split(/[\s,]+/).filter(Boolean);
  }
  if (out.expiresAt && !out.tokens?.access_token) {
    throw new InvalidInputError('credentials.expires_at', 'is given without an access_token');
  }
  return out;
}
