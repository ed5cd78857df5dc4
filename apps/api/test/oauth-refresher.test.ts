import { LatchkeyClient } from '@latchkey/client';
import { startTestAuthorizationServer } from '@latchkey/oauth/testing';
import { refresherWorkflowId } from '@latchkey/temporal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInBrowser } from './browser-flow';
import { startTestApi, type TestApi } from './harness';
import { startTestWorker } from './worker-harness';

type AuthServer = Awaited<ReturnType<typeof startTestAuthorizationServer>>;

// What the refresher workflow does between start and end (refreshes across token lifetimes,
// continue-as-new, its ends) is tested beside it: apps/worker/test/refresher-workflow.test.ts.
describe("the api starts and stops each connection's proactive refresher", () => {
  let api: TestApi;
  let auth: AuthServer;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let acme: LatchkeyClient;
  let tenantId: string;

  beforeAll(async () => {
    api = await startTestApi();
    auth = await startTestAuthorizationServer({
      scopes: ['read'],
      accessTokenTtlSeconds: 3,
      clients: [
        {
          clientId: 'app',
          clientSecret: 'refresher-secret-1111iiii',
          redirectUris: [`${api.publicUrl}/oauth/callback`],
          grantTypes: ['authorization_code', 'refresh_token'],
        },
      ],
    });
    api.allowEgress(auth.tokenUrl);
    worker = await startTestWorker(api, { refresh: { marginMs: 1_500 } });
    const tenant = await api.createTenant('acme');
    tenantId = tenant.tenantId;
    acme = new LatchkeyClient({ endpoint: api.url.replace(/\/trpc$/, ''), apiKey: tenant.apiKey });
    await acme.upsertIntegration({
      id: 'crm',
      urlHost: 'https://crm.example.test',
      auth: { type: 'oauth2' },
      oauth: {
        clientId: 'app',
        clientSecret: 'refresher-secret-1111iiii',
        authorizeUrl: auth.authorizeUrl,
        tokenUrl: auth.tokenUrl,
        scopes: ['read'],
      },
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await auth?.close();
    await api?.close();
  });

  it('starts a refresher when a connection is made and stops it when the connection is deleted', async () => {
    const { url } = await acme.trpc.oauth.authorizeUrl.mutate({
      integrationId: 'crm',
      userId: 'bob',
    });
    await connectInBrowser(auth, url, { accountId: 'bob' });
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
      const { url } = await acme.trpc.oauth.authorizeUrl.mutate({ integrationId: 'crm', userId });
      await connectInBrowser(auth, url, { accountId: userId });
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
