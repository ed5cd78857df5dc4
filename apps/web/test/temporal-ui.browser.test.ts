import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, type RunningTemporal, startTemporal } from '@latchkey/devstack';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecHandler } from '../../api/src/codec';
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
/** How a vault-sealed payload starts in base64 (its format version and key version bytes). */
const SEALED_PREFIX = 'AQAAAA';

/** The settings exactly as the console's run page names them: clicking them proves the words. */
const UI = TEMPORAL_UI_CODEC_SETTINGS;

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A throwaway self-signed certificate for 127.0.0.1. */
async function selfSignedCertificate(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'latchkey-tls-'));
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'],
        ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
        ...['-addext', 'subjectAltName=IP:127.0.0.1'],
      ],
      { stdio: 'ignore' },
    );
    return { key: await readFile(key), cert: await readFile(cert) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An https server on a loopback port, as a production proxy terminates TLS. */
async function startTls(
  certificate: { key: Buffer; cert: Buffer },
  handler: (req: IncomingMessage, res: ServerResponse) => void,
) {
  const server = createHttpsServer(certificate, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Forwards every request to a plain-http server: the Temporal UI behind TLS. */
function proxyTo(target: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const upstream = httpRequest(
      `${target}${req.url ?? '/'}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  };
}

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

  async function operatorContext(options: { ignoreHTTPSErrors?: boolean } = {}) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      ...options,
    });
    // Hermetic: the UI may reach for fonts or news; only loopback answers.
    await context.route(
      (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost',
      (route) => route.abort(),
    );
    // Every decoded payload the UI received, to search for the secret.
    context.on('response', (response) => {
      if (!response.url().includes('/codec/decode') || response.status() !== 200) return;
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

  /** Closes a context once the decode replies it received have been read. */
  async function closeContext(context: BrowserContext) {
    await Promise.all(pendingReplies);
    await context.close();
  }

  /** The api's sign-in page, filled in by typing and clicking. Returns the endpoint it names. */
  async function signIn(page: Page, key: string, apiUrl = api.publicUrl): Promise<string> {
    await page.goto(`${apiUrl}/codec/login`);
    await page.getByLabel('API key').pressSequentially(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    // The api's page names the same settings the console does.
    const said = (await page.locator('main').textContent()) ?? '';
    for (const label of Object.values(UI)) expect(said).toContain(label);
    return (await page.locator('code').first().textContent()) ?? '';
  }

  /** The UI's Codec Server settings, set once per browser as the signed-in page says. */
  async function setUiCodec(page: Page, endpoint: string, ui = uiUrl) {
    await page.goto(ui);
    await page.locator('[data-testid^="data-encoder-status"]').click();
    await page.getByText(UI.browserSetting).click();
    await page.getByLabel(UI.endpointField).fill(endpoint);
    await page.getByText(UI.credentials).click();
    await page.getByRole('button', { name: 'Apply' }).click();
  }

  function runPage(run: TenantRun, ui = uiUrl) {
    return `${ui}/namespaces/default/workflows/${encodeURIComponent(run.temporalWorkflowId)}/${run.temporalRunId}/history`;
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
    api.allowEgress(shop.url);
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
    // The UI decodes the input and the result with separate requests and shows each payload
    // raw until its reply arrives: the order id is in the input, the redacted token only in
    // the result, so wait for both rather than read the panel as soon as the input is in.
    await expect
      .poll(
        async () => {
          const text = (await inputAndResult.textContent()) ?? '';
          return text.includes(ACME_ORDER) && text.includes('[redacted]');
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const shown = (await inputAndResult.textContent()) ?? '';
    expect(shown).toContain(ACME_INPUT);
    expect(shown).toContain('[redacted]');
    await page.screenshot({ path: path.join(shotsDir, '02-acme-run-decoded.png'), fullPage: true });
    expect(await page.content()).not.toContain(ECHOED_TOKEN);
    await closeContext(context);
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
    await closeContext(context);
  });

  it.skipIf(!opensslAvailable())(
    'works over https as in production, with a Secure, SameSite=None cookie',
    async () => {
      // Production: TLS in front of the api's codec endpoint and of the Temporal UI, on one site
      // (a site is the scheme and host: here https://127.0.0.1, in production e.g. example.com
      // for latchkey.example.com and temporal.example.com). Browsers that block third-party
      // cookies (this one does, in a fresh context) still send a same-site one.
      const certificate = await selfSignedCertificate();
      const tlsUi = await startTls(certificate, proxyTo(uiUrl));
      const tlsApi = await startTls(
        certificate,
        createCodecHandler({
          db: api.db,
          vault: api.vault,
          log: api.log,
          allowedOrigins: [tlsUi.url],
          temporalUiUrl: tlsUi.url,
        }),
      );
      try {
        const context = await operatorContext({ ignoreHTTPSErrors: true });
        const page = await context.newPage();
        const endpoint = await signIn(page, acme.codecKey, tlsApi.url);
        expect(endpoint).toBe(`${tlsApi.url}/codec`);
        const [cookie] = await context.cookies(`${tlsApi.url}/codec/decode`);
        expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'None' });

        await setUiCodec(page, endpoint, tlsUi.url);
        await page.goto(runPage(acme, tlsUi.url));
        await expect
          .poll(() => page.getByTestId('input-and-result').textContent(), { timeout: 30_000 })
          .toContain(ACME_ORDER);
        await page.screenshot({ path: path.join(shotsDir, '04-acme-run-over-https.png') });
        await closeContext(context);
      } finally {
        await Promise.all([tlsApi.close(), tlsUi.close()]);
      }
    },
  );

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
    await closeContext(context);
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
