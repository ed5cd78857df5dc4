import { LatchkeyClient } from '@latchkey/client';
import { createDb, type Db } from '@latchkey/db';
import type { TestAuthorizationServer } from '@latchkey/oauth/testing';
import { ensureFreshToken } from '@latchkey/resolver';
import { createVault, parseMasterKeys, type Vault } from '@latchkey/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import type { LoopbackServer } from './loopback';
import { expireStoredTokens, type OAuthFixture, startOAuthFixture } from './oauth-fixture';
import { startTestWorker } from './worker-harness';

const CLIENT_SECRET = 'lease-client-secret-7777kkkk';
const TOKEN_DELAY_MS = 5_000;
const WORKER_POOL = 2;

describe('a token refresh holds no pooled connection or lock while the token URL answers', () => {
  let api: TestApi;
  let oauth: OAuthFixture;
  let auth: TestAuthorizationServer;
  let resource: LoopbackServer;
  let workerDb: Db;
  let workerVault: Vault;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let slow: LatchkeyClient;
  let quick: LatchkeyClient;

  async function connect(userId: string) {
    expect((await oauth.connect(slow, 'crm', userId)).status).toBe(200);
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
    resource = await oauth.startResourceServer({ open: { '/ping': { pong: true } } });
    // The worker gets a pool of two connections, and a vault over that same pool.
    workerDb = createDb({ connectionString: api.dbUrl, max: WORKER_POOL });
    workerVault = await createVault({ db: workerDb, keyring: parseMasterKeys(api.masterKeys) });
    worker = await startTestWorker(api, {
      db: workerDb,
      vault: workerVault,
      tenantActivityLimit: 20,
      refresh: { marginMs: 5_000 },
    });
    const endpoint = api.url.replace(/\/trpc$/, '');
    slow = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('slow')).apiKey });
    quick = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('quick')).apiKey });
    await oauth.upsertIntegration(slow, { id: 'crm', urlHost: resource.url });
    await slow.buildWorkflow({
      id: 'me',
      instruction: 'who am I',
      integrationIds: ['crm'],
      steps: [
        { id: 'me', integrationId: 'crm', method: 'GET', path: '/me', transform: 'result.me' },
      ],
    });
    await quick.upsertIntegration({ id: 'svc', urlHost: resource.url, auth: { type: 'none' } });
    await quick.buildWorkflow({
      id: 'ping',
      instruction: 'ping',
      integrationIds: ['svc'],
      steps: [{ id: 'ping', integrationId: 'svc', method: 'GET', path: '/ping' }],
    });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    workerVault?.close();
    await workerDb?.destroy();
    await oauth?.close();
    await api?.close();
  });

  it(`a ${TOKEN_DELAY_MS / 1000} s token endpoint of one tenant, a pool of ${WORKER_POOL}: the other tenant's runs finish on time`, async () => {
    const users = ['u1', 'u2', 'u3'];
    for (const user of users) await connect(user);
    // Warm up: the quick tenant's key and workflow are cached, the first run is not timed.
    expect((await quick.executeWorkflow({ workflowId: 'ping' })).status).toBe('succeeded');
    for (const userId of users) await expireStoredTokens(api.db, { userId });
    auth.delayTokenRequests(TOKEN_DELAY_MS);
    const calls = auth.tokenEndpointCalls();

    const slowStarted = Date.now();
    // Three connections to refresh, each needed by two runs: six callers, three token calls.
    const slowRuns = users.flatMap((userId) =>
      [1, 2].map(() => slow.executeWorkflow({ workflowId: 'me', userId, timeoutMs: 60_000 })),
    );
    await new Promise((r) => setTimeout(r, 500));
    // The refreshes are now waiting on the token endpoint; the quick tenant runs meanwhile.
    const quickMs: number[] = [];
    for (let i = 0; i < 4; i++) {
      const started = Date.now();
      const run = await quick.executeWorkflow({ workflowId: 'ping', timeoutMs: 30_000 });
      quickMs.push(Date.now() - started);
      expect(run.status).toBe('succeeded');
    }
    const quickDoneAt = Date.now() - slowStarted;
    const done = await Promise.all(slowRuns);
    const slowMs = Date.now() - slowStarted;
    auth.delayTokenRequests(0);

    expect(done.map((r) => r.status)).toEqual(Array(6).fill('succeeded'));
    expect(done.map((r) => r.output).sort()).toEqual(['u1', 'u1', 'u2', 'u2', 'u3', 'u3']);
    expect(auth.tokenEndpointCalls() - calls).toBe(users.length);
    // The token endpoint held the slow runs for its five seconds...
    expect(slowMs).toBeGreaterThanOrEqual(TOKEN_DELAY_MS);
    // ...and the quick tenant's four runs all finished while it did.
    expect(quickDoneAt).toBeLessThan(TOKEN_DELAY_MS);
    expect(Math.max(...quickMs)).toBeLessThan(2_000);
  }, 90_000);

  it('a lease whose holder crashed lapses: the next caller refreshes, exactly once', async () => {
    await expireStoredTokens(api.db, { userId: 'u1' });
    // A holder that took the lease and died before writing anything.
    await api.db
      .updateTable('connections')
      .set({
        refresh_lease_owner: 'crashed-worker',
        refresh_lease_until: new Date(Date.now() + 2_000),
      })
      .where('user_id', '=', 'u1')
      .execute();
    const calls = auth.tokenEndpointCalls();
    const started = Date.now();
    const runs = await Promise.all(
      [1, 2, 3].map(() =>
        slow.executeWorkflow({ workflowId: 'me', userId: 'u1', timeoutMs: 60_000 }),
      ),
    );
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(auth.tokenEndpointCalls() - calls).toBe(1);
    const row = await api.db
      .selectFrom('connections')
      .select(['refresh_lease_owner', 'refresh_lease_until', 'consecutive_failures'])
      .where('user_id', '=', 'u1')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      refresh_lease_owner: null,
      refresh_lease_until: null,
      consecutive_failures: 0,
    });
  }, 60_000);

  it('a reconnect while a refresh waits on the token URL wins: the refresh writes nothing', async () => {
    const startedAt = new Date();
    await expireStoredTokens(api.db, { userId: 'u2' });
    const row = () =>
      api.db
        .selectFrom('connections')
        .select(['id', 'version', 'last_refresh_at', 'refresh_lease_owner'])
        .where('user_id', '=', 'u2')
        .executeTakeFirstOrThrow();
    const before = await row();
    auth.delayTokenRequests(6_000);
    const calls = auth.tokenEndpointCalls();
    const run = slow.executeWorkflow({ workflowId: 'me', userId: 'u2', timeoutMs: 60_000 });
    // Once the refresh's token request is in (it holds the lease), reconnect with a quick one.
    const deadline = Date.now() + 20_000;
    while (auth.tokenEndpointCalls() === calls && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    auth.delayTokenRequests(0);
    expect((await row()).refresh_lease_owner).not.toBeNull();
    await connect('u2');
    expect((await row()).version).toBe(before.version + 1);
    const done = await run;
    expect(done.status).toBe('succeeded');
    expect(done.output).toBe('u2');
    const after = await row();
    // One write, the reconnect's: the refresh that lost its version stored nothing.
    expect(after.version).toBe(before.version + 1);
    expect(after.last_refresh_at).toEqual(before.last_refresh_at);
    expect(after.refresh_lease_owner).toBeNull();
    const refreshes = await api.db
      .selectFrom('audit_events')
      .select('action')
      .where('target_id', '=', before.id)
      .where('action', '=', 'connection.refresh')
      .where('created_at', '>=', startedAt)
      .execute();
    expect(refreshes).toEqual([]);
  }, 60_000);

  it('a 401 against a token already replaced refreshes nothing; against the current one, once', async () => {
    // The storm test once saw two refreshes of one connection under 2 s apart; the suspect was
    // a forced refresh racing the lease holder's write. Each case calls the refresh as a step
    // does after a 401 (`forceIfVersion` = the version its request used), with the token
    // endpoint slowed so the concurrent callers overlap while the holder waits on it.
    await connect('u4');
    const row = () =>
      api.db
        .selectFrom('connections')
        .select(['tenant_id', 'version'])
        .where('user_id', '=', 'u4')
        .executeTakeFirstOrThrow();
    const { tenant_id: tenantId, version } = await row();
    const deps = { db: api.db, vault: api.vault, egress: api.egress };
    const key = { tenantId, integrationId: 'crm', userId: 'u4' };
    const force = (forceIfVersion: number) => ensureFreshToken(deps, { ...key, forceIfVersion });
    const calls = auth.tokenEndpointCalls();
    auth.delayTokenRequests(300);
    try {
      // Two requests refused with the same token: one refresh, both get its version.
      const both = await Promise.all([force(version), force(version)]);
      expect(both.map((r) => r.version)).toEqual([version + 1, version + 1]);
      expect(auth.tokenEndpointCalls() - calls).toBe(1);
      // A request that used the old token learns of its 401 after the refresh: nothing more.
      expect((await force(version)).version).toBe(version + 1);
      expect(auth.tokenEndpointCalls() - calls).toBe(1);
      // The stale 401 and a 401 against the new token at once: the new token is refreshed once.
      const [stale, current] = await Promise.all([force(version), force(version + 1)]);
      expect(current.version).toBe(version + 2);
      expect([version + 1, version + 2]).toContain(stale.version);
      expect(auth.tokenEndpointCalls() - calls).toBe(2);
      expect((await row()).version).toBe(version + 2);
    } finally {
      auth.delayTokenRequests(0);
    }
  }, 60_000);
});
