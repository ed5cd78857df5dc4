/**
 * Temporal alone, as the yardstick for the execute benchmark: a workflow that returns its input,
 * started and awaited with the SDK's own client, with a plain worker in this process, on the
 * same server as the platform. Whatever the platform does per run comes on top of this.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connectTemporal } from '@latchkey/temporal/connection';
import { silentBundlerLogger } from '@latchkey/worker';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { echo } from './baseline-workflows';

export async function startTemporalBaseline(address: string, namespace: string) {
  const taskQueue = `latchkey-bench-baseline-${randomBytes(4).toString('hex')}`;
  const workerConnection = await connectTemporal(address);
  const worker = await Worker.create({
    connection: workerConnection,
    namespace,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./baseline-workflows.ts', import.meta.url)),
      logger: silentBundlerLogger,
    }),
  });
  const running = worker.run();
  // The same native connection the platform's api and worker use.
  const clientConnection = await connectTemporal(address);
  const client = new Client({ connection: clientConnection, namespace });
  let count = 0;

  return {
    async execute() {
      await client.workflow.execute<typeof echo>('echo', {
        taskQueue,
        workflowId: `${taskQueue}-${count++}`,
        args: [{ ok: true, items: [1, 2, 3] }],
      });
    },
    async stop() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await clientConnection.close();
    },
  };
}
