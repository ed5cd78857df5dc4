import { request as httpRequest } from 'node:http';
import { appRouter, MAX_PAGE_SIZE } from '@latchkey/api';
import { LatchkeyClient } from '@latchkey/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

const LIMITS = {
  authFailuresPerAddress: 20,
  authFailuresPerKeyPrefix: 40,
  authFailureWindowSeconds: 600,
  keyCallsPerSecond: 5,
  keyCallsBurst: 5,
  // The tests' loopback peer is a trusted proxy: they speak for many client addresses
  // through X-Forwarded-For.
  trustedProxies: ['127.0.0.1', '::1'],
};

describe('limits at the door', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ limits: LIMITS });
  });
  afterAll(async () => {
    await api?.close();
  });

  /** One tRPC query as a client at `address` would send it through the proxy. */
  const me = async (key: string, address: string) => {
    const res = await fetch(`${api.publicUrl}/trpc/tenant.me`, {
      headers: { authorization: `Bearer ${key}`, 'x-forwarded-for': address },
    });
    const body = (await res.json()) as {
      error?: { message: string; data: { code: string; retryAfterSeconds?: number } };
    };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body };
  };

  /** Posts `bytes` of body to runs.execute, declared (content-length) or chunked. */
  const postHuge = (bytes: number, declared: boolean, apiKey: string) =>
    new Promise<{ status: number; ms: number; body: string; sent: number }>((resolve, reject) => {
      const started = performance.now();
      const url = new URL(`${api.url}/runs.execute`);
      const req = httpRequest(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${apiKey}`,
          ...(declared ? { 'content-length': String(bytes) } : {}),
        },
      });
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            body: Buffer.concat(chunks).toString('utf8'),
            sent,
          }),
        );
      });
      // The server hangs up once it has answered: writes after that fail, which is the point.
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < bytes && !answered) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!answered) req.end();
      };
      pump();
    });

  it('answers a 30 MB body 413 within 5 s, declared or chunked, and stops reading it', async () => {
    const { apiKey } = await api.createTenant('bulky');
    for (const declared of [true, false]) {
      const answer = await postHuge(30 * 1024 * 1024, declared, apiKey);
      expect(answer.status).toBe(413);
      expect(answer.ms).toBeLessThan(5_000);
      // Answered while the client was still sending: the server did not wait for the rest.
      expect(answer.sent).toBeLessThan(30 * 1024 * 1024);
      const parsed = JSON.parse(answer.body) as {
        error: { message: string; data: { code: string } };
      };
      expect(parsed.error.data.code).toBe('PAYLOAD_TOO_LARGE');
      expect(parsed.error.message).toMatch(/LATCHKEY_MAX_BODY_BYTES/);
    }
    // The api is still answering everyone else.
    const health = await fetch(`${api.url}/health.check`);
    expect(health.status).toBe(200);
  }, 30_000);

  it('refuses an address after too many wrong keys (429, Retry-After); a right key elsewhere still works', async () => {
    const acme = await api.createTenant('acme-door');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof me>> | undefined;
    for (let i = 0; i < 400; i++) {
      last = await me(`lk_wrong${String(i).padStart(4, '0')}${'x'.repeat(36)}`, '203.0.113.7');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, LIMITS.authFailuresPerAddress).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LIMITS.authFailuresPerAddress).every((s) => s === 429)).toBe(true);
    expect(Number(last?.retryAfter)).toBeGreaterThan(0);
    expect(Number(last?.retryAfter)).toBeLessThanOrEqual(LIMITS.authFailureWindowSeconds);
    expect(last?.body.error?.data.code).toBe('TOO_MANY_REQUESTS');
    expect(last?.body.error?.data.retryAfterSeconds).toBe(Number(last?.retryAfter));
    expect(last?.body.error?.message).toMatch(
      /failed authentications per client address.*LATCHKEY_RATE_AUTH_FAILURES_PER_ADDRESS/,
    );

    // The tenant, from its own address, is not locked out by the attacker.
    expect((await me(acme.apiKey, '198.51.100.20')).status).toBe(200);
    // The blocked address is refused whatever the key: the block answers no guesses.
    const fromBlocked = await me(acme.apiKey, '203.0.113.7');
    expect(fromBlocked.status).toBe(429);
    // Another address behind the same proxy has its own budget.
    expect((await me('lk_someoneelse', '203.0.113.8')).status).toBe(401);
  }, 120_000);

  it('a parallel burst of wrong keys gets no more 401s than the limit allows', async () => {
    const acme = await api.createTenant('acme-burst');
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        me(`lk_burst${String(i).padStart(4, '0')}${'x'.repeat(36)}`, '203.0.113.90'),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.authFailuresPerAddress);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60 - LIMITS.authFailuresPerAddress);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
    // A right key from another address still works.
    expect((await me(acme.apiKey, '198.51.100.91')).status).toBe(200);
  }, 60_000);

  it('a sprayed key prefix refuses wrong keys, never its right key', async () => {
    const globex = await api.createTenant('globex-door');
    const prefix = globex.apiKey.slice(0, 11);
    const statuses: number[] = [];
    // Spread over many addresses, so no address reaches its own limit.
    for (let i = 0; i < 60; i++) {
      const wrong = `${prefix}${'y'.repeat(32)}${String(i).padStart(4, '0')}`;
      statuses.push((await me(wrong, `192.0.2.${i % 30}`)).status);
    }
    expect(statuses.slice(0, LIMITS.authFailuresPerKeyPrefix).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LIMITS.authFailuresPerKeyPrefix).every((s) => s === 429)).toBe(true);
    const refused = await me(`${prefix}${'z'.repeat(36)}`, '192.0.2.99');
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(/per API key prefix/);
    expect(refused.retryAfter).not.toBeNull();
    // The tenant's own key, with that very prefix, still works from anywhere.
    expect((await me(globex.apiKey, '192.0.2.99')).status).toBe(200);
    expect((await me(globex.apiKey, '198.51.100.30')).status).toBe(200);
  }, 60_000);

  it('the codec endpoint counts wrong keys against the same limits', async () => {
    const decode = (key: string, address: string) =>
      fetch(`${api.publicUrl}/codec/decode`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'x-forwarded-for': address,
        },
        body: JSON.stringify({ payloads: [] }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.authFailuresPerAddress + 8; i++) {
      statuses.push(
        (await decode(`lk_codec${String(i).padStart(4, '0')}${'q'.repeat(36)}`, '203.0.113.50'))
          .status,
      );
    }
    expect(statuses.slice(0, LIMITS.authFailuresPerAddress).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LIMITS.authFailuresPerAddress).every((s) => s === 429)).toBe(true);
    const refused = await decode('lk_another_guess_xxxxxxxxxxxxxxxxxxxxxxxxxxxx', '203.0.113.50');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same address is refused on tRPC too: one budget per address, whichever door.
    expect((await me('lk_trpc_guess_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '203.0.113.50')).status).toBe(
      429,
    );
    // In parallel too: each attempt is counted before the codec answers it.
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        decode(`lk_cburst${String(i).padStart(4, '0')}${'q'.repeat(35)}`, '203.0.113.52'),
      ),
    );
    const burstStatuses = burst.map((r) => r.status);
    expect(burstStatuses.filter((s) => s === 401)).toHaveLength(LIMITS.authFailuresPerAddress);
    expect(burstStatuses.filter((s) => s === 429)).toHaveLength(40 - LIMITS.authFailuresPerAddress);
    // Requests that present no key (the Temporal UI without a session) count nothing.
    for (let i = 0; i < LIMITS.authFailuresPerAddress + 5; i++) {
      const res = await fetch(`${api.publicUrl}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.51' },
        body: '{"payloads":[]}',
      });
      expect(res.status).toBe(401);
    }
  }, 60_000);

  it('limits calls per API key with Retry-After; another key is not slowed', async () => {
    const initech = await api.createTenant('initech-door');
    const other = await api.createTenant('other-door');
    const answers = await Promise.all(
      Array.from({ length: 80 }, () => me(initech.apiKey, '198.51.100.40')),
    );
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(
      LIMITS.keyCallsPerSecond,
    );
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.body.error?.message).toMatch(/calls per second per API key/);
    expect(Number(limited[0]?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await me(other.apiKey, '198.51.100.40')).status).toBe(200);
    // The typed client sees a clear error.
    const client = new LatchkeyClient({ endpoint: api.publicUrl, apiKey: initech.apiKey });
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => client.listIntegrations()),
    );
    const rejected = results.find((r) => r.status === 'rejected');
    expect(String((rejected as PromiseRejectedResult | undefined)?.reason)).toMatch(
      /Too many requests/,
    );
  }, 60_000);
});

