import type { MappedHttpRequest } from '@latchkey/credential-mapper';
import { createRedactor } from '@latchkey/credential-mapper';
import { testServices } from '@latchkey/devstack/test-db';
import { allowEgress, createTestEgress } from '@latchkey/devstack/test-egress';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeHttp, StepError } from '../src/index';
import { type Loopback, sendJson, startLoopback } from './loopback';

const SECRET = 's3cr3t-query-key';
const { redactString } = createRedactor([SECRET]);
let api: Loopback;
let elsewhere: Loopback;
let inside: Loopback;
const egress = createTestEgress();

beforeAll(async () => {
  elsewhere = await startLoopback((req, res) => sendJson(res, 200, { headers: req.headers }));
  // Not allowed: stands in for anything on the network a tenant must not reach.
  inside = await startLoopback((_req, res) => sendJson(res, 200, { secret: 'internal' }));
  api = await startLoopback(async (req, res, body) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    switch (path) {
      case '/ok':
        return sendJson(res, 200, { data: [{ id: 1 }] }, { 'x-request-id': 'r1' });
      case '/text':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end('plain words');
      case '/empty':
        res.writeHead(204);
        return void res.end();
      case '/echo':
        return sendJson(res, 200, { method: req.method, body: JSON.parse(body) });
      case '/unavailable':
        res.writeHead(503, { 'content-type': 'text/plain' });
        return void res.end('down for maintenance');
      case '/limited':
        return sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
      case '/limited-long':
        return sendJson(res, 429, {}, { 'retry-after': '3600' });
      case '/missing':
        return sendJson(res, 404, {
          error: { message: `No such customer (key ${SECRET})`, padding: 'x'.repeat(1000) },
        });
      case '/slow':
        await new Promise((r) => setTimeout(r, 2000));
        return sendJson(res, 200, {});
      case '/big': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        for (let i = 0; i < 11; i++) res.write(chunk);
        return void res.end();
      }
      case '/big-declared':
        res.writeHead(200, { 'content-length': String(20 * 1024 * 1024) });
        return void res.end();
      case '/same-origin-redirect':
        res.writeHead(302, { location: '/ok' });
        return void res.end();
      case '/other-origin-redirect':
        res.writeHead(307, { location: `${elsewhere.url}/anything` });
        return void res.end();
      case '/redirect-inside':
        res.writeHead(302, { location: `${inside.url}/admin` });
        return void res.end();
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        return void res.end();
      default:
        return sendJson(res, 404, {});
    }
  });
  allowEgress(egress, api.url);
  allowEgress(egress, elsewhere.url);
});

afterAll(async () => {
  await api.close();
  await elsewhere.close();
  await inside.close();
  await egress.close();
});

const request = (path: string, extra: Partial<MappedHttpRequest> = {}): MappedHttpRequest => ({
  kind: 'http',
  method: 'GET',
  url: `${api.url}${path}`,
  headers: { Accept: 'application/json', 'X-Api-Key': 'header-secret-value' },
  explanation: [],
  secrets: [],
  ...extra,
});

const opts = { timeoutMs: 1000, redact: redactString, stepId: 'listCustomers', egress };

async function stepError(promise: Promise<unknown>): Promise<StepError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StepError);
  return error as StepError;
}

