import { fileURLToPath } from 'node:url';
import type { Db } from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import type { Logger } from '@latchkey/logger';
import type { Tracing } from '@latchkey/observability';
import { createDataConverter, TASK_QUEUE, workflowBundleConverterPaths } from '@latchkey/temporal';
import { connectTemporal } from '@latchkey/temporal/connection';
import type { Vault } from '@latchkey/vault';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from './activities';
import type { RunActivityDeps } from './activities/run-activities';
import { TenantLimiter } from './tenant-limiter';
import {
  TRACING_WORKFLOW_INTERCEPTORS_PATH,
  tracingActivityInterceptor,
  workflowSpanSinks,
} from './tracing';
import {
  tenantActivityInterceptor,
  WORKFLOW_INTERCEPTORS_PATH,
} from './trust/activity-interceptor';

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
  /** A limiter made by the caller (tests watch its queues); else one of `tenantActivityLimit`. */
  limiter?: TenantLimiter;
  requestTimeoutMs?: number;
  refresh?: RunActivityDeps['refresh'];
  limits?: RunActivityDeps['limits'];
  /** Webhook delivery retry timing (tests shorten it). */
  events?: ActivityDeps['events'];
  /** A fetch enforcing the egress policy on tenant webhook URLs; default `egress.fetch`. */
  webhookFetch?: ActivityDeps['webhookFetch'];
  /** Background connection health: staleness and per-tenant bound. */
  health?: ActivityDeps['health'];
  /**
   * The worker's converter, `createDataConverter` (fail-closed codec); default the one over
   * `vault` with the .ts converter source. The built worker passes its built converter path.
   */
  dataConverter?: DataConverter;
  /**
   * On shutdown (SIGTERM), how long activities in flight may finish before they are cancelled;
   * a cancelled or unfinished attempt is retried by another worker. Default 30 s.
   */
  shutdownGraceMs?: number;
  /**
   * A pre-built bundle: the built worker's dist/workflow-bundle.js (`{ codePath }`), or one
   * tests build and share; otherwise the workflow code is bundled at start.
   */
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
  /** OpenTelemetry tracing (`startTracing`): activity spans, and workflow spans via the sink. */
  tracing?: Tracing;
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

/**
 * Workflow code is bundled with the same converters the worker uses for payloads, with the
 * interceptor that refuses a workflow whose input another tenant sealed, and with the tracing
 * interceptors (inert unless a workflow's start carried a trace context).
 */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_PATH, TRACING_WORKFLOW_INTERCEPTORS_PATH],
    logger: silentBundlerLogger,
    ...workflowBundleConverterPaths,
  });
}

/**
 * One worker serves every tenant from the shared task queue. It trusts only what its codec
 * opened (payloads sealed by a tenant key, bound to their workflow, by that workflow's tenant)
 * and checks every workflow's and activity's input names that tenant (`./trust`).
 */
export async function createLatchkeyWorker(options: LatchkeyWorkerOptions) {
  const connection = await connectTemporal(options.address);
  const activities = createActivities({
    identity: options.identity,
    db: options.db,
    vault: options.vault,
    log: options.log,
    egress: options.egress,
    limiter: options.limiter ?? new TenantLimiter(options.tenantActivityLimit ?? 10),
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    refresh: options.refresh,
    limits: options.limits,
    events: options.events,
    webhookFetch: options.webhookFetch ?? options.egress.fetch,
    health: options.health,
  });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    identity: options.identity,
    activities,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    shutdownGraceTime: options.shutdownGraceMs ?? 30_000,
    // Past the grace, cancelled activities get this long to stop before the worker gives up.
    shutdownForceTime: (options.shutdownGraceMs ?? 30_000) + 15_000,
    dataConverter: options.dataConverter ?? createDataConverter({ vault: options.vault }),
    interceptors: {
      // The span (when tracing) wraps the tenant check and the activity alike.
      activity: options.tracing
        ? [tracingActivityInterceptor, tenantActivityInterceptor]
        : [tenantActivityInterceptor],
    },
    // Always registered: the bundled workflow interceptors may send spans whatever this says.
    sinks: workflowSpanSinks(options.tracing),
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
  });
  return { worker, connection };
}
