import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

describe('the api serves a built web console next to tRPC', () => {
  let api: TestApi;
  let webRoot: string;

  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(tmpdir(), 'latchkey-console-'));
    await mkdir(path.join(webRoot, 'assets'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>Latchkey</title>');
    await writeFile(path.join(webRoot, 'assets', 'app-1234.js'), 'console.log("hi")');
    api = await startTestApi({ webRoot, temporalUiUrl: 'http://127.0.0.1:8233' });
  });
  afterAll(async () => {
    await api?.close();
    await rm(webRoot, { recursive: true, force: true });
  });

  it('serves index.html at / and for the console routes, with protective headers', async () => {
    // Ids may contain dots: `/integrations/api.v2` is a console route, not a file.
    for (const route of ['/', '/integrations', '/runs/abc', '/integrations/api.v2']) {
      const response = await fetch(`${api.publicUrl}${route}`);
      expect(response.status, route).toBe(200);
      expect(await response.text()).toContain('<title>Latchkey</title>');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-cache');
    }
    const asset = await fetch(`${api.publicUrl}/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${api.publicUrl}/assets/gone-5678.js`)).status).toBe(404);
  });

  it('keeps the api routes: tRPC, health and unknown procedures are not the console', async () => {
    expect((await fetch(`${api.publicUrl}/healthz`)).status).toBe(200);
    const unknown = await fetch(`${api.url}/no.such.procedure`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).not.toContain('<title>Latchkey</title>');
    const post = await fetch(`${api.publicUrl}/integrations`, { method: 'POST' });
    expect(post.status).toBe(404);
  });

  it('tells the console where the Temporal UI is', async () => {
    const { apiKey } = await api.createTenant('acme');
    const me = await api.client(apiKey).tenant.me.query();
    expect(me.temporalUi).toEqual({
      url: 'http://127.0.0.1:8233',
      namespace: 'default',
      codecEndpoint: `${api.publicUrl}/codec`,
    });
  });
});
