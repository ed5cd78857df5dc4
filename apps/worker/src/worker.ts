import { fileURLToPath } from 'node:url';
import { TASK_QUEUE } from '@latchkey/temporal';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from './activities';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface LatchkeyWorkerOptions {
  address: string;
  namespace: string;
  identity: string;
  maxConcurrentActivities?: number;
  /** A pre-built bundle (tests build one and share it); otherwise bundled at start. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

let runtimeConfigured = false;

/** The SDK logs at WARN: its info lines drown ours and say nothing an operator needs. */
function configureRuntime() {
  if (runtimeConfigured) return;
  runtimeConfigured = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by the host (tests, another worker in this process).
  }
}

export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silentBundlerLogger });
}

const silentBundlerLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** One worker serves every tenant from the shared task queue. */
export async function createLatchkeyWorker(options: LatchkeyWorkerOptions) {
  configureRuntime();
  const connection = await NativeConnection.connect({ address: options.address });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: TASK_QUEUE,
    identity: options.identity,
    activities: createActivities({ identity: options.identity }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
  });
  return { worker, connection };
}