describe('page sizes', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  it('every list answers a bounded page: a larger limit is BAD_REQUEST naming it', async () => {
    const { apiKey } = await api.createTenant('pages');
    const lists = Object.keys(appRouter._def.procedures).filter((path) => path.endsWith('.list'));
    // Each list's largest page: MAX_PAGE_SIZE, or less where a page is heavy (an event carries
    // every delivery and its attempts).
    const maxPage: Record<string, number> = {
      'apiKeys.list': MAX_PAGE_SIZE,
      'audit.list': MAX_PAGE_SIZE,
      'connections.list': MAX_PAGE_SIZE,
      'events.list': 100,
      'integrations.list': MAX_PAGE_SIZE,
      'runs.list': MAX_PAGE_SIZE,
      'workflows.list': MAX_PAGE_SIZE,
    };
    expect(lists.sort()).toEqual(Object.keys(maxPage).sort());
    for (const path of lists) {
      const max = maxPage[path] ?? MAX_PAGE_SIZE;
      const input = encodeURIComponent(JSON.stringify({ limit: max + 1 }));
      const res = await fetch(`${api.url}/${path}?input=${input}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      const body = (await res.json()) as { error: { message: string; data: { code: string } } };
      expect([path, res.status, body.error.data.code]).toEqual([path, 400, 'BAD_REQUEST']);
      expect(body.error.message).toContain(`limit: Too big: expected number to be <=${max}`);
    }

    // Pages follow each other by cursor, and together hold everything once.
    const client = api.client(apiKey);
    for (const id of ['c-svc', 'a-svc', 'b-svc']) {
      await client.integrations.upsert.mutate({
        id,
        urlHost: 'https://api.example.com',
        auth: { type: 'none' },
      });
      for (const userId of ['u1', 'u2']) {
        await client.connections.upsert.mutate({
          integrationId: id,
          userId,
          credentials: { token: 'page-token' },
        });
      }
    }
    const first = await client.integrations.list.query({ limit: 2 });
    const second = await client.integrations.list.query({ limit: 2, after: first.at(-1)?.id });
    expect([...first, ...second].map((i) => i.id)).toEqual(['a-svc', 'b-svc', 'c-svc']);
    expect((await client.integrations.list.query()).length).toBe(3);

    const seen: string[] = [];
    let after: { integrationId: string; userId: string | null } | undefined;
    for (;;) {
      const page = await client.connections.list.query({ limit: 4, after });
      seen.push(...page.map((c) => `${c.integrationId}/${c.userId}`));
      const last = page.at(-1);
      if (page.length < 4 || !last) break;
      after = { integrationId: last.integrationId, userId: last.userId };
    }
    expect(seen).toEqual(['a-svc/u1', 'a-svc/u2', 'b-svc/u1', 'b-svc/u2', 'c-svc/u1', 'c-svc/u2']);

    await client.apiKeys.create.mutate({ name: 'second', scopes: ['runs'] });
    const [oldest] = await client.apiKeys.list.query({ limit: 1 });
    const rest = await client.apiKeys.list.query({ after: oldest?.id });
    expect(rest.map((k) => k.name)).toEqual(['second']);
  }, 60_000);
});
