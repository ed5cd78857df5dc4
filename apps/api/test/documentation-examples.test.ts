import os from 'node:os';
import path from 'node:path';
import { LatchkeyClient } from '@latchkey/client';
import { createDb } from '@latchkey/db';
import { startPostgres } from '@latchkey/devstack';
import {
  database,
  databasePerUser,
  oauthSetup,
  oauthTokens,
  oneIntegrationPerUser,
  runtimeCredentials,
  runtimePerUser,
  SecureWorkflowExecutor,
  singleUser,
  storedCredentials,
} from '@latchkey/examples';
import { createPlanner } from '@latchkey/workflow-engine';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStartUrl } from './browser-flow';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const STRIPE_KEY = 'sk_live_exampleStripeKey0000aaaa';
const HUBSPOT_KEY = 'pat-example-hubspot-key-1111-bbbb';
const HUBSPOT_SECRET = 'example-hubspot-client-secret-2222';
/** Each end user's own database password, kept in the application's vault (here: env). */
const USER_DB_PASSWORDS = { 'user-a': 'user-a-db-Pa55-0001', 'user-b': 'user-b-db-Pa55-0002' };
const SECRETS = [STRIPE_KEY, HUBSPOT_KEY, HUBSPOT_SECRET, ...Object.values(USER_DB_PASSWORDS)];

/** What the stand-in planner proposes for an integration: a list read, or a SQL count. */
function stepFor(integration: { id: string; kind: string }, index: number) {
  if (integration.kind === 'database') {
    return {
      id: `step${index}`,
      type: 'sql',
      integrationId: integration.id,
      sql: 'select count(*)::int as n from information_schema.tables',
    };
  }
  const path = integration.id.includes('hubspot') ? '/crm/v3/objects/contacts' : '/v1/customers';
  return { id: `step${index}`, integrationId: integration.id, method: 'GET', path };
}

