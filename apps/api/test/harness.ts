import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AppRouter, DoorLimits } from '@latchkey/api';
import { createTenant } from '@latchkey/api';
import { createRunFinishedFeed } from '@latchkey/db';
import { createTestDatabase, testServices } from '@latchkey/devstack/test-db';
import { allowEgress, createTestEgress } from '@latchkey/devstack/test-egress';
import { createLogger } from '@latchkey/logger';
import { createClientDataConverter } from '@latchkey/temporal';
import type { Planner } from '@latchkey/workflow-engine';
import { createTRPCClient, httpLink } from '@trpc/client';
import { createApiServer } from '../src/server';
import { lazyTemporalClient } from '../src/temporal-client';
import { createTestVault } from './test-vault';

/**
 * A real api on a loopback port, over its own database, with every log line kept so tests
 * can search them for secrets.
 */
export async function startTestApi(
  options: {
    planner?: Planner;
    webRoot?: string;
    temporalUiUrl?: string;
    /** Another Temporal than the test run's (one with its UI, say); it may still be starting. */
    temporalAddress?: string;
    /** Origins allowed to call the codec endpoint (the Temporal UI's). */
    codecOrigins?: string[];
    /** The console's other origins (LATCHKEY_CONSOLE_ORIGINS). */
    consoleOrigins?: string[];
    /** Limits at the door other than the defaults. */
    limits?: Partial<DoorLimits>;
    maxBodyBytes?: number;
  } = {},
) {
  const testDb = await createTestDatabase();
  const logLines: string[] = [];
  const log = createLogger('api-test', {
    level: 'debug',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  const services = testServices();
  const { vault, masterKeys } = await createTestVault(testDb.db);
  const dataConverter = createClientDataConverter({ vault });
  const temporalAddress = options.temporalAddress ?? services.temporalAddress;
  const temporal = lazyTemporalClient(temporalAddress, services.temporalNamespace, dataConverter);
  // Each test file has its own queue: workers of other files (other databases) never see its runs.
  const taskQueue = `latchkey-test-${randomBytes(4).toString('hex')}`;
  const runFinished = createRunFinishedFeed({ connectionString: testDb.url });
  // Bound before the api is built (its public URL and egress rules name the port): port 0 lets
  // the kernel pick, so no other process can take the port between choosing and listening.
  const listener = createServer();
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = listener.address() as AddressInfo;
  const publicUrl = `http://127.0.0.1:${port}`;
  // Production's egress rules, this api among the platform's own services; tests open their
  // loopback servers one port at a time with `allowEgress`.
  const egress = createTestEgress({
    platform: [{ name: "the platform's api", host: '127.0.0.1', port }],
  });
  const server = createApiServer({
    listener,
    publicUrl,
    egress,
    db: testDb.db,
    vault,
    log,
    temporal: temporal.get,
    runFinished,
    taskQueue,
    planner: options.planner,
    webRoot: options.webRoot,
    temporalUi: options.temporalUiUrl
      ? { url: options.temporalUiUrl, namespace: services.temporalNamespace }
      : undefined,
    codec: { allowedOrigins: options.codecOrigins ?? [] },
    consoleOrigins: options.consoleOrigins,
    limits: options.limits,
    maxBodyBytes: options.maxBodyBytes,
  });
  const url = `http://127.0.0.1:${port}/trpc`;

  return {
    url,
    publicUrl,
    taskQueue,
    temporalAddress,
    dataConverter,
    temporal: temporal.get,
    db: testDb.db,
    dbUrl: testDb.url,
    /** The database's owner role, for a test's own DDL (the api runs as the app role). */
    asOwner: testDb.asOwner,
    /** The egress policy of this api and of workers started for it. */
    egress,
    /** Lets steps, credential tests and OAuth calls reach this URL's address and port only. */
    allowEgress(url: string) {
      allowEgress(egress, url);
    },
    /** For worker processes started by a test: the same master key as this api. */
    masterKeys,
    vault,
    /** The api's logger, for other handlers a test serves beside it. */
    log,
    logs: () => logLines.join(''),
    client(apiKey?: string) {
      return createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url,
            headers: () => (apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
          }),
        ],
      });
    },
    async createTenant(name: string) {
      const created = await createTenant(testDb.db, vault, { name, actor: 'test' });
      return {
        tenantId: created.tenantId,
        apiKey: created.apiKey.key,
        apiKeyId: created.apiKey.id,
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.close();
      await runFinished.close();
      await egress.close();
      await testDb.destroy();
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;
