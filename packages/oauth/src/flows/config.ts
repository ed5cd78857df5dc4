import { encodeComponent, parseTemplate } from '@latchkey/credential-mapper';
import * as oauth from 'oauth4webapi';
import type {
  ClientAuthMethod,
  OAuthSettings,
  PkceSupport,
  ScopeSeparator,
} from '../catalogue/schema';
import { configError } from './errors';
import { asksOfflineAccess } from './scopes';

/** Everything a flow needs to talk to one provider for one OAuth client. */
export interface OAuthClientConfig {
  authorizeUrl: string;
  tokenUrl: string;
  /** Refresh grants go here instead of `tokenUrl` when set (Figma). */
  refreshUrl?: string;
  revokeUrl?: string;
  clientId: string;
  clientSecret?: string;
  clientAuthMethod: ClientAuthMethod;
  scopes: string[];
  scopeSeparator: ScopeSeparator;
  pkce: PkceSupport;
  extraAuthorizeParams?: Record<string, string>;
  /** How the token response reports granted scopes; `none`: never (taken as requested). */
  grantedScopes?: 'space' | 'comma' | 'none';
  /**
   * The provider's issuer identifier. When set, an `iss` in the authorization callback must equal
   * it (RFC 9207 mix-up defence); when unset, a callback `iss` is ignored, since templates do not
   * know every provider's issuer.
   */
  issuer?: string;
  /** Allows http:// endpoints. Loopback test servers only. */
  allowInsecureHttp?: boolean;
  fetch?: typeof fetch;
  /** Per HTTP request; defaults to 30 s. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** What an integration adds to a template's OAuth settings. */
export interface ConfigOverrides {
  clientId: string;
  clientSecret?: string;
  scopes?: string[];
  authorizeUrl?: string;
  tokenUrl?: string;
  refreshUrl?: string;
  revokeUrl?: string;
  clientAuthMethod?: ClientAuthMethod;
  pkce?: PkceSupport;
  scopeSeparator?: ScopeSeparator;
  /** Merged over the template's. */
  extraAuthorizeParams?: Record<string, string>;
  /** For integrations without a template: whether `offline_access` needs `prompt=consent`. */
  offlineAccessConsent?: boolean;
  issuer?: string;
  allowInsecureHttp?: boolean;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Replaces `<<name>>` in a URL with the percent-encoded value, so a value cannot add a path, a
 * query or a userinfo part (`evil.com/x?` stays inside the host label and fails to parse).
 */
function fillUrl(template: string, placeholders: Record<string, string>, field: string): string {
  const filled = parseTemplate(template)
    .map((part) => {
      if (part.kind === 'text') return part.text;
      const value = placeholders[part.name];
      if (value === undefined || value === '') {
        throw configError(`OAuth ${field} needs a value for <<${part.name}>>`);
      }
      return encodeComponent(value);
    })
    .join('');
  if (!URL.canParse(filled)) throw configError(`OAuth ${field} is not a valid URL`);
  return filled;
}

function fillParams(
  params: Record<string, string>,
  placeholders: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, template] of Object.entries(params)) {
    out[key] = parseTemplate(template)
      .map((part) => {
        if (part.kind === 'text') return part.text;
        const value = placeholders[part.name];
        if (value === undefined) {
          throw configError(`OAuth authorize parameter ${key} needs a value for <<${part.name}>>`);
        }
        // The authorize URL builder encodes query values; encoding here would double it.
        return value;
      })
      .join('');
  }
  return out;
}

/**
 * A client configuration from a template's `oauth` block and the integration's settings:
 * overrides win, scopes default to the template's, and `<<placeholders>>` (Shopify's `shop`,
 * Zendesk's `subdomain`) are filled in every URL and authorize parameter.
 */
