import { LatchkeyClient, verifyWebhookSignature } from '@latchkey/client';
import {
  deleteHealthSchedule,
  ensureHealthSchedule,
  healthScheduleId,
  tenantHealthWorkflowId,
} from '@latchkey/temporal';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, type RecordedRequest, startLoopbackServer } from './loopback';
import { waitFor } from './wait-for';
import { startTestWorker } from './worker-harness';

const USER_KEY = 'sk_test_healthUserKey0000aaaaBBBB';
const OTHER_KEYS = ['sk_test_healthOther1111ccccDDDD', 'sk_test_healthOther2222eeeeFFFF'];
const THIRD_KEY = 'sk_test_healthOther3333ggggHHHH';

describe('connection health: one schedule per deployment tests stale connections', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let provider: LoopbackServer;
  let hooks: LoopbackServer;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  let acmeTenant: string;
  let globexTenant: string;
  let acmeSecret: string;
  /** What the stand-in provider answers the user's key with. */
  let userKeyStatus = 401;

  const healthEvents = () =>
    hooks.requests.filter((r) =>
      String(r.headers['x-latchkey-event-type']).match(/^connection\.(unhealthy|recovered)$/),
    );

  /** Runs the schedule now and waits until the tenant's checker has finished. */
  async function sweep(tenantIds: string[]) {
    const client = await api.temporal();
    const handle = client.schedule.getHandle(healthScheduleId(api.taskQueue));
    const before = (await handle.describe()).info.numActionsTaken;
    await handle.trigger();
    const deadline = Date.now() + 30_000;
    while ((await handle.describe()).info.numActionsTaken <= before) {
      if (Date.now() > deadline) throw new Error('the schedule did not start a sweep');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const sweepId = (await handle.describe()).info.recentActions.at(-1)?.action.workflow.workflowId;
    if (sweepId) await client.workflow.getHandle(sweepId).result();
    for (const tenantId of tenantIds) {
      try {
        await client.workflow.getHandle(tenantHealthWorkflowId(tenantId)).result();
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
  }

  beforeAll(async () => {
    api = await startTestApi();
    // Everything is stale at once, and at most two connections per tenant per sweep.
    worker = await startTestWorker(api, {
      health: { staleAfterMs: 0, perTenant: 2 },
      events: { initialRetryMs: 200, maxRetryMs: 1_000 },
    });
    provider = await startLoopbackServer((request, res) => {
      if (request.path !== '/v1/account') return json(res, 404, {});
      if (request.headers.authorization === `Bearer ${USER_KEY}`) {
        return json(res, userKeyStatus, userKeyStatus === 200 ? { id: 'acct' } : { error: 'no' });
      }
      return json(res, 200, { id: 'acct_other' });
    });
    hooks = await startLoopbackServer((_request, res) => json(res, 200, {}));
    // The provider's health checks and the webhook deliveries pass the egress allowlist.
    api.allowEgress(provider.url);
    api.allowEgress(hooks.url);
    const endpoint = api.url.replace(/\/trpc$/, '');
    const a = await api.createTenant('acme');
    const g = await api.createTenant('globex');
    acmeTenant = a.tenantId;
    globexTenant = g.tenantId;
    acme = new LatchkeyClient({ endpoint, apiKey: a.apiKey });
    globex = new LatchkeyClient({ endpoint, apiKey: g.apiKey });
    acmeSecret = (await acme.setWebhook({ url: `${hooks.url}/acme` })).secret as string;
    await globex.setWebhook({ url: `${hooks.url}/globex` });
    for (const client of [acme, globex]) {
      await client.upsertIntegration({ id: 'stripe', templateId: 'stripe', urlHost: provider.url });
    }
    await acme.upsertConnection({
      integrationId: 'stripe',
      userId: 'user-1',
      credentials: { secret_key: USER_KEY },
    });
    // Globex has three healthy connections: one sweep tests two of them.
    for (const [i, key] of [...OTHER_KEYS, THIRD_KEY].entries()) {
      await globex.upsertConnection({
        integrationId: 'stripe',
        userId: `g-user-${i}`,
        credentials: { secret_key: key },
      });
    }
    const client = await api.temporal();
    // Created twice, as two workers starting together would: still one schedule.
    await ensureHealthSchedule(client, { taskQueue: api.taskQueue, intervalMs: 3_600_000 });
    await ensureHealthSchedule(client, { taskQueue: api.taskQueue, intervalMs: 3_600_000 });
  });
  afterAll(async () => {
    if (api) await deleteHealthSchedule(await api.temporal(), api.taskQueue);
    await worker?.stop();
    await provider?.close();
    await hooks?.close();
    await api?.close();
  });

  it('is one schedule per deployment, found again rather than duplicated', async () => {
    const client = await api.temporal();
    const ids: string[] = [];
    for await (const schedule of client.schedule.list()) {
      if (schedule.scheduleId.endsWith(api.taskQueue)) ids.push(schedule.scheduleId);
    }
    expect(ids).toEqual([healthScheduleId(api.taskQueue)]);
    // A worker started with another interval brings the schedule to it.
    const handle = await ensureHealthSchedule(client, {
      taskQueue: api.taskQueue,
      intervalMs: 1_800_000,
    });
    expect((await handle.describe()).spec.intervals?.[0]?.every).toBe(1_800_000);
  });

  it('marks a connection whose provider answers 401 unhealthy, with one webhook', async () => {
    await sweep([acmeTenant, globexTenant]);
    const connection = await acme.getConnection({ integrationId: 'stripe', userId: 'user-1' });
    expect(connection.status).toBe('unhealthy');
    expect(connection.health).toMatchObject({ outcome: 'invalid_credentials', status: 401 });
    await waitFor(() => healthEvents().length >= 1, 20_000, 'the unhealthy webhook');
    const [event] = healthEvents() as [RecordedRequest];
    expect(event.path).toBe('/acme');
    expect(JSON.parse(event.body)).toMatchObject({
      type: 'connection.unhealthy',
      tenantId: acmeTenant,
      data: { integrationId: 'stripe', userId: 'user-1', outcome: 'invalid_credentials' },
    });
    expect(
      await verifyWebhookSignature(
        acmeSecret,
        event.headers['x-latchkey-signature'] as string,
        event.body,
      ),
    ).toBe(true);
    const audit = await api.db
      .selectFrom('audit_events')
      .select(['action', 'actor', 'tenant_id'])
      .where('action', 'like', 'connection.unhealthy')
      .execute();
    expect(audit).toEqual([
      { action: 'connection.unhealthy', actor: 'system:health', tenant_id: acmeTenant },
    ]);
  });

  it('tests at most the per-tenant bound per sweep', async () => {
    const checked = await api.db
      .selectFrom('connections')
      .select('user_id')
      .where('tenant_id', '=', globexTenant)
      .where('last_checked_at', 'is not', null)
      .execute();
    expect(checked).toHaveLength(2);
  });

  it('a failing connection stays unhealthy without another webhook', async () => {
    await sweep([acmeTenant, globexTenant]);
    expect((await acme.getConnection({ integrationId: 'stripe', userId: 'user-1' })).status).toBe(
      'unhealthy',
    );
    // Any delivery of a second event would have been started by now; give it a moment anyway.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(healthEvents()).toHaveLength(1);
  });

  it('marks it healthy again when the provider answers 200, with one recovery webhook', async () => {
    userKeyStatus = 200;
    await sweep([acmeTenant, globexTenant]);
    const connection = await acme.getConnection({ integrationId: 'stripe', userId: 'user-1' });
    expect(connection.status).toBe('active');
    expect(connection.health).toMatchObject({ outcome: 'ok', status: 200 });
    await waitFor(() => healthEvents().length >= 2, 20_000, 'the recovery webhook');
    await sweep([acmeTenant]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const events = healthEvents();
    expect(events.map((r) => JSON.parse(r.body).type)).toEqual([
      'connection.unhealthy',
      'connection.recovered',
    ]);
    expect(events.every((r) => r.path === '/acme')).toBe(true);
    const listed = await acme.listEvents({ type: 'connection.recovered' });
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]?.deliveries[0]?.status).toBe('delivered');
  });

  it('leaves connections used recently alone', async () => {
    await api.db
      .updateTable('connections')
      .set({ last_used_at: new Date(Date.now() + 60_000), last_checked_at: null })
      .where('tenant_id', '=', acmeTenant)
      .execute();
    const before = provider.requests.length;
    await sweep([acmeTenant]);
    const acmeChecks = provider.requests
      .slice(before)
      .filter((r) => r.headers.authorization === `Bearer ${USER_KEY}`);
    expect(acmeChecks).toHaveLength(0);
  });

  it('keeps secrets out of health, audit, events and logs', async () => {
    const rows = await api.db.selectFrom('connections').select('health').execute();
    const audit = await api.db.selectFrom('audit_events').selectAll().execute();
    const events = await api.db.selectFrom('tenant_events').selectAll().execute();
    const everything =
      JSON.stringify([rows, audit, events]) + api.logs() + hooks.requests.map((r) => r.body).join();
    for (const secret of [USER_KEY, ...OTHER_KEYS, THIRD_KEY, acmeSecret]) {
      expect(everything).not.toContain(secret);
    }
  });
});
