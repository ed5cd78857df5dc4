import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, type RunningTemporal, startTemporal } from '@latchkey/devstack';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/harness';
import { json, type LoopbackServer, startLoopbackServer } from '../../api/test/loopback';
import { startTestWorker } from '../../api/test/worker-harness';
import { TEMPORAL_UI_CODEC_SETTINGS } from '../src/runs/temporal-link';

const SHOP_TOKEN = 'shop-stored-token-5151qqqq';
/** A secret-looking field the shop echoes: the codec must show it redacted. */
const ECHOED_TOKEN = 'echoed-access-token-8383zzzz';
const ACME_ORDER = 'ord_acme_browser_4242';
const ACME_INPUT = 'acme-input-marker-6161';
const GLOBEX_ORDER = 'ord_globex_browser_7373';
/** How a vault-sealed payload starts in base64 (format version 1, key version 1). */
const SEALED_PREFIX = 'AQAAAAE';

/** The settings exactly as the console's run page names them: clicking them proves the words. */
const UI = TEMPORAL_UI_CODEC_SETTINGS;

interface TenantRun {
  codecKey: string;
  temporalWorkflowId: string;
  temporalRunId: string;
}

/**
 * The operator's tool, as an operator uses it: `startTemporal` starts the dev server with its
 * UI exactly as `pnpm dev` does (cluster-level codec endpoint pointed at the api), the operator
 * signs in on the api's page by typing a key, sets the UI's codec settings by clicking through
 * them, and reads a finished run in the real Temporal UI in Chromium.
 */
