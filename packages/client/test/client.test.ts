import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatchkeyClient, LatchkeyError } from '../src/index';
import { fakeApi, ok, trpcError } from './fake-api';

const apiKey = 'lk_test_5f0c9a7e2b1d4c6a8e3f';
const endpoint = 'http://latchkey.test:3000';

const integration = {
  id: 'stripe',
  name: 'Stripe',
  urlHost: 'https://api.stripe.com',
  urlPath: '/v1',
  auth: { type: 'bearer' },
  templateId: null,
  instructions: null,
  docsUrl: null,
  credentials: [{ name: 'secret_key', hint: 'sk_…4242' }],
  oauth: null,
  version: 1,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
};

const connection = {
  id: '0b6f3c1e-8a52-4d0e-9d5e-2f7c1a9b3e4d',
  integrationId: 'hubspot',
  userId: 'user-42',
  credentials: [{ name: 'access_token', hint: 'pat…9f' }],
  status: 'active',
  expiresAt: '2026-12-01T00:00:00.000Z',
  grantedScopes: ['crm.objects.contacts.read'],
  lastRefreshAt: null,
  lastError: null,
  consecutiveFailures: 0,
  version: 1,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
};

async function rejection(promise: Promise<unknown>): Promise<LatchkeyError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatchkeyError);
  return error as LatchkeyError;
}

