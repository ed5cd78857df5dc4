import { createHmac } from 'node:crypto';
import { LatchkeyClient } from '@latchkey/client';
import type { TestAuthorizationServer } from '@latchkey/oauth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { expireStoredTokens, type OAuthFixture, startOAuthFixture } from './oauth-fixture';
import { rawHistoryText } from './temporal-history';
import { startTestWorker } from './worker-harness';

const CLIENT_SECRET = 'refresh-client-secret-9999hhhh';
const WEBHOOK_SECRET = 'webhook-signing-secret-0000';

describe('OAuth refresh on use: one refresh per connection, loud and safe failures', () => {
  let api: TestApi;
  let oauth: OAuthFixture;
  let auth: TestAuthorizationServer;
  let resource: LoopbackServer;
  let hooks: LoopbackServer;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let acme: LatchkeyClient;
  const tokensSeen = new Set<string>();

  async function connect(userId: string) {
    const response = await oauth.connect(acme, 'crm', userId);
    expect(response.status).toBe(200);
  }

  async function storedTokens(userId: string) {
    const row = await api.db
      .selectFrom('connections')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    const bag = await api.vault.openJson<{ access_token: string; refresh_token: string }>(
      { tenantId: row.tenant_id, kind: 'connection.credentials', recordId: row.id, userId },
      row.encrypted_credentials as Buffer,
    );
    tokensSeen.add(bag.access_token);
    tokensSeen.add(bag.refresh_token);
    return { row, ...bag };
  }

  beforeAll(async () => {
    api = await startTestApi();
    oauth = await startOAuthFixture(api, {
      clientId: 'crm-app',
      clientSecret: CLIENT_SECRET,
      accessTokenTtlSeconds: 3_600,
      refreshTokenRotation: true,
    });
    auth = oauth.auth;
    resource = await oauth.startResourceServer();
    hooks = await startLoopbackServer((_req, res) => json(res, 204, {}));
    worker = await startTestWorker(api, {
      tenantActivityLimit: 100,
      refresh: {
        marginMs: 5_000,
        webhook: { url: `${hooks.url}/latchkey`, secret: WEBHOOK_SECRET },
      },
    });
    acme = new LatchkeyClient({
      endpoint: api.url.replace(/\/trpc$/, ''),
      apiKey: (await api.createTenant('acme')).apiKey,
    });
    await oauth.upsertIntegration(acme, { id: 'crm', urlHost: resource.url });
    await acme.buildWorkflow({
      id: 'me',
      instruction: 'who am I',
      integrationIds: ['crm'],
      steps: [
        { id: 'me', integrationId: 'crm', method: 'GET', path: '/me', transform: 'result.me' },
      ],
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await hooks?.close();
    await oauth?.close();
    await api?.close();
  });

  it('100 concurrent runs with an expired token: one token call, all succeed, the rotated token is stored', async () => {
    await connect('alice');
    const before = await storedTokens('alice');
    await expireStoredTokens(api.db, { userId: 'alice' });
    const calls = auth.tokenEndpointCalls();
    const runs = await Promise.all(
      Array.from({ length: 100 }, () =>
        acme.executeWorkflow({ workflowId: 'me', userId: 'alice', timeoutMs: 120_000 }),
      ),
    );
    expect(runs.filter((r) => r.status !== 'succeeded').map((r) => r.error)).toEqual([]);
    expect(runs.every((r) => r.output === 'alice')).toBe(true);
    expect(auth.tokenEndpointCalls() - calls).toBe(1);
    const after = await storedTokens('alice');
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(after.row.last_refresh_at).not.toBeNull();
    expect((await auth.verifyAccessToken(after.access_token)).active).toBe(true);
  }, 180_000);

  it('a token endpoint that fails with 503 twice then recovers: the refresh succeeds', async () => {
    await expireStoredTokens(api.db, { userId: 'alice' });
    auth.failNextTokenRequests(2, 503);
    const calls = auth.tokenEndpointCalls();
    const run = await acme.executeWorkflow({
      workflowId: 'me',
      userId: 'alice',
      timeoutMs: 60_000,
    });
    expect(run.status).toBe('succeeded');
    expect(auth.tokenEndpointCalls() - calls).toBe(3);
    expect((await storedTokens('alice')).row.consecutive_failures).toBe(0);
  }, 60_000);

  it('a 401 during a step forces one refresh and one retry', async () => {
    const { access_token } = await storedTokens('alice');
    await auth.revokeGrantOf(access_token).catch(() => undefined);
    // The grant is gone at the provider, the database still thinks the token is good.
    const calls = auth.tokenEndpointCalls();
    const requests = resource.requests.length;
    const run = await acme.executeWorkflow({
      workflowId: 'me',
      userId: 'alice',
      timeoutMs: 60_000,
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/needs to be reconnected/);
    expect(auth.tokenEndpointCalls() - calls).toBe(1);
    expect(resource.requests.length - requests).toBe(1);
  }, 60_000);

  it('a revoked grant marks needs_reauth, fires the signed webhook, and later runs fail fast', async () => {
    const connection = await acme.getConnection({ integrationId: 'crm', userId: 'alice' });
    expect(connection.status).toBe('needs_reauth');
    const hook = hooks.requests.at(-1);
    expect(hook).toBeDefined();
    const signature = String(hook?.headers['x-latchkey-signature']);
    const [t, v1] = signature.split(',').map((part) => part.split('=')[1]);
    expect(createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${hook?.body}`).digest('hex')).toBe(
      v1,
    );
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      type: 'connection.needs_reauth',
      userId: 'alice',
      integrationId: 'crm',
    });
    // The tenant's own event is recorded too (this tenant has no endpoint: no_endpoint).
    const events = await acme.listEvents({ type: 'connection.needs_reauth' });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({
      data: { integrationId: 'crm', userId: 'alice', reason: 'invalid_grant' },
      deliveries: [{ status: 'no_endpoint' }],
    });

    const calls = auth.tokenEndpointCalls();
    const run = await acme.executeWorkflow({ workflowId: 'me', userId: 'alice' });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/reconnected/);
    expect(auth.tokenEndpointCalls()).toBe(calls);
    const audit = await api.db.selectFrom('audit_events').select('action').execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['connection.refresh', 'connection.needs_reauth']),
    );

    // Reconnecting makes the connection usable again.
    await connect('alice');
    const again = await acme.executeWorkflow({ workflowId: 'me', userId: 'alice' });
    expect(again.status).toBe('succeeded');
  }, 60_000);

  it('leaks no token or client secret into logs, audit rows, webhooks or Temporal history', async () => {
    await storedTokens('alice');
    const client = await api.temporal();
    const runs = await acme.listRuns({ limit: 5 });
    const histories = await Promise.all(
      runs.map((r) => rawHistoryText(client, r.temporal.workflowId)),
    );
    const haystack = [
      api.logs(),
      JSON.stringify(await api.db.selectFrom('audit_events').selectAll().execute()),
      JSON.stringify(hooks.requests.map((r) => r.body)),
      ...histories,
    ].join('\n');
    for (const secret of [CLIENT_SECRET, ...tokensSeen]) expect(haystack).not.toContain(secret);
  }, 60_000);
});
