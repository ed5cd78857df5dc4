import { randomBytes } from 'node:crypto';
import {
  completeConnect,
  createTenant,
  hashBrowserSecret,
  integrationUpsertSchema,
  startConnect,
  upsertIntegration,
} from '@latchkey/api';
import { deleteConnection } from '@latchkey/db';
import { startTestAuthorizationServer } from '@latchkey/oauth/testing';
import { type RefresherInput, refresherWorkflowId } from '@latchkey/temporal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { connectionRefresherWorkflow } from '../src/workflows';
import { startTimeSkippingWorker, type TimeSkippingWorker } from './harness';

type AuthServer = Awaited<ReturnType<typeof startTestAuthorizationServer>>;

/** The flow is completed here, so the callback URL is never requested. */
const PUBLIC_URL = 'http://127.0.0.1:9';
const CLIENT_SECRET = 'refresher-secret-2222jjjj';
/** Tokens live 2 s, so one is due (half its lifetime left) about every second of real time. */
const TOKEN_TTL_SECONDS = 2;

/**
 * Time skipping moves the workflow's clock, not the real one the activities, the database and
 * the provider keep. Once the first sleep until a refresh is skipped, the workflow's clock is
 * ahead: `planRefresh` keeps answering a moment already past, so cycles come back to back
 * (a refresh attempt before the real due time leaves the token alone) and a token is really
 * refreshed each time the real clock reaches its due time. That is what lets the 25 cycles
 * of a run, and its `continueAsNew`, pass in about a second instead of 25 token lifetimes.
 */
describe('the refresher workflow keeps an OAuth connection fresh with no run', () => {
  let w: TimeSkippingWorker;
  let auth: AuthServer;
  let tenantId: string;

  beforeAll(async () => {
    w = await startTimeSkippingWorker();
    auth = await startTestAuthorizationServer({
      scopes: ['read'],
      accessTokenTtlSeconds: TOKEN_TTL_SECONDS,
      clients: [
        {
          clientId: 'app',
          clientSecret: CLIENT_SECRET,
          redirectUris: [`${PUBLIC_URL}/oauth/callback`],
          grantTypes: ['authorization_code', 'refresh_token'],
        },
      ],
    });
    w.allowEgress(auth.tokenUrl);
    ({ tenantId } = await createTenant(w.db, w.vault, { name: 'acme', actor: 'test' }));
    // Checked by the api's schema, as the integrations.upsert procedure does.
    const integration = integrationUpsertSchema.parse({
      id: 'crm',
      urlHost: 'https://crm.example.test',
      auth: { type: 'oauth2' },
      oauth: {
        clientId: 'app',
        clientSecret: CLIENT_SECRET,
        authorizeUrl: auth.authorizeUrl,
        tokenUrl: auth.tokenUrl,
        scopes: ['read'],
      },
    });
    await upsertIntegration({ db: w.db, vault: w.vault, egress: w.egress }, actor(), integration);
  });
  afterAll(async () => {
    await w?.close();
    await auth?.close();
  });

  const actor = () => ({ tenantId, actor: 'test' });

  /** The api's own OAuth flow, with the provider's login page answered by the test. */
  async function connect(userId: string): Promise<string> {
    const deps = { db: w.db, vault: w.vault, egress: w.egress, publicUrl: PUBLIC_URL };
    // The browser's cookie secret, as the api's start URL would have set it.
    const browserSecret = randomBytes(32).toString('base64url');
    const { url } = await startConnect(deps, actor(), {
      integrationId: 'crm',
      userId,
      browserHash: hashBrowserSecret(browserSecret),
    });
    const callback = await auth.loginAndConsent(url, { accountId: userId });
    await completeConnect(deps, new URL(callback), browserSecret);
    const row = await w.db
      .selectFrom('connections')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('integration_id', '=', 'crm')
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** As the api starts it when a connection is made (without its search attributes). */
  function startRefresher(connectionId: string) {
    const input: RefresherInput = { tenantId, connectionId };
    return w.env.client.workflow.start<typeof connectionRefresherWorkflow>(
      'connectionRefresherWorkflow',
      {
        taskQueue: w.taskQueue,
        workflowId: refresherWorkflowId(tenantId, connectionId),
        args: [input],
      },
    );
  }

  /** When each refresh of the connection's token happened (the refresh's audit event). */
  async function refreshTimes(connectionId: string): Promise<Date[]> {
    const rows = await w.db
      .selectFrom('audit_events')
      .select('created_at')
      .where('action', '=', 'connection.refresh')
      .where('target_id', '=', connectionId)
      .orderBy('created_at')
      .execute();
    return rows.map((row) => row.created_at);
  }

  /** Lets time skip in slices until `done` holds. */
  async function skipUntil(done: () => Promise<boolean>, limitMs = 30_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`not done within ${limitMs} ms`);
      await w.env.sleep(250);
    }
  }

  async function accessToken(connectionId: string): Promise<string> {
    const row = await w.db
      .selectFrom('connections')
      .select(['encrypted_credentials', 'user_id'])
      .where('id', '=', connectionId)
      .executeTakeFirstOrThrow();
    const bag = await w.vault.openJson<{ access_token: string }>(
      { tenantId, kind: 'connection.credentials', recordId: connectionId, userId: row.user_id },
      row.encrypted_credentials as Buffer,
    );
    return bag.access_token;
  }

  it('refreshes at each expiry, continues as new after 25 cycles and keeps refreshing', async () => {
    const connectionId = await connect('bob');
    const handle = await startRefresher(connectionId);
    const firstRun = w.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);

    await skipUntil(async () => (await firstRun.describe()).status.name === 'CONTINUED_AS_NEW');
    const continuedAt = new Date();
    const latest = await w.env.client.workflow.getHandle(handle.workflowId).describe();
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
    expect(latest.status.name).toBe('RUNNING');

    // The new run refreshes too: two more tokens, each once the last was due.
    await skipUntil(
      async () => (await refreshTimes(connectionId)).filter((t) => t > continuedAt).length >= 2,
    );
    const times = await refreshTimes(connectionId);
    for (const [i, time] of times.entries()) {
      if (i === 0) continue;
      const previous = times[i - 1] as Date;
      // Never before half a lifetime: no refresh comes early, however fast the cycles run.
      expect(time.getTime() - previous.getTime()).toBeGreaterThanOrEqual(
        (TOKEN_TTL_SECONDS * 1000) / 2 - 250,
      );
    }
    expect((await auth.verifyAccessToken(await accessToken(connectionId))).active).toBe(true);
  }, 60_000);

  it('ends when the connection is gone', async () => {
    const connectionId = await connect('carol');
    const handle = await startRefresher(connectionId);
    await skipUntil(async () => (await refreshTimes(connectionId)).length >= 1);
    await deleteConnection(w.db, tenantId, 'crm', 'carol');
    expect(await handle.result()).toBe('gone');
  }, 60_000);

  it('ends needing the user again when the provider revokes the grant', async () => {
    const connectionId = await connect('dave');
    const handle = await startRefresher(connectionId);
    await auth.revokeAllGrants('dave');
    expect(await handle.result()).toBe('needs_reauth');
    const row = await w.db
      .selectFrom('connections')
      .select('status')
      .where('id', '=', connectionId)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('needs_reauth');
  }, 60_000);
});
