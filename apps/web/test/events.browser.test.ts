import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../api/test/harness';
import { json, type LoopbackServer, startLoopbackServer } from '../../api/test/loopback';
import { startTestWorker } from '../../api/test/worker-harness';
import { buildConsole } from '../src/build';

describe('the console’s Events page: set the webhook, see the secret once, see deliveries', () => {
  let webRoot: string;
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let hooks: LoopbackServer;
  let browser: Browser;
  let page: Page;
  let apiKey: string;
  let client: ReturnType<TestApi['client']>;

  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(os.tmpdir(), 'latchkey-events-build-'));
    const launched = chromium.launch({
      executablePath: process.env.LATCHKEY_CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    await buildConsole(webRoot);
    api = await startTestApi({ webRoot });
    [worker, hooks, browser] = await Promise.all([
      startTestWorker(api),
      startLoopbackServer((_request, res) => json(res, 200, {})),
      launched,
    ]);
    // The webhook receiver passes the egress allowlist like any tenant destination.
    api.allowEgress(hooks.url);
    apiKey = (await api.createTenant('acme')).apiKey;
    client = api.client(apiKey);
    await client.integrations.upsert.mutate({ id: 'crm', urlHost: 'https://api.example.com' });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    page = await context.newPage();
    // Building the console on a busy machine can take minutes.
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await hooks?.close();
    await api?.close();
    if (webRoot) await rm(webRoot, { recursive: true, force: true });
  });

  it('creates the endpoint, shows its secret once, then only a hint', async () => {
    await page.goto(`${api.publicUrl}/events`);
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await page.getByText('No events yet.').waitFor();
    await page.getByLabel('Endpoint URL').fill(`${hooks.url}/latchkey`);
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await page.reload();
    await page.getByText(/^Secret /).waitFor();
    expect(await page.getByTestId('webhook-secret').count()).toBe(0);
    const html = await page.content();
    expect(html).not.toContain(secret);
    expect(await page.getByLabel('Endpoint URL').inputValue()).toBe(`${hooks.url}/latchkey`);
  });

  it('lists an event with its delivery, and redelivers it', async () => {
    await client.connections.upsert.mutate({
      integrationId: 'crm',
      userId: 'user-1',
      credentials: { token: 'tok-console-events-0001' },
    });
    await page.reload();
    const row = page.locator('tr', { hasText: 'connection.created' });
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toContain('delivered');
    await row.getByRole('button', { name: /Redeliver/ }).click();
    await expect
      .poll(async () => (await row.textContent())?.match(/delivered/g)?.length ?? 0, {
        timeout: 30_000,
      })
      .toBe(2);
    expect(hooks.requests).toHaveLength(2);
  });
});
