import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from './test-db';

/**
 * A tenant's own PostgreSQL, as SQL steps see it: a database of its own reached through a TCP
 * forwarder on another loopback port. The test run's server is the platform's database, which
 * the egress policy refuses to every step; a tenant's server is somewhere else, so tests give it
 * an address of its own (and allow exactly that port).
 */
export interface TenantDatabase extends TestDatabase {
  /** The database through the forwarder: what a tenant's integration points at. */
  tenantUrl: string;
  port: number;
}

export async function createTenantDatabase(): Promise<TenantDatabase> {
  const database = await createTestDatabase();
  const target = new URL(database.url);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The tenant owns its database: its steps connect as the owner role (DDL included).
  const tenantUrl = new URL(database.ownerUrl);
  tenantUrl.hostname = '127.0.0.1';
  tenantUrl.port = String(port);
  return {
    ...database,
    tenantUrl: tenantUrl.toString(),
    port,
    async destroy() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.destroy();
    },
  };
}
