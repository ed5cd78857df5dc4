import { LatchkeyClient } from '@latchkey/client';
import type { TestAuthorizationServer } from '@latchkey/oauth/testing';
import type { RefresherInput } from '@latchkey/temporal';
import { TenantLimiter } from '@latchkey/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { expireStoredTokens, type OAuthFixture, startOAuthFixture } from './oauth-fixture';
import { startTestWorker } from './worker-harness';

const CAP = 2;
const CLIENT_SECRET = 'slots-client-secret-3333ssss';

describe('every activity doing a tenant’s work takes one of its slots', () => {
  let api: TestApi;
  let oauth: OAuthFixture;
  let auth: TestAuthorizationServer;
  let server: LoopbackServer;
  const limiter = new TenantLimiter(CAP);
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let acme: LatchkeyClient;
  let tenantId: string;

  beforeAll(async () => {
    api = await startTestApi();
    oauth = await startOAuthFixture(api, {
      clientId: 'crm-app',
      clientSecret: CLIENT_SECRET,
      accessTokenTtlSeconds: 3_600,
    });
    auth = oauth.auth;
    server = await startLoopbackServer((req, res) => json(res, 200, { path: req.path }));
    api.allowEgress(server.url);
    worker = await startTestWorker(api, { limiter });
    const tenant = await api.createTenant('acme');
    tenantId = tenant.tenantId;
    acme = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey: tenant.apiKey });
    await oauth.upsertIntegration(acme, { id: 'crm', urlHost: server.url });
    await acme.upsertIntegration({ id: 'svc', urlHost: server.url, auth: { type: 'none' } });
    await acme.buildWorkflow({
      id: 'two',
      instruction: 'two calls',
      integrationIds: ['svc'],
      steps: [
        { id: 'first', integrationId: 'svc', method: 'GET', path: '/first' },
        { id: 'second', integrationId: 'svc', method: 'GET', path: '/second' },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await server?.close();
    await oauth?.close();
    await api?.close();
  });

  it(`a tenant's refreshers call token endpoints at most ${CAP} at a time`, async () => {
    const users = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const connectionIds: string[] = [];
    for (const userId of users) {
      await oauth.connect(acme, 'crm', userId);
      connectionIds.push((await acme.getConnection({ integrationId: 'crm', userId })).id);
    }
    await expireStoredTokens(api.db, { tenantId });
    auth.delayTokenRequests(1_500);
    const calls = auth.tokenEndpointCalls();
    // Five refreshers due at once (besides the ones connecting started, asleep for an hour).
    const client = await api.temporal();
    const handles = await Promise.all(
      connectionIds.map((connectionId, i) => {
        const input: RefresherInput = { tenantId, connectionId };
        return client.workflow.start('connectionRefresherWorkflow', {
          taskQueue: api.taskQueue,
          // A tenant workflow's id names its tenant (the worker's codec binds payloads to it).
          workflowId: `refresher:${tenantId}:slots-${i}-${Date.now()}`,
          args: [input],
        });
      }),
    );
    try {
      const deadline = Date.now() + 60_000;
      while (auth.tokenEndpointCalls() - calls < users.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1_700));
      expect(auth.tokenEndpointCalls() - calls).toBe(users.length);
      expect(auth.tokenRequestsPeak()).toBe(CAP);
      const refreshed = await api.db
        .selectFrom('connections')
        .select('last_refresh_at')
        .where('tenant_id', '=', tenantId)
        .execute();
      expect(refreshed.every((row) => row.last_refresh_at !== null)).toBe(true);
    } finally {
      auth.delayTokenRequests(0);
      await Promise.all(handles.map((h) => h.terminate('test over').catch(() => undefined)));
    }
  }, 90_000);

  it('a step waiting for its slot past its heartbeat timeout is not retried meanwhile', async () => {
    // Both of the tenant's slots are busy for 13 s, longer than a step's 10 s heartbeat timeout.
    let free = () => {};
    const busy = new Promise<void>((resolve) => {
      free = resolve;
    });
    const holders = [1, 2].map(() => limiter.run(tenantId, () => busy));
    const before = server.requests.length;
    const run = acme.executeWorkflow({ workflowId: 'two', timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 13_000));
    expect(limiter.waiting(tenantId)).toBe(1);
    free();
    await Promise.all(holders);
    const done = await run;
    expect(done.status).toBe('succeeded');
    // One request per step: no second attempt ran beside a first one that was still waiting.
    const paths = server.requests.slice(before).map((r) => r.path);
    expect(paths).toEqual(['/first', '/second']);
  }, 60_000);
});
