import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientCredentials,
  exchangeCode,
  type OAuthClientConfig,
  OAuthFlowError,
  refreshTokens,
  revokeToken,
  scopesMissing,
  startAuthorization,
  type TokenSet,
} from '../src/flows';
import { startTestAuthorizationServer, type TestAuthorizationServer } from '../testing';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const WEB_SECRET = 'web-client-secret-7f3a9c1e5b';
const POST_SECRET = 'post-client-secret-2d8e4f6a0c';
const SERVICE_SECRET = 'service-client-secret-9b1d3f5e7a';

let server: TestAuthorizationServer;
/** Every secret the tests saw, and every OAuthFlowError they caught: checked at the end. */
const secrets = new Set<string>([WEB_SECRET, POST_SECRET, SERVICE_SECRET]);
const caught: OAuthFlowError[] = [];

function remember(tokens: TokenSet): TokenSet {
  secrets.add(tokens.accessToken);
  if (tokens.refreshToken) secrets.add(tokens.refreshToken);
  if (tokens.idToken) secrets.add(tokens.idToken);
  return tokens;
}

/** The OAuthFlowError a promise rejects with (kept for the secret check). */
async function failure(promise: Promise<unknown>): Promise<OAuthFlowError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthFlowError);
    caught.push(error as OAuthFlowError);
    return error as OAuthFlowError;
  }
  throw new Error('expected the call to fail');
}

