import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import { type Db, databaseReadiness } from '@latchkey/db';
import type { Logger } from '@latchkey/logger';
import { createOpsHandler } from '@latchkey/observability';
import type { NativeConnection, Worker } from '@temporalio/worker';

/**
 * The worker's own small HTTP listener (it serves no API): `/healthz`, `/readyz` (database,
 * migrations, Temporal, and the worker still polling) and `/metrics` (ours, then the Temporal
 * SDK's own from its exporter, so one scrape target covers both).
 */
export async function startWorkerOpsServer(options: {
  host: string;
  port: number;
  db: Db;
  connection: NativeConnection;
  worker: Worker;
  log: Logger;
  /** The SDK exporter's address (host:port), when it runs. */
  temporalMetricsAddress?: string;
}) {
  const handle = createOpsHandler({
    checks: {
      ...databaseReadiness(options.db),
      temporal: async () => {
        await options.connection.workflowService.getSystemInfo({});
        return 'ok';
      },
    },
    draining: () => options.worker.getState() !== 'RUNNING',
    extraMetrics: options.temporalMetricsAddress
      ? async () => {
          const res = await fetch(`http://${options.temporalMetricsAddress}/metrics`);
          return res.ok ? await res.text() : '';
        }
      : undefined,
    onCheckFailed: (check, error) =>
      options.log.warn(
        { check, err: error instanceof Error ? error.message : String(error) },
        'readiness check failed',
      ),
  });
  const server = createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    if (!handle(req, res, pathname)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `host:0` becomes `host:<a free port>`: the SDK's exporter needs a real port to be scraped. */
export async function concreteAddress(address: string): Promise<string> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  if (address.slice(at + 1) !== '0') return address;
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  return `${host}:${port}`;
}
