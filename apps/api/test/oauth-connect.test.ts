import { LatchkeyClient } from '@latchkey/client';
import type { TestAuthorizationServer } from '@latchkey/oauth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectInBrowser,
  followCallback,
  getStartPage,
  openStartUrl,
  signIn,
} from './browser-flow';
import { startTestApi, type TestApi } from './harness';
import { type OAuthFixture, startOAuthFixture } from './oauth-fixture';

const CLIENT_SECRET = 'test-client-secret-8888gggg';

/** The console's dev server, as `pnpm dev` names it to the api (LATCHKEY_CONSOLE_ORIGINS). */
const CONSOLE_ORIGIN = 'http://127.0.0.1:5999';

describe('OAuth connect: authorization code + PKCE against a real authorization server', () => {
  let api: TestApi;
  let oauth: OAuthFixture;
  let auth: TestAuthorizationServer;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  const seen: string[] = [];

  /** The first flow's callback and cookie, replayed later. */
  let first = { callbackUrl: '', cookie: '' };

  beforeAll(async () => {
    api = await startTestApi({ consoleOrigins: [CONSOLE_ORIGIN] });
    oauth = await startOAuthFixture(api, {
      clientId: 'latchkey-app',
      clientSecret: CLIENT_SECRET,
      scopes: ['read', 'write'],
      clientCredentials: true,
    });
    auth = oauth.auth;
    const endpoint = api.url.replace(/\/trpc$/, '');
    acme = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('acme')).apiKey });
    await acme.trpc.tenant.updateSettings.mutate({ returnOrigins: ['https://app.example.test'] });
    globex = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('globex')).apiKey });
    for (const client of [acme, globex]) {
      await oauth.upsertIntegration(client, {
        id: 'crm',
        urlHost: 'https://crm.example.test',
        oauth: { pkce: 'required' },
      });
    }
  });
  afterAll(async () => {
    await oauth?.close();
    await api?.close();
  });

  it('connects end to end: authorizeUrl, login and consent, callback, active connection', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'alice',
      returnUrl: 'https://app.example.test/connected',
    });
    // A start URL of the api's: the browser that opens it is the one that may finish.
    expect(url.startsWith(`${api.publicUrl}/oauth/start/`)).toBe(true);
    const started = await openStartUrl(url);
    expect(new URL(started.providerUrl).searchParams.get('code_challenge_method')).toBe('S256');
    const redirected = await auth.loginAndConsent(started.providerUrl, { accountId: 'alice' });
    seen.push(redirected);
    first = { callbackUrl: redirected, cookie: started.cookie };
    const done = await followCallback(redirected, started.cookie);
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

  it("returns to the platform's console without the tenant registering it, and nowhere else", async () => {
    // globex registered no return origins: its own apps' URLs are refused, naming the field...
    await expect(
      globex.trpc.oauth.authorizeUrl.mutate({
        integrationId: 'crm',
        userId: 'gina',
        returnUrl: 'http://127.0.0.1:6000/connected',
      }),
    ).rejects.toThrow(/returnUrl: origin http:\/\/127\.0\.0\.1:6000 is not registered/);
    // ...while the console's origins (its dev server under pnpm dev) are the platform's own.
    const { url } = await globex.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'gina',
      returnUrl: `${CONSOLE_ORIGIN}/connections?integration=crm`,
    });
    const started = await openStartUrl(url);
    const redirected = await auth.loginAndConsent(started.providerUrl, { accountId: 'gina' });
    const done = await followCallback(redirected, started.cookie);
    expect(done.status).toBe(302);
    const location = new URL(done.location ?? '');
    expect(location.origin + location.pathname).toBe(`${CONSOLE_ORIGIN}/connections`);
    expect(location.searchParams.get('status')).toBe('active');
  });

  it('rejects a replayed state and leaves the connection as it was', async () => {
    const before = await acme.getConnection({ integrationId: 'crm', userId: 'alice' });
    // Even from the browser that finished it.
    const replay = await followCallback(first.callbackUrl, first.cookie);
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
    // Both started in one browser, so the cookie does not refuse the swap by itself.
    const theirStart = await openStartUrl(theirs.url);
    const ourStart = await openStartUrl(ours.url, theirStart.cookie);
    expect(ourStart.cookie).toBe(theirStart.cookie);
    const theirCallback = new URL(
      await auth.loginAndConsent(theirStart.providerUrl, { accountId: 'mallory' }),
    );
    const ourState = new URL(ourStart.providerUrl).searchParams.get('state') ?? '';
    // Globex's code presented with acme's state: the PKCE verifier bound to acme's state does not match.
    theirCallback.searchParams.set('state', ourState);
    seen.push(theirCallback.toString());
    const result = await followCallback(theirCallback.toString(), theirStart.cookie);
    expect(result.status).toBe(400);
    expect(result.body).toMatch(/invalid_grant|exchange_failed/);
    expect(await acme.listConnections({ userId: 'bob' })).toEqual([]);
    expect(await globex.listConnections({ userId: 'mallory' })).toEqual([]);
    const unknown = await followCallback(
      `${api.publicUrl}/oauth/callback?code=x&state=not-a-state`,
      theirStart.cookie,
    );
    expect(unknown.body).toMatch(/invalid_state/);
  });

  it('rejects a flow started for another callback URL', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'carol',
    });
    const { callbackUrl, cookie } = await signIn(auth, url, { accountId: 'carol' });
    const { completeConnect, callbackUrlOf } = await import('@latchkey/api');
    const elsewhere = 'http://127.0.0.1:1';
    await expect(
      completeConnect(
        { db: api.db, vault: api.vault, egress: api.egress, publicUrl: elsewhere },
        new URL(callbackUrl),
        cookie.slice(cookie.indexOf('=') + 1),
      ),
    ).rejects.toMatchObject({ code: 'redirect_uri_mismatch' });
    expect(callbackUrlOf(elsewhere)).not.toBe(`${api.publicUrl}/oauth/callback`);
    expect(await acme.listConnections({ userId: 'carol' })).toEqual([]);
  });

  it('marks a connection missing required scopes insufficient_scope', async () => {
    await acme.upsertIntegration('crm', { oauth: { requiredScopes: ['read', 'write', 'admin'] } });
    const done = await oauth.connect(acme, 'crm', 'dave');
    expect(done.body).toMatch(/insufficient_scope/);
    const connection = await acme.getConnection({ integrationId: 'crm', userId: 'dave' });
    expect(connection.status).toBe('insufficient_scope');
    await acme.upsertIntegration('crm', { oauth: { requiredScopes: ['read', 'write'] } });
  });

  it('completes a flow only in the browser that opened its start URL, which opens once', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'erin',
      returnUrl: 'https://app.example.test/connected',
    });
    const { callbackUrl, cookie } = await signIn(auth, url, { accountId: 'erin' });
    // Opened again, by anyone: a page, no redirect, no cookie.
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain('used_start');
    // The provider's redirect followed by another browser (no cookie, or its own): refused.
    for (const other of [undefined, `latchkey_connect=${'A'.repeat(43)}`]) {
      const refused = await followCallback(callbackUrl, other);
      expect(refused.status).toBe(400);
      expect(refused.location).toBeNull();
      expect(refused.body).toContain('other_browser');
    }
    expect(await acme.listConnections({ userId: 'erin' })).toEqual([]);
    // The state is still unspent: the browser that started finishes.
    const done = await followCallback(callbackUrl, cookie);
    expect(done.status).toBe(302);
    expect(new URL(done.location ?? '').searchParams.get('status')).toBe('active');
    // The start URL's token is a capability: not in any log line.
    expect(api.logs()).not.toContain(url.slice(url.lastIndexOf('/') + 1));
    expect(api.logs()).toContain('/oauth/start/:token');
    const unknown = await fetch(`${api.publicUrl}/oauth/start/${'b'.repeat(43)}`, {
      redirect: 'manual',
    });
    expect([unknown.status, await unknown.text()]).toEqual([
      400,
      expect.stringContaining('invalid_start'),
    ]);
  });

  it('spends a start URL only by the POST its page sends: link previews and prefetches GET it harmlessly', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'frank',
      returnUrl: 'https://app.example.test/connected',
    });
    const nonces: string[] = [];
    // Two previews (a chat's, a mail scanner's): a page each, no cookie, no redirect.
    for (const _preview of [1, 2]) {
      const { headers } = await getStartPage(url);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('x-frame-options')).toBe('DENY');
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/^default-src 'none'; script-src 'nonce-[A-Za-z0-9_-]{22}'; /);
      expect(csp).toContain("frame-ancestors 'none'; base-uri 'none'");
      // form-action would block the provider: Chromium applies it to the POST's redirect.
      expect(csp).not.toContain('form-action');
      nonces.push(/'nonce-([^']+)'/.exec(csp)?.[1] ?? '');
    }
    expect(nonces[0]).not.toBe(nonces[1]);
    const state = await api.db
      .selectFrom('oauth_states')
      .select(['browser_hash', 'used_at'])
      .where('user_id', '=', 'frank')
      .executeTakeFirstOrThrow();
    expect(state).toEqual({ browser_hash: null, used_at: null });

    // The user's own browser, after the previews: the whole flow still connects.
    const done = await connectInBrowser(auth, url, { accountId: 'frank' });
    expect(done.status).toBe(302);
    expect(new URL(done.location ?? '').searchParams.get('status')).toBe('active');

    // Once spent, POSTed again (by anyone) or fetched again: a page, no redirect, no cookie.
    for (const method of ['POST', 'GET']) {
      const again = await fetch(url, { method, redirect: 'manual' });
      expect(again.status).toBe(400);
      expect(again.headers.get('location')).toBeNull();
      expect(again.headers.get('set-cookie')).toBeNull();
      expect(await again.text()).toContain('used_start');
    }
  });

  it('shows the failure page to a GET or POST of a malformed, unknown or expired start URL', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'gina',
    });
    await api.db
      .updateTable('oauth_states')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('user_id', '=', 'gina')
      .execute();
    const cases = [
      [`${api.publicUrl}/oauth/start/short`, 'invalid_start'],
      [`${api.publicUrl}/oauth/start/${'c'.repeat(43)}`, 'invalid_start'],
      [url, 'expired_start'],
    ];
    for (const [target = '', code = ''] of cases) {
      for (const method of ['GET', 'POST']) {
        const response = await fetch(target, { method, redirect: 'manual' });
        const body = await response.text();
        expect([method, response.status, body]).toEqual([
          method,
          400,
          expect.stringContaining(code),
        ]);
        expect(response.headers.get('location')).toBeNull();
        expect(response.headers.get('set-cookie')).toBeNull();
        // The failure page has no script, and its CSP allows none.
        expect(body).not.toContain('<script');
        expect(response.headers.get('content-security-policy')).not.toContain('script-src');
      }
    }
    expect(await acme.listConnections({ userId: 'gina' })).toEqual([]);
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
