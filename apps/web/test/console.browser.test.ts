import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startTestAuthorizationServer } from '@latchkey/oauth/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/harness';
import { json, type LoopbackServer, startLoopbackServer } from '../../api/test/loopback';
import { startTestWorker } from '../../api/test/worker-harness';
import { RUNS_PAGE_SIZE } from '../src/api/queries';
import { buildConsole } from '../src/build';
import { TEMPORAL_UI_CODEC_SETTINGS } from '../src/runs/temporal-link';

const STRIPE_SECRET = 'sk_test_console-secret-7777kkkk';
const CLIENT_SECRET = 'console-client-secret-3333jjjj';
const TEMPORAL_UI = 'http://temporal-ui.test:8233';
const CUSTOMERS = [{ id: 'cus_1', email: 'ada@example.test' }];
/** The tenant's own data (runs.get returns it as is), but never shown on the run's page. */
const ECHOED_TOKEN = 'echoed-session-token-6262pppp';

type AuthServer = Awaited<ReturnType<typeof startTestAuthorizationServer>>;

describe('the web console in a real browser, against the real api, Temporal and OAuth', () => {
  let webRoot: string;
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let auth: AuthServer;
  let stripe: LoopbackServer;
  let browser: Browser;
  let page: Page;
  let apiKey: string;
  const shotsDir = path.join(os.tmpdir(), `latchkey-console-screenshots-${Date.now()}`);
  let shots = 0;
  const requestedUrls: string[] = [];
  const keyedRequests: { url: string; context: 'console' | 'end-user' }[] = [];
  const responseBodies: string[] = [];
  const pendingBodies: Promise<void>[] = [];

  /** A browser context that records every URL and response body, and reaches only loopback. */
  async function recordedContext(name: 'console' | 'end-user'): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Hermetic: the provider's pages import web fonts, which the test machine need not reach.
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    context.on('request', (request) => {
      requestedUrls.push(request.url());
      if (request.headers().authorization)
        keyedRequests.push({ url: request.url(), context: name });
    });
    context.on('response', (response) => {
      pendingBodies.push(
        response
          .body()
          .then((body) => {
            responseBodies.push(body.toString('utf8'));
          })
          // Redirects and aborted requests have no body.
          .catch(() => {}),
      );
    });
    return context;
  }

  async function shot(target: Page, name: string) {
    shots += 1;
    const file = `${String(shots).padStart(2, '0')}-${name}.png`;
    await target.screenshot({ path: path.join(shotsDir, file), fullPage: true });
  }

  /** The provider's own login and consent pages, filled in as a person would. */
  async function signInAtProvider(target: Page, accountId: string, screenshots: boolean) {
    await target.waitForURL(`${auth.issuer}/**`);
    await target.locator('input[name="login"]').fill(accountId);
    await target.locator('input[name="password"]').fill('test');
    if (screenshots) await shot(target, 'provider-login');
    await target.getByRole('button', { name: 'Sign-in' }).click();
    await target.getByRole('button', { name: 'Continue' }).waitFor();
    if (screenshots) await shot(target, 'provider-consent');
    await target.getByRole('button', { name: 'Continue' }).click();
  }

  /** The header's section links (page bodies link to the same places). */
  const section = (name: string) =>
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });

  async function expectNoSecretInPage() {
    const html = await page.content();
    for (const secret of [STRIPE_SECRET, CLIENT_SECRET, apiKey]) expect(html).not.toContain(secret);
  }

  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(os.tmpdir(), 'latchkey-console-build-'));
    const launched = chromium.launch({
      executablePath: process.env.LATCHKEY_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const stripeStarted = startLoopbackServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${STRIPE_SECRET}`) {
        return json(res, 401, { error: { message: 'Invalid API key' } });
      }
      // A field that looks secret, echoed back: the run's page shows it redacted.
      return json(res, 200, {
        object: 'list',
        data: CUSTOMERS,
        has_more: false,
        session_token: ECHOED_TOKEN,
      });
    });
    // The api serves the console from a directory it reads at start: build first.
    await Promise.all([buildConsole(webRoot), mkdir(shotsDir, { recursive: true })]);
    api = await startTestApi({ webRoot, temporalUiUrl: TEMPORAL_UI });
    [worker, auth, stripe, browser] = await Promise.all([
      startTestWorker(api),
      startTestAuthorizationServer({
        scopes: ['read', 'write'],
        clients: [
          {
            clientId: 'console-app',
            clientSecret: CLIENT_SECRET,
            redirectUris: [`${api.publicUrl}/oauth/callback`],
            grantTypes: ['authorization_code', 'refresh_token'],
          },
        ],
      }),
      stripeStarted,
      launched,
    ]);
    api.allowEgress(auth.tokenUrl);
    api.allowEgress(stripe.url);
    apiKey = (await api.createTenant('acme')).apiKey;
    page = await (await recordedContext('console')).newPage();
    console.log(`console screenshots: ${shotsDir}`);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await Promise.all([auth?.close(), stripe?.close()]);
    await api?.close();
    if (webRoot) await rm(webRoot, { recursive: true, force: true });
  });

  it('signs in with an API key, refusing a wrong one with the api message', async () => {
    await page.goto(`${api.publicUrl}/integrations`);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Latchkey console' }).count())
      .toBe(1);
    await shot(page, 'sign-in');

    await page.getByLabel('API key').fill('lk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid API key' }).waitFor();

    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Integrations' }).waitFor();
    await page.getByText('No integrations yet.').waitFor();
    expect(await page.locator('.tenant').textContent()).toBe('acme');
    await shot(page, 'integrations-empty');
  });

  it('adds an integration from a searched template; the secret is shown only as a hint', async () => {
    await page.getByRole('link', { name: 'Add integration' }).click();
    // The catalogue pages: the first page shows, with the total.
    await page.getByText(/^\d{3} templates, 60 shown$/).waitFor();
    await page.getByLabel('Category').selectOption('database');
    await page.getByRole('link', { name: 'Use the PostgreSQL template' }).waitFor();
    await page.getByLabel('Category').selectOption('');
    await page.getByLabel('Search templates').fill('stripe');
    const useStripe = page.getByRole('link', { name: 'Use the Stripe template' });
    await useStripe.waitFor();
    const card = page.getByRole('listitem').filter({ has: useStripe });
    expect(await card.textContent()).toContain('Payments · API key');
    expect(await card.textContent()).toContain('Verifies credentials');
    await shot(page, 'templates-search');
    await useStripe.click();

    await page.getByLabel('Base URL').fill(`${stripe.url}/v1`);
    await page.getByLabel('Value of secret_key').fill(STRIPE_SECRET);
    await shot(page, 'integration-from-template');
    await page.getByRole('button', { name: 'Create integration' }).click();

    await page.getByText('Saved. Credentials are shown only as masked hints').waitFor();
    expect(new URL(page.url()).pathname).toBe('/integrations/stripe');
    const stored = page.getByRole('list', { name: 'Stored credentials' });
    await expect.poll(() => stored.textContent()).toContain('secret_key');
    const hint = (await stored.locator('.masked').textContent()) ?? '';
    expect(hint).toMatch(/…/);
    expect(STRIPE_SECRET).not.toContain(hint);
    expect(await page.getByLabel('New value for secret_key').inputValue()).toBe('');
    await expectNoSecretInPage();
    await shot(page, 'integration-stripe');

    // The built-in credential test: the template's verification request, in the worker.
    const testSection = page.getByRole('region', { name: 'Credential test' });
    await expect.poll(() => testSection.textContent()).toContain('not tested yet');
    await testSection.getByRole('button', { name: 'Test' }).click();
    // A Temporal workflow on a busy machine: allow it more than poll's default second.
    await expect
      .poll(() => testSection.textContent(), { timeout: 30_000 })
      .toContain('GET /v1/account answered 200');
    expect(await testSection.locator('.badge').textContent()).toBe('ok');
    expect(stripe.requests.map((r) => r.path)).toContain('/v1/account');
    await expectNoSecretInPage();
    await shot(page, 'integration-credential-test');
  });

  it('connects an OAuth integration through the provider login and consent pages', async () => {
    await section('Integrations').click();
    await page.getByRole('link', { name: 'Add integration' }).click();
    await page.getByRole('link', { name: 'start from scratch' }).click();
    await page.getByLabel('Integration ID').fill('crm');
    await page.getByLabel('Name', { exact: true }).fill('Example CRM');
    await page.getByLabel('Base URL').fill('https://crm.example.test');
    await page.getByLabel('Scheme').selectOption('oauth2');
    await page.getByLabel('Client ID').fill('console-app');
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByLabel('Scopes').fill('read write');
    await page.getByLabel('Authorize URL').fill(auth.authorizeUrl);
    await page.getByLabel('Token URL').fill(auth.tokenUrl);
    await page.getByRole('button', { name: 'Create integration' }).click();
    await page.getByText('No one is connected yet.').waitFor();
    await expectNoSecretInPage();
    await shot(page, 'integration-crm');

    await page.getByLabel('End user ID', { exact: true }).fill('alice');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await signInAtProvider(page, 'alice', true);

    await page.waitForURL(`${api.publicUrl}/integrations/crm**`);
    await page.getByText('Connected alice: active.').waitFor();
    const alice = page.locator('tr[data-user="alice"]');
    await expect.poll(() => alice.textContent()).toContain('active');
    expect(await alice.textContent()).toContain('read write');
    expect(await alice.textContent()).toMatch(/in \d+ min|less than a minute/);
    // The callback's query is cleaned up once read.
    await expect.poll(() => new URL(page.url()).search).toBe('');
    await shot(page, 'integration-crm-connected');
  });

  it('completes a shareable connect link in a fresh browser that holds no API key', async () => {
    await page.getByLabel('End user ID for the link').fill('bob');
    await page.getByRole('button', { name: 'Create connect link' }).click();
    const linkInput = page.getByLabel('Connect link for bob');
    await linkInput.waitFor();
    const link = await linkInput.inputValue();
    expect(link.startsWith(`${api.publicUrl}/connect/`)).toBe(true);
    await shot(page, 'connect-link-created');

    const endUser = await recordedContext('end-user');
    const visitor = await endUser.newPage();
    await visitor.goto(link);
    await visitor.getByRole('heading', { name: 'Connect your Example CRM account' }).waitFor();
    await shot(visitor, 'connect-link-landing');
    await visitor.getByRole('button', { name: 'Continue to Example CRM' }).click();
    await signInAtProvider(visitor, 'bob', false);
    await visitor.getByRole('heading', { name: 'Connected' }).waitFor();
    await shot(visitor, 'connect-link-done');
    expect(await visitor.evaluate(() => sessionStorage.length)).toBe(0);
    await endUser.close();

    await page.reload();
    const bob = page.locator('tr[data-user="bob"]');
    await expect.poll(() => bob.textContent()).toContain('active');
    expect(keyedRequests.filter((r) => r.context === 'end-user')).toEqual([]);
  });

  it('builds and executes a workflow; the run succeeds and links to the Temporal UI', async () => {
    await section('Workflows').click();
    await page.getByText('No workflows yet.').waitFor();
    await page.getByLabel('Workflow ID').fill('stripe-customers');
    await page.getByLabel('Instruction').fill('List Stripe customers');
    await page.getByRole('checkbox', { name: /Stripe/ }).check();
    await page
      .getByLabel('Steps (JSON)')
      .fill(
        JSON.stringify([
          { id: 'customers', integrationId: 'stripe', method: 'GET', path: '/customers' },
        ]),
      );
    await page.getByRole('button', { name: 'Build workflow' }).click();
    await page.getByText('Built stripe-customers version 1').waitFor();
    await shot(page, 'workflows');

    await page.getByRole('link', { name: 'stripe-customers' }).first().click();
    await page.getByLabel('Payload (JSON)').fill('{"since": 0}');
    await page.getByRole('button', { name: 'Start run' }).click();
    const row = page.locator('tr[data-run-id]').first();
    // The table refreshes itself while the run is unfinished: no reload here.
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('succeeded');
    await shot(page, 'workflow-run-succeeded');

    const client = api.client(apiKey);
    const [run] = await client.runs.list.query({});
    const { temporalUi } = await client.tenant.me.query();
    expect(temporalUi?.url).toBe(TEMPORAL_UI);
    expect(run?.status).toBe('succeeded');
    const temporalWorkflowId = run?.temporal.workflowId ?? '';
    expect(temporalWorkflowId).not.toBe('');
    const href = await row.getByRole('link', { name: /in the Temporal UI/ }).getAttribute('href');
    expect(href).toBe(
      `${TEMPORAL_UI}/namespaces/${encodeURIComponent(temporalUi?.namespace ?? '')}/workflows?query=${encodeURIComponent(`WorkflowId="${temporalWorkflowId}"`)}`,
    );
    expect(decodeURIComponent(href ?? '')).toContain(temporalWorkflowId);
    expect(stripe.requests.map((r) => r.path)).toContain('/v1/customers');

    await section('Runs').click();
    await page.locator('tr[data-run-id]').first().waitFor();
    await shot(page, 'runs');
  });

  it("shows the run's input, steps and output, redacted, beside how to read it in the Temporal UI", async () => {
    const [run] = await api.client(apiKey).runs.list.query({});
    const row = page.locator(`tr[data-run-id="${run?.runId}"]`);
    await row.getByRole('link', { name: /^Details of the run started/ }).click();
    await page.getByRole('heading', { name: 'Run of stripe-customers v1' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/runs/${run?.runId}`);

    const region = (name: string) => page.getByRole('region', { name });
    await expect.poll(() => region('Input').textContent()).toContain('"since": 0');
    const step = page.locator('li[data-step-id="customers"]');
    const stepText = (await step.textContent()) ?? '';
    expect(stepText).toContain('succeeded');
    expect(stepText).toContain('GET /customers');
    expect(stepText).toContain('1 attempt');
    expect(stepText).toContain('ada@example.test');
    expect(stepText).toContain('"session_token": "[redacted]"');
    const output = (await region('Output').textContent()) ?? '';
    expect(output).toContain('cus_1');
    expect(output).toContain('"session_token": "[redacted]"');
    expect(await page.content()).not.toContain(ECHOED_TOKEN);
    await expectNoSecretInPage();

    // Next to the link, the Temporal UI settings that make it decode the run.
    const temporal = region('Temporal UI');
    const { temporalUi } = await api.client(apiKey).tenant.me.query();
    expect(temporalUi?.codecEndpoint).toBe(`${api.publicUrl}/codec`);
    expect(
      await temporal.getByRole('link', { name: 'Open in Temporal UI' }).getAttribute('href'),
    ).toBe(
      `${TEMPORAL_UI}/namespaces/${encodeURIComponent(temporalUi?.namespace ?? '')}/workflows/${encodeURIComponent(run?.temporal.workflowId ?? '')}/${run?.temporal.runId}/history`,
    );
    expect(
      await temporal.getByRole('link', { name: 'the codec sign-in page' }).getAttribute('href'),
    ).toBe(`${api.publicUrl}/codec/login`);
    const said = (await temporal.textContent()) ?? '';
    for (const label of Object.values(TEMPORAL_UI_CODEC_SETTINGS)) expect(said).toContain(label);
    expect(said).toContain(`${api.publicUrl}/codec`);
    await shot(page, 'run-page');

    await page.getByRole('link', { name: 'Runs', exact: true }).first().click();
    await page.locator('tr[data-run-id]').first().waitFor();
  });

  it('shows older runs a page at a time', async () => {
    const client = api.client(apiKey);
    const [first] = await client.runs.list.query({});
    // A full page of newer runs pushes the first one onto the second page.
    await Promise.all(
      Array.from({ length: RUNS_PAGE_SIZE }, () =>
        client.runs.execute.mutate({ workflowId: 'stripe-customers', payload: { since: 0 } }),
      ),
    );
    await page.reload();
    const rows = page.locator('tr[data-run-id]');
    await expect.poll(() => rows.count()).toBe(RUNS_PAGE_SIZE);
    expect(await page.locator(`tr[data-run-id="${first?.runId}"]`).count()).toBe(0);

    await page.getByRole('button', { name: 'Show older runs' }).click();
    await page.locator(`tr[data-run-id="${first?.runId}"]`).waitFor();
    expect(await rows.count()).toBe(RUNS_PAGE_SIZE + 1);
    await page.getByText(`Runs shown: ${RUNS_PAGE_SIZE + 1}`).waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Show older runs' }).count()).toBe(0);
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await section('Integrations').click();
    await page.getByRole('list', { name: 'Integrations' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      390,
    );
    await shot(page, 'integrations-phone');
  });

  it('deletes an integration only after confirming', async () => {
    await page.getByRole('link', { name: 'Example CRM' }).click();
    await page.getByRole('button', { name: 'Delete integration' }).click();
    const confirm = page.getByRole('button', { name: 'Yes, delete crm' });
    await expect.poll(() => confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    await shot(page, 'delete-confirmation-phone');
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await api.client(apiKey).integrations.get.query({ id: 'crm' })).toMatchObject({
      id: 'crm',
    });

    await page.getByRole('button', { name: 'Delete integration' }).click();
    await confirm.click();
    await page.waitForURL(`${api.publicUrl}/integrations`);
    await page.getByRole('link', { name: 'Stripe' }).waitFor();
    await expect.poll(() => page.getByRole('link', { name: 'Example CRM' }).count()).toBe(0);
    const remaining = await api.client(apiKey).integrations.list.query();
    expect(remaining.map((i) => i.id)).toEqual(['stripe']);
  });

  it('keeps secrets and the API key out of pages, responses, URLs and logs', async () => {
    await Promise.all(pendingBodies);
    expect(responseBodies.length).toBeGreaterThan(20);
    for (const body of responseBodies) {
      for (const secret of [STRIPE_SECRET, CLIENT_SECRET, apiKey])
        expect(body).not.toContain(secret);
    }
    for (const url of requestedUrls) {
      for (const secret of [STRIPE_SECRET, CLIENT_SECRET, apiKey])
        expect(url).not.toContain(secret);
    }
    // The key travels only as a header, to the api's own /trpc.
    for (const { url } of keyedRequests)
      expect(url.startsWith(`${api.publicUrl}/trpc/`)).toBe(true);
    const logs = api.logs();
    for (const secret of [STRIPE_SECRET, CLIENT_SECRET, apiKey]) expect(logs).not.toContain(secret);
  });
});
