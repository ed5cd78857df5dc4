import { LatchkeyClient } from '@latchkey/client';
import { startTestAuthorizationServer } from '@latchkey/oauth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

const CLIENT_SECRET = 'test-client-secret-8888gggg';

type AuthServer = Awaited<ReturnType<typeof startTestAuthorizationServer>>;

describe('OAuth connect: authorization code + PKCE against a real authorization server', () => {
  let api: TestApi;
  let auth: AuthServer;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  const seen: string[] = [];

  /** Follows our callback the way a browser would, without following the final redirect. */
  async function callback(url: string) {
    const response = await fetch(url, { redirect: 'manual' });
    return {
      status: response.status,
      location: response.headers.get('location'),
      body: await response.text(),
    };
  }

  beforeAll(async () => {
    api = await startTestApi();
    auth = await startTestAuthorizationServer({
      scopes: ['read', 'write'],
      clients: [
        {
          clientId: 'latchkey-app',
          clientSecret: CLIENT_SECRET,
          redirectUris: [`${api.publicUrl}/oauth/callback`],
          grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        },
      ],
    });
    api.allowEgress(auth.tokenUrl);
    const endpoint = api.url.replace(/\/trpc$/, '');
    acme = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('acme')).apiKey });
    await acme.trpc.tenant.updateSettings.mutate({ returnOrigins: ['https://app.example.test'] });
    globex = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('globex')).apiKey });
    for (const client of [acme, globex]) {
      await client.upsertIntegration({
        id: 'crm',
        urlHost: 'https://crm.example.test',
        auth: { type: 'oauth2' },
        oauth: {
          clientId: 'latchkey-app',
          clientSecret: CLIENT_SECRET,
          authorizeUrl: auth.authorizeUrl,
          tokenUrl: auth.tokenUrl,
          scopes: ['read', 'write'],
          pkce: 'required',
        },
      });
    }
  });
  afterAll(async () => {
    await auth?.close();
    await api?.close();
  });

  it('connects end to end: authorizeUrl, login and consent, callback, active connection', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'alice',
      returnUrl: 'https://app.example.test/connected',
    });
    expect(new URL(url).searchParams.get('code_challenge_method')).toBe('S256');
    const redirected = await auth.loginAndConsent(url, { accountId: 'alice' });
    seen.push(redirected);
    const done = await callback(redirected);
    expect(done.status).toBe(302);
    const location = new URL(done.location ?? '');
    expect(location.origin + location.pathname).toBe('https://app.example.test/connected');
    expect(location.searchParams.get('status')).toBe('active');

    const connection = await acme.getConnection({ integrationId: 'crm', userId: 'alice' });
    expect(connection).toMatchObject({ status: 'active', grantedScopes: ['read', 'write'] });
    expect(connection.credentials.map((c) => c.name)).toEqual(['access_token', 'refresh_token']);
    expect(connection.expiresAt).not.toBeNull();

    // The sealed token is a real one the server accepts.
    const row = await api.db
      .selectFrom('connections')
      .selectAll()
      .where('user_id', '=', 'alice')
      .executeTakeFirstOrThrow();
    const bag = await api.vault.openJson<{ access_token: string; refresh_token: string }>(
      {
        tenantId: row.tenant_id,
        kind: 'connection.credentials',
        recordId: row.id,
        userId: 'alice',
      },
      row.encrypted_credentials as Buffer,
    );
    seen.push(bag.access_token, bag.refresh_token);
    expect((await auth.verifyAccessToken(bag.access_token)).active).toBe(true);
  });

  it('rejects a replayed state and leaves the connection as it was', async () => {
    const before = await acme.getConnection({ integrationId: 'crm', userId: 'alice' });
    const replay = await callback(seen[0] ?? '');
    // A spent state shows a page and never redirects (no open redirect on the platform's domain).
    expect(replay.status).toBe(400);
    expect(replay.location).toBeNull();
    expect(replay.body).toContain('invalid_state');
    const after = await acme.getConnection({ integrationId: 'crm', userId: 'alice' });
    expect(after.version).toBe(before.version);
  });

  it("rejects a state from another tenant's flow: nothing is connected for either", async () => {
    const theirs = await globex.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'mallory',
    });
    const ours = await acme.trpc.oauth.authorizeUrl.mutate({ integrationId: 'crm', userId: 'bob' });
    const theirCallback = new URL(await auth.loginAndConsent(theirs.url, { accountId: 'mallory' }));
    const ourState = new URL(ours.url).searchParams.get('state') ?? '';
    // Globex's code presented with acme's state: the PKCE verifier bound to acme's state does not match.
    theirCallback.searchParams.set('state', ourState);
    seen.push(theirCallback.toString());
    const result = await callback(theirCallback.toString());
    expect(result.status).toBe(400);
    expect(result.body).toMatch(/invalid_grant|exchange_failed/);
    expect(await acme.listConnections({ userId: 'bob' })).toEqual([]);
    expect(await globex.listConnections({ userId: 'mallory' })).toEqual([]);
    const unknown = await callback(`${api.publicUrl}/oauth/callback?code=x&state=not-a-state`);
    expect(unknown.body).toMatch(/invalid_state/);
  });

  it('rejects a flow started for another callback URL', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'carol',
    });
    const redirected = new URL(await auth.loginAndConsent(url, { accountId: 'carol' }));
    const { completeConnect, callbackUrlOf } = await import('@latchkey/api');
    const elsewhere = 'http://127.0.0.1:1';
    await expect(
      completeConnect(
        { db: api.db, vault: api.vault, egress: api.egress, publicUrl: elsewhere },
        redirected,
      ),
    ).rejects.toMatchObject({ code: 'redirect_uri_mismatch' });
    expect(callbackUrlOf(elsewhere)).not.toBe(`${api.publicUrl}/oauth/callback`);
    expect(await acme.listConnections({ userId: 'carol' })).toEqual([]);
  });

  it('marks a connection missing required scopes insufficient_scope', async () => {
    await acme.upsertIntegration('crm', { oauth: { requiredScopes: ['read', 'write', 'admin'] } });
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'dave',
    });
    const done = await callback(await auth.loginAndConsent(url, { accountId: 'dave' }));
    expect(done.body).toMatch(/insufficient_scope/);
    const connection = await acme.getConnection({ integrationId: 'crm', userId: 'dave' });
    expect(connection.status).toBe('insufficient_scope');
    await acme.upsertIntegration('crm', { oauth: { requiredScopes: ['read', 'write'] } });
  });

  it('gets machine-to-machine tokens with the client credentials grant', async () => {
    const connection = await acme.trpc.oauth.clientCredentials.mutate({ integrationId: 'crm' });
    expect(connection).toMatchObject({ userId: null, status: 'active' });
    expect(connection.credentials.map((c) => c.name)).toEqual(['access_token']);
  });

  it('never shows the client secret, a code or a token in responses, logs or audit rows', async () => {
    const codes = seen.flatMap((u) => {
      try {
        return [new URL(u).searchParams.get('code') ?? ''];
      } catch {
        return [u];
      }
    });
    const audit = JSON.stringify(await api.db.selectFrom('audit_events').selectAll().execute());
    const responses = JSON.stringify([
      await acme.listConnections(),
      await acme.getIntegration('crm'),
    ]);
    for (const secret of [CLIENT_SECRET, ...codes, ...seen.slice(1)].filter((s) => s.length > 8)) {
      expect(api.logs()).not.toContain(secret);
      expect(audit).not.toContain(secret);
      expect(responses).not.toContain(secret);
    }
  });
});