describe('executeHttp', () => {
  it('returns parsed JSON with status, headers, size and timing', async () => {
    const result = await executeHttp(request('/ok'), opts);
    expect(result).toMatchObject({ status: 200, body: { data: [{ id: 1 }] } });
    expect(result.headers['x-request-id']).toBe('r1');
    expect(result.bytes).toBe(JSON.stringify({ data: [{ id: 1 }] }).length);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('returns text bodies as text, empty bodies as null, and sends request bodies', async () => {
    expect((await executeHttp(request('/text'), opts)).body).toBe('plain words');
    expect((await executeHttp(request('/empty'), opts)).body).toBeNull();
    const echoed = await executeHttp(
      request('/echo', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      }),
      opts,
    );
    expect(echoed.body).toEqual({ method: 'POST', body: { a: 1 } });
  });

  it('classifies 503 as retryable', async () => {
    const error = await stepError(executeHttp(request('/unavailable'), opts));
    expect(error).toMatchObject({ kind: 'retryable', status: 503, stepId: 'listCustomers' });
    expect(error.message).toBe(
      `step "listCustomers": GET ${api.url}/unavailable returned 503 Service Unavailable: down for maintenance`,
    );
  });

  it('classifies 429 as rate limited and honours Retry-After (capped at 60 s)', async () => {
    const error = await stepError(executeHttp(request('/limited'), opts));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterMs: 1000 });
    const long = await stepError(executeHttp(request('/limited-long'), opts));
    expect(long.retryAfterMs).toBe(60_000);
  });

  it('classifies 404 as fatal, names the step and redacts the URL and the body', async () => {
    const error = await stepError(executeHttp(request(`/missing?api_key=${SECRET}&limit=3`), opts));
    expect(error.kind).toBe('fatal');
    expect(error.status).toBe(404);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).toMatch(
      new RegExp(
        `^step "listCustomers": GET ${api.url}/missing\\?api_key=\\[REDACTED\\]&limit=3 returned 404 Not Found: \\{"error":\\{"message":"No such customer \\(key \\[REDACTED\\]\\)"`,
      ),
    );
    expect(error.message.length).toBeLessThan(500); // the body excerpt is cut
    expect(JSON.stringify(error.toJSON())).not.toContain(SECRET);
  });

  it('times out a slow server as retryable', async () => {
    const started = Date.now();
    const error = await stepError(executeHttp(request('/slow'), { ...opts, timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toMatchObject({ kind: 'retryable', code: 'TIMEOUT' });
    expect(error.message).toBe(`step "listCustomers": GET ${api.url}/slow timed out after 200 ms`);
  });

  it('treats a refused connection as retryable', async () => {
    const closed = await startLoopback(() => {});
    await closed.close();
    allowEgress(egress, closed.url); // allowed, so what is left is the network's answer
    const error = await stepError(
      executeHttp({ ...request('/ok'), url: `${closed.url}/ok` }, opts),
    );
    expect(error).toMatchObject({ kind: 'retryable', code: 'NETWORK' });
    expect(error.message).toMatch(/failed: .*ECONNREFUSED/);
  });

  it('refuses oversized bodies as fatal', async () => {
    const error = await stepError(executeHttp(request('/big'), opts));
    expect(error).toMatchObject({ kind: 'fatal', code: 'TOO_LARGE' });
    expect(error.message).toContain('larger than 10485760 bytes');
    const declared = await stepError(
      executeHttp(request('/big-declared'), { ...opts, maxResponseBytes: 1000 }),
    );
    expect(declared.code).toBe('TOO_LARGE');
  });

  it('follows same-origin redirects and strips headers on a cross-origin one', async () => {
    expect((await executeHttp(request('/same-origin-redirect'), opts)).body).toEqual({
      data: [{ id: 1 }],
    });
    const result = await executeHttp(request('/other-origin-redirect'), opts);
    const headers = (result.body as { headers: Record<string, string> }).headers;
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers.accept).toBe('application/json');
    const loop = await stepError(executeHttp(request('/loop'), opts));
    expect(loop).toMatchObject({ kind: 'fatal', code: 'REDIRECTS' });
  });

  it('refuses a server the operator has not allowed, at once and for good', async () => {
    const port = new URL(inside.url).port;
    const error = await stepError(executeHttp({ ...request('/ok'), url: `${inside.url}/x` }, opts));
    expect(error).toMatchObject({ kind: 'fatal', code: 'EGRESS_REFUSED' });
    expect(error.message).toBe(
      `step "listCustomers": egress to 127.0.0.1:${port} refused: loopback address; an operator can allow it with LATCHKEY_EGRESS_ALLOW`,
    );
    expect(inside.requests).toHaveLength(0);
  });

  it('checks each redirect hop: an allowed server cannot bounce a step inside', async () => {
    const error = await stepError(executeHttp(request('/redirect-inside'), opts));
    expect(error).toMatchObject({ kind: 'fatal', code: 'EGRESS_REFUSED' });
    expect(error.message).toContain(`egress to 127.0.0.1:${new URL(inside.url).port} refused`);
    expect(error.message).toContain('(redirect 1 of GET');
    expect(inside.requests).toHaveLength(0);
  });

  it('refuses the platform database and Temporal even on a policy that allows loopback', async () => {
    const open = createTestEgress();
    open.allow('127.0.0.0/8');
    try {
      const { pgAdminUrl, temporalAddress } = testServices();
      for (const target of [`http://${new URL(pgAdminUrl).host}/`, `http://${temporalAddress}/`]) {
        const error = await stepError(
          executeHttp({ ...request('/ok'), url: target }, { ...opts, egress: open }),
        );
        expect(error.code).toBe('EGRESS_REFUSED');
        expect(error.message).toMatch(/refused: (the platform's PostgreSQL|the Temporal frontend)/);
      }
    } finally {
      await open.close();
    }
  });

  it("rethrows the caller's cancellation reason", async () => {
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 50);
    await expect(
      executeHttp(request('/slow'), { ...opts, signal: controller.signal }),
    ).rejects.toBe(reason);
  });
});
