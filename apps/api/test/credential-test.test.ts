import { LatchkeyClient, LatchkeyError } from '@latchkey/client';
import { createTenantDatabase } from '@latchkey/devstack/tenant-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const GOOD_KEY = 'sk_test_verifyGoodKey0000aaaaBBBB';
const BAD_KEY = 'sk_test_verifyBadKey1111ccccDDDD';
const LIMITED_KEY = 'sk_test_verifyLimitedKey2222eeee';
const USER_TOKEN = 'user-token-verify-3333-ffff-gggg';
const SECRETS = [GOOD_KEY, BAD_KEY, LIMITED_KEY, USER_TOKEN];

async function failure(promise: Promise<unknown>): Promise<LatchkeyError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LatchkeyError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('integrations.test: one cheap authenticated request, its outcome kept as health', () => {
  let api: TestApi;
  let provider: LoopbackServer;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let acme: LatchkeyClient;
  let globex: LatchkeyClient;
  const responses: unknown[] = [];
  const keep = <T>(value: T): T => {
    responses.push(value);
    return value;
  };

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    // Answers like Stripe's GET /v1/account: by the bearer key it is shown.
    provider = await startLoopbackServer((request, res) => {
      const auth = request.headers.authorization;
      if (request.path !== '/v1/account') return json(res, 404, { error: 'no such path' });
      if (auth === `Bearer ${GOOD_KEY}`) return json(res, 200, { id: 'acct_1' });
      if (auth === `Bearer ${LIMITED_KEY}`) return json(res, 403, { error: 'restricted key' });
      if (auth === `Bearer ${USER_TOKEN}`) return json(res, 200, { id: 'acct_user' });
      // Providers sometimes echo what they were sent: it must not come back from us.
      return json(res, 401, { error: `invalid key ${auth}` });
    });
    api.allowEgress(provider.url);
    const endpoint = api.url.replace(/\/trpc$/, '');
    acme = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('acme')).apiKey });
    globex = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('globex')).apiKey });
  });
  afterAll(async () => {
    await worker?.stop();
    await provider?.close();
    await api?.close();
  });

  /** The Stripe template's verification request, against the loopback stand-in. */
  const stripe = (id: string, secretKey: string) =>
    acme.upsertIntegration({
      id,
      templateId: 'stripe',
      urlHost: provider.url,
      credentials: { secret_key: secretKey },
    });

  it('answers ok for working credentials and keeps it as the integration health', async () => {
    await stripe('stripe-good', GOOD_KEY);
    const result = keep(await acme.testIntegration('stripe-good'));
    expect(result).toMatchObject({
      integrationId: 'stripe-good',
      userId: null,
      outcome: 'ok',
      status: 200,
      request: 'GET /v1/account',
    });
    expect(provider.requests.at(-1)?.headers.authorization).toBe(`Bearer ${GOOD_KEY}`);
    const read = keep(await acme.getIntegration('stripe-good'));
    expect(read.health).toMatchObject({ outcome: 'ok', status: 200 });
    expect(Date.parse(read.health?.checkedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('tells invalid credentials (401) from missing permissions (403), never quoting a secret', async () => {
    await stripe('stripe-bad', BAD_KEY);
    const bad = keep(await acme.testIntegration('stripe-bad'));
    expect(bad).toMatchObject({ outcome: 'invalid_credentials', status: 401 });
    expect(JSON.stringify(bad)).not.toContain(BAD_KEY);

    await stripe('stripe-limited', LIMITED_KEY);
    const limited = keep(await acme.testIntegration('stripe-limited'));
    expect(limited).toMatchObject({ outcome: 'insufficient_scope', status: 403 });
    expect((await acme.getIntegration('stripe-limited')).health?.outcome).toBe(
      'insufficient_scope',
    );
  });

  it('says unreachable for a closed port and unexpected_status for anything else', async () => {
    const closed = await startLoopbackServer(() => {});
    const closedUrl = closed.url;
    await closed.close();
    api.allowEgress(closedUrl); // allowed: what is left is the closed port's answer
    await acme.upsertIntegration({
      id: 'stripe-down',
      templateId: 'stripe',
      urlHost: closedUrl,
      credentials: { secret_key: GOOD_KEY },
    });
    expect(keep(await acme.testIntegration('stripe-down'))).toMatchObject({
      outcome: 'unreachable',
    });

    await acme.upsertIntegration({
      id: 'stripe-moved',
      templateId: 'stripe',
      urlHost: provider.url,
      urlPath: '/v2',
      credentials: { secret_key: GOOD_KEY },
    });
    expect(keep(await acme.testIntegration('stripe-moved'))).toMatchObject({
      outcome: 'unexpected_status',
      status: 404,
      request: 'GET /v2/account',
    });
  });

  it('tests one end user’s connection and keeps the health on that connection', async () => {
    await acme.upsertIntegration({
      id: 'stripe-users',
      templateId: 'stripe',
      urlHost: provider.url,
    });
    await acme.upsertConnection({
      integrationId: 'stripe-users',
      userId: 'user-1',
      credentials: { secret_key: USER_TOKEN },
    });
    const result = keep(await acme.testIntegration('stripe-users', { userId: 'user-1' }));
    expect(result).toMatchObject({ outcome: 'ok', userId: 'user-1' });
    const row = await api.db
      .selectFrom('connections')
      .select('health')
      .where('user_id', '=', 'user-1')
      .executeTakeFirstOrThrow();
    expect(row.health).toMatchObject({ outcome: 'ok', status: 200 });
    expect((await acme.getIntegration('stripe-users')).health).toBeNull();
    const missing = await failure(acme.testIntegration('stripe-users', { userId: 'nobody' }));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('tests a database with SELECT 1, and a wrong password is invalid_credentials', async () => {
    // A tenant's database on a port of its own (the platform's is refused, see below).
    const tenantDb = await createTenantDatabase();
    api.allowEgress(tenantDb.tenantUrl);
    const url = new URL(tenantDb.tenantUrl);
    const database = {
      urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
      urlPath: '/<<database>>',
    };
    const parts = {
      user: decodeURIComponent(url.username),
      host: url.hostname,
      port: url.port,
      database: url.pathname.slice(1),
    };
    await acme.upsertIntegration({
      id: 'warehouse',
      ...database,
      credentials: { ...parts, password: decodeURIComponent(url.password) },
    });
    expect(keep(await acme.testIntegration('warehouse'))).toMatchObject({
      outcome: 'ok',
      request: 'SELECT 1',
    });
    await acme.upsertIntegration({
      id: 'warehouse-wrong',
      ...database,
      credentials: { ...parts, password: 'not-the-password-4444' },
    });
    const wrong = keep(await acme.testIntegration('warehouse-wrong'));
    expect(wrong.outcome).toBe('invalid_credentials');
    expect(wrong.message).not.toContain('not-the-password-4444');
    await tenantDb.destroy();
  });

  it("refuses to test against the platform's own database, saying so", async () => {
    const url = new URL(api.dbUrl);
    await acme.upsertIntegration({
      id: 'platform-db',
      urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
      urlPath: '/<<database>>',
      credentials: {
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password) || 'any-password-1',
        host: url.hostname,
        port: url.port,
        database: url.pathname.slice(1),
      },
    });
    const refused = keep(await acme.testIntegration('platform-db'));
    expect(refused.outcome).toBe('unreachable');
    expect(refused.message).toContain(
      `egress to ${url.host} refused: the platform's PostgreSQL (DATABASE_URL)`,
    );
  });

  it('refuses an integration with no verification request, naming why', async () => {
    await acme.upsertIntegration({
      id: 'custom',
      urlHost: provider.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: GOOD_KEY },
    });
    const error = await failure(acme.testIntegration('custom'));
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toMatch(/no verification request/);
  });

  it('keeps tenants apart: another tenant cannot test or see my integration', async () => {
    const error = await failure(globex.testIntegration('stripe-good'));
    expect(error.code).toBe('NOT_FOUND');
    const before = provider.requests.length;
    await failure(globex.testIntegration('stripe-users', { userId: 'user-1' }));
    expect(provider.requests.length).toBe(before);
  });

  it('writes an audit event per test and no secret in responses, logs, audit or health', async () => {
    const audit = await api.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'integration.test')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(7);
    const health = await api.db.selectFrom('integrations').select('health').execute();
    const everything = JSON.stringify([responses, audit, health]) + api.logs();
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
