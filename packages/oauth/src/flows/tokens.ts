import * as oauth from 'oauth4webapi';
import { validateCallback } from './authorize';
import {
  authorizationServer,
  checkEndpoint,
  clientAuth,
  joinRequestScopes,
  type OAuthClientConfig,
  oauthClient,
  requestOptions,
} from './config';
import { configError, OAuthFlowError, toFlowError } from './errors';
import { prepareTokenResponse, type TokenSet, toTokenSet } from './token-set';

type Process = (
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  response: Response,
  options?: oauth.ProcessTokenResponseOptions,
) => Promise<oauth.TokenEndpointResponse>;

/** Sends one token request and turns the answer into a TokenSet or an OAuthFlowError. */
async function tokenRequest(
  config: OAuthClientConfig,
  tokenEndpoint: string,
  action: string,
  secrets: (string | null | undefined)[],
  send: (as: oauth.AuthorizationServer, auth: oauth.ClientAuth) => Promise<Response>,
  process: Process,
): Promise<TokenSet> {
  const context = { action, secrets: [...secrets, config.clientSecret] };
  let tokens: oauth.TokenEndpointResponse | undefined;
  try {
    checkEndpoint(tokenEndpoint, config, 'tokenUrl');
    const as = authorizationServer(config, tokenEndpoint);
    const response = await send(as, clientAuth(config));
    const receivedAt = Date.now();
    const prepared = await prepareTokenResponse(response);
    tokens = await process(as, oauthClient(config), prepared.response, {
      ...(prepared.recognizedTokenTypes
        ? { recognizedTokenTypes: prepared.recognizedTokenTypes }
        : {}),
    });
    return toTokenSet(tokens, prepared.idToken, config, receivedAt);
  } catch (error) {
    throw toFlowError(error, {
      ...context,
      secrets: [...context.secrets, tokens?.access_token, tokens?.refresh_token],
    });
  }
}

/**
 * Completes the authorization code flow: checks the callback (state, provider errors), then
 * exchanges the code, with the PKCE verifier when one was made.
 */
export async function exchangeCode(
  config: OAuthClientConfig,
  options: {
    /** The full URL the provider redirected to, with `code` and `state`. */
    callbackUrl: string;
    expectedState: string;
    redirectUri: string;
    codeVerifier: string | null;
  },
): Promise<TokenSet> {
  const params = validateCallback(config, options.callbackUrl, options.expectedState);
  const code = params.get('code');
  if (!code) {
    throw new OAuthFlowError({
      kind: 'permanent',
      code: 'invalid_callback',
      message: 'OAuth callback carries no authorization code',
    });
  }
  if (config.pkce === 'required' && !options.codeVerifier) {
    throw configError('OAuth provider requires PKCE but no code verifier was kept');
  }
  return tokenRequest(
    config,
    config.tokenUrl,
    'code exchange',
    [code, options.codeVerifier],
    (as, auth) =>
      oauth.authorizationCodeGrantRequest(
        as,
        oauthClient(config),
        auth,
        params,
        options.redirectUri,
        // nopkce is deprecated to stand out; providers that reject PKCE parameters need it.
        options.codeVerifier ?? oauth.nopkce,
        requestOptions(config),
      ),
    oauth.processAuthorizationCodeResponse,
  );
}

/**
 * Refreshes an access token. With rotating refresh tokens the result's `refreshToken` replaces the
 * stored one at once (the old one is usually dead); null means "keep the one you have".
 */
export async function refreshTokens(
  config: OAuthClientConfig,
  refreshToken: string,
): Promise<TokenSet> {
  return tokenRequest(
    config,
    config.refreshUrl ?? config.tokenUrl,
    'refresh',
    [refreshToken],
    (as, auth) =>
      oauth.refreshTokenGrantRequest(
        as,
        oauthClient(config),
        auth,
        refreshToken,
        requestOptions(config),
      ),
    oauth.processRefreshTokenResponse,
  );
}

/** The client credentials grant, with the configured scopes unless others are given. */
export async function clientCredentials(
  config: OAuthClientConfig,
  options: { scopes?: string[] } = {},
): Promise<TokenSet> {
  const scopes = options.scopes ?? config.scopes;
  const parameters = new URLSearchParams();
  if (scopes.length) parameters.set('scope', joinRequestScopes(scopes, config.scopeSeparator));
  return tokenRequest(
    config,
    config.tokenUrl,
    'client credentials grant',
    [],
    (as, auth) =>
      oauth.clientCredentialsGrantRequest(
        as,
        oauthClient(config),
        auth,
        parameters,
        requestOptions(config),
      ),
    oauth.processClientCredentialsResponse,
  );
}

/**
 * Revokes a token at the provider (RFC 7009). Throws `revocation_unsupported` when the provider has
 * no revocation endpoint: the caller then just forgets the token.
 */
export async function revokeToken(
  config: OAuthClientConfig,
  token: string,
  hint?: 'access_token' | 'refresh_token',
): Promise<void> {
  const { revokeUrl } = config;
  if (!revokeUrl) {
    throw new OAuthFlowError({
      kind: 'permanent',
      code: 'revocation_unsupported',
      message: 'OAuth provider has no revocation endpoint',
    });
  }
  try {
    checkEndpoint(revokeUrl, config, 'revokeUrl');
    const response = await oauth.revocationRequest(
      authorizationServer(config),
      oauthClient(config),
      clientAuth(config),
      token,
      {
        ...requestOptions(config),
        ...(hint ? { additionalParameters: { token_type_hint: hint } } : {}),
      },
    );
    await oauth.processRevocationResponse(response);
  } catch (error) {
    throw toFlowError(error, { action: 'revocation', secrets: [token, config.clientSecret] });
  }
}
