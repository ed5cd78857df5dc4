import { LatchkeyClient, type LatchkeyError } from '@latchkey/client';
import { createTenantDatabase } from '@latchkey/devstack/tenant-db';
import { openRuntimeCredentials, RunKeyGoneError } from '@latchkey/resolver';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { rawHistoryText } from './temporal-history';
import { startTestWorker } from './worker-harness';

const STORED_KEY = 'sk_test_storedStripeKey_1111aaaa';
const RUNTIME_KEY = 'sk_test_runtimeStripeKey_2222bbbb';
const TOKEN_A = 'crm-token-user-a-3333cccc';
const TOKEN_B = 'crm-token-user-b-4444dddd';
const SECRETS = [STORED_KEY, RUNTIME_KEY, TOKEN_A, TOKEN_B];

/** 25 customers, one a day, as a Stripe-like list endpoint pages them. */
const CUSTOMERS = Array.from({ length: 25 }, (_, i) => ({
  id: `cus_${String(i).padStart(3, '0')}`,
  email: `customer${i}@example.com`,
  created: 1_700_000_000 + i * 86_400,
}));

const customersSteps = [
  {
    id: 'listCustomers',
    integrationId: 'stripe',
    method: 'GET',
    path: '/customers',
    query: { 'created[gte]': '<<input.since>>', limit: 10 },
    pagination: {
      type: 'cursor',
      cursorParam: 'starting_after',
      cursorPath: 'has_more ? data[-1].id : null',
      itemsPath: 'data',
    },
    transform: '[result.{ "id": id, "email": email }]',
  },
];

const customersSchema = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'email'],
    properties: { id: { type: 'string' }, email: { type: 'string', format: 'email' } },
  },
};

