import { LatchkeyClient, LatchkeyError } from '@latchkey/client';
import { TEMPLATES } from '@latchkey/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

describe('integrations.templates: the catalogue a page at a time', () => {
  let api: TestApi;
  let client: LatchkeyClient;

  beforeAll(async () => {
    api = await startTestApi();
    const { apiKey } = await api.createTenant('acme');
    client = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey });
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it('gives the first page with the total when asked nothing', async () => {
    const page = await client.listTemplates();
    expect(page.total).toBe(TEMPLATES.length);
    expect(page.total).toBeGreaterThanOrEqual(400);
    expect(page.offset).toBe(0);
    expect(page.templates.map((t) => t.id)).toEqual(TEMPLATES.slice(0, 50).map((t) => t.id));
    expect(page.nextOffset).toBe(50);
  });

  it('pages with offset and limit, filtered by search, category and kind', async () => {
    const second = await client.listTemplates({ offset: 10, limit: 5 });
    expect(second.templates.map((t) => t.id)).toEqual(TEMPLATES.slice(10, 15).map((t) => t.id));
    expect(second.nextOffset).toBe(15);

    const crm = await client.listTemplates({ category: 'crm', kind: 'oauth2', limit: 500 });
    expect(crm.templates.map((t) => t.id)).toContain('hubspot');
    expect(crm.templates.every((t) => t.category === 'crm' && t.oauth)).toBe(true);
    expect(crm.total).toBe(crm.templates.length);
    expect(crm.nextOffset).toBeNull();

    const stripe = await client.listTemplates({ search: 'stripe' });
    expect(stripe.templates.map((t) => t.id)).toEqual(['stripe-connect', 'stripe']);
    expect(stripe.templates[1]?.verify).toEqual({ path: '/account' });
  });

  it('listAllTemplates walks every page', async () => {
    const all = await client.listAllTemplates();
    expect(all.map((t) => t.id)).toEqual(TEMPLATES.map((t) => t.id));
    const databases = await client.listAllTemplates({ kind: 'database' });
    expect(databases.map((t) => t.id)).toContain('postgres');
  });

  it('rejects a page size out of range, naming the field', async () => {
    const error = await client.listTemplates({ limit: 501 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LatchkeyError);
    expect((error as LatchkeyError).code).toBe('BAD_REQUEST');
    expect((error as LatchkeyError).message).toMatch(/limit/);
  });
});
