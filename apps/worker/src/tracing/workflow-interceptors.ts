/**
 * Workflow interceptors for tracing, bundled into the workflow code (`bundleWorkflows`): not a
 * workflow. A workflow whose start carried a trace context (the api's client interceptor puts
 * it in the `_tracer-data` header when tracing is on) gets OpenTelemetry's interceptors: a span
 * for its run, one per activity it schedules, the context passed on in the activities' headers.
 * Any other workflow (tracing off in the api, the health schedule's sweeps) runs untouched, so
 * the bundle is the same whether tracing is on or off. Spans leave the sandbox through the
 * `exporter` sink, which the worker always registers (a no-op when its tracing is off).
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type {
  ActivityInput,
  ContinueAsNewInput,
  LocalActivityInput,
  Next,
  StartChildWorkflowExecutionInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The header OpenTelemetry's Temporal interceptors carry the trace context in. */
export const TRACE_HEADER = '_tracer-data';

export const interceptors = (): WorkflowInterceptors => {
  // Per workflow: decided once by its start's headers, the same on every replay.
  let traced = false;
  let otelInbound: OpenTelemetryInboundInterceptor | undefined;
  let otelOutbound: OpenTelemetryOutboundInterceptor | undefined;
  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      if (input.headers[TRACE_HEADER] === undefined) return next(input);
      traced = true;
      otelInbound = new OpenTelemetryInboundInterceptor();
      otelOutbound = new OpenTelemetryOutboundInterceptor();
      return otelInbound.execute(input, next);
    },
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity(
      input: ActivityInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>,
    ) {
      return traced && otelOutbound ? otelOutbound.scheduleActivity(input, next) : next(input);
    },
    scheduleLocalActivity(
      input: LocalActivityInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
    ) {
      return traced && otelOutbound ? otelOutbound.scheduleLocalActivity(input, next) : next(input);
    },
    startChildWorkflowExecution(
      input: StartChildWorkflowExecutionInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
    ) {
      return traced && otelOutbound
        ? otelOutbound.startChildWorkflowExecution(input, next)
        : next(input);
    },
    continueAsNew(
      input: ContinueAsNewInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>,
    ) {
      return traced && otelOutbound ? otelOutbound.continueAsNew(input, next) : next(input);
    },
  };
  return {
    inbound: [inbound],
    outbound: [outbound],
    internals: [new OpenTelemetryInternalsInterceptor()],
  };
};