describe('the Temporal UI decodes runs through the codec endpoint, in a real browser', () => {
  let api: TestApi;
  let temporal: RunningTemporal;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let shop: LoopbackServer;
  let attacker: LoopbackServer;
  let browser: Browser;
  let uiUrl: string;
  let acme: TenantRun;
  let globex: TenantRun;
  const shotsDir = path.join(os.tmpdir(), `latchkey-temporal-ui-screenshots-${Date.now()}`);
  const decodeReplies: string[] = [];
  const pendingReplies: Promise<void>[] = [];

  async function operatorContext(): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    // Hermetic: the UI may reach for fonts or news; only loopback answers.
    await context.route(
      (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
      (route) => route.abort(),
    );
    context.on('response', (response) => {
      if (!response.url().includes('/codec/decode')) return;
      pendingReplies.push(
        response
          .text()
          .then((body) => {
            decodeReplies.push(body);
          })
          .catch(() => {}),
      );
    });
    return context;
  }

  /** The api's sign-in page, filled in by typing and clicking. Returns the endpoint it names. */
  async function signIn(page: Page, key: string): Promise<string> {
    await page.goto(`${api.publicUrl}/codec/login`);
    await page.getByLabel('API key').pressSequentially(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    // The api's page names the same settings the console does.
    const said = (await page.locator('main').textContent()) ?? '';
    for (const label of Object.values(UI)) expect(said).toContain(label);
    return (await page.locator('code').first().textContent()) ?? '';
  }

  /** The UI's Codec Server settings, set once per browser as the signed-in page says. */
  async function setUiCodec(page: Page, endpoint: string) {
    await page.goto(uiUrl);
    await page.locator('[data-testid^="data-encoder-status"]').click();
    await page.getByText(UI.browserSetting).click();
    await page.getByLabel(UI.endpointField).fill(endpoint);
    await page.getByText(UI.credentials).click();
    await page.getByRole('button', { name: 'Apply' }).click();
  }

  function runPage(run: TenantRun) {
    return `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(run.temporalWorkflowId)}/${run.temporalRunId}/history`;
  }

  async function tenantWithFinishedRun(name: string, order: string): Promise<TenantRun> {
    const { apiKey } = await api.createTenant(name);
    const client = api.client(apiKey);
    await client.integrations.upsert.mutate({
      id: 'shop',
      name: 'Shop',
      urlHost: shop.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: SHOP_TOKEN },
    });
    await client.workflows.build.mutate({
      id: 'orders',
      instruction: 'List orders, then read the first',
      integrationIds: ['shop'],
      steps: [
        { id: 'list', integrationId: 'shop', method: 'GET', path: '/orders', query: { o: order } },
        { id: 'first', integrationId: 'shop', method: 'GET', path: `/orders/${order}` },
      ],
    });
    const run = await client.runs.execute.mutate({
      workflowId: 'orders',
      payload: { note: name === 'acme' ? ACME_INPUT : 'globex input' },
      wait: true,
    });
    expect(run.status).toBe('succeeded');
    // The UI shows the result once the workflow has closed, a moment after the run's row.
    await (await api.temporal()).workflow.getHandle(run.temporal.workflowId).result();
    const codec = await client.apiKeys.create.mutate({ name: 'operator', scopes: ['codec'] });
    return {
      codecKey: codec.key,
      temporalWorkflowId: run.temporal.workflowId,
      temporalRunId: run.temporal.runId ?? '',
    };
  }

  beforeAll(async () => {
    const launched = chromium.launch({
      executablePath: process.env.LATCHKEY_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const [temporalPort, uiPort] = [await freePort(), await freePort()];
    uiUrl = `http://127.0.0.1:${uiPort}`;
    api = await startTestApi({
      temporalAddress: `127.0.0.1:${temporalPort}`,
      temporalUiUrl: uiUrl,
      codecOrigins: [uiUrl],
    });
    temporal = await startTemporal({
      ui: true,
      port: temporalPort,
      uiPort,
      uiCodecEndpoint: `${api.publicUrl}/codec`,
    });
    shop = await startLoopbackServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${SHOP_TOKEN}`) return json(res, 401, {});
      const order = req.path.split('/')[2] ?? req.query.get('o') ?? '';
      json(res, 200, { orders: [{ id: order, total: 42 }], access_token: ECHOED_TOKEN });
    });
    attacker = await startLoopbackServer((req, res) => {
      const key = req.query.get('key') ?? '';
      const meta =
        req.path === '/no-referrer' ? '<meta name="referrer" content="no-referrer">' : '';
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        `<!doctype html><html><head>${meta}<title>win a prize</title></head><body>
<form method="post" action="${api.publicUrl}/codec/session">
<input type="hidden" name="apiKey" value="${key}"><button>Claim</button></form></body></html>`,
      );
    });
    [worker, browser] = await Promise.all([
      startTestWorker(api),
      launched,
      mkdir(shotsDir, { recursive: true }),
    ]);
    acme = await tenantWithFinishedRun('acme', ACME_ORDER);
    globex = await tenantWithFinishedRun('globex', GLOBEX_ORDER);
    console.log(`temporal ui screenshots: ${shotsDir}`);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await Promise.all([shop?.close(), attacker?.close()]);
    await temporal?.stop();
    await api?.close();
  });

  it("shows a signed-in operator the tenant's finished run decoded, secrets redacted", async () => {
    const context = await operatorContext();
    const page = await context.newPage();
    const endpoint = await signIn(page, acme.codecKey);
    expect(endpoint).toBe(`${api.publicUrl}/codec`);
    await page.screenshot({ path: path.join(shotsDir, '01-signed-in.png'), fullPage: true });

    // Plain http on loopback: a Strict cookie, which the UI's port still counts as same-site.
    const [cookie] = await context.cookies(`${api.publicUrl}/codec/decode`);
    expect(cookie).toMatchObject({ httpOnly: true, secure: false, sameSite: 'Strict' });

    await setUiCodec(page, endpoint);
    await page.goto(runPage(acme));
    const inputAndResult = page.getByTestId('input-and-result');
    await expect
      .poll(() => inputAndResult.textContent(), { timeout: 30_000 })
      .toContain(ACME_ORDER);
    const shown = (await inputAndResult.textContent()) ?? '';
    expect(shown).toContain(ACME_INPUT);
    expect(shown).toContain('[redacted]');
    await page.screenshot({ path: path.join(shotsDir, '02-acme-run-decoded.png'), fullPage: true });
    expect(await page.content()).not.toContain(ECHOED_TOKEN);
    await context.close();
  });

  it("keeps another tenant's run sealed for an operator signed in with their own key", async () => {
    const context = await operatorContext();
    const page = await context.newPage();
    await setUiCodec(page, await signIn(page, globex.codecKey));

    // Their own run decodes: the session works...
    await page.goto(runPage(globex));
    const inputAndResult = page.getByTestId('input-and-result');
    await expect
      .poll(() => inputAndResult.textContent(), { timeout: 30_000 })
      .toContain(GLOBEX_ORDER);

    // ...and acme's stays as Temporal stores it: the vault's sealed bytes, once the codec has
    // answered for this page.
    const answered = page.waitForResponse(
      (response) => response.url().includes('/codec/decode') && response.status() === 200,
    );
    await page.goto(runPage(acme));
    await answered;
    await expect
      .poll(() => inputAndResult.textContent(), { timeout: 30_000 })
      .toContain(SEALED_PREFIX);
    await page.screenshot({ path: path.join(shotsDir, '03-acme-run-sealed.png'), fullPage: true });
    expect(await page.content()).not.toContain(ACME_ORDER);
    expect(await page.content()).not.toContain(ACME_INPUT);
    await context.close();
  });

  it('refuses a sign-in posted from another site, or from a page that hides its origin', async () => {
    const context = await operatorContext();
    const page = await context.newPage();
    // localhost is another site than 127.0.0.1; a page on another port is another origin.
    const sameSite = attacker.url;
    const crossSite = attacker.url.replace('127.0.0.1', 'localhost');
    for (const from of [`${crossSite}/`, `${crossSite}/no-referrer`, `${sameSite}/no-referrer`]) {
      await page.goto(`${from}?key=${encodeURIComponent(acme.codecKey)}`);
      await page.getByRole('button', { name: 'Claim' }).click();
      await page.getByText('This page was posted from elsewhere.').waitFor();
      expect(await context.cookies(`${api.publicUrl}/codec/decode`), from).toEqual([]);
    }
    await context.close();
  });

  it('never shows a decode reply with the echoed secret', async () => {
    await Promise.all(pendingReplies);
    expect(decodeReplies.length).toBeGreaterThan(0);
    // Payload data travels base64-encoded: the decoded bytes are what the UI shows.
    const shown = decodeReplies.flatMap((body) =>
      (JSON.parse(body) as { payloads: { data: string }[] }).payloads.map((payload) =>
        Buffer.from(payload.data, 'base64').toString('utf8'),
      ),
    );
    expect(shown.join('\n')).toContain(ACME_ORDER);
    expect(shown.join('\n')).toContain('[redacted]');
    expect(shown.join('\n')).not.toContain(ECHOED_TOKEN);
    const logs = api.logs();
    for (const secret of [SHOP_TOKEN, ECHOED_TOKEN, acme.codecKey, globex.codecKey]) {
      expect(logs).not.toContain(secret);
    }
  });
});
