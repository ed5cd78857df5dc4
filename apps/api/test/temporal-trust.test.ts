import { randomUUID } from 'node:crypto';
import { LatchkeyClient } from '@latchkey/client';
import { findRun } from '@latchkey/db';
import { testServices } from '@latchkey/devstack/test-db';
import {
  createTenantPayloadCodec,
  payloadConverter,
  type RunWorkflowInput,
  runWorkflowId,
  TENANT_METADATA_KEY,
  USER_TAG_PURPOSE,
  UserAttribute,
} from '@latchkey/temporal';
import type { Payload } from '@temporalio/client';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { json, type LoopbackServer, startLoopbackServer } from './loopback';
import { startTestWorker } from './worker-harness';

const VICTIM_KEY = 'sk_victim_storedKey_5555eeee';

type HistoryEvent = {
  eventType?: unknown;
  workflowTaskFailedEventAttributes?: {
    failure?: { message?: string | null; encodedAttributes?: Payload | null } | null;
  } | null;
  workflowExecutionFailedEventAttributes?: {
    failure?: { message?: string | null; applicationFailureInfo?: { type?: string | null } | null };
  } | null;
  activityTaskScheduledEventAttributes?: unknown;
};

/**
 * A hostile starter: anyone who can reach the task queue (the Temporal UI's Start Workflow, its
 * HTTP API, an SDK client) tries to run steps with another tenant's stored credentials. The
 * worker must refuse before anything runs: no request reaches the victim's API, no run row of
 * the victim changes.
 */
