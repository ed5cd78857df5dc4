import { LatchkeyClient, type LatchkeyError } from '@latchkey/client';
import { createPlanner } from '@latchkey/workflow-engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';

const PLANNER_KEY = 'sk-planner-key-7777ffff';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: LatchkeyError) => error,
  );

describe('workflows.build', () => {
  let plain: TestApi;
  let planned: TestApi;
  let llm: LoopbackServer;
  let withoutPlanner: LatchkeyClient;
  let withPlanner: LatchkeyClient;

  beforeAll(async () => {
    // A stand-in for an OpenAI-compatible chat endpoint answering with a plan.
    llm = await startLoopbackServer((req, res) => {
      if (req.headers.authorization !== `Bearer ${PLANNER_KEY}`)
        return json(res, 401, { error: 'bad key' });
      const steps = [
        { id: 'listCustomers', integrationId: 'stripe', method: 'GET', path: '/customers' },
      ];
      json(res, 200, {
        choices: [{ message: { role: 'assistant', content: JSON.stringify({ steps }) } }],
      });
    });
    plain = await startTestApi();
    planned = await startTestApi({
      planner: createPlanner({ baseUrl: llm.url, apiKey: PLANNER_KEY, model: 'test-model' }),
    });
    for (const [api, assign] of [
      [plain, (c: LatchkeyClient) => (withoutPlanner = c)],
      [planned, (c: LatchkeyClient) => (withPlanner = c)],
    ] as const) {
      const client = new LatchkeyClient({
        endpoint: api.url.replace(/\/trpc$/, ''),
        apiKey: (await api.createTenant('acme')).apiKey,
      });
      await client.upsertIntegration({
        id: 'stripe',
        templateId: 'stripe',
        credentials: { secret_key: 'sk_test_x_1234567890' },
      });
      assign(client);
    }
  });
  afterAll(async () => {
    await plain?.close();
    await planned?.close();
    await llm?.close();
  });

  it('without steps and without a planner, says how to configure one', async () => {
    const error = await failure(
      withoutPlanner.buildWorkflow({
        instruction: 'Get all Stripe customers',
        integrationIds: ['stripe'],
      }),
    );
    expect(error.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toMatch(/LATCHKEY_PLANNER_URL/);
    expect(error.message).toMatch(/pass `steps`/);
  });

  it('asks the configured planner for steps and validates them', async () => {
    const built = await withPlanner.buildWorkflow({
      id: 'customers',
      instruction: 'Get all Stripe customers',
      integrationIds: ['stripe'],
    });
    expect(built.steps).toEqual([
      expect.objectContaining({ id: 'listCustomers', integrationId: 'stripe', path: '/customers' }),
    ]);
    const request = llm.requests.at(-1);
    expect(request?.path).toBe('/chat/completions');
    expect(request?.body).toContain('Get all Stripe customers');
    expect(request?.body).not.toContain('sk_test_x_1234567890');
  });

  it('saves a new version on every build and keeps the old ones', async () => {
    const steps = [{ id: 'list', integrationId: 'stripe', method: 'GET', path: '/customers' }];
    const first = await withoutPlanner.buildWorkflow({
      id: 'wf',
      instruction: 'v1',
      integrationIds: ['stripe'],
      steps,
    });
    const second = await withoutPlanner.buildWorkflow({
      id: 'wf',
      instruction: 'v2',
      integrationIds: ['stripe'],
      steps,
    });
    expect([first.version, second.version]).toEqual([1, 2]);
    expect((await withoutPlanner.getWorkflow('wf')).versions).toEqual([1, 2]);
    expect((await withoutPlanner.getWorkflow('wf', 1)).instruction).toBe('v1');
    expect((await withoutPlanner.listWorkflows()).find((w) => w.id === 'wf')?.version).toBe(2);
    await withoutPlanner.deleteWorkflow('wf');
    expect((await failure(withoutPlanner.getWorkflow('wf'))).code).toBe('NOT_FOUND');
  });

  it('rejects steps that do not fit the integrations, naming the field', async () => {
    const unknownIntegration = await failure(
      withoutPlanner.buildWorkflow({
        instruction: 'x',
        integrationIds: ['nope'],
        steps: [{ id: 'a', integrationId: 'nope' }],
      }),
    );
    expect(unknownIntegration.code).toBe('BAD_REQUEST');
    expect(unknownIntegration.message).toMatch(/integrationIds: no integration 'nope'/);
    const badStep = await failure(
      withoutPlanner.buildWorkflow({
        instruction: 'x',
        integrationIds: ['stripe'],
        steps: [{ id: 'a', integrationId: 'stripe', method: 'FETCH' }],
      }),
    );
    expect(badStep.code).toBe('BAD_REQUEST');
    expect(badStep.message).toMatch(/steps\.0\.method/);
    const forward = await failure(
      withoutPlanner.buildWorkflow({
        instruction: 'x',
        integrationIds: ['stripe'],
        steps: [
          { id: 'a', integrationId: 'stripe', path: '/x/<<steps.b.id>>' },
          { id: 'b', integrationId: 'stripe', path: '/y' },
        ],
      }),
    );
    expect(forward.message).toMatch(/steps\.b/);
  });
});
