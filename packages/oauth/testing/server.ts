/// <reference path="./oidc-provider.d.ts" />
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { driveInteraction, type InteractionOptions } from './browser';
import { MemoryStore } from './store';

export type TestGrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

export interface TestClient {
  clientId: string;
  /** Omit for a public client (token endpoint auth `none`). */
  clientSecret?: string;
  redirectUris?: string[];
  grantTypes: TestGrantType[];
  /** Defaults to `client_secret_basic` with a secret, `none` without. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export interface TestAuthorizationServerOptions {
  /** Access token and client credentials token lifetime; default 60. */
  accessTokenTtlSeconds?: number;
  /** Default 3600. */
  refreshTokenTtlSeconds?: number;
  /** Each refresh returns a new refresh token and consumes the old one; default true. */
  refreshTokenRotation?: boolean;
  /** Scopes the server grants besides `openid` and `offline_access`; default `read`, `write`. */
  scopes?: string[];
  /** Require PKCE (S256) from every client; default true. */
  pkceRequired?: boolean;
  /** Clients known from the start; more can be added with `registerClient`. */
  clients?: TestClient[];
  /**
   * `always` (default): every client allowed the refresh_token grant gets a refresh token.
   * `offline_access`: as OpenID Connect servers do, only when `offline_access` was granted, which
   * needs `prompt=consent` on the authorization request.
   */
  refreshTokens?: 'always' | 'offline_access';
  /**
   * Resource indicators (RFC 8707), as real identity servers issue tokens: access tokens are for
   * this API, carry only its scopes (never `openid` or `offline_access`) and live its TTL.
   */
  resource?: { indicator: string; scopes: string[] };
  /** Rewrites successful token responses, as some providers write them. */
  tokenResponse?: {
    /** `omit`: no `scope` (RFC 6749: as requested). */
    scope?: 'omit';
    /** `omit`: no `expires_in` (Salesforce): the token's lifetime is unknown. */
    expiresIn?: 'omit';
  };
}

export interface FailureOptions {
  /** Sent as the Retry-After header (seconds or an HTTP date). */
  retryAfter?: string | number;
  /** Answer with an OAuth JSON error body (`temporarily_unavailable`) instead of plain text. */
  error?: string;
}

export interface AccessTokenInfo {
  active: boolean;
  scope?: string;
  clientId?: string;
  /** The account for user tokens; absent for client credentials tokens. */
  sub?: string;
}

export interface TestAuthorizationServer {
  /** `http://127.0.0.1:<port>`: also the `iss` the server puts in authorization responses. */
  issuer: string;
  authorizeUrl: string;
  tokenUrl: string;
  revokeUrl: string;
  introspectionUrl: string;
  registerClient(client: TestClient): Promise<void>;
  /** POSTs that reached the token endpoint, failed ones included. */
  tokenEndpointCalls(): number;
  /** When each of those POSTs arrived (`Date.now()`), oldest first. */
  tokenEndpointCallTimes(): number[];
  /** The next `n` token requests get `status` without reaching the provider. */
  failNextTokenRequests(n: number, status?: number, options?: FailureOptions): void;
  /** The most token requests in flight at once so far (answered or not). */
  tokenRequestsPeak(): number;
  /** Every token request from now on waits `ms` before it is answered (0 ends it). */
  delayTokenRequests(ms: number): void;
  /** Revokes every grant (of one account when given) with its tokens; returns how many. */
  revokeAllGrants(accountId?: string): Promise<number>;
  /** Revokes the grant an access or refresh token belongs to; false when the token is unknown. */
  revokeGrantOf(token: string): Promise<boolean>;
  /** Revokes one access token only (its grant and refresh token stay): APIs answer 401. */
  revokeAccessToken(token: string): Promise<boolean>;
  /** What a resource server would learn by introspecting a bearer token (in process, no HTTP). */
  verifyAccessToken(token: string): Promise<AccessTokenInfo>;
  introspect(token: string): Promise<boolean>;
  /**
   * Signs in as `accountId` and consents through the server's own forms; returns the redirect to
   * the client's redirect_uri (with code and state), which is not requested.
   */
  loginAndConsent(authorizeUrl: string, options: InteractionOptions): Promise<string>;
  close(): Promise<void>;
}

