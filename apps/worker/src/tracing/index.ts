import { fileURLToPath } from 'node:url';
import type { Tracing } from '@latchkey/observability';
import type { Context as ActivityContext } from '@temporalio/activity';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptors, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';

/** Bundled with the workflow code whether tracing is on or not (it is a no-op when off). */
export const TRACING_WORKFLOW_INTERCEPTORS_PATH = fileURLToPath(
  new URL('./workflow-interceptors.ts', import.meta.url),
);

/** The workflow facts a span may carry: ids name the tenant at most, never a user or a value. */
function traceableInfo(info: WorkflowInfo) {
  const { workflowId, runId, workflowType, taskQueue, namespace, attempt } = info;
  return { workflowId, runId, workflowType, taskQueue, namespace, attempt };
}

/**
 * The `exporter` sink the bundled workflow interceptors send their spans to. With tracing on,
 * spans join the process's batch (OpenTelemetry's `makeWorkflowExporter`), with only
 * `traceableInfo` of the workflow added: the SDK would add all of its WorkflowInfo (memo,
 * search attributes, last failure). With tracing off the spans are dropped.
 */
export function workflowSpanSinks(tracing?: Tracing): InjectedSinks<OpenTelemetrySinks> {
  if (!tracing) return { exporter: { export: { fn: () => {} } } };
  const exporter = makeWorkflowExporter(tracing.spanProcessor, tracing.resource);
  return {
    exporter: {
      export: {
        // A narrowed WorkflowInfo on purpose: the SDK copies every field into span attributes.
        fn: (info, spans) => exporter.export.fn(traceableInfo(info) as WorkflowInfo, spans),
      },
    },
  };
}

/** Activities run in a span joined to the workflow's, when tracing is on. */
export function tracingActivityInterceptor(ctx: ActivityContext): ActivityInterceptors {
  return {
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  };
}
