import type { AuthScheme } from '@latchkey/credential-mapper';
import type { IntegrationTemplate, OAuthSettings } from './schema';

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
