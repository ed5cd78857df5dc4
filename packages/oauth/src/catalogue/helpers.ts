import type { AuthScheme } from '@latchkey/credential-mapper';
import { listPlaceholders } from '@latchkey/credential-mapper';
import type {
  IntegrationTemplate,
  OAuthSettings,
  RateLimitResetFormat,
  RateLimitRules,
} from './schema';

/**
 * OAuth settings with the common case filled in: space-separated scopes, no PKCE, client secret in
 * the token request body, authorization code grant, no default scopes. Every provider states its
 * endpoints and token behaviour explicitly and overrides whatever differs.
 */
export function oauthSettings(
  settings: Pick<
    OAuthSettings,
    'authorizeUrl' | 'tokenUrl' | 'refreshTokens' | 'accessTokenExpires'
  > &
    Partial<OAuthSettings>,
): OAuthSettings {
  return {
    defaultScopes: [],
    scopeSeparator: ' ',
    pkce: 'unsupported',
    clientAuthMethod: 'client_secret_post',
    grantTypes: ['authorization_code'],
    ...settings,
  };
}

type TemplateFields = Omit<IntegrationTemplate, 'auth' | 'credentialNames' | 'oauth'>;

/**
 * An OAuth template: the access token goes as `Authorization: Bearer` unless `auth` says otherwise
 * (which must then carry the `access_token` credential); `credentialNames` lists only what the
 * user supplies besides the tokens (host placeholders, tenant ids).
 */
export function oauthTemplate(
  fields: TemplateFields & {
    oauth: OAuthSettings;
    auth?: AuthScheme;
    credentialNames?: string[];
  },
): IntegrationTemplate {
  const { oauth, auth, credentialNames, ...rest } = fields;
  return {
    ...rest,
    auth: auth ?? { type: 'oauth2' },
    credentialNames: credentialNames ?? [],
    oauth,
  };
}

/** The OAuth access token in a custom header (`X-Shopify-Access-Token`, `Zoho-oauthtoken …`). */
export function tokenHeader(name: string, prefix?: string): AuthScheme {
  return prefix
    ? { type: 'header', name, prefix, credential: 'access_token' }
    : { type: 'header', name, credential: 'access_token' };
}

/** Joins scopes with the provider's separator (the template's default scopes when none given). */
export function joinScopes(oauth: OAuthSettings, scopes: readonly string[] = oauth.defaultScopes) {
  return scopes.join(oauth.scopeSeparator);
}

/** `Authorization: Bearer <credential>`. */
export const bearer = (credential: string): AuthScheme => ({ type: 'bearer', credential });

/** The credential in a header, optionally after a prefix (`Authorization: Token <key>`). */
export const header = (name: string, credential: string, prefix?: string): AuthScheme =>
  prefix ? { type: 'header', name, prefix, credential } : { type: 'header', name, credential };

/** The credential in a query parameter (`?api_key=<key>`). */
export const query = (name: string, credential: string): AuthScheme => ({
  type: 'query',
  name,
  credential,
});

/** HTTP Basic with two credential names ('' for an empty user or password). */
export const basic = (username: string, password: string): AuthScheme => ({
  type: 'basic',
  username,
  password,
});

/**
 * A key-based template. `credentialNames` is derived: the credentials the auth scheme names,
 * then every placeholder of the host, path, headers and verification request (account
 * subdomains, app ids).
 */
export function apiKeyTemplate(
  t: Omit<IntegrationTemplate, 'oauth' | 'credentialNames'>,
): IntegrationTemplate {
  const auth = t.auth;
  const fromAuth =
    auth.type === 'basic'
      ? [auth.username, auth.password]
      : 'credential' in auth
        ? [auth.credential]
        : [];
  const names = [
    ...fromAuth.filter((n): n is string => !!n),
    ...listPlaceholders([t.urlHost, t.urlPath, t.headers ?? {}, t.verify ?? {}]),
  ];
  return { ...t, credentialNames: [...new Set(names)] };
}

/** The provider documents only `Retry-After` (delta-seconds or an HTTP date) on 429s. */
export const RETRY_AFTER: RateLimitRules = { retryAfter: ['Retry-After'] };

/**
 * A provider's reset header and how it counts, the remaining-requests header if documented,
 * and `Retry-After` checked first when the provider sends that too.
 */
export function resetRule(
  header: string,
  format: RateLimitResetFormat,
  options: { remaining?: string; retryAfter?: boolean } = {},
): RateLimitRules {
  return {
    ...(options.retryAfter ? { retryAfter: ['Retry-After'] } : {}),
    reset: [{ header, format }],
    ...(options.remaining ? { remaining: options.remaining } : {}),
  };
}
