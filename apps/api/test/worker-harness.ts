import type { Db } from '@latchkey/db';
import { testServices } from '@latchkey/devstack/test-db';
import { createLogger } from '@latchkey/logger';
import type { Vault } from '@latchkey/vault';
import { bundleWorkflows, createLatchkeyWorker, type TenantLimiter } from '@latchkey/worker';
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
    limiter?: TenantLimiter;
    limits?: Parameters<typeof createLatchkeyWorker>[0]['limits'];
    refresh?: Parameters<typeof createLatchkeyWorker>[0]['refresh'];
    /** The worker's own pool (and a vault over it), to test what a small pool survives. */
    db?: Db;
    vault?: Vault;
    events?: Parameters<typeof createLatchkeyWorker>[0]['events'];
    health?: Parameters<typeof createLatchkeyWorker>[0]['health'];
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
    db: options.db ?? api.db,
    vault: options.vault ?? api.vault,
    egress: api.egress,
    webhookFetch: api.egress.fetch,
    log: createLogger('worker-test', { level: 'silent' }),
    tenantActivityLimit: options.tenantActivityLimit,
    limiter: options.limiter,
    limits: options.limits,
    refresh: options.refresh,
    events: options.events,
    health: options.health,
    requestTimeoutMs: 5_000,
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
