import { readConnectLink } from '@latchkey/api';
import { LatchkeyClient } from '@latchkey/client';
import type { TestAuthorizationServer } from '@latchkey/oauth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { type OAuthFixture, startOAuthFixture } from './oauth-fixture';

const CLIENT_SECRET = 'link-client-secret-9999hhhh';

describe('connect links: a shareable, signed URL that connects an end user without an API key', () => {
  let api: TestApi;
  let oauth: OAuthFixture;
  let auth: TestAuthorizationServer;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  let acmeKey: string;

  /**
   * What a browser without any API key sees: no Authorization header, redirects not followed,
   * and the cookie it holds (`cookie`) if any.
   */
  async function visit(url: string, method: 'GET' | 'POST' = 'GET', cookie?: string) {
    const response = await fetch(url, {
      method,
      redirect: 'manual',
      headers: cookie ? { cookie } : {},
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      referrerPolicy: response.headers.get('referrer-policy'),
      setCookie: response.headers.get('set-cookie') ?? '',
      cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      body: await response.text(),
    };
  }

  beforeAll(async () => {
    api = await startTestApi();
    oauth = await startOAuthFixture(api, { clientId: 'latchkey-app', clientSecret: CLIENT_SECRET });
    auth = oauth.auth;
    const endpoint = api.url.replace(/\/trpc$/, '');
    acmeKey = (await api.createTenant('acme')).apiKey;
    acme = new LatchkeyClient({ endpoint, apiKey: acmeKey });
    globex = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('globex')).apiKey });
    for (const client of [acme, globex]) {
      await oauth.upsertIntegration(client, {
        id: 'crm',
        name: 'Example CRM',
        urlHost: 'https://crm.example.test',
      });
    }
    await acme.upsertIntegration({ id: 'plain', urlHost: 'https://plain.example.test' });
    await acme.trpc.tenant.updateSettings.mutate({ returnOrigins: ['https://app.example.test'] });
  });
  afterAll(async () => {
    await oauth?.close();
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
    expect(started.status).toBe(303);
    expect(started.location?.startsWith(auth.authorizeUrl)).toBe(true);
    // Plain http on loopback: no Secure, so no __Host- prefix (the README says why).
    expect(started.setCookie).toMatch(/^latchkey_connect=[A-Za-z0-9_-]{43}; Path=\/; /);
    expect(started.setCookie).toContain('HttpOnly; SameSite=Lax');
    const callback = await auth.loginAndConsent(started.location ?? '', { accountId: 'dana' });
    const done = await visit(callback, 'GET', started.cookie);
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

  it('completes a flow only in the browser that pressed the button', async () => {
    const link = await acme.createConnectLink({ integrationId: 'crm', userId: 'fay' });
    const started = await visit(link.url, 'POST');
    const callback = await auth.loginAndConsent(started.location ?? '', { accountId: 'fay' });
    // The authorization URL forwarded to someone else: their browser has no cookie, or its own.
    for (const cookie of [undefined, `latchkey_connect=${'A'.repeat(43)}`]) {
      const elsewhere = await visit(callback, 'GET', cookie);
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.location).toBeNull();
      expect(elsewhere.body).toContain('other_browser');
    }
    expect(await acme.listConnections({ userId: 'fay' })).toEqual([]);
    // The refused attempts did not spend the state: the starting browser still completes.
    const done = await visit(callback, 'GET', started.cookie);
    expect(done.status).toBe(200);
    expect(done.body).toContain('Connected');
  });

  it('connects once per link; a used, revoked or expired link shows a page and never redirects', async () => {
    const link = await acme.createConnectLink({
      integrationId: 'crm',
      userId: 'gus',
      returnUrl: 'https://app.example.test/done',
    });
    const first = await visit(link.url, 'POST');
    // Two tabs opened it; the first to come back connects.
    const second = await visit(link.url, 'POST');
    const callback1 = await auth.loginAndConsent(first.location ?? '', { accountId: 'gus' });
    const callback2 = await auth.loginAndConsent(second.location ?? '', { accountId: 'gus' });
    expect((await visit(callback1, 'GET', first.cookie)).status).toBe(302);
    const again = await visit(callback2, 'GET', second.cookie);
    expect(again.location).toBeNull();
    expect(again.body).toContain('link_used');
    for (const method of ['GET', 'POST'] as const) {
      const used = await visit(link.url, method);
      expect(used.status).toBe(400);
      expect(used.location).toBeNull();
      expect(used.body).toContain('used_link');
    }

    const revoked = await acme.createConnectLink({
      integrationId: 'crm',
      userId: 'hal',
      returnUrl: 'https://app.example.test/done',
    });
    // Another tenant cannot revoke it (NOT_FOUND), its own tenant can.
    await expect(
      globex.trpc.connectLinks.revoke.mutate({ linkId: revoked.linkId }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    const opened = await visit(revoked.url, 'POST');
    await acme.trpc.connectLinks.revoke.mutate({ linkId: revoked.linkId });
    const page = await visit(revoked.url, 'POST');
    expect(page.location).toBeNull();
    expect(page.body).toContain('revoked_link');
    // A flow opened before the revocation connects nothing either.
    const late = await auth.loginAndConsent(opened.location ?? '', { accountId: 'hal' });
    const lateDone = await visit(late, 'GET', opened.cookie);
    expect(lateDone.location).toBeNull();
    expect(lateDone.body).toContain('link_used');
    expect(await acme.listConnections({ userId: 'hal' })).toEqual([]);

    const expiring = await acme.createConnectLink({
      integrationId: 'crm',
      userId: 'ivy',
      returnUrl: 'https://app.example.test/done',
      ttlMinutes: 60,
    });
    const realNow = Date.now;
    Date.now = () => realNow() + 61 * 60_000;
    try {
      for (const method of ['GET', 'POST'] as const) {
        const expired = await visit(expiring.url, method);
        expect(expired.status).toBe(400);
        expect(expired.location).toBeNull();
        expect(expired.body).toContain('expired_link');
      }
    } finally {
      Date.now = realNow;
    }
    await expect(
      acme.trpc.connectLinks.create.mutate({ integrationId: 'crm', userId: 'x', ttlMinutes: 61 }),
    ).rejects.toThrow(/ttlMinutes: must be at most 60 minutes/);
  });

  it('takes return URLs only on origins an admin key registered', async () => {
    for (const returnUrl of [
      'https://evil.example/phish',
      'https://app.example.test.evil.example/done',
      'http://app.example.test/done',
    ]) {
      await expect(
        acme.trpc.connectLinks.create.mutate({ integrationId: 'crm', userId: 'x', returnUrl }),
      ).rejects.toThrow(/returnUrl: origin .* is not registered/);
      await expect(
        acme.trpc.oauth.authorizeUrl.mutate({ integrationId: 'crm', userId: 'x', returnUrl }),
      ).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
    }
    // Globex registered nothing: acme's origins are acme's alone.
    await expect(
      globex.trpc.connectLinks.create.mutate({
        integrationId: 'crm',
        userId: 'x',
        returnUrl: 'https://app.example.test/done',
      }),
    ).rejects.toThrow(/returnUrl: origin https:\/\/app\.example\.test is not registered/);
    expect(await acme.trpc.tenant.settings.query()).toEqual({
      returnOrigins: ['https://app.example.test'],
    });
    await expect(
      acme.trpc.tenant.updateSettings.mutate({ returnOrigins: ['https://app.example.test/path'] }),
    ).rejects.toThrow(/returnOrigins\.0: must be an origin/);
    // Only an admin key registers origins.
    const { key } = await acme.trpc.apiKeys.create.mutate({
      name: 'links only',
      scopes: ['integrations'],
    });
    const limited = new LatchkeyClient({ endpoint: api.publicUrl, apiKey: key });
    await expect(
      limited.trpc.tenant.updateSettings.mutate({ returnOrigins: ['https://evil.example'] }),
    ).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
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