function webConfig(overrides: Partial<OAuthClientConfig> = {}): OAuthClientConfig {
  return {
    authorizeUrl: server.authorizeUrl,
    tokenUrl: server.tokenUrl,
    revokeUrl: server.revokeUrl,
    clientId: 'web',
    clientSecret: WEB_SECRET,
    clientAuthMethod: 'client_secret_basic',
    scopes: ['read', 'write'],
    scopeSeparator: ' ',
    pkce: 'required',
    allowInsecureHttp: true,
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** The whole authorization code flow for one account: start, sign in, consent, exchange. */
async function connect(config: OAuthClientConfig, accountId = 'alice'): Promise<TokenSet> {
  const start = await startAuthorization(config, { redirectUri: REDIRECT_URI });
  if (start.codeVerifier) secrets.add(start.codeVerifier);
  const callbackUrl = await server.loginAndConsent(start.url, { accountId });
  const code = new URL(callbackUrl).searchParams.get('code');
  if (code) secrets.add(code);
  return remember(
    await exchangeCode(config, {
      callbackUrl,
      expectedState: start.state,
      redirectUri: REDIRECT_URI,
      codeVerifier: start.codeVerifier,
    }),
  );
}

beforeAll(async () => {
  server = await startTestAuthorizationServer({
    accessTokenTtlSeconds: 60,
    clients: [
      {
        clientId: 'web',
        clientSecret: WEB_SECRET,
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token'],
      },
      {
        clientId: 'post',
        clientSecret: POST_SECRET,
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token'],
        tokenEndpointAuthMethod: 'client_secret_post',
      },
      { clientId: 'service', clientSecret: SERVICE_SECRET, grantTypes: ['client_credentials'] },
    ],
  });
});

afterAll(async () => {
  await server?.close();
});

describe('authorization code with PKCE', () => {
  it('connects end to end and the access token is active', async () => {
    const config = webConfig();
    const start = await startAuthorization(config, { redirectUri: REDIRECT_URI });
    const url = new URL(start.url);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBe(start.state);
    expect(url.searchParams.get('scope')).toBe('read write');
    expect(start.codeVerifier).toMatch(/^[\w-]{43,128}$/);

    const callbackUrl = await server.loginAndConsent(start.url, { accountId: 'alice' });
    expect(callbackUrl.startsWith(REDIRECT_URI)).toBe(true);
    const before = Date.now();
    const tokens = remember(
      await exchangeCode(config, {
        callbackUrl,
        expectedState: start.state,
        redirectUri: REDIRECT_URI,
        codeVerifier: start.codeVerifier,
      }),
    );

    expect(tokens.tokenType).toBe('bearer');
    expect(tokens.refreshToken).toEqual(expect.any(String));
    expect(tokens.scopes).toEqual(expect.arrayContaining(['read', 'write']));
    expect(scopesMissing(['read', 'write'], tokens.scopes)).toEqual([]);
    expect(tokens.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 59_000);
    expect(tokens.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 61_000);
    expect(tokens.idToken).toBeUndefined();
    expect(tokens.raw).toMatchObject({ expires_in: 60, token_type: 'bearer' });
    expect(JSON.stringify(tokens.raw)).not.toContain(tokens.accessToken);
    expect(JSON.stringify(tokens.raw)).not.toContain(tokens.refreshToken);

    expect(await server.verifyAccessToken(tokens.accessToken)).toMatchObject({
      active: true,
      clientId: 'web',
      sub: 'alice',
    });
    expect(await server.introspect('not-a-token')).toBe(false);
  });

  it('reports scopes the provider did not grant', async () => {
    const tokens = await connect(webConfig({ scopes: ['read', 'admin'] }));
    expect(tokens.scopes).toContain('read');
    expect(scopesMissing(['read', 'admin'], tokens.scopes)).toEqual(['admin']);
  });

  it('authenticates with client_secret_post', async () => {
    const tokens = await connect(
      webConfig({
        clientId: 'post',
        clientSecret: POST_SECRET,
        clientAuthMethod: 'client_secret_post',
      }),
    );
    expect(await server.introspect(tokens.accessToken)).toBe(true);
  });

  it('works for a public client registered after start', async () => {
    await server.registerClient({
      clientId: 'spa',
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    const config = webConfig({ clientId: 'spa', clientAuthMethod: 'none' });
    delete config.clientSecret;
    const tokens = await connect(config, 'bob');
    expect(await server.verifyAccessToken(tokens.accessToken)).toMatchObject({
      active: true,
      clientId: 'spa',
      sub: 'bob',
    });
  });

  it('passes an ID token through and checks iss when the issuer is configured', async () => {
    const tokens = await connect(webConfig({ scopes: ['openid', 'read'], issuer: server.issuer }));
    expect(tokens.idToken?.split('.')).toHaveLength(3);
    expect(tokens.scopes).toEqual(expect.arrayContaining(['openid', 'read']));

    const config = webConfig({ issuer: 'https://elsewhere.example' });
    const start = await startAuthorization(config, { redirectUri: REDIRECT_URI });
    const callbackUrl = await server.loginAndConsent(start.url, { accountId: 'alice' });
    const error = await failure(
      exchangeCode(config, {
        callbackUrl,
        expectedState: start.state,
        redirectUri: REDIRECT_URI,
        codeVerifier: start.codeVerifier,
      }),
    );
    expect(error).toMatchObject({ code: 'issuer_mismatch', kind: 'permanent' });
  });

  it('rejects a callback with the wrong state before using the code', async () => {
    const config = webConfig();
    const start = await startAuthorization(config, { redirectUri: REDIRECT_URI });
    const callbackUrl = await server.loginAndConsent(start.url, { accountId: 'alice' });
    const code = new URL(callbackUrl).searchParams.get('code');
    if (code) secrets.add(code);
    const calls = server.tokenEndpointCalls();
    const error = await failure(
      exchangeCode(config, {
        callbackUrl,
        expectedState: 'some-other-state',
        redirectUri: REDIRECT_URI,
        codeVerifier: start.codeVerifier,
      }),
    );
    expect(error).toMatchObject({ code: 'state_mismatch', kind: 'permanent' });
    expect(server.tokenEndpointCalls()).toBe(calls);
  });

  it('turns a provider error in the callback into a permanent authorization_denied', async () => {
    const config = webConfig();
    const start = await startAuthorization(config, { redirectUri: REDIRECT_URI });
    const callbackUrl = await server.loginAndConsent(start.url, { accountId: 'alice', deny: true });
    expect(new URL(callbackUrl).searchParams.get('error')).toBe('access_denied');
    const error = await failure(
      exchangeCode(config, {
        callbackUrl,
        expectedState: start.state,
        redirectUri: REDIRECT_URI,
        codeVerifier: start.codeVerifier,
      }),
    );
    expect(error).toMatchObject({
      code: 'authorization_denied',
      providerError: 'access_denied',
      kind: 'permanent',
    });
  });

  it('fails permanently when the code is replayed or the verifier is wrong', async () => {
    const config = webConfig();
    const start = await startAuthorization(config, { redirectUri: REDIRECT_URI });
    const callbackUrl = await server.loginAndConsent(start.url, { accountId: 'alice' });
    const code = new URL(callbackUrl).searchParams.get('code');
    if (code) secrets.add(code);
    const wrong = await failure(
      exchangeCode(config, {
        callbackUrl,
        expectedState: start.state,
        redirectUri: REDIRECT_URI,
        codeVerifier: 'x'.repeat(43),
      }),
    );
    expect(wrong).toMatchObject({ code: 'invalid_grant', kind: 'permanent', status: 400 });

    const exchange = {
      callbackUrl,
      expectedState: start.state,
      redirectUri: REDIRECT_URI,
      codeVerifier: start.codeVerifier,
    };
    remember(await exchangeCode(config, exchange));
    const replayed = await failure(exchangeCode(config, exchange));
    expect(replayed).toMatchObject({ code: 'invalid_grant', kind: 'permanent', status: 400 });
  });
});

describe('refresh', () => {
  it('rotates: a new refresh token, and the old one then fails with invalid_grant', async () => {
    const first = await connect(webConfig());
    const second = remember(await refreshTokens(webConfig(), first.refreshToken!));
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(await server.introspect(second.accessToken)).toBe(true);

    const error = await failure(refreshTokens(webConfig(), first.refreshToken!));
    expect(error).toMatchObject({ code: 'invalid_grant', kind: 'permanent', status: 400 });
  });

  it('keeps the refresh token when the server does not rotate', async () => {
    const staticServer = await startTestAuthorizationServer({
      refreshTokenRotation: false,
      clients: [
        {
          clientId: 'web',
          clientSecret: WEB_SECRET,
          redirectUris: [REDIRECT_URI],
          grantTypes: ['authorization_code', 'refresh_token'],
        },
      ],
    });
    try {
      const config = webConfig({
        authorizeUrl: staticServer.authorizeUrl,
        tokenUrl: staticServer.tokenUrl,
      });
      const start = await startAuthorization(config, { redirectUri: REDIRECT_URI });
      const callbackUrl = await staticServer.loginAndConsent(start.url, { accountId: 'carol' });
      const first = remember(
        await exchangeCode(config, {
          callbackUrl,
          expectedState: start.state,
          redirectUri: REDIRECT_URI,
          codeVerifier: start.codeVerifier,
        }),
      );
      const second = remember(await refreshTokens(config, first.refreshToken!));
      const third = remember(await refreshTokens(config, first.refreshToken!));
      expect([second.refreshToken, third.refreshToken]).toEqual([
        first.refreshToken,
        first.refreshToken,
      ]);
    } finally {
      await staticServer.close();
    }
  });

  it('fails permanently with invalid_grant once the grant is revoked', async () => {
    const tokens = await connect(webConfig(), 'dave');
    expect(await server.revokeAllGrants('dave')).toBeGreaterThanOrEqual(1);
    expect(await server.introspect(tokens.accessToken)).toBe(false);
    const error = await failure(refreshTokens(webConfig(), tokens.refreshToken!));
    expect(error).toMatchObject({ code: 'invalid_grant', kind: 'permanent' });
  });

  it('fails permanently after the client revokes its refresh token (RFC 7009)', async () => {
    const tokens = await connect(webConfig());
    await revokeToken(webConfig(), tokens.refreshToken!, 'refresh_token');
    const error = await failure(refreshTokens(webConfig(), tokens.refreshToken!));
    expect(error).toMatchObject({ code: 'invalid_grant', kind: 'permanent' });
  });

  it('retries through two 503s: transient http_503 twice, then success', async () => {
    const tokens = await connect(webConfig());
    const calls = server.tokenEndpointCalls();
    server.failNextTokenRequests(2);
    for (let i = 0; i < 2; i++) {
      const error = await failure(refreshTokens(webConfig(), tokens.refreshToken!));
      expect(error).toMatchObject({ code: 'http_503', kind: 'transient', status: 503 });
      expect(error.retryAfterMs).toBeUndefined();
    }
    const refreshed = remember(await refreshTokens(webConfig(), tokens.refreshToken!));
    expect(await server.introspect(refreshed.accessToken)).toBe(true);
    expect(server.tokenEndpointCalls()).toBe(calls + 3);
  });

  it('honours Retry-After (seconds or date) and transient OAuth error codes', async () => {
    const tokens = await connect(webConfig());
    server.failNextTokenRequests(1, 429, { retryAfter: 2 });
    const limited = await failure(refreshTokens(webConfig(), tokens.refreshToken!));
    expect(limited).toMatchObject({
      code: 'http_429',
      kind: 'transient',
      status: 429,
      retryAfterMs: 2000,
    });

    // A 5xx is transient whatever its body says (oauth4webapi reads OAuth bodies on 4xx only).
    const at = new Date(Date.now() + 30_000).toUTCString();
    server.failNextTokenRequests(1, 503, { retryAfter: at, error: 'server_error' });
    const busy = await failure(refreshTokens(webConfig(), tokens.refreshToken!));
    expect(busy).toMatchObject({ code: 'http_503', kind: 'transient', status: 503 });
    expect(busy.retryAfterMs).toBeGreaterThan(25_000);
    expect(busy.retryAfterMs).toBeLessThanOrEqual(30_000);

    server.failNextTokenRequests(1, 400, { error: 'temporarily_unavailable' });
    const paused = await failure(refreshTokens(webConfig(), tokens.refreshToken!));
    expect(paused).toMatchObject({ code: 'temporarily_unavailable', kind: 'transient' });

    remember(await refreshTokens(webConfig(), tokens.refreshToken!));
  });
});

describe('client credentials', () => {
  const serviceConfig = (): OAuthClientConfig =>
    webConfig({ clientId: 'service', clientSecret: SERVICE_SECRET, scopes: ['read'] });

  it('issues an active token for the client', async () => {
    const tokens = remember(await clientCredentials(serviceConfig()));
    expect(tokens.refreshToken).toBeNull();
    expect(tokens.scopes).toEqual(['read']);
    expect(tokens.expiresAt).toBeInstanceOf(Date);
    const info = await server.verifyAccessToken(tokens.accessToken);
    expect(info).toMatchObject({ active: true, clientId: 'service', scope: 'read' });
    expect(info.sub).toBeUndefined();

    const wider = remember(await clientCredentials(serviceConfig(), { scopes: ['read', 'write'] }));
    expect(wider.scopes).toEqual(['read', 'write']);
  });

  it('fails permanently with invalid_client on a wrong secret', async () => {
    const error = await failure(
      clientCredentials({ ...serviceConfig(), clientSecret: 'wrong-secret-value-123' }),
    );
    secrets.add('wrong-secret-value-123');
    expect(error).toMatchObject({ code: 'invalid_client', kind: 'permanent', status: 401 });
  });
});

describe('transport failures', () => {
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/token`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('classifies a timeout as transient', async () => {
    const error = await failure(
      refreshTokens(webConfig({ tokenUrl: silentUrl, timeoutMs: 200 }), 'refresh-token-abcdef'),
    );
    secrets.add('refresh-token-abcdef');
    expect(error).toMatchObject({ code: 'timeout', kind: 'transient' });
  });

  it('classifies a refused connection as transient network', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(
      clientCredentials(webConfig({ tokenUrl: `http://127.0.0.1:${port}/token` })),
    );
    expect(error).toMatchObject({ code: 'network', kind: 'transient' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('refuses http endpoints unless allowed', async () => {
    const error = await failure(clientCredentials(webConfig({ allowInsecureHttp: false })));
    expect(error).toMatchObject({ code: 'invalid_config', kind: 'permanent' });
    await expect(
      startAuthorization(webConfig({ allowInsecureHttp: false }), { redirectUri: REDIRECT_URI }),
    ).rejects.toMatchObject({ code: 'invalid_config' });
  });
});

describe('provider quirks (custom fetch)', () => {
  const answer =
    (status: number, body: Record<string, unknown>): typeof fetch =>
    async () =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
  const quirky = (f: typeof fetch) =>
    webConfig({ tokenUrl: 'https://provider.example/token', fetch: f, allowInsecureHttp: false });

  it('maps HTTP 200 error bodies (GitHub) to the RFC code', async () => {
    const error = await failure(
      refreshTokens(
        quirky(answer(200, { error: 'bad_refresh_token', error_description: 'expired' })),
        'refresh-token-quirk-1',
      ),
    );
    secrets.add('refresh-token-quirk-1');
    expect(error).toMatchObject({
      code: 'invalid_grant',
      providerError: 'bad_refresh_token',
      kind: 'permanent',
    });
  });

  it('redacts secrets a provider echoes in error_description', async () => {
    const refresh = 'refresh-token-echoed-42';
    secrets.add(refresh);
    const error = await failure(
      refreshTokens(
        quirky(
          answer(400, {
            error: 'invalid_grant',
            error_description: `token ${refresh} with secret ${WEB_SECRET} is invalid`,
          }),
        ),
        refresh,
      ),
    );
    expect(error.message).toContain('[REDACTED]');
    expect(error.description).toContain('is invalid');
  });

  it('accepts provider token types and a missing token_type, and strips nested tokens from raw', async () => {
    const tokens = remember(
      await clientCredentials(
        quirky(
          answer(200, {
            ok: true,
            access_token: 'xoxb-bot-token-123',
            token_type: 'bot',
            scope: 'chat:write,channels:read',
            authed_user: { id: 'U1', access_token: 'xoxp-user-token-456' },
          }),
        ),
      ),
    );
    expect(tokens).toMatchObject({ tokenType: 'bot', expiresAt: null, refreshToken: null });
    expect(tokens.raw).toEqual({
      ok: true,
      token_type: 'bot',
      scope: 'chat:write,channels:read',
      authed_user: { id: 'U1' },
    });
    secrets.add('xoxp-user-token-456');

    const plain = remember(
      await clientCredentials(quirky(answer(200, { access_token: 'plain-token-789' }))),
    );
    expect(plain).toMatchObject({ tokenType: 'bearer', scopes: null });
  });

  it('classifies HTML error pages by status', async () => {
    const html: typeof fetch = async () =>
      new Response('<html>Bad gateway</html>', {
        status: 502,
        headers: { 'content-type': 'text/html' },
      });
    const error = await failure(clientCredentials(quirky(html)));
    expect(error).toMatchObject({ code: 'http_502', kind: 'transient' });
  });

  it('says when the provider has no revocation endpoint', async () => {
    const config = webConfig();
    delete config.revokeUrl;
    const error = await failure(revokeToken(config, 'some-token-value'));
    expect(error).toMatchObject({ code: 'revocation_unsupported', kind: 'permanent' });
  });
});

describe('secrets', () => {
  it('no OAuthFlowError message names a secret, code, verifier or token', () => {
    expect(caught.length).toBeGreaterThan(15);
    expect(secrets.size).toBeGreaterThan(20);
    for (const error of caught) {
      const text = `${error.message} ${error.description ?? ''} ${JSON.stringify(error)} ${String(error.stack)}`;
      for (const secret of secrets) {
        expect(text.includes(secret), `${error.code} leaks a secret`).toBe(false);
      }
      expect(error.cause).toBeUndefined();
    }
  });
});
