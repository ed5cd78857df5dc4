import type { IntegrationUpsertInput, LatchkeyClient } from '@latchkey/client';
import type { Db } from '@latchkey/db';
import {
  startTestAuthorizationServer,
  type TestAuthorizationServer,
  type TestGrantType,
} from '@latchkey/oauth/testing';
import { connectInBrowser } from './browser-flow';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';

/** The api an OAuth fixture serves: a `TestApi`, or spawned api processes. */
export interface OAuthFixtureHost {
  /** The provider's one redirect URI is this URL's `/oauth/callback`. */
  publicUrl: string;
  /** Lets the api reach a loopback server; absent where its egress already allows loopback. */
  allowEgress?(url: string): void;
}

export interface OAuthFixtureOptions {
  clientId: string;
  /** Each test's own value: tests search logs, rows and histories for it. */
  clientSecret: string;
  /** What the provider grants and the integration asks for; default `read`. */
  scopes?: string[];
  /** The provider's default (60 s) when absent. */
  accessTokenTtlSeconds?: number;
  /** The provider's default (rotation on) when absent. */
  refreshTokenRotation?: boolean;
  /** The client may also use the client credentials grant. */
  clientCredentials?: boolean;
}

type OAuthSettings = NonNullable<IntegrationUpsertInput['oauth']>;

/** An oauth2 integration's fields besides the provider's: its id, urlHost, name, extra settings. */
type OAuthIntegration = Omit<IntegrationUpsertInput, 'auth' | 'oauth'> & {
  oauth?: Partial<OAuthSettings>;
};

/**
 * A loopback OAuth provider (oidc-provider) with one confidential client whose redirect URI is
 * the api's callback, as most OAuth tests need it: the api may reach its token URL, integrations
 * point at it, and end users connect through it in a fetch "browser". `close()` stops it and any
 * resource server started with it.
 */
export async function startOAuthFixture(host: OAuthFixtureHost, options: OAuthFixtureOptions) {
  const scopes = options.scopes ?? ['read'];
  const grantTypes: TestGrantType[] = ['authorization_code', 'refresh_token'];
  if (options.clientCredentials) grantTypes.push('client_credentials');
  const auth: TestAuthorizationServer = await startTestAuthorizationServer({
    scopes,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    refreshTokenRotation: options.refreshTokenRotation,
    clients: [
      {
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        redirectUris: [`${host.publicUrl}/oauth/callback`],
        grantTypes,
      },
    ],
  });
  host.allowEgress?.(auth.tokenUrl);
  const oauth: OAuthSettings = {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    authorizeUrl: auth.authorizeUrl,
    tokenUrl: auth.tokenUrl,
    scopes,
  };
  const resources: LoopbackServer[] = [];

  return {
    auth,
    /** The integration's `oauth` block for this provider and client. */
    oauth,

    /** Creates (or updates) an oauth2 integration on this provider; `oauth` adds settings. */
    upsertIntegration(client: LatchkeyClient, integration: OAuthIntegration) {
      return client.upsertIntegration({
        ...integration,
        auth: { type: 'oauth2' },
        oauth: { ...oauth, ...integration.oauth },
      });
    },

    /** One end user's whole connect flow, as their browser goes through it; the callback's answer. */
    async connect(client: LatchkeyClient, integrationId: string, userId: string) {
      const { url } = await client.trpc.oauth.authorizeUrl.mutate({ integrationId, userId });
      return connectInBrowser(auth, url, { accountId: userId });
    },

    /**
     * A third-party API on loopback that answers `{ me: <account> }` only to a live token of this
     * provider (401 otherwise), so an expired or revoked token fails where a real API would.
     * `open` paths answer their body to anyone.
     */
    async startResourceServer(resource: { open?: Record<string, unknown> } = {}) {
      const server = await startLoopbackServer(async (req, res) => {
        const open = resource.open?.[req.path];
        if (open !== undefined) return json(res, 200, open);
        const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
        const check = await auth.verifyAccessToken(token);
        if (!check.active) return json(res, 401, { error: 'invalid_token' });
        json(res, 200, { me: check.sub });
      });
      resources.push(server);
      host.allowEgress?.(server.url);
      return server;
    },

    async close() {
      for (const server of resources) await server.close();
      await auth.close();
    },
  };
}

export type OAuthFixture = Awaited<ReturnType<typeof startOAuthFixture>>;

/**
 * Backdates the expiry of stored tokens (of one user, one tenant, or both) so that their next
 * use, or their refresher, must refresh them first.
 */
export function expireStoredTokens(db: Db, of: { userId?: string; tenantId?: string }) {
  let update = db.updateTable('connections').set({ expires_at: new Date(Date.now() - 1_000) });
  if (of.userId !== undefined) update = update.where('user_id', '=', of.userId);
  if (of.tenantId !== undefined) update = update.where('tenant_id', '=', of.tenantId);
  return update.execute();
}
