import { testServices } from '@latchkey/devstack/test-db';
import { bundleWorkflows, createLatchkeyWorker } from '@latchkey/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';

describe('smoke workflow: api -> Temporal -> worker -> result', () => {
  let api: TestApi;
  let apiKey: string;

  beforeAll(async () => {
    api = await startTestApi();
    ({ apiKey } = await api.createTenant('smoke'));
  });
  afterAll(async () => {
    await api?.close();
  });

  it('runs the smoke workflow on a real worker and returns its result', async () => {
    const { temporalAddress, temporalNamespace } = testServices();
    const { worker, connection } = await createLatchkeyWorker({
      address: temporalAddress,
      namespace: temporalNamespace,
      identity: 'smoke-test-worker',
      workflowBundle: await bundleWorkflows(),
    });
    try {
      const result = await worker.runUntil(
        api.client(apiKey).system.smoke.mutate({ message: 'hello through Temporal' }),
      );
      expect(result).toMatchObject({
        echoed: 'hello through Temporal',
        workerIdentity: 'smoke-test-worker',
      });
    } finally {
      await connection.close();
    }
  });
});
