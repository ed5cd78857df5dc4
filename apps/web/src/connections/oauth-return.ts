import { paths } from '../paths';

/**
 * After the provider, the api's /oauth/callback sends the browser back to the console URL the
 * flow started with, adding `integrationId`, `userId` and `status`, or `error` on failure.
 */
export type OAuthReturn =
  | { kind: 'connected'; userId: string; status: string }
  | { kind: 'failed'; error: string };

export function oauthReturnUrl(integrationId: string, origin = window.location.origin): string {
  return `${origin}${paths.integration(integrationId)}`;
}

export function readOAuthReturn(search: URLSearchParams): OAuthReturn | null {
  const error = search.get('error');
  if (error) return { kind: 'failed', error };
  const status = search.get('status');
  const userId = search.get('userId');
  if (status && userId) return { kind: 'connected', userId, status };
  return null;
}

const CONNECT_ERRORS: Record<string, string> = {
  access_denied: 'access was denied at the provider',
  invalid_state: 'the sign-in took too long or was already used; start again',
  exchange_failed: 'the provider did not issue tokens',
  redirect_uri_mismatch: 'the flow was started for another callback URL',
  integration_gone: 'the integration no longer exists',
  oauth_not_configured: 'the integration has no complete OAuth settings',
  invalid_link: 'the connect link is not valid',
  expired_link: 'the connect link has expired',
};

export function describeConnectError(code: string): string {
  return CONNECT_ERRORS[code] ?? `the provider or the api reported '${code}'`;
}
