import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AppRouter } from '@latchkey/api';
import { createTenant } from '@latchkey/api';
import { createTestDatabase, testServices } from '@latchkey/devstack/test-db';
import { createLogger } from '@latchkey/logger';
import { createTRPCClient, httpLink } from '@trpc/client';
import { createApiServer } from '../src/server';
import { lazyTemporalClient } from '../src/temporal-client';
import { createTestVault } from './test-vault';

/**
 * A real api on a loopback port, over its own database, with every log line kept so tests
 * can search them for secrets.
 */
export async function startTestApi() {
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
  const temporal = lazyTemporalClient(services.temporalAddress, services.temporalNamespace);
  const vault = await createTestVault(testDb.db);
  const server = createApiServer({ db: testDb.db, log, temporal: temporal.get });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/trpc`;

  return {
    url,
    db: testDb.db,
    dbUrl: testDb.url,
    vault,
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
      await testDb.destroy();
    },
  };
}

export type TestApi = Awaited<ReturnType<typeof startTestApi>>;
