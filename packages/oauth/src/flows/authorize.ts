import * as oauth from 'oauth4webapi';
import {
  authorizationServer,
  checkEndpoint,
  joinRequestScopes,
  type OAuthClientConfig,
  oauthClient,
} from './config';
import { callbackError, OAuthFlowError, toFlowError } from './errors';

export interface AuthorizationStart {
  /** Where to send the user's browser. */
  url: string;
  /** Store it (hashed) with the user and integration; it must come back unchanged. */
  state: string;
  /** Store it encrypted until the callback; null when the provider does not support PKCE. */
  codeVerifier: string | null;
}

/** Parameters the flow owns: extra parameters from a template cannot replace them. */
const RESERVED = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
]);

/**
 * Builds the authorization URL with a random state and, unless the provider cannot take it,
 * PKCE S256 (sent to providers that merely "support" it as well: harmless where ignored).
 */
export async function startAuthorization(
  config: OAuthClientConfig,
  options: { redirectUri: string; state?: string },
): Promise<AuthorizationStart> {
  const url = checkEndpoint(config.authorizeUrl, config, 'authorizeUrl');
  const state = options.state ?? oauth.generateRandomState();
  const codeVerifier = config.pkce === 'unsupported' ? null : oauth.generateRandomCodeVerifier();

  for (const [key, value] of Object.entries(config.extraAuthorizeParams ?? {})) {
    if (!RESERVED.has(key)) url.searchParams.set(key, value);
  }
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', options.redirectUri);
  if (config.scopes.length) {
    url.searchParams.set('scope', joinRequestScopes(config.scopes, config.scopeSeparator));
  }
  url.searchParams.set('state', state);
  if (codeVerifier) {
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return { url: url.href, state, codeVerifier };
}

/**
 * Checks the callback's state (and issuer, when configured) with oauth4webapi and returns the
 * parameters for the code exchange. A provider error in the callback (the user said no) becomes
 * `authorization_denied`; a wrong or missing state becomes `state_mismatch`. Both are permanent:
 * the user has to start again.
 */
export function validateCallback(
  config: OAuthClientConfig,
  callbackUrl: string,
  expectedState: string,
): URLSearchParams {
  if (!URL.canParse(callbackUrl)) {
    throw new OAuthFlowError({
      kind: 'permanent',
      code: 'invalid_callback',
      message: 'OAuth callback URL is not a valid URL',
    });
  }
  const params = new URL(callbackUrl).searchParams;
  const secrets = [params.get('code'), expectedState, config.clientSecret];
  if (params.get('state') !== expectedState) {
    // Checked here as well so the error is classified by what happened, not by library wording.
    throw new OAuthFlowError({
      kind: 'permanent',
      code: 'state_mismatch',
      message: 'OAuth callback state does not match the state of this authorization',
    });
  }
  // Without a configured issuer there is nothing to compare `iss` with (see OAuthClientConfig).
  if (!config.issuer) params.delete('iss');
  try {
    return oauth.validateAuthResponse(
      authorizationServer(config),
      oauthClient(config),
      params,
      expectedState,
    );
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      throw callbackError(error.error, error.error_description, { action: 'callback', secrets });
    }
    if (
      error instanceof oauth.OperationProcessingError &&
      params.has('iss') &&
      params.get('iss') !== config.issuer
    ) {
      throw new OAuthFlowError({
        kind: 'permanent',
        code: 'issuer_mismatch',
        message: 'OAuth callback comes from a different issuer than configured',
      });
    }
    throw toFlowError(error, { action: 'callback', secrets });
  }
}
