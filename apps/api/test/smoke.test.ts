import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness';
import { startTestWorker } from './worker-harness';

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
    const worker = await startTestWorker(api, { identity: 'smoke-test-worker' });
    try {
      const result = await api
        .client(apiKey)
        .system.smoke.mutate({ message: 'hello through Temporal' });
      expect(result).toMatchObject({
        echoed: 'hello through Temporal',
        workerIdentity: 'smoke-test-worker',
      });
    } finally {
      await worker.stop();
    }
  });
});
