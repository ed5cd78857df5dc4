import { LatchkeyClient } from '@latchkey/client';
import { refresherWorkflowId } from '@latchkey/temporal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { type OAuthFixture, startOAuthFixture } from './oauth-fixture';
import { startTestWorker } from './worker-harness';

// What the refresher workflow does between start and end (refreshes across token lifetimes,
// continue-as-new, its ends) is tested beside it: apps/worker/test/refresher-workflow.test.ts.
describe("the api starts and stops each connection's proactive refresher", () => {
  let api: TestApi;
  let oauth: OAuthFixture;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let acme: LatchkeyClient;
  let tenantId: string;

  beforeAll(async () => {
    api = await startTestApi();
    oauth = await startOAuthFixture(api, {
      clientId: 'app',
      clientSecret: 'refresher-secret-1111iiii',
      accessTokenTtlSeconds: 3,
    });
    worker = await startTestWorker(api, { refresh: { marginMs: 1_500 } });
    const tenant = await api.createTenant('acme');
    tenantId = tenant.tenantId;
    acme = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey: tenant.apiKey });
    await oauth.upsertIntegration(acme, { id: 'crm', urlHost: 'https://crm.example.test' });
  });
  afterAll(async () => {
    await worker?.stop();
    await oauth?.close();
    await api?.close();
  });

  it('starts a refresher when a connection is made and stops it when the connection is deleted', async () => {
    await oauth.connect(acme, 'crm', 'bob');
    const connection = await acme.getConnection({ integrationId: 'crm', userId: 'bob' });
    expect(connection.refreshes).toBe(true);

    const client = await api.temporal();
    const handle = client.workflow.getHandle(refresherWorkflowId(tenantId, connection.id));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await acme.deleteConnection({ integrationId: 'crm', userId: 'bob' });
    expect((await handle.describe()).status.name).toBe('TERMINATED');
  }, 30_000);

  it('stops the refreshers of every connection when their integration is deleted', async () => {
    const handles = [];
    for (const userId of ['carol', 'dave']) {
      await oauth.connect(acme, 'crm', userId);
      const connection = await acme.getConnection({ integrationId: 'crm', userId });
      const client = await api.temporal();
      const handle = client.workflow.getHandle(refresherWorkflowId(tenantId, connection.id));
      expect((await handle.describe()).status.name).toBe('RUNNING');
      handles.push(handle);
    }
    await acme.deleteIntegration('crm');
    for (const handle of handles) {
      expect((await handle.describe()).status.name).toBe('TERMINATED');
    }
    const audit = await api.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'integration.delete')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ connectionsDeleted: 2 });
  }, 30_000);
});
