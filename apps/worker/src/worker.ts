import { fileURLToPath } from 'node:url';
import type { Db } from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import type { Logger } from '@latchkey/logger';
import { TASK_QUEUE, workflowBundleConverterPaths } from '@latchkey/temporal';
import { connectTemporal } from '@latchkey/temporal/connection';
import type { Vault } from '@latchkey/vault';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from './activities';
import type { RunActivityDeps } from './activities/run-activities';
import { TenantLimiter } from './tenant-limiter';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface LatchkeyWorkerOptions {
  address: string;
  namespace: string;
  identity: string;
  /** Defaults to the fleet's shared queue; tests give each file its own. */
  taskQueue?: string;
  db: Db;
  vault: Vault;
  log: Logger;
  /** Tenant egress for every step, credential test and token refresh (see @latchkey/egress). */
  egress: EgressPolicy;
  maxConcurrentActivities?: number;
  tenantActivityLimit?: number;
  requestTimeoutMs?: number;
  refresh?: RunActivityDeps['refresh'];
  /** Seals payloads with tenant keys; the same converter the api's client uses. */
  dataConverter?: DataConverter;
  /** A pre-built bundle (tests build one and share it); otherwise bundled at start. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** For bundling workflow code without webpack's chatter (the bench's baseline bundles too). */
export const silentBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Workflow code is bundled with the same converters the worker uses for payloads. */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: silentBundlerLogger,
    ...workflowBundleConverterPaths,
  });
}

/** One worker serves every tenant from the shared task queue. */
export async function createLatchkeyWorker(options: LatchkeyWorkerOptions) {
  const connection = await connectTemporal(options.address);
  const activities = createActivities({
    identity: options.identity,
    db: options.db,
    vault: options.vault,
    log: options.log,
    egress: options.egress,
    limiter: new TenantLimiter(options.tenantActivityLimit ?? 10),
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    refresh: options.refresh,
  });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    identity: options.identity,
    activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    dataConverter: options.dataConverter,
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
  });
  return { worker, connection };
}