/** What the allowed policies read of a client and a token. */
interface ProviderClientInfo {
  clientId: string;
  clientAuthMethod: string;
}
interface TokenInfo {
  clientId?: string;
}

function clientMetadata(client: TestClient): ClientMetadata {
  const grantTypes = [...client.grantTypes];
  const authorizationCode = grantTypes.includes('authorization_code');
  const method =
    client.tokenEndpointAuthMethod ?? (client.clientSecret ? 'client_secret_basic' : 'none');
  return {
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
    grant_types: grantTypes,
    response_types: authorizationCode ? ['code'] : [],
    redirect_uris: client.redirectUris ?? [],
    token_endpoint_auth_method: method,
  };
}

/** Signing keys for ID tokens, made per server so nothing warns about development keys. */
function signingKeys(): { keys: Record<string, unknown>[] } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return {
    keys: [
      { ...rsa.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'rs256' },
      { ...privateKey.export({ format: 'jwk' }), alg: 'ES256', use: 'sig', kid: 'es256' },
    ],
  };
}

/** oidc-provider's resource indicators: every token is for the one API, with its scopes. */
function resourceIndicators(resource: { indicator: string; scopes: string[] }, ttl: number) {
  return {
    enabled: true,
    defaultResource: async () => resource.indicator,
    useGrantedResource: async () => true,
    getResourceServerInfo: async () => ({
      scope: resource.scopes.join(' '),
      accessTokenTTL: ttl,
      accessTokenFormat: 'opaque',
    }),
  };
}

/**
 * Rewrites a JSON token response on its way out (oidc-provider sets headers, then ends with the
 * body): drops `scope` or `expires_in` as some providers do.
 */
function rewriteTokenResponse(
  res: ServerResponse,
  rewrite: NonNullable<TestAuthorizationServerOptions['tokenResponse']>,
) {
  const end = res.end.bind(res) as (body?: unknown) => ServerResponse;
  (res as { end: unknown }).end = (body?: unknown) => {
    if (res.statusCode !== 200 || (typeof body !== 'string' && !Buffer.isBuffer(body))) {
      return end(body);
    }
    const parsed = JSON.parse(String(body)) as Record<string, unknown>;
    if (rewrite.scope === 'omit') delete parsed.scope;
    if (rewrite.expiresIn === 'omit') delete parsed.expires_in;
    const text = JSON.stringify(parsed);
    res.setHeader('content-length', Buffer.byteLength(text));
    return end(text);
  };
}

/**
 * A real OAuth 2 / OpenID Connect authorization server (oidc-provider) on 127.0.0.1 with an
 * ephemeral port, behind a small proxy that counts and can fail token requests.
 *
 * Access tokens are opaque; `verifyAccessToken` looks them up in the server's own store (what a
 * resource server learns from introspection). Refresh tokens are issued to every client allowed
 * the refresh_token grant, without needing `offline_access`.
 */