describe('workflows run on Temporal with stored, runtime and per-user credentials', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let stripe: LoopbackServer;
  let crm: LoopbackServer;
  let acme: LatchkeyClient;
  let acmeTenantId: string;
  let globex: LatchkeyClient;
  const temporalIds: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    stripe = await startLoopbackServer((req, res) => {
      if (
        ![`Bearer ${STORED_KEY}`, `Bearer ${RUNTIME_KEY}`].includes(
          String(req.headers.authorization),
        )
      ) {
        return json(res, 401, { error: { message: 'Invalid API Key provided' } });
      }
      const since = Number(req.query.get('created[gte]') ?? 0);
      const limit = Number(req.query.get('limit') ?? 10);
      const after = req.query.get('starting_after');
      const matching = CUSTOMERS.filter((c) => c.created >= since);
      const start = after ? matching.findIndex((c) => c.id === after) + 1 : 0;
      const data = matching.slice(start, start + limit);
      json(res, 200, { object: 'list', data, has_more: start + limit < matching.length });
    });
    api.allowEgress(stripe.url);
    crm = await startLoopbackServer((req, res) => {
      const owner = { [`Bearer ${TOKEN_A}`]: 'user-a', [`Bearer ${TOKEN_B}`]: 'user-b' }[
        String(req.headers.authorization)
      ];
      if (!owner) return json(res, 401, { message: 'bad token' });
      json(res, 200, { deals: [{ id: `${owner}-deal-1`, owner }] });
    });
    api.allowEgress(crm.url);
    const endpoint = api.url.replace(/\/trpc$/, '');
    const acmeTenant = await api.createTenant('acme');
    acmeTenantId = acmeTenant.tenantId;
    acme = new LatchkeyClient({ endpoint, apiKey: acmeTenant.apiKey });
    globex = new LatchkeyClient({ endpoint, apiKey: (await api.createTenant('globex')).apiKey });
  });
  afterAll(async () => {
    await worker?.stop();
    await stripe?.close();
    await crm?.close();
    await api?.close();
  });

  it('stored credentials: upsert, build, execute, get the result', async () => {
    await acme.upsertIntegration({
      id: 'stripe',
      urlHost: `${stripe.url}/v1`,
      auth: { type: 'bearer', credential: 'secret_key' },
      credentials: { secret_key: STORED_KEY },
    });
    const workflow = await acme.buildWorkflow({
      id: 'stripe-customers-since',
      instruction: 'Get all Stripe customers created since a date',
      integrationIds: ['stripe'],
      steps: customersSteps,
      responseSchema: customersSchema,
      inputSchema: {
        type: 'object',
        required: ['since'],
        properties: { since: { type: 'integer' } },
      },
    });
    expect(workflow).toMatchObject({ id: 'stripe-customers-since', version: 1 });

    const since = CUSTOMERS[3]?.created ?? 0;
    const run = await acme.executeWorkflow({ workflowId: workflow.id, payload: { since } });
    temporalIds.push(run.temporal.workflowId);
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual(CUSTOMERS.slice(3).map(({ id, email }) => ({ id, email })));
    expect(run.stepStats).toEqual([
      expect.objectContaining({ stepId: 'listCustomers', pages: 3, truncated: false, attempts: 1 }),
    ]);
    // The tenant id, never its name: the worker checks every payload against it.
    expect(run.temporal.workflowId).toBe(`run:${acmeTenantId}:stripe-customers-since:${run.runId}`);
    const again = await acme.getRun(run.runId);
    expect(again.output).toEqual(run.output);
    expect((await acme.listRuns({ workflowId: workflow.id })).map((r) => r.runId)).toEqual([
      run.runId,
    ]);
  });

  it('rejects a payload that breaks the input schema before starting a run', async () => {
    const error = await acme
      .executeWorkflow({ workflowId: 'stripe-customers-since', payload: { since: 'yesterday' } })
      .catch((e: LatchkeyError) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect((error as LatchkeyError).message).toMatch(/payload: \/since: must be integer/);
  });

  it('runtime credentials: nothing stored, the key lives only as long as the run', async () => {
    await globex.upsertIntegration({
      id: 'stripe',
      urlHost: `${stripe.url}/v1`,
      auth: { type: 'bearer', credential: 'secret_key' },
    });
    await globex.buildWorkflow({
      id: 'customers',
      instruction: 'Get all Stripe customers',
      integrationIds: ['stripe'],
      steps: customersSteps,
    });
    const run = await globex.executeWorkflow({
      workflowId: 'customers',
      payload: { since: 0 },
      credentials: { stripe_secret_key: RUNTIME_KEY },
    });
    temporalIds.push(run.temporal.workflowId);
    expect(run.status).toBe('succeeded');
    expect(run.output).toHaveLength(25);

    const keys = await api.db
      .selectFrom('run_keys')
      .selectAll()
      .where('run_id', '=', run.runId)
      .execute();
    expect(keys).toEqual([]);
    // The sealed credentials are still in Temporal's history, but can no longer be opened.
    const client = await api.temporal();
    const history = await client.workflow.getHandle(run.temporal.workflowId).fetchHistory();
    const started =
      history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const [decoded] = await decodePayloads(api, started);
    const sealed = (decoded as { sealedRuntimeCredentials: string }).sealedRuntimeCredentials;
    expect(typeof sealed).toBe('string');
    const tenantId = (decoded as { tenantId: string }).tenantId;
    await expect(
      openRuntimeCredentials(
        { db: api.db, vault: api.vault },
        { tenantId, runId: run.runId, sealed },
      ),
    ).rejects.toBeInstanceOf(RunKeyGoneError);
  });

  it('runs a SQL step on a Postgres integration built from <<user>>-style URL placeholders', async () => {
    // The tenant's own database on a port of its own: the platform's is never reachable.
    const warehouse = await createTenantDatabase();
    api.allowEgress(warehouse.tenantUrl);
    await warehouse.asOwner((owner) =>
      sql`create table orders (id serial primary key, customer text not null, total numeric not null)`.execute(
        owner,
      ),
    );
    await warehouse.asOwner((owner) =>
      sql`insert into orders (customer, total) values ('ada', 120), ('bob', 30), ('cy', 75)`.execute(
        owner,
      ),
    );
    const url = new URL(warehouse.tenantUrl);
    await acme.upsertIntegration({
      id: 'warehouse',
      urlHost: 'postgresql://<<user>>:<<password>>@<<host>>:<<port>>',
      urlPath: '/<<database_name>>',
      auth: { type: 'database' },
      credentials: {
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        host: url.hostname,
        port: url.port,
        database: url.pathname.slice(1),
      },
    });
    const run = await acme.executeWorkflow({
      workflow: {
        id: 'big-orders',
        instruction: 'Orders at or above a total',
        integrationIds: ['warehouse'],
        steps: [
          {
            id: 'orders',
            type: 'sql',
            integrationId: 'warehouse',
            sql: 'select customer, total::float as total from orders where total >= $1 order by id',
            params: ['<<input.minTotal>>'],
          },
        ],
      },
      payload: { minTotal: 50 },
    });
    temporalIds.push(run.temporal.workflowId);
    expect(run.status).toBe('succeeded');
    expect(run.output).toEqual([
      { customer: 'ada', total: 120 },
      { customer: 'cy', total: 75 },
    ]);
    await warehouse.destroy();
  });

  it('per-user credentials: two users of one integration each get their own data', async () => {
    await acme.upsertIntegration({ id: 'crm', urlHost: crm.url, auth: { type: 'oauth2' } });
    for (const [userId, token] of [
      ['user-a', TOKEN_A],
      ['user-b', TOKEN_B],
    ] as const) {
      await acme.upsertConnection({
        integrationId: 'crm',
        userId,
        credentials: { access_token: token },
      });
    }
    await acme.buildWorkflow({
      id: 'my-deals',
      instruction: 'List my deals',
      integrationIds: ['crm'],
      steps: [
        {
          id: 'deals',
          integrationId: 'crm',
          method: 'GET',
          path: '/deals',
          transform: 'result.deals',
        },
      ],
    });
    for (const userId of ['user-a', 'user-b']) {
      const run = await acme.executeWorkflow({ workflowId: 'my-deals', userId });
      temporalIds.push(run.temporal.workflowId);
      expect(run.status).toBe('succeeded');
      expect(run.output).toEqual([{ id: `${userId}-deal-1`, owner: userId }]);
      expect(run.userId).toBe(userId);
    }
  });

  it('keeps every secret out of Temporal history and the runs table', async () => {
    const client = await api.temporal();
    expect(temporalIds.length).toBeGreaterThanOrEqual(5);
    for (const workflowId of temporalIds) {
      const history = await rawHistoryText(client, workflowId);
      expect(history).toContain('binary/latchkey-encrypted');
      for (const secret of SECRETS) {
        expect(history).not.toContain(secret);
        expect(history).not.toContain(Buffer.from(secret).toString('base64'));
      }
    }
    const runs = JSON.stringify(await api.db.selectFrom('runs').selectAll().execute());
    const runBytes = (await api.db.selectFrom('runs').select('encrypted_result').execute())
      .map((r) => r.encrypted_result?.toString('latin1') ?? '')
      .join('');
    for (const secret of SECRETS) {
      expect(runs).not.toContain(secret);
      expect(runBytes).not.toContain(secret);
      expect(api.logs()).not.toContain(secret);
    }
  });

  it('keeps tenants apart: another tenant cannot see or run my workflows and runs', async () => {
    const mine = await acme.listRuns();
    expect(mine.length).toBeGreaterThan(0);
    const first = mine[0];
    if (!first) throw new Error('no run');
    expect(await codeOf(globex.getRun(first.runId))).toBe('NOT_FOUND');
    expect(await codeOf(globex.cancelRun(first.runId))).toBe('NOT_FOUND');
    expect(await codeOf(globex.executeWorkflow({ workflowId: 'my-deals' }))).toBe('NOT_FOUND');
    expect(await codeOf(globex.getWorkflow('my-deals'))).toBe('NOT_FOUND');
    expect((await globex.listWorkflows()).map((w) => w.id)).toEqual(['customers']);
  });
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: LatchkeyError) => error.code,
  );
}

async function decodePayloads(api: TestApi, payloads: unknown[]): Promise<unknown[]> {
  const { payloadCodecs = [], payloadConverter } = api.dataConverter;
  // biome-ignore lint/suspicious/noExplicitAny: raw protobuf payloads straight from history
  let decoded = payloads as any[];
  for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded.map((p) => payloadConverter?.fromPayload(p));
}
