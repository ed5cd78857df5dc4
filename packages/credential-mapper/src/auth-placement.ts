import type { MappingContext, ResolvedCredential } from './context';
import { basicAuthorization } from './encoding';
import { CredentialMappingError } from './errors';
import type { CredentialEntry } from './merge';
import type { AuthScheme } from './types';

/**
 * Where auth goes when the template itself does not put it somewhere.
 *
 * Declared scheme (the integration's, else its template's): applied unless the template already
 * sets the target (the `Authorization` header, the named header or query parameter) or already
 * placed the scheme's credential through a placeholder. The scheme still applies when
 * placeholders used other credentials (`https://<<shop>>.myshopify.com` with a header scheme).
 *
 * No declared scheme: if any placeholder used a credential, the template handled auth and nothing
 * is added. Otherwise the default: the single credential of the `api_key` alias group (key or
 * token) goes as `Authorization: Bearer`; else `username` + `password` go as Basic; else nothing.
 * Several keys or tokens are an error, never a guess.
 */
export type AuthTarget = { kind: 'header'; name: string } | { kind: 'query'; name: string };

export interface AuthAction {
  target: AuthTarget;
  /** The value exactly as it goes on the wire (header) or before percent-encoding (query). */
  value: string;
  credentials: ResolvedCredential[];
  /** What was done and why, without values. */
  reason: string;
  /** Derived secrets to redact as well, such as the `user:password` pair behind Basic. */
  derivedSecrets: string[];
  /** How the credential is written there, for the explanation. */
  encoding: string;
}

export interface HttpAuthState {
  /** Case-insensitive. */
  hasHeader(name: string): boolean;
  hasQuery(name: string): boolean;
}

export type SchemeOrigin = 'integration' | 'template';

const TOKEN_GROUP = { group: 'api_key' } as const;

export function planHttpAuth(
  ctx: MappingContext,
  declared: { scheme: AuthScheme; origin: SchemeOrigin } | undefined,
  state: HttpAuthState,
): AuthAction[] {
  if (!declared) return ctx.usedByPlaceholder.size > 0 ? [] : planDefault(ctx, state);

  const { scheme, origin } = declared;
  // The label is built only when something is placed: the template often sets the target.
  const location = `auth:${scheme.type}`;

  switch (scheme.type) {
    case 'none':
    case 'database':
      return [];
    case 'bearer':
    case 'oauth2': {
      if (state.hasHeader('authorization')) return [];
      const lookup = scheme.credential
        ? { name: scheme.credential }
        : scheme.type === 'oauth2'
          ? { name: 'access_token' }
          : TOKEN_GROUP;
      const found = ctx.findCredential(lookup, location);
      return isUnused(ctx, found) ? [bearer(ctx, found, schemeLabel(scheme, origin))] : [];
    }
    case 'header':
    case 'query': {
      if (scheme.type === 'header' ? state.hasHeader(scheme.name) : state.hasQuery(scheme.name)) {
        return [];
      }
      const target: AuthTarget = { kind: scheme.type, name: scheme.name };
      // Without an explicit credential the target's own name is tried first, so a header
      // `X-SERVICE-API-KEY` finds `api_key`; then the single key or token.
      const found = scheme.credential
        ? ctx.findCredential({ name: scheme.credential }, location)
        : (ctx.findCredential({ name: scheme.name }, location, true) ??
          ctx.findCredential(TOKEN_GROUP, location));
      if (!isUnused(ctx, found)) return [];
      const prefix = scheme.type === 'header' && scheme.prefix ? `${scheme.prefix.trim()} ` : '';
      return [
        {
          target,
          value: `${prefix}${found.entry.value}`,
          credentials: [found],
          reason: `${schemeLabel(scheme, origin)}; ${ctx.describeMatch(found)}`,
          derivedSecrets: [],
          encoding: scheme.type === 'query' ? 'percent-encoded' : 'raw',
        },
      ];
    }
    case 'basic': {
      if (state.hasHeader('authorization')) return [];
      // An empty string names no credential: an empty username or password (APIs that take
      // the key as the Basic username).
      const user =
        scheme.username === ''
          ? undefined
          : ctx.findCredential({ name: scheme.username ?? 'username' }, location);
      const pass =
        scheme.password === ''
          ? undefined
          : ctx.findCredential({ name: scheme.password ?? 'password' }, location);
      const used = [user, pass].filter((c) => c !== undefined);
      if (used.some((c) => ctx.usedByPlaceholder.has(c.entry))) return [];
      return [basic(ctx, user, pass, schemeLabel(scheme, origin))];
    }
  }
}

function schemeLabel(scheme: AuthScheme, origin: SchemeOrigin): string {
  return `auth scheme "${scheme.type}" declared by the ${origin}`;
}

function isUnused(
  ctx: MappingContext,
  found: ResolvedCredential | undefined,
): found is ResolvedCredential {
  return found !== undefined && !ctx.usedByPlaceholder.has(found.entry);
}

function planDefault(ctx: MappingContext, state: HttpAuthState): AuthAction[] {
  if (state.hasHeader('authorization')) return [];
  const label = 'default placement (no auth scheme declared, no credential placeholder used)';
  const token = ctx.findCredential(TOKEN_GROUP, 'auth:default', true);
  if (token) return [bearer(ctx, token, `${label}: the only key or token`)];
  const user = ctx.findCredential({ name: 'username' }, 'auth:default', true);
  const pass = ctx.findCredential({ name: 'password' }, 'auth:default', true);
  if (user && pass) return [basic(ctx, user, pass, `${label}: username and password`)];
  return [];
}

function bearer(ctx: MappingContext, found: ResolvedCredential, label: string): AuthAction {
  return {
    target: { kind: 'header', name: 'Authorization' },
    value: `Bearer ${found.entry.value}`,
    credentials: [found],
    reason: `${label}; ${ctx.describeMatch(found)}`,
    derivedSecrets: [],
    encoding: 'raw, after "Bearer "',
  };
}

function basic(
  ctx: MappingContext,
  user: ResolvedCredential | undefined,
  pass: ResolvedCredential | undefined,
  label: string,
): AuthAction {
  const username = user?.entry.value ?? '';
  const password = pass?.entry.value ?? '';
  // RFC 7617: the user-id cannot contain a colon, the first colon separates the password.
  if (username.includes(':')) throw invalidBasicUser(user?.entry);
  const credentials = [user, pass].filter((c) => c !== undefined);
  return {
    target: { kind: 'header', name: 'Authorization' },
    value: basicAuthorization(username, password),
    credentials,
    reason: `${label}; ${credentials.map((c) => ctx.describeMatch(c)).join(' / ')}`,
    derivedSecrets: [`${username}:${password}`],
    encoding: 'base64 of user:password (Basic)',
  };
}

function invalidBasicUser(entry: CredentialEntry | undefined): CredentialMappingError {
  return new CredentialMappingError(
    'INVALID_CREDENTIAL_VALUE',
    `Credential ${entry?.name ?? 'username'} contains ":" and cannot be a Basic auth username`,
    { placeholder: entry?.name, location: 'header:Authorization' },
  );
}