describe('the worker trusts only what the codec sealed, for the tenant the workflow names', () => {
  let api: TestApi;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let victimApi: LoopbackServer;
  let victim: { tenantId: string; apiKey: string; client: LatchkeyClient };
  let attacker: { tenantId: string; apiKey: string; client: LatchkeyClient };
  let victimRunId: string;
  let victimInput: RunWorkflowInput;
  let raw: Client;
  const started: WorkflowHandle[] = [];

  const eventsOf = async (workflowId: string): Promise<HistoryEvent[]> => {
    const page = await raw.connection.workflowService.getWorkflowExecutionHistory({
      namespace: testServices().temporalNamespace,
      execution: { workflowId },
    });
    return (page.history?.events ?? []) as HistoryEvent[];
  };

  /** Waits until the worker has answered the workflow's first task, one way or the other. */
  const refusal = async (workflowId: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const events = await eventsOf(workflowId);
      const taskFailed = events.find((e) => e.workflowTaskFailedEventAttributes);
      const failed = events.find((e) => e.workflowExecutionFailedEventAttributes);
      if (taskFailed || failed) {
        // The failure's message is sealed too (the codec encodes failure attributes).
        const attributes =
          taskFailed?.workflowTaskFailedEventAttributes?.failure?.encodedAttributes;
        const [opened] = attributes
          ? await createTenantPayloadCodec({ vault: api.vault }).decode([attributes])
          : [];
        return {
          taskFailure: opened
            ? (payloadConverter.fromPayload(opened) as { message: string }).message
            : undefined,
          failure: failed?.workflowExecutionFailedEventAttributes?.failure,
          scheduled: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
        };
      }
      if (Date.now() > deadline) throw new Error(`no refusal of ${workflowId} in 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  /** What a run of the victim's workflow looks like, pointed at the victim's integration. */
  const inputFor = (tenantId: string, runId: string): RunWorkflowInput => ({
    ...victimInput,
    tenantId,
    runId,
  });

  const expectNothingRan = async () => {
    // Give a worker that (wrongly) ran the step time to reach the loopback API.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(victimApi.requests).toEqual([]);
    const row = await findRun(api.db, victim.tenantId, victimRunId);
    expect(row?.status).toBe('succeeded');
  };

  beforeAll(async () => {
    api = await startTestApi();
    worker = await startTestWorker(api);
    victimApi = await startLoopbackServer((req, res) =>
      req.headers.authorization === `Bearer ${VICTIM_KEY}`
        ? json(res, 200, { secret: 'victim data' })
        : json(res, 401, { error: 'no' }),
    );
    api.allowEgress(victimApi.url);
    const make = async (name: string) => {
      const created = await api.createTenant(name);
      return {
        ...created,
        client: new LatchkeyClient({ endpoint: api.publicUrl, apiKey: created.apiKey }),
      };
    };
    victim = await make('victim');
    attacker = await make('attacker');
    await victim.client.upsertIntegration({
      id: 'crm',
      urlHost: victimApi.url,
      auth: { type: 'bearer', credential: 'token' },
      credentials: { token: VICTIM_KEY },
    });
    await victim.client.buildWorkflow({
      id: 'read',
      instruction: 'read the CRM',
      integrationIds: ['crm'],
      steps: [{ id: 'get', integrationId: 'crm', method: 'GET', path: '/data' }],
    });
    const run = await victim.client.executeWorkflow({ workflowId: 'read', userId: 'user-7' });
    expect(run.status).toBe('succeeded');
    expect(victimApi.requests).toHaveLength(1);
    victimApi.requests.length = 0;
    victimRunId = run.runId;
    victimInput = {
      tenantId: victim.tenantId,
      runId: victimRunId,
      workflowId: 'read',
      workflowVersion: 1,
      userId: null,
      steps: [{ id: 'get', integrationId: 'crm', method: 'GET', path: '/data' }],
      payload: null,
      responseSchema: null,
      sealedRuntimeCredentials: null,
    };
    // The SDK's own client, without Latchkey's converter: plain JSON payloads.
    raw = new Client({
      connection: (await api.temporal()).connection,
      namespace: testServices().temporalNamespace,
    });
  });
  afterAll(async () => {
    for (const handle of started) await handle.terminate('test over').catch(() => undefined);
    await worker?.stop();
    await victimApi?.close();
    await api?.close();
  });

  it('refuses a runWorkflow started with plain JSON naming another tenant: nothing runs', async () => {
    for (const workflowId of [
      runWorkflowId(victim.tenantId, 'read', randomUUID()),
      `anything-${randomUUID()}`,
    ]) {
      const handle = await raw.workflow.start('runWorkflow', {
        taskQueue: api.taskQueue,
        workflowId,
        args: [inputFor(victim.tenantId, victimRunId)],
      });
      started.push(handle);
      const outcome = await refusal(workflowId);
      expect(outcome.taskFailure).toMatch(/not sealed by Latchkey's codec/);
      expect(outcome.scheduled).toBe(0);
    }
    await expectNothingRan();
  });

  it('refuses a payload sealed through /codec/encode as workflow input', async () => {
    // The victim's own codec key, its own tenant: still only a UI payload, never worker input.
    const codecKey = victim.apiKey;
    const workflowId = runWorkflowId(victim.tenantId, 'read', randomUUID());
    const plain = payloadConverter.toPayload(inputFor(victim.tenantId, victimRunId));
    const reply = await fetch(`${api.publicUrl}/codec/encode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${codecKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(plain.metadata ?? {}).map(([k, v]) => [
                k,
                Buffer.from(v).toString('base64'),
              ]),
            ),
            data: Buffer.from(plain.data ?? []).toString('base64'),
          },
        ],
      }),
    });
    expect(reply.status).toBe(200);
    const [wire] = (
      (await reply.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }
    ).payloads;
    const sealed: Payload = {
      metadata: Object.fromEntries(
        Object.entries(wire?.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
      ),
      data: Buffer.from(wire?.data ?? '', 'base64'),
    };
    await raw.connection.workflowService.startWorkflowExecution({
      namespace: testServices().temporalNamespace,
      workflowId,
      workflowType: { name: 'runWorkflow' },
      taskQueue: { name: api.taskQueue },
      input: { payloads: [sealed] },
      requestId: randomUUID(),
    });
    started.push(raw.workflow.getHandle(workflowId));
    const outcome = await refusal(workflowId);
    expect(outcome.taskFailure).toMatch(/not sealed by Latchkey's codec/);
    expect(outcome.scheduled).toBe(0);
    await expectNothingRan();
  });

  it("refuses input sealed by one tenant that names another, whichever tenant's workflow it claims", async () => {
    // Sealed with the attacker's key (as its own api calls would be), naming the victim.
    const codec = createTenantPayloadCodec({ vault: api.vault });
    const sealFor = async (workflowId: string) => {
      const payload = payloadConverter.toPayload(inputFor(victim.tenantId, victimRunId));
      payload.metadata = {
        ...payload.metadata,
        [TENANT_METADATA_KEY]: Buffer.from(attacker.tenantId),
      };
      const [sealed] = await codec.encode([payload], {
        type: 'workflow',
        namespace: testServices().temporalNamespace,
        workflowId,
      });
      return sealed as Payload;
    };
    const start = async (workflowId: string) => {
      await raw.connection.workflowService.startWorkflowExecution({
        namespace: testServices().temporalNamespace,
        workflowId,
        workflowType: { name: 'runWorkflow' },
        taskQueue: { name: api.taskQueue },
        input: { payloads: [await sealFor(workflowId)] },
        requestId: randomUUID(),
      });
      started.push(raw.workflow.getHandle(workflowId));
      return refusal(workflowId);
    };

    // A workflow id of the attacker: the codec opens it, the interceptor fails the workflow.
    const own = await start(runWorkflowId(attacker.tenantId, 'read', randomUUID()));
    expect(own.failure?.applicationFailureInfo?.type).toBe('TenantMismatch');
    expect(own.scheduled).toBe(0);
    // A workflow id of the victim: the codec refuses the attacker's seal outright.
    const theirs = await start(runWorkflowId(victim.tenantId, 'read', randomUUID()));
    expect(theirs.taskFailure).toMatch(/sealed by another tenant/);
    expect(theirs.scheduled).toBe(0);
    await expectNothingRan();
  });

  it('tags the end user with a keyed hash in search attributes, never the user id', async () => {
    const run = await victim.client.getRun(victimRunId);
    const description = await (await api.temporal()).workflow
      .getHandle(run.temporal.workflowId)
      .describe();
    const tag = description.typedSearchAttributes.get(UserAttribute);
    expect(tag).toBe(await api.vault.keyedHash(victim.tenantId, USER_TAG_PURPOSE, 'user-7'));
    expect(tag).toMatch(/^h1\.[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(description.raw)).not.toContain('user-7');
    expect(run.temporal.workflowId).not.toContain('victim');
    // Another tenant's tag of the same user id differs: tags do not link tenants' users.
    expect(await api.vault.keyedHash(attacker.tenantId, USER_TAG_PURPOSE, 'user-7')).not.toBe(tag);
  });
});