export async function startTestAuthorizationServer(
  options: TestAuthorizationServerOptions = {},
): Promise<TestAuthorizationServer> {
  const store = new MemoryStore();
  const failures: { status: number; options: FailureOptions }[] = [];
  let tokenCalls = 0;
  const tokenCallTimes: number[] = [];
  let tokenDelayMs = 0;
  let tokenInFlight = 0;
  let tokenPeak = 0;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && path === '/token') {
      tokenCallTimes.push(Date.now());
      tokenInFlight++;
      tokenPeak = Math.max(tokenPeak, tokenInFlight);
      res.once('close', () => tokenInFlight--);
    }
    if (req.method === 'POST' && path === '/token' && tokenDelayMs > 0) {
      tokenCalls++;
      setTimeout(() => answer(req, res, path, false), tokenDelayMs);
      return;
    }
    answer(req, res, path, true);
  });
  const answer = (req: IncomingMessage, res: ServerResponse, path: string, count: boolean) => {
    if (req.method === 'POST' && path === '/token') {
      if (count) tokenCalls++;
      const failure = failures.shift();
      if (failure) {
        req.resume();
        const headers: Record<string, string> = { 'cache-control': 'no-store' };
        if (failure.options.retryAfter !== undefined) {
          headers['retry-after'] = String(failure.options.retryAfter);
        }
        if (failure.options.error) {
          res.writeHead(failure.status, { ...headers, 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: failure.options.error }));
        } else {
          res.writeHead(failure.status, { ...headers, 'content-type': 'text/plain' });
          res.end('Service unavailable (simulated)');
        }
        return;
      }
    }
    if (!handler) {
      res.writeHead(503).end();
      return;
    }
    if (req.method === 'POST' && path === '/token' && options.tokenResponse) {
      rewriteTokenResponse(res, options.tokenResponse);
    }
    handler(req, res);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const accessTtl = options.accessTokenTtlSeconds ?? 60;
  const provider = new Provider(issuer, {
    adapter: store.adapterFor,
    clients: (options.clients ?? []).map(clientMetadata),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: signingKeys(),
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    scopes: [
      'openid',
      'offline_access',
      ...(options.scopes ?? ['read', 'write']),
      ...(options.resource?.scopes ?? []),
    ],
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      ...(options.resource
        ? { resourceIndicators: resourceIndicators(options.resource, accessTtl) }
        : {}),
      // The default policies, stated so oidc-provider does not print a notice for each use.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: ProviderClientInfo, token: TokenInfo) =>
          client.clientAuthMethod !== 'none' || token.clientId === client.clientId,
      },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: ProviderClientInfo, token: TokenInfo) =>
          token.clientId === client.clientId,
      },
    },
    pkce: { required: () => options.pkceRequired ?? true },
    rotateRefreshToken: options.refreshTokenRotation ?? true,
    // Without this setting, oidc-provider's own rule: offline_access granted (after consent).
    ...(options.refreshTokens === 'offline_access'
      ? {}
      : {
          issueRefreshToken: async (
            _ctx: unknown,
            client: { grantTypeAllowed(t: string): boolean },
          ) => client.grantTypeAllowed('refresh_token'),
        }),
    // Tokens outlive the browser session: the test's "browser" is thrown away after consent.
    expiresWithSession: async () => false,
    ttl: {
      AccessToken: accessTtl,
      ClientCredentials: accessTtl,
      RefreshToken: options.refreshTokenTtlSeconds ?? 3600,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
    },
  });
  handler = provider.callback();

  const verifyAccessToken = async (token: string): Promise<AccessTokenInfo> => {
    const found =
      (await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token));
    if (!found || found.isExpired) return { active: false };
    return {
      active: true,
      ...(found.scope !== undefined ? { scope: found.scope } : {}),
      ...(found.clientId !== undefined ? { clientId: found.clientId } : {}),
      ...(found.accountId !== undefined ? { sub: found.accountId } : {}),
    };
  };

  return {
    issuer,
    authorizeUrl: `${issuer}/auth`,
    tokenUrl: `${issuer}/token`,
    revokeUrl: `${issuer}/token/revocation`,
    introspectionUrl: `${issuer}/token/introspection`,
    async registerClient(client) {
      store.set('Client', client.clientId, clientMetadata(client));
    },
    tokenEndpointCalls: () => tokenCalls,
    tokenEndpointCallTimes: () => [...tokenCallTimes],
    tokenRequestsPeak: () => tokenPeak,
    failNextTokenRequests(n, status = 503, failureOptions = {}) {
      for (let i = 0; i < n; i++) failures.push({ status, options: failureOptions });
    },
    delayTokenRequests(ms) {
      tokenDelayMs = ms;
    },
    async revokeAllGrants(accountId) {
      const grants = store
        .list('Grant')
        .filter((g) => accountId === undefined || g.payload.accountId === accountId);
      for (const grant of grants) store.revokeGrant(grant.id);
      return grants.length;
    },
    async revokeAccessToken(token) {
      if (!store.get('AccessToken', token)) return false;
      store.delete('AccessToken', token);
      return true;
    },
    async revokeGrantOf(token) {
      const payload = store.get('AccessToken', token) ?? store.get('RefreshToken', token);
      if (!payload?.grantId) return false;
      store.revokeGrant(payload.grantId);
      return true;
    },
    verifyAccessToken,
    introspect: async (token) => (await verifyAccessToken(token)).active,
    loginAndConsent: (authorizeUrl, interaction) =>
      driveInteraction(authorizeUrl, issuer, interaction),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections from fetch would hold close() open.
        server.closeAllConnections();
      }),
  };
}
