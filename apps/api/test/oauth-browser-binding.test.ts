import { LatchkeyClient } from '@latchkey/client';
import type { TestAuthorizationServer } from '@latchkey/oauth/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { type OAuthFixture, startOAuthFixture } from './oauth-fixture';

const CLIENT_SECRET = 'browser-binding-secret-7777kkkk';

/**
 * `oauth.authorizeUrl` flows in real browsers: the browser that opens the start URL gets the
 * connect cookie; the provider's redirect completed in another browser connects nothing.
 */
describe('browser-bound oauth.authorizeUrl flows, in Chromium', () => {
  let api: TestApi;
  let oauth: OAuthFixture;
  let auth: TestAuthorizationServer;
  let browser: Browser;
  let acme: LatchkeyClient;
  const contexts: BrowserContext[] = [];

  /** A fresh browser profile (no cookies) that reaches only loopback. */
  async function freshBrowser(options: { javaScriptEnabled?: boolean } = {}) {
    const context: BrowserContext = await browser.newContext(options);
    // Hermetic: the provider's pages import web fonts, which the test machine need not reach.
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    contexts.push(context);
    return context;
  }

  /**
   * Opens the start URL in `context`, signs in at the provider, and consents; returns the
   * provider's redirect to our callback without this browser following it. (Playwright's
   * routes do not see redirected requests, so the consent form is submitted with the context's
   * own request client, which shares its cookies, and redirects are followed by hand.)
   */
  async function signInHoldingCallback(context: BrowserContext, startUrl: string, user: string) {
    const page = await context.newPage();
    await page.goto(startUrl);
    await page.waitForURL(`${auth.issuer}/**`);
    await page.locator('input[name="login"]').fill(user);
    await page.locator('input[name="password"]').fill('test');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).waitFor();
    // Runs in the page; typed by hand, as this package compiles without the DOM library.
    const form = await page.locator('form').evaluate((element) => {
      const f = element as unknown as {
        action: string;
        querySelectorAll(selector: string): ArrayLike<{ name: string; value: string }>;
      };
      const inputs = Array.from(f.querySelectorAll('input'));
      return {
        action: f.action,
        fields: Object.fromEntries(inputs.map((input) => [input.name, input.value])),
      };
    });
    let response = await context.request.post(form.action, {
      form: form.fields,
      maxRedirects: 0,
    });
    for (let hop = 0; hop < 10; hop++) {
      const location = response.headers().location;
      if (!location) break;
      const next = new URL(location, response.url()).href;
      if (next.startsWith(`${api.publicUrl}/oauth/callback`)) return { page, callbackUrl: next };
      response = await context.request.get(next, { maxRedirects: 0 });
    }
    throw new Error(`the provider did not redirect to the callback (${response.status()})`);
  }

  /** Navigates and reports what the browser ended on: no redirect means the same URL. */
  async function land(page: Page, url: string) {
    const response = await page.goto(url);
    return {
      status: response?.status(),
      redirected: response?.request().redirectedFrom() !== null,
      url: page.url(),
      text: (await page.locator('body').textContent()) ?? '',
    };
  }

  const connectionsOf = (userId: string) =>
    api.db.selectFrom('connections').select('id').where('user_id', '=', userId).execute();
  const stateOf = (userId: string) =>
    api.db
      .selectFrom('oauth_states')
      .select(['id', 'used_at', 'browser_hash'])
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    const launched = chromium.launch({
      executablePath: process.env.LATCHKEY_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    api = await startTestApi();
    [oauth, browser] = await Promise.all([
      startOAuthFixture(api, { clientId: 'browser-app', clientSecret: CLIENT_SECRET }),
      launched,
    ]);
    auth = oauth.auth;
    acme = new LatchkeyClient({
      endpoint: api.publicUrl,
      apiKey: (await api.createTenant('acme-browsers')).apiKey,
    });
    await oauth.upsertIntegration(acme, {
      id: 'crm',
      name: 'Example CRM',
      urlHost: 'https://crm.example.test',
    });
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await oauth?.close();
    await api?.close();
  });

  it('refuses the callback in a second browser with a page; the first browser completes it', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'ana',
    });
    expect(url.startsWith(`${api.publicUrl}/oauth/start/`)).toBe(true);
    const a = await freshBrowser();
    const { page: pageA, callbackUrl } = await signInHoldingCallback(a, url, 'ana');
    const [cookie] = await a.cookies(api.publicUrl);
    // Plain http on loopback: the cookie is `latchkey_connect` (over https, `__Host-...`).
    expect(cookie).toMatchObject({ name: 'latchkey_connect', httpOnly: true, sameSite: 'Lax' });
    expect((await stateOf('ana')).browser_hash).not.toBeNull();

    // The provider's redirect, completed in a browser that never opened the start URL.
    const b = await freshBrowser();
    const refused = await land(await b.newPage(), callbackUrl);
    expect(refused.status).toBe(400);
    expect(refused.redirected).toBe(false);
    expect(refused.url).toBe(callbackUrl);
    expect(refused.text).toContain('Could not connect');
    expect(refused.text).toContain('other_browser');
    expect(await connectionsOf('ana')).toEqual([]);
    expect((await stateOf('ana')).used_at).toBeNull();
    expect(await b.cookies(api.publicUrl)).toEqual([]);

    // The browser that started the flow finishes it.
    const done = await land(pageA, callbackUrl);
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your account is connected (active)');
    expect(await connectionsOf('ana')).toHaveLength(1);
    expect((await acme.getConnection({ integrationId: 'crm', userId: 'ana' })).status).toBe(
      'active',
    );
  });

  it('a start URL opens once: a second opening shows a page and goes nowhere', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'bo',
    });
    const a = await freshBrowser();
    const first = await a.newPage();
    await first.goto(url);
    await first.waitForURL(`${auth.issuer}/**`);

    for (const context of [a, await freshBrowser()]) {
      const again = await land(await context.newPage(), url);
      expect(again.status).toBe(400);
      expect(again.redirected).toBe(false);
      expect(again.url).toBe(url);
      expect(again.text).toContain('used_start');
    }
    expect(await connectionsOf('bo')).toEqual([]);
  });

  it("a link preview's GET spends nothing; the page continues by itself, or by its button without JavaScript", async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'ed',
    });
    // A preview (a chat's, a mail scanner's) fetches the start URL: a page, nothing spent.
    const preview = await (await freshBrowser()).request.get(url, { maxRedirects: 0 });
    expect(preview.status()).toBe(200);
    expect(preview.headers()['set-cookie']).toBeUndefined();
    expect((await stateOf('ed')).browser_hash).toBeNull();

    // Without JavaScript the page waits; its button goes on to the provider.
    const plain = await (await freshBrowser({ javaScriptEnabled: false })).newPage();
    await plain.goto(url);
    await plain.getByRole('heading', { name: 'Continuing to sign in' }).waitFor();
    expect(plain.url()).toBe(url);
    await plain.getByRole('button', { name: 'Continue' }).click();
    await plain.waitForURL(`${auth.issuer}/**`);
    expect((await stateOf('ed')).browser_hash).not.toBeNull();

    // With JavaScript, nothing the page does is refused by its CSP.
    const other = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'flo',
    });
    const page = await (await freshBrowser()).newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) refused.push(message.text());
    });
    await page.goto(other.url);
    await page.waitForURL(`${auth.issuer}/**`);
    expect(refused).toEqual([]);
  });

  it('an expired state shows a page at the start URL and at the callback, and connects nothing', async () => {
    const expire = (userId: string) =>
      api.db
        .updateTable('oauth_states')
        .set({ expires_at: new Date(Date.now() - 1_000) })
        .where('user_id', '=', userId)
        .execute();

    // Expired before the start URL was opened.
    const late = await acme.trpc.oauth.authorizeUrl.mutate({ integrationId: 'crm', userId: 'cy' });
    await expire('cy');
    const opened = await land(await (await freshBrowser()).newPage(), late.url);
    expect([opened.status, opened.redirected, opened.url]).toEqual([400, false, late.url]);
    expect(opened.text).toContain('expired_start');

    // Expired while the user was signing in: the starting browser itself is refused.
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'di',
    });
    const a = await freshBrowser();
    const { page, callbackUrl } = await signInHoldingCallback(a, url, 'di');
    await expire('di');
    const refused = await land(page, callbackUrl);
    expect([refused.status, refused.redirected, refused.url]).toEqual([400, false, callbackUrl]);
    expect(refused.text).toContain('invalid_state');
    expect(await connectionsOf('cy')).toEqual([]);
    expect(await connectionsOf('di')).toEqual([]);
  });
});
