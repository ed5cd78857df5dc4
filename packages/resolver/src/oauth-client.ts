import type { Integration } from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import {
  configFromTemplate,
  getTemplate,
  type OAuthClientConfig,
  type OAuthSettings,
  permissionScopes,
} from '@latchkey/oauth';
import { integrationClientSecretContext, type Vault } from '@latchkey/vault';

/** The integration cannot do OAuth as configured; the message says what to set. */
export class OAuthNotConfiguredError extends Error {
  override readonly name = 'OAuthNotConfiguredError';
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Plain http is refused for token endpoints, except on this machine (local providers, tests). */
function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

export interface OAuthClientDeps {
  vault: Pick<Vault, 'openText'>;
  /** Tenant egress: the authorize, token and revoke URLs are a tenant's to write. */
  egress: Pick<EgressPolicy, 'checkUrl' | 'fetch'>;
}

/**
 * The OAuth client for an integration: its template's provider facts, overridden by what the
 * tenant stored, with the client secret opened from the vault for this call only.
 *
 * Invariant: every endpoint passes the egress policy here (an EgressRefusedError naming the
 * host and reason, before any secret is sent), and every request the flows make goes out through
 * the policy's fetch, so the connection itself is checked too.
 */
export async function oauthClientFor(
  deps: OAuthClientDeps,
  integration: Integration,
): Promise<{ config: OAuthClientConfig; requiredScopes: string[] }> {
  const stored = integration.oauth;
  if (!stored?.clientId) {
    throw new OAuthNotConfiguredError(
      `integration '${integration.id}' has no OAuth client: set oauth.clientId (and oauth.clientSecret) first`,
    );
  }
  const clientSecret = integration.encrypted_oauth_client_secret
    ? await deps.vault.openText(
        integrationClientSecretContext(integration.tenant_id, integration.id),
        integration.encrypted_oauth_client_secret,
      )
    : undefined;
  const template = integration.template_id
    ? getTemplate(integration.template_id)?.oauth
    : undefined;
  const authorizeUrl = stored.authorizeUrl ?? template?.authorizeUrl;
  const tokenUrl = stored.tokenUrl ?? template?.tokenUrl;
  if (!authorizeUrl || !tokenUrl) {
    throw new OAuthNotConfiguredError(
      `integration '${integration.id}' needs oauth.authorizeUrl and oauth.tokenUrl (or an OAuth template)`,
    );
  }
  const base: OAuthSettings = template ?? {
    authorizeUrl,
    tokenUrl,
    defaultScopes: [],
    scopeSeparator: ' ',
    pkce: 'supported',
    clientAuthMethod: clientSecret ? 'client_secret_basic' : 'none',
    refreshTokens: 'static',
    accessTokenExpires: true,
    grantTypes: ['authorization_code'],
  };
  const config = configFromTemplate(base, {
    clientId: stored.clientId,
    clientSecret,
    scopes: stored.scopes,
    authorizeUrl,
    tokenUrl,
    revokeUrl: stored.revokeUrl,
    extraAuthorizeParams: stored.extraAuthorizeParams,
    clientAuthMethod: stored.clientAuthMethod,
    pkce: stored.pkce,
    scopeSeparator: stored.scopeSeparator,
    allowInsecureHttp: isLoopback(tokenUrl) && isLoopback(authorizeUrl),
    fetch: deps.egress.fetch,
  });
  for (const url of [config.authorizeUrl, config.tokenUrl, config.refreshUrl, config.revokeUrl]) {
    if (url) await deps.egress.checkUrl(url);
  }
  return { config, requiredScopes: requiredScopesOf(integration, config.scopes) };
}

/**
 * The scopes a connection must have been granted: `oauth.requiredScopes`, else the requested
 * scopes, less identity and offline-access requests and what the provider never reports.
 */
export function requiredScopesOf(
  integration: Pick<Integration, 'oauth' | 'template_id'>,
  requested?: readonly string[],
): string[] {
  const stored = integration.oauth;
  const template = integration.template_id ? getTemplate(integration.template_id) : undefined;
  const required = stored?.requiredScopes ?? requested ?? stored?.scopes ?? [];
  return permissionScopes(required, template?.oauth?.unreportedScopes);
}
