import { readConnectLink } from '@latchkey/api';
import { LatchkeyClient } from '@latchkey/client';
import { startTestAuthorizationServer } from '@latchkey/oauth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

const CLIENT_SECRET = 'link-client-secret-9999hhhh';

type AuthServer = Awaited<ReturnType<typeof startTestAuthorizationServer>>;

describe('connect links: a shareable, signed URL that connects an end user without an API key', () => {
  let api: TestApi;
  let auth: AuthServer;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  let acmeKey: string;

  /** What a browser without any API key sees: no Authorization header, redirects not followed. */
  async function visit(url: string, method: 'GET' | 'POST' = 'GET') {
    const response = await fetch(url, { method, redirect: 'manual' });
    return {
      status: response.status,
      location: response.headers.get('location'),
      referrerPolicy: response.headers.get('referrer-policy'),
      body: await response.text(),
    };
  }

  beforeAll(async () => {
    api = await startTestApi();
    auth = await startTestAuthorizationServer({
      scopes: ['read'],
      clients: [
        {
          clientId: 'latchkey-app',
          clientSecret: CLIENT_SECRET,
          redirectUris: [`${api.publicUrl}/oauth/callback`],
          grantTypes: ['authorization_code', 'refresh_token'],
        },
      ],
    });
    api.allowEgress(auth.tokenUrl);
    const endpoint = api.url.replace(/\/trpc$/, '');
    acmeKey = (await api.createTenant('acme')).apiKey;
    acme = new LatchkeyClient({ endpoint, apiKey: acmeKey });
    globex = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('globex')).apiKey });
    for (const client of [acme, globex]) {
      await client.upsertIntegration({
        id: 'crm',
        name: 'Example CRM',
        urlHost: 'https://crm.example.test',
        auth: { type: 'oauth2' },
        oauth: {
          clientId: 'latchkey-app',
          clientSecret: CLIENT_SECRET,
          authorizeUrl: auth.authorizeUrl,
          tokenUrl: auth.tokenUrl,
          scopes: ['read'],
        },
      });
    }
    await acme.upsertIntegration({ id: 'plain', urlHost: 'https://plain.example.test' });
  });
  afterAll(async () => {
    await auth?.close();
    await api?.close();
  });

  it('connects the bound user end to end, with nothing private in the link', async () => {
    const link = await acme.createConnectLink({
      integrationId: 'crm',
      userId: 'dana@example.test',
      returnUrl: 'https://app.example.test/done',
      ttlMinutes: 5,
    });
    expect(link.url.startsWith(`${api.publicUrl}/connect/v1.`)).toBe(true);
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    // The user id and return URL are sealed, not merely signed.
    expect(link.url).not.toContain('dana');
    expect(link.url).not.toContain('app.example.test');

    const landing = await visit(link.url);
    expect(landing.status).toBe(200);
    expect(landing.body).toContain('Connect your Example CRM account');
    expect(landing.referrerPolicy).toBe('no-referrer');
    // Showing the page starts nothing: no OAuth state exists yet.
    expect(await api.db.selectFrom('oauth_states').selectAll().execute()).toHaveLength(0);

    const started = await visit(link.url, 'POST');
    expect(started.status).toBe(302);
    expect(started.location?.startsWith(auth.authorizeUrl)).toBe(true);
    const callback = await auth.loginAndConsent(started.location ?? '', { accountId: 'dana' });
    const done = await visit(callback);
    const location = new URL(done.location ?? '');
    expect(location.origin + location.pathname).toBe('https://app.example.test/done');
    expect(location.searchParams.get('status')).toBe('active');

    const connection = await acme.getConnection({
      integrationId: 'crm',
      userId: 'dana@example.test',
    });
    expect(connection.status).toBe('active');
    const audit = await acme.trpc.audit.list.query({});
    const actions = audit.map((event) => event.action);
    expect(actions).toContain('connect_link.create');
    // The link's token is a capability: it is not in any log line.
    const token = link.url.slice(link.url.lastIndexOf('/') + 1);
    expect(api.logs()).not.toContain(token);
    expect(api.logs()).toContain('/connect/:token');
  });

  it('rejects altered, cross-tenant and expired links, and links for non-OAuth integrations', async () => {
    const link = await acme.trpc.connectLinks.create.mutate({
      integrationId: 'crm',
      userId: 'eve',
    });
    const tampered = `${link.url.slice(0, -6)}AAAAAA`;
    expect((await visit(tampered, 'POST')).body).toContain('invalid_link');
    expect((await visit(`${api.publicUrl}/connect/nonsense`)).body).toContain('invalid_link');

    // Acme's sealed grant presented as globex's: the tenant is part of the sealed context.
    const globexId = (await globex.trpc.tenant.me.query()).tenantId;
    const [version, tenantId, ...rest] = link.url.slice(link.url.lastIndexOf('/') + 1).split('.');
    expect(tenantId).not.toBe(globexId);
    const crossed = await visit(
      `${api.publicUrl}/connect/${[version, globexId, ...rest].join('.')}`,
      'POST',
    );
    expect(crossed.status).toBe(400);
    expect(crossed.body).toContain('invalid_link');
    expect(await globex.listConnections({ userId: 'eve' })).toEqual([]);

    const realNow = Date.now;
    Date.now = () => realNow() + 31 * 60_000;
    try {
      await expect(
        readConnectLink(api, link.url.slice(link.url.lastIndexOf('/') + 1)),
      ).rejects.toMatchObject({ code: 'expired_link' });
    } finally {
      Date.now = realNow;
    }

    await expect(
      acme.trpc.connectLinks.create.mutate({ integrationId: 'plain', userId: 'eve' }),
    ).rejects.toMatchObject({ data: { code: 'PRECONDITION_FAILED' } });
  });

  it('validates input with messages that name the field, and needs a key', async () => {
    const bad = acme.trpc.connectLinks.create.mutate({
      integrationId: 'crm',
      userId: 'x',
      ttlMinutes: 0,
    });
    await expect(bad).rejects.toThrow(/ttlMinutes: must be at least 1 minute/);
    await expect(
      acme.trpc.connectLinks.create.mutate({ integrationId: 'nope', userId: 'x' }),
    ).rejects.toThrow(/No integration 'nope'/);
    await expect(
      globex.trpc.connectLinks.create.mutate({ integrationId: 'plain', userId: 'x' }),
    ).rejects.toThrow(/No integration 'plain'/);
    const anonymous = await fetch(`${api.url}/connectLinks.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ integrationId: 'crm', userId: 'x' }),
    });
    expect(anonymous.status).toBe(401);
    expect(api.logs()).not.toContain(acmeKey);
  });
});