export function configFromTemplate(
  template: OAuthSettings,
  overrides: ConfigOverrides,
  placeholders: Record<string, string> = {},
): OAuthClientConfig {
  const refreshUrl = overrides.refreshUrl ?? template.refreshUrl;
  const revokeUrl = overrides.revokeUrl ?? template.revokeUrl;
  const scopes = [...(overrides.scopes ?? template.defaultScopes)];
  const extra: Record<string, string> = {
    ...template.extraAuthorizeParams,
    ...overrides.extraAuthorizeParams,
  };
  // OpenID Connect servers drop offline_access (no refresh token) unless consent is asked for.
  const consent = overrides.offlineAccessConsent ?? template.offlineAccessConsent ?? true;
  if (consent && asksOfflineAccess(scopes) && extra.prompt === undefined) extra.prompt = 'consent';
  const config: OAuthClientConfig = {
    authorizeUrl: fillUrl(
      overrides.authorizeUrl ?? template.authorizeUrl,
      placeholders,
      'authorizeUrl',
    ),
    tokenUrl: fillUrl(overrides.tokenUrl ?? template.tokenUrl, placeholders, 'tokenUrl'),
    clientId: overrides.clientId,
    clientAuthMethod: overrides.clientAuthMethod ?? template.clientAuthMethod,
    scopes,
    scopeSeparator: overrides.scopeSeparator ?? template.scopeSeparator,
    pkce: overrides.pkce ?? template.pkce,
  };
  if (template.grantedScopes) config.grantedScopes = template.grantedScopes;
  if (refreshUrl) config.refreshUrl = fillUrl(refreshUrl, placeholders, 'refreshUrl');
  if (revokeUrl) config.revokeUrl = fillUrl(revokeUrl, placeholders, 'revokeUrl');
  if (Object.keys(extra).length) config.extraAuthorizeParams = fillParams(extra, placeholders);
  if (overrides.clientSecret !== undefined) config.clientSecret = overrides.clientSecret;
  if (overrides.issuer !== undefined) config.issuer = overrides.issuer;
  if (overrides.allowInsecureHttp !== undefined)
    config.allowInsecureHttp = overrides.allowInsecureHttp;
  if (overrides.fetch !== undefined) config.fetch = overrides.fetch;
  if (overrides.timeoutMs !== undefined) config.timeoutMs = overrides.timeoutMs;
  return config;
}

/** Joins scopes for a request. `+` means "a space, form-encoded", so it is sent as a space. */
export function joinRequestScopes(scopes: readonly string[], separator: ScopeSeparator): string {
  return scopes.join(separator === '+' ? ' ' : separator);
}

/** The granted scope string split on the provider's separator and on spaces; empty parts dropped. */
export function parseScopes(scope: string, separator: ScopeSeparator): string[] {
  const pattern = separator === ',' ? /[\s,]+/ : separator === '+' ? /[\s+]+/ : /\s+/;
  return scope.split(pattern).filter((s) => s.length > 0);
}

/**
 * The scopes a token response granted: null (as requested, RFC 6749 §5.1) when it names none or
 * the provider never reports them, else split as the provider writes them.
 */
export function grantedScopesOf(
  scope: unknown,
  config: Pick<OAuthClientConfig, 'grantedScopes' | 'scopeSeparator'>,
): string[] | null {
  if (typeof scope !== 'string' || config.grantedScopes === 'none') return null;
  const separator = config.grantedScopes === 'comma' ? ',' : config.scopeSeparator;
  return parseScopes(scope, separator);
}

/** https unless the configuration allows http for a loopback test server. */
export function checkEndpoint(url: string, config: OAuthClientConfig, field: string): URL {
  if (!URL.canParse(url)) throw configError(`OAuth ${field} is not a valid URL`);
  const parsed = new URL(url);
  const allowed = config.allowInsecureHttp ? ['https:', 'http:'] : ['https:'];
  if (!allowed.includes(parsed.protocol)) {
    throw configError(`OAuth ${field} must use ${allowed.join(' or ')}`);
  }
  return parsed;
}

/**
 * oauth4webapi's view of the provider. We have no discovery document, so the metadata is built
 * from the configured endpoints; the issuer is only known when configured.
 */
export function authorizationServer(
  config: OAuthClientConfig,
  tokenEndpoint: string = config.tokenUrl,
): oauth.AuthorizationServer {
  return {
    issuer: config.issuer ?? new URL(config.tokenUrl).origin,
    authorization_endpoint: config.authorizeUrl,
    token_endpoint: tokenEndpoint,
    ...(config.revokeUrl ? { revocation_endpoint: config.revokeUrl } : {}),
  };
}

export function oauthClient(config: OAuthClientConfig): oauth.Client {
  return { client_id: config.clientId };
}

export function clientAuth(config: OAuthClientConfig): oauth.ClientAuth {
  if (config.clientAuthMethod === 'none') return oauth.None();
  if (!config.clientSecret) {
    throw configError(
      `OAuth client authentication ${config.clientAuthMethod} needs a client secret`,
    );
  }
  return config.clientAuthMethod === 'client_secret_basic'
    ? oauth.ClientSecretBasic(config.clientSecret)
    : oauth.ClientSecretPost(config.clientSecret);
}

/** Transport options shared by every oauth4webapi request: timeout, http opt-in, custom fetch. */
export function requestOptions(
  config: OAuthClientConfig,
): oauth.HttpRequestOptions<'POST', URLSearchParams> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const options: oauth.HttpRequestOptions<'POST', URLSearchParams> = {
    signal: () => AbortSignal.timeout(timeoutMs),
  };
  // Deprecated in oauth4webapi on purpose, to stand out: only loopback tests set it.
  if (config.allowInsecureHttp) options[oauth.allowInsecureRequests] = true;
  const customFetch = config.fetch;
  if (customFetch) options[oauth.customFetch] = (url, init) => customFetch(url, init);
  return options;
}
