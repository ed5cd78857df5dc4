import { LatchkeyClient, LatchkeyError, verifyWebhookSignature } from '@latchkey/client';
import { eventDeliveryWorkflowId } from '@latchkey/temporal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, type RecordedRequest, startLoopbackServer } from './loopback';
import { rawHistoryText } from './temporal-history';
import { waitFor } from './wait-for';
import { startTestWorker } from './worker-harness';

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const bodyOf = (request: RecordedRequest) =>
  JSON.parse(request.body) as {
    id: string;
    type: string;
    tenantId: string;
    data: Record<string, unknown>;
  };

// Deliveries wait on durable timers; a busy machine stretches them.
describe('tenant events: own endpoint, own secret, delivered durably by Temporal', {
  timeout: 120_000,
}, () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let hooks: LoopbackServer;
  /** A loopback server the operator never allowed: webhooks must never reach it. */
  let closed: LoopbackServer;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  let acmeTenant: string;
  let globexTenant: string;
  let acmeSecret: string;
  let globexSecret: string;
  const responses: unknown[] = [];
  const keep = <T>(value: T): T => {
    responses.push(value);
    return value;
  };
  /** What each path answers next: a queue of statuses (and headers), then 200. */
  const script = new Map<string, { status: number; headers?: Record<string, string> }[]>();
  const received = (path: string) => hooks.requests.filter((r) => r.path === path);

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api, {
      // Short waits, and a delivery gives up after 15 s instead of 24 h.
      events: { initialRetryMs: 200, maxRetryMs: 1_000, timeoutMs: 2_000, maxAgeMs: 15_000 },
    });
    hooks = await startLoopbackServer((request, res) => {
      const next = script.get(request.path)?.shift();
      if (next) return json(res, next.status, { ok: false }, next.headers);
      return json(res, 200, { ok: true });
    });
    // Webhook URLs go through the egress policy: the receiver is opened, port by port.
    api.allowEgress(hooks.url);
    closed = await startLoopbackServer((_request, res) => json(res, 200, { ok: true }));
    const endpoint = api.url.replace(/\/trpc$/, '');
    const a = await api.createTenant('acme');
    const g = await api.createTenant('globex');
    acmeTenant = a.tenantId;
    globexTenant = g.tenantId;
    acme = new LatchkeyClient({ endpoint, apiKey: a.apiKey });
    globex = new LatchkeyClient({ endpoint, apiKey: g.apiKey });
    await acme.upsertIntegration({ id: 'crm', urlHost: 'https://api.example.com' });
    await globex.upsertIntegration({ id: 'crm', urlHost: 'https://api.example.com' });
  });
  afterAll(async () => {
    await worker?.stop();
    await hooks?.close();
    await closed?.close();
    await api?.close();
  });

  it('registers each tenant’s endpoint with its own secret, shown once', async () => {
    const set = keep(await acme.setWebhook({ url: `${hooks.url}/acme` }));
    expect(set.secret).toMatch(/^whsec_/);
    acmeSecret = set.secret as string;
    const other = keep(await globex.setWebhook({ url: `${hooks.url}/globex` }));
    globexSecret = other.secret as string;
    expect(globexSecret).not.toBe(acmeSecret);
    const read = keep(await acme.getWebhook());
    expect(read).toMatchObject({ url: `${hooks.url}/acme`, previousSecretExpiresAt: null });
    expect(JSON.stringify(read)).not.toContain(acmeSecret);
    // Moving the endpoint keeps the secret and does not show it again.
    const moved = keep(await acme.setWebhook({ url: `${hooks.url}/acme` }));
    expect(moved).not.toHaveProperty('secret');
    const stored = await api.db.selectFrom('tenant_webhooks').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(acmeSecret);
  });

  it('refuses bad URLs naming the field, and keys without the admin scope', async () => {
    const bad = await failure(acme.setWebhook({ url: 'ftp://example.com/hook' }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/url/);
    const userinfo = await failure(acme.setWebhook({ url: 'https://user:pw@example.com/hook' }));
    expect(userinfo.code).toBe('BAD_REQUEST');
    const limited = await acme.trpc.apiKeys.create.mutate({
      name: 'integrations only',
      scopes: ['integrations'],
    });
    const weak = new LatchkeyClient({ endpoint: acme.url, apiKey: limited.key });
    expect((await failure(weak.setWebhook({ url: `${hooks.url}/evil` }))).code).toBe('FORBIDDEN');
    expect((await failure(weak.listEvents())).code).toBe('FORBIDDEN');
    expect((await failure(weak.rotateWebhookSecret())).code).toBe('FORBIDDEN');
  });

  it('refuses a URL the egress policy refuses, naming url: loopback not allowed, link-local', async () => {
    for (const url of [
      `${closed.url}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]:8080/hook',
      'http://[::ffff:127.0.0.1]:9/hook',
    ]) {
      const refused = await failure(acme.setWebhook({ url }));
      expect(refused.code, url).toBe('BAD_REQUEST');
      expect(refused.message, url).toMatch(/url/);
      expect(refused.message, url).toMatch(/refused/);
    }
    // The endpoint set before stays; nothing reached the closed server.
    expect(await acme.getWebhook()).toMatchObject({ url: `${hooks.url}/acme` });
    expect(closed.requests).toHaveLength(0);
  });

  it('retries 503 twice, then delivers, with three attempts listed', async () => {
    script.set('/acme', [{ status: 503 }, { status: 503 }]);
    await acme.upsertConnection({
      integrationId: 'crm',
      userId: 'user-retry',
      credentials: { token: 'tok-user-retry-value-0001' },
    });
    await waitFor(() => received('/acme').length >= 3, 60_000, 'the third attempt');
    const attempts = received('/acme');
    expect(attempts).toHaveLength(3);
    const bodies = attempts.map((r) => r.body);
    expect(new Set(bodies).size).toBe(1);
    const event = bodyOf(attempts[0] as RecordedRequest);
    expect(event).toMatchObject({
      type: 'connection.created',
      tenantId: acmeTenant,
      data: { integrationId: 'crm', userId: 'user-retry' },
    });
    const delivery = await deliveryOf(acme, 'user-retry', ['delivered']);
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([503, 503, 200]);
    expect(delivery.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const listed = keep(await acme.listEvents()).items.find((e) => e.id === event.id);
    expect(listed?.deliveries).toHaveLength(1);
  });

  it('delivers each tenant’s events only to its endpoint, verifiable with its own secret only', async () => {
    await globex.upsertConnection({
      integrationId: 'crm',
      userId: 'user-globex',
      credentials: { token: 'tok-user-globex-value-0002' },
    });
    await acme.upsertConnection({
      integrationId: 'crm',
      userId: 'user-acme',
      credentials: { token: 'tok-user-acme-value-0003' },
    });
    await waitFor(
      () =>
        received('/globex').some((r) => r.body.includes('user-globex')) &&
        received('/acme').some((r) => r.body.includes('user-acme')),
      60_000,
      'both deliveries',
    );
    for (const r of received('/globex')) {
      expect(bodyOf(r).tenantId).toBe(globexTenant);
      const signature = r.headers['x-latchkey-signature'] as string;
      expect(await verifyWebhookSignature(globexSecret, signature, r.body)).toBe(true);
      expect(await verifyWebhookSignature(acmeSecret, signature, r.body)).toBe(false);
    }
    for (const r of received('/acme')) {
      expect(bodyOf(r).tenantId).toBe(acmeTenant);
      const signature = r.headers['x-latchkey-signature'] as string;
      expect(await verifyWebhookSignature(acmeSecret, signature, r.body)).toBe(true);
      expect(await verifyWebhookSignature(globexSecret, signature, r.body)).toBe(false);
      // A body changed in transit fails, as does an old timestamp.
      expect(await verifyWebhookSignature(acmeSecret, signature, `${r.body} `)).toBe(false);
      expect(
        await verifyWebhookSignature(acmeSecret, signature, r.body, {
          now: Date.now() + 3_600_000,
        }),
      ).toBe(false);
    }
    expect(hooks.requests.every((r) => r.path === '/acme' || r.path === '/globex')).toBe(true);
    // Lists are per tenant: globex sees none of acme's events and cannot redeliver them.
    const globexEvents = keep(await globex.listEvents({ limit: 100 }));
    expect(globexEvents.items.every((e) => e.data.userId === 'user-globex')).toBe(true);
    const acmeEvent = bodyOf(received('/acme')[0] as RecordedRequest);
    expect((await failure(globex.redeliverEvent(acmeEvent.id))).code).toBe('NOT_FOUND');
  });

  it('stops at a 4xx other than 429, and honours Retry-After on 429', async () => {
    script.set('/acme', [{ status: 410 }]);
    await acme.upsertConnection({
      integrationId: 'crm',
      userId: 'user-gone',
      credentials: { token: 'tok-user-gone-value-0004' },
    });
    const gone = await deliveryOf(acme, 'user-gone', ['failed']);
    expect(gone.attempts.map((a) => a.statusCode)).toEqual([410]);
    expect(gone.reason).toMatch(/410/);

    script.set('/acme', [{ status: 429, headers: { 'retry-after': '2' } }]);
    await acme.upsertConnection({
      integrationId: 'crm',
      userId: 'user-limited',
      credentials: { token: 'tok-user-limited-value-0005' },
    });
    const limited = await deliveryOf(acme, 'user-limited', ['delivered']);
    expect(limited.attempts.map((a) => a.statusCode)).toEqual([429, 200]);
    const [first, second] = limited.attempts;
    // Backoff alone would wait about 200 ms; the endpoint asked for 2 s.
    expect(Date.parse(String(second?.at)) - Date.parse(String(first?.at))).toBeGreaterThanOrEqual(
      1_900,
    );
  });

  it('gives up when the endpoint keeps failing past the maximum age', async () => {
    script.set(
      '/acme',
      Array.from({ length: 100 }, () => ({ status: 500 })),
    );
    await acme.upsertConnection({
      integrationId: 'crm',
      userId: 'user-down',
      credentials: { token: 'tok-user-down-value-0008' },
    });
    const down = await deliveryOf(acme, 'user-down', ['failed']);
    expect(down.reason).toMatch(/gave up after \d+ attempts/);
    expect(down.attempts.length).toBeGreaterThanOrEqual(3);
    expect(down.attempts.every((a) => a.statusCode === 500)).toBe(true);
    const span = Date.parse(String(down.attempts.at(-1)?.at)) - Date.parse(String(down.createdAt));
    // The last attempt starts before the maximum age; a busy machine may take a while to answer.
    expect(span).toBeLessThan(15_000 + 10_000);
    script.set('/acme', []);
  });

  it('redelivers an event as a new delivery', async () => {
    const page = await acme.listEvents({ type: 'connection.created' });
    const gone = page.items.find((e) => e.data.userId === 'user-gone');
    expect(gone).toBeDefined();
    const before = received('/acme').length;
    const redelivered = keep(await acme.redeliverEvent(gone?.id as string));
    expect(redelivered).toMatchObject({ eventId: gone?.id, started: true });
    await waitFor(() => received('/acme').length > before, 60_000, 'the redelivery');
    expect(bodyOf(received('/acme').at(-1) as RecordedRequest).id).toBe(gone?.id);
    const again = await deliveryOf(acme, 'user-gone', ['delivered']);
    expect(again.id).toBe(redelivered.deliveryId);
  });

  it('announces a failed run (run.failed) with its redacted error', async () => {
    await acme.upsertIntegration({
      id: 'svc',
      urlHost: hooks.url,
      auth: { type: 'query', name: 'api_key', credential: 'api_key' },
      credentials: { api_key: 'svc-key-value-failing-0009' },
    });
    script.set('/missing', [{ status: 404 }]);
    const run = await acme.executeWorkflow({
      workflow: {
        instruction: 'call a missing path',
        integrationIds: ['svc'],
        steps: [{ id: 'call', integrationId: 'svc', method: 'GET', path: '/missing' }],
      },
    });
    expect(run.status).toBe('failed');
    await waitFor(
      () => received('/acme').some((r) => r.headers['x-latchkey-event-type'] === 'run.failed'),
      60_000,
      'the run.failed event',
    );
    const failed = received('/acme').filter(
      (r) => r.headers['x-latchkey-event-type'] === 'run.failed',
    );
    expect(failed).toHaveLength(1);
    expect(bodyOf(failed[0] as RecordedRequest).data).toMatchObject({ runId: run.runId });
    expect(String(bodyOf(failed[0] as RecordedRequest).data.error)).toMatch(/404/);
    expect(failed[0]?.body).not.toContain('svc-key-value-failing-0009');
  });

  it('rotates the secret: both sign during the overlap, only the new one after', async () => {
    const rotated = keep(await acme.rotateWebhookSecret({ overlapSeconds: 3_600 }));
    const next = rotated.secret;
    expect(next).not.toBe(acmeSecret);
    expect(rotated.previousSecretExpiresAt).not.toBeNull();
    await acme.upsertConnection({
      integrationId: 'crm',
      userId: 'user-overlap',
      credentials: { token: 'tok-user-overlap-0006' },
    });
    await waitFor(
      () => received('/acme').some((r) => r.body.includes('user-overlap')),
      60_000,
      'overlap delivery',
    );
    const during = received('/acme').find((r) =>
      r.body.includes('user-overlap'),
    ) as RecordedRequest;
    const header = during.headers['x-latchkey-signature'] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(await verifyWebhookSignature(acmeSecret, header, during.body)).toBe(true);
    expect(await verifyWebhookSignature(next, header, during.body)).toBe(true);

    const last = keep(await acme.rotateWebhookSecret({ overlapSeconds: 0 }));
    await acme.upsertConnection({
      integrationId: 'crm',
      userId: 'user-after',
      credentials: { token: 'tok-user-after-0007' },
    });
    await waitFor(
      () => received('/acme').some((r) => r.body.includes('user-after')),
      60_000,
      'post-rotation delivery',
    );
    const after = received('/acme').find((r) => r.body.includes('user-after')) as RecordedRequest;
    const afterHeader = after.headers['x-latchkey-signature'] as string;
    expect(afterHeader.match(/v1=/g)).toHaveLength(1);
    expect(await verifyWebhookSignature(last.secret, afterHeader, after.body)).toBe(true);
    expect(await verifyWebhookSignature(next, afterHeader, after.body)).toBe(false);
    acmeSecret = last.secret;
    secretsSeen.push(next);
  });

  const secretsSeen: string[] = [];

  it('refuses delivery to a URL the policy no longer allows: one attempt, final, with the reason', async () => {
    // An endpoint registered before the operator narrowed the allowlist (written directly:
    // `set` refuses it now). Each delivery checks the policy again.
    await api.db
      .updateTable('tenant_webhooks')
      .set({ url: `${closed.url}/globex` })
      .where('tenant_id', '=', globexTenant)
      .execute();
    try {
      await globex.upsertConnection({
        integrationId: 'crm',
        userId: 'user-refused',
        credentials: { token: 'tok-user-refused-0010' },
      });
      const refused = await deliveryOf(globex, 'user-refused', ['failed']);
      expect(refused.attempts).toHaveLength(1);
      expect(refused.attempts[0]?.statusCode).toBeNull();
      expect(refused.attempts[0]?.error).toMatch(/refused/);
      expect(refused.reason).toMatch(/refused/);
      expect(closed.requests).toHaveLength(0);
    } finally {
      await api.db
        .updateTable('tenant_webhooks')
        .set({ url: `${hooks.url}/globex` })
        .where('tenant_id', '=', globexTenant)
        .execute();
    }
  });

  it('never shows a secret after creation: responses, logs, audit, events, Temporal history', async () => {
    const secrets = [acmeSecret, globexSecret, ...secretsSeen];
    const deliveries = await api.db.selectFrom('event_deliveries').selectAll().execute();
    const client = await api.temporal();
    const histories: string[] = [];
    for (const d of deliveries.slice(0, 6)) {
      histories.push(await rawHistoryText(client, eventDeliveryWorkflowId(d.tenant_id, d.id)));
    }
    expect(histories.join('').length).toBeGreaterThan(0);
    const audit = await api.db.selectFrom('audit_events').selectAll().execute();
    const events = await api.db.selectFrom('tenant_events').selectAll().execute();
    const attempts = await api.db.selectFrom('event_delivery_attempts').selectAll().execute();
    // The responses that returned a secret on purpose are left out.
    const reads = responses.filter((r) => !(typeof r === 'object' && r !== null && 'secret' in r));
    const everything =
      JSON.stringify([reads, audit, events, attempts]) + api.logs() + histories.join('\n');
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });
});

/** The one delivery of the connection.created event of `userId`, once in a final state. */
async function deliveryOf(
  client: LatchkeyClient,
  userId: string,
  states: string[],
): Promise<
  NonNullable<
    Awaited<ReturnType<LatchkeyClient['listEvents']>>['items'][number]['deliveries'][number]
  >
> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const page = await client.listEvents({ limit: 100, type: 'connection.created' });
    const event = page.items.find((e) => e.data.userId === userId);
    const last = event?.deliveries.at(-1);
    if (last && states.includes(last.status)) return last;
    if (Date.now() > deadline) throw new Error(`no ${states.join('/')} delivery for ${userId}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
