import { testServices } from '@latchkey/devstack/test-db';
import { createLogger } from '@latchkey/logger';
import { createDataConverter } from '@latchkey/temporal';
import { bundleWorkflows, createLatchkeyWorker } from '@latchkey/worker';
import { register } from 'tsx/cjs/api';
import type { TestApi } from './harness';

let bundle: ReturnType<typeof bundleWorkflows> | undefined;
let tsxRegistered = false;

/** A real worker in this process, on the test run's Temporal, sharing the api's database and vault. */
export async function startTestWorker(
  api: TestApi,
  options: {
    identity?: string;
    tenantActivityLimit?: number;
    refresh?: Parameters<typeof createLatchkeyWorker>[0]['refresh'];
  } = {},
) {
  const { temporalNamespace } = testServices();
  // The worker require()s the payload converter's TypeScript source on its main thread.
  if (!tsxRegistered) {
    register();
    tsxRegistered = true;
  }
  bundle ??= bundleWorkflows();
  const { worker, connection } = await createLatchkeyWorker({
    address: api.temporalAddress,
    namespace: temporalNamespace,
    identity: options.identity ?? 'test-worker',
    taskQueue: api.taskQueue,
    db: api.db,
    vault: api.vault,
    egress: api.egress,
    log: createLogger('worker-test', { level: 'silent' }),
    tenantActivityLimit: options.tenantActivityLimit,
    refresh: options.refresh,
    requestTimeoutMs: 5_000,
    dataConverter: createDataConverter({ vault: api.vault }),
    workflowBundle: await bundle,
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