describe('LatchkeyClient', () => {
  it('sends the API key as a bearer token to <endpoint>/trpc/<procedure>', async () => {
    const api = fakeApi({ 'health.check': ok({ status: 'ok', database: 'ok', temporal: 'ok' }) });
    const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
    expect(client.url).toBe('http://latchkey.test:3000/trpc');
    await expect(client.health()).resolves.toEqual({
      status: 'ok',
      database: 'ok',
      temporal: 'ok',
    });
    const [request] = api.requests;
    expect(request?.url.href).toBe('http://latchkey.test:3000/trpc/health.check');
    expect(request?.method).toBe('GET');
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('adds extra headers, static or computed per request, but never overrides the API key', async () => {
    const api = fakeApi({
      'tenant.me': ok({ tenantId: 't', name: 'Acme', apiKeyId: 'k', scopes: [] }),
    });
    let n = 0;
    const computed = new LatchkeyClient({
      endpoint,
      apiKey,
      fetch: api.fetch,
      headers: async () => ({ 'x-request-no': String(++n), Authorization: 'Bearer other' }),
    });
    await computed.me();
    await computed.me();
    const fixed = new LatchkeyClient({
      endpoint,
      apiKey,
      fetch: api.fetch,
      headers: { 'x-app': 'demo' },
    });
    await fixed.me();
    expect(api.requests.map((r) => r.headers['x-request-no'])).toEqual(['1', '2', undefined]);
    expect(api.requests[2]?.headers['x-app']).toBe('demo');
    for (const r of api.requests) expect(r.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  describe('integrations', () => {
    it('upsertIntegration(input) posts the input to integrations.upsert', async () => {
      const api = fakeApi({ 'integrations.upsert': ok(integration) });
      const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
      const input = {
        id: 'stripe',
        urlHost: 'https://api.stripe.com/v1',
        auth: { type: 'bearer' as const },
        credentials: { secret_key: 'sk_test_4242' },
      };
      await expect(client.upsertIntegration(input)).resolves.toEqual(integration);
      expect(api.requests[0]).toMatchObject({ method: 'POST', input });
      expect(api.requests[0]?.url.pathname).toBe('/trpc/integrations.upsert');
    });

    it('upsertIntegration(id, fields) puts the id in; an id in the fields must agree', async () => {
      const api = fakeApi({ 'integrations.upsert': ok(integration) });
      const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
      await client.upsertIntegration('stripe', {
        name: 'Stripe',
        credentials: { secret_key: 'x' },
      });
      // The documentation's OAuth sample repeats the id in the fields.
      await client.upsertIntegration('stripe', { id: 'stripe', name: 'S' });
      await expect(client.upsertIntegration('stripe', { id: 'other' })).rejects.toThrow(
        /the id 'stripe' and fields.id 'other' differ/,
      );
      expect(api.requests.map((r) => r.input)).toEqual([
        { id: 'stripe', name: 'Stripe', credentials: { secret_key: 'x' } },
        { id: 'stripe', name: 'S' },
      ]);
    });

    it('get, list, delete and templates call their procedures with the right inputs', async () => {
      const api = fakeApi({
        'integrations.get': ok(integration),
        'integrations.list': ok([integration]),
        'integrations.delete': ok({ id: 'stripe', deleted: true }),
        'integrations.templates': ok({ templates: [], total: 0, offset: 0, nextOffset: null }),
      });
      const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
      expect(await client.getIntegration('stripe')).toEqual(integration);
      expect(await client.listIntegrations()).toEqual([integration]);
      expect(await client.deleteIntegration('stripe')).toEqual({ id: 'stripe', deleted: true });
      await client.listTemplates();
      await client.listTemplates({ search: 'hub', category: 'crm' });
      expect(api.requests.map((r) => [r.method, r.url.pathname, r.input])).toEqual([
        ['GET', '/trpc/integrations.get', { id: 'stripe' }],
        ['GET', '/trpc/integrations.list', undefined],
        ['POST', '/trpc/integrations.delete', { id: 'stripe' }],
        ['GET', '/trpc/integrations.templates', undefined],
        ['GET', '/trpc/integrations.templates', { search: 'hub', category: 'crm' }],
      ]);
    });
  });

  describe('connections', () => {
    it('upsert, get, list and delete call their procedures with the right inputs', async () => {
      const api = fakeApi({
        'connections.upsert': ok(connection),
        'connections.get': ok(connection),
        'connections.list': ok([connection]),
        'connections.delete': ok({ integrationId: 'hubspot', userId: 'user-42', deleted: true }),
      });
      const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
      const key = { integrationId: 'hubspot', userId: 'user-42' };
      const expiresAt = new Date('2026-12-01T00:00:00Z');
      expect(
        await client.upsertConnection({
          ...key,
          credentials: { access_token: 'pat-1' },
          expiresAt,
        }),
      ).toEqual(connection);
      expect(await client.getConnection(key)).toEqual(connection);
      expect(await client.listConnections()).toEqual([connection]);
      await client.listConnections({ userId: 'user-42' });
      expect(await client.deleteConnection(key)).toEqual({ ...key, deleted: true });
      expect(api.requests.map((r) => [r.method, r.url.pathname, r.input])).toEqual([
        [
          'POST',
          '/trpc/connections.upsert',
          { ...key, credentials: { access_token: 'pat-1' }, expiresAt: '2026-12-01T00:00:00.000Z' },
        ],
        ['GET', '/trpc/connections.get', key],
        ['GET', '/trpc/connections.list', undefined],
        ['GET', '/trpc/connections.list', { userId: 'user-42' }],
        ['POST', '/trpc/connections.delete', key],
      ]);
    });
  });

  describe('errors', () => {
    it('rejects with a typed LatchkeyError carrying code, status, fields and path', async () => {
      const fields = [{ path: ['urlHost'], message: 'must name a host' }];
      const api = fakeApi({
        'integrations.upsert': trpcError(
          'BAD_REQUEST',
          400,
          'Invalid input: urlHost: must name a host',
          'integrations.upsert',
          fields,
        ),
      });
      const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
      const error = await rejection(client.upsertIntegration({ id: 'x', urlHost: 'https://' }));
      expect(error).toMatchObject({
        code: 'BAD_REQUEST',
        httpStatus: 400,
        fields,
        path: 'integrations.upsert',
        message: 'Invalid input: urlHost: must name a host',
      });
      expect(error.cause).toBeDefined();
    });

    it.each([
      ['NOT_FOUND', 404],
      ['UNAUTHORIZED', 401],
      ['FORBIDDEN', 403],
      ['CONFLICT', 409],
      ['INTERNAL_SERVER_ERROR', 500],
    ])('passes %s through', async (code, status) => {
      const api = fakeApi({
        'integrations.get': trpcError(code, status, 'no', 'integrations.get'),
      });
      const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
      const error = await rejection(client.getIntegration('stripe'));
      expect([error.code, error.httpStatus, error.fields]).toEqual([code, status, null]);
    });

    it('turns a fetch failure into NETWORK_ERROR without the API key anywhere', async () => {
      const client = new LatchkeyClient({
        endpoint,
        apiKey,
        fetch: async () => {
          throw new TypeError('fetch failed', {
            cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
          });
        },
      });
      const error = await rejection(client.listIntegrations());
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.httpStatus).toBeNull();
      expect(error.path).toBe('integrations.list');
      expect(error.message).toBe(
        'Could not reach the Latchkey API at http://latchkey.test:3000/trpc: fetch failed (ECONNREFUSED)',
      );
      expect(inspect(error, { depth: 10 })).not.toContain(apiKey);
    });

    it('redacts the API key if a custom fetch quotes it', async () => {
      const client = new LatchkeyClient({
        endpoint,
        apiKey,
        fetch: async (_url, init) => {
          const auth = (init?.headers as Record<string, string> | undefined)?.authorization;
          throw new TypeError(`invalid header value "${auth}"`);
        },
      });
      const error = await rejection(client.me());
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.message).toContain('[REDACTED]');
      expect(inspect(error, { depth: 10 })).not.toContain(apiKey);
    });

    it('reaches a real closed port as NETWORK_ERROR', async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const client = new LatchkeyClient({ endpoint: `http://127.0.0.1:${port}`, apiKey });
      const error = await rejection(client.health());
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.message).not.toContain(apiKey);
    });

    it('maps an HTML error page (a proxy, a wrong endpoint) to UNEXPECTED_RESPONSE', async () => {
      const api = fakeApi({
        'health.check': { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' },
      });
      const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
      const error = await rejection(client.health());
      expect(error).toMatchObject({
        code: 'UNEXPECTED_RESPONSE',
        httpStatus: 502,
        path: 'health.check',
      });
      expect(error.message).toMatch(/HTTP 502 with text\/html/);
    });

    it('maps JSON that is not a tRPC answer to UNEXPECTED_RESPONSE', async () => {
      const api = fakeApi({ 'health.check': { status: 404, body: { error: 'not found' } } });
      const client = new LatchkeyClient({ endpoint, apiKey, fetch: api.fetch });
      const error = await rejection(client.health());
      expect(error).toMatchObject({ code: 'UNEXPECTED_RESPONSE', httpStatus: 404 });
    });

    it('maps an aborted raw call to CLIENT_CLOSED_REQUEST via LatchkeyError.from', async () => {
      const client = new LatchkeyClient({
        endpoint,
        apiKey,
        fetch: (_url, init) =>
          new Promise((_resolve, reject) => {
            const abort = () =>
              reject(new DOMException('This operation was aborted', 'AbortError'));
            if (init?.signal?.aborted) abort();
            init?.signal?.addEventListener('abort', abort);
          }),
      });
      const controller = new AbortController();
      const call = client.trpc.integrations.list.query(undefined, { signal: controller.signal });
      controller.abort();
      const error = await call.catch((e: unknown) => LatchkeyError.from(e));
      expect(error).toBeInstanceOf(LatchkeyError);
      expect((error as LatchkeyError).code).toBe('CLIENT_CLOSED_REQUEST');
    });
  });

  it('maps a timeout from a fetch wrapper to TIMEOUT', async () => {
    const client = new LatchkeyClient({
      endpoint,
      apiKey,
      fetch: async () => {
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      },
    });
    const error = await rejection(client.listIntegrations());
    expect(error).toMatchObject({ code: 'TIMEOUT', httpStatus: null, path: 'integrations.list' });
  });

  it('maps a headers function that throws to NETWORK_ERROR with its message', async () => {
    const client = new LatchkeyClient({
      endpoint,
      apiKey,
      fetch: fakeApi({}).fetch,
      headers: () => {
        throw new Error('could not read the tracing context');
      },
    });
    const error = await rejection(client.me());
    expect(error).toMatchObject({
      code: 'NETWORK_ERROR',
      message: 'could not read the tracing context',
    });
  });

  describe('the API key', () => {
    it('is required and must be header-safe; the error does not quote it', () => {
      expect(() => new LatchkeyClient({ endpoint, apiKey: '' })).toThrow(/apiKey` is required/);
      expect(
        () => new LatchkeyClient({ endpoint } as unknown as { endpoint: string; apiKey: string }),
      ).toThrow(TypeError);
      const bad = `${apiKey}\n`;
      expect(() => new LatchkeyClient({ endpoint, apiKey: bad })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining(apiKey) }),
      );
      expect(() => new LatchkeyClient({ endpoint, apiKey: 'has space' })).toThrow(TypeError);
    });

    it('is not visible on the instance', () => {
      const client = new LatchkeyClient({ endpoint, apiKey });
      expect(inspect(client, { depth: 4, showHidden: true })).not.toContain(apiKey);
      expect(JSON.stringify(client)).not.toContain(apiKey);
      expect(Object.values(client).map(String).join()).not.toContain(apiKey);
    });
  });
});

describe('LatchkeyClient over real HTTP', () => {
  let server: Server;
  let baseUrl = '';
  const seen: { url: string; method: string; authorization: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({
        url: req.url ?? '',
        method: req.method ?? '',
        authorization: req.headers.authorization,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ result: { data: [integration] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('uses the global fetch by default', async () => {
    const client = new LatchkeyClient({ endpoint: `${baseUrl}/`, apiKey });
    expect(await client.listIntegrations()).toEqual([integration]);
    expect(seen).toEqual([
      { url: '/trpc/integrations.list', method: 'GET', authorization: `Bearer ${apiKey}` },
    ]);
  });
});