describe('the documentation samples run as written (examples/)', () => {
  let api: TestApi;
  let llm: LoopbackServer;
  let provider: LoopbackServer;
  let tenantDb: Awaited<ReturnType<typeof startPostgres>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  const saved = { ...process.env };

  beforeAll(async () => {
    // An OpenAI-compatible planner: one step per integration, shaped to the response schema.
    llm = await startLoopbackServer((request, res) => {
      const body = JSON.parse(request.body) as { messages: { role: string; content: string }[] };
      const ask = JSON.parse(body.messages.at(-1)?.content ?? '{}') as {
        integrations: { id: string; kind: string }[];
        responseSchema: { properties?: Record<string, unknown> } | null;
      };
      const steps: Record<string, unknown>[] = ask.integrations.map(stepFor);
      const last = steps.at(-1);
      if (last && ask.responseSchema?.properties?.customers) {
        last.transform = '{ "customers": [result.data] }';
      }
      json(res, 200, {
        choices: [{ message: { role: 'assistant', content: JSON.stringify({ steps }) } }],
      });
    });
    // Stands in for Stripe and HubSpot: answers lists to any request that carries a credential.
    provider = await startLoopbackServer((request, res) => {
      if (!request.headers.authorization && ![...request.query.keys()].length) {
        return json(res, 401, { error: 'no credentials' });
      }
      json(res, 200, { data: [{ id: 'cus_1', email: 'a@example.com' }], has_more: false });
    });
    api = await startTestApi({
      planner: createPlanner({ baseUrl: llm.url, model: 'stand-in' }),
    });
    api.allowEgress(provider.url);
    worker = await startTestWorker(api);
    // The samples' own database: a PostgreSQL of its own, not the platform's.
    tenantDb = await startPostgres({
      dataDir: path.join(os.tmpdir(), `latchkey-examples-pg-${process.pid}`),
      persistent: false,
    });
    const dbUrl = new URL(tenantDb.url);
    // Each end user's own database, with its own role and password, on that server.
    const admin = createDb({ connectionString: tenantDb.url, max: 1 });
    try {
      for (const [userId, password] of Object.entries(USER_DB_PASSWORDS)) {
        const role = userId.replace('-', '_');
        await sql.raw(`create role ${role} login password '${password}'`).execute(admin);
        await sql.raw(`create database ${role}_db owner ${role}`).execute(admin);
        const own = new URL(tenantDb.url);
        own.username = role;
        own.password = password;
        own.pathname = `/${role}_db`;
        process.env[`VAULT_${role.toUpperCase()}_DATABASE_URL`] = own.toString();
      }
    } finally {
      await admin.destroy();
    }
    api.allowEgress(tenantDb.url);
    const { apiKey } = await api.createTenant('examples');
    Object.assign(process.env, {
      LATCHKEY_API_URL: api.url.replace(/\/trpc$/, ''),
      LATCHKEY_API_KEY: apiKey,
      LATCHKEY_EXAMPLE_API_URL: provider.url,
      LATCHKEY_EXAMPLE_DB_USER: decodeURIComponent(dbUrl.username),
      LATCHKEY_EXAMPLE_DB_PASSWORD: decodeURIComponent(dbUrl.password),
      LATCHKEY_EXAMPLE_DB_HOST: dbUrl.hostname,
      LATCHKEY_EXAMPLE_DB_PORT: dbUrl.port,
      LATCHKEY_EXAMPLE_DB_NAME: 'postgres',
      STRIPE_SECRET_KEY: STRIPE_KEY,
      HUBSPOT_API_KEY: HUBSPOT_KEY,
      HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
    });
    delete process.env.DATABASE_URL;
  }, 180_000);
  afterAll(async () => {
    process.env = saved;
    await worker?.stop();
    await tenantDb?.stop();
    await provider?.close();
    await llm?.close();
    await api?.close();
  });

  const lastRequest = () => provider.requests.at(-1);

  it('stored credentials: upsert with specificInstructions, build with a response schema, execute', async () => {
    const result = await storedCredentials();
    expect(result.error).toBeNull();
    expect(result).toMatchObject({
      status: 'succeeded',
      output: { customers: [{ id: 'cus_1', email: 'a@example.com' }] },
    });
    expect(lastRequest()?.headers.authorization).toBe(`Bearer ${STRIPE_KEY}`);
  });

  it('the vault-integration class passes each user’s secrets with the run', async () => {
    await runtimePerUser('user-7');
    const result = await new SecureWorkflowExecutor().executeWorkflow('stripe-customers', 'user-7');
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    expect(lastRequest()?.headers.authorization).toBe('Bearer stripe_key-of-user-7');
  });

  it('OAuth setup: the template from the host, and a run that says to connect first', async () => {
    const { integration, connectUrl, result } = await oauthSetup();
    expect(integration).toMatchObject({
      templateId: 'hubspot',
      credentials: [],
      oauth: { clientId: 'your_hubspot_client_id', clientSecret: { set: true } },
    });
    // The URL to send the user to is the api's single-use start URL; it sets the browser's
    // connect cookie and redirects to HubSpot's authorization page.
    expect(connectUrl.startsWith(`${api.url.replace(/\/trpc$/, '')}/oauth/start/`)).toBe(true);
    const { providerUrl } = await openStartUrl(connectUrl);
    expect(new URL(providerUrl).origin).toBe('https://app.hubspot.com');
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/connect the account first/);
  });

  it('OAuth tokens: stored on the integration, or one token per run', async () => {
    const { stored, result } = await oauthTokens('user-9');
    expect(stored).toMatchObject({
      templateId: 'hubspot',
      credentials: [],
      connection: { userId: null, status: 'active' },
    });
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    expect(lastRequest()?.headers.authorization).toBe('Bearer pat-na1-token-of-user-9');
  });

  it('database: stored connection parts and the same parts at run time', async () => {
    const { stored, runtime } = await database();
    expect(stored.error).toBeNull();
    expect(stored.status).toBe('succeeded');
    expect(runtime.error).toBeNull();
    expect(runtime.status).toBe('succeeded');
    expect(stored.output).toEqual(runtime.output);
  });

  it('environment-based runtime credentials: Stripe, HubSpot and a DATABASE_URL in one run', async () => {
    const result = await runtimeCredentials();
    expect(result.error).toBeNull();
    expect(result.status).toBe('succeeded');
    const stripeCall = provider.requests.find((r) => r.path.startsWith('/v1/customers'));
    expect(stripeCall?.headers.authorization).toBe(`Bearer ${STRIPE_KEY}`);
    expect(lastRequest()?.headers.authorization).toBe(`Bearer ${HUBSPOT_KEY}`);
    // The database step counted tables in the sample's own database, reached by its URL.
    expect(result.output).toEqual([{ n: expect.any(Number) }]);
  });

  it('database at run time: one workflow, each user’s own database URL with each run', async () => {
    const results = await databasePerUser(['user-a', 'user-b']);
    for (const userId of ['user-a', 'user-b']) {
      const role = userId.replace('-', '_');
      expect(results[userId]?.error).toBeNull();
      expect(results[userId]?.output).toEqual([{ database: `${role}_db`, user: role }]);
    }
    // Nothing of either URL was kept: the integration has no stored credentials.
    const stored = await new LatchkeyClient({
      apiKey: process.env.LATCHKEY_API_KEY,
    }).getIntegration('user-db');
    expect(stored.credentials).toEqual([]);
    expect(JSON.stringify(results)).not.toContain(USER_DB_PASSWORDS['user-a']);
  });

  it('single user, one integration per user, and runtime credentials per user', async () => {
    expect((await singleUser()).status).toBe('succeeded');
    const perUser = await oneIntegrationPerUser('user-42');
    expect(perUser.status).toBe('succeeded');
    expect(lastRequest()?.headers.authorization).toBe('Bearer sk_test_of_user-42');
    const runtime = await runtimePerUser('user-43');
    expect(runtime.status).toBe('succeeded');
    expect(lastRequest()?.headers.authorization).toBe('Bearer stripe_secret_key-of-user-43');
  });

  it('no secret reaches a log', () => {
    for (const secret of SECRETS) expect(api.logs()).not.toContain(secret);
  });
});
