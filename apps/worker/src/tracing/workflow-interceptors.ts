/**
 * Workflow interceptors for tracing, bundled into the workflow code (`bundleWorkflows`): not a
 * workflow. A workflow whose start carried a trace context (the api's client interceptor puts
 * it in the `_tracer-data` header when tracing is on) gets OpenTelemetry's interceptors: a span
 * for its run, one per activity it schedules, the context passed on in the activities' headers.
 * Any other workflow (tracing off in the api, the health schedule's sweeps) runs untouched, so
 * the bundle is the same whether tracing is on or off. Spans leave the sandbox through the
 * `exporter` sink, which the worker always registers (a no-op when its tracing is off).
 */
import type {
  ActivityInput,
  ContinueAsNewInput,
  DisposeInput,
  LocalActivityInput,
  Next,
  StartChildWorkflowExecutionInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The header OpenTelemetry's Temporal interceptors carry the trace context in. */
export const TRACE_HEADER = '_tracer-data';

type OtelWorkflowModule = typeof import('@temporalio/interceptors-opentelemetry/lib/workflow');

/**
 * OpenTelemetry's workflow module, evaluated only by a traced workflow. The reusable workflow
 * context evaluates a workflow's modules afresh for each workflow, and this one pulls in the
 * tracing SDK: a few milliseconds of CPU per run that an untraced run never uses. `eager`
 * keeps it in the one bundle (no chunk to load); the promise is already resolved.
 */
const loadOtel = (): Promise<OtelWorkflowModule> =>
  import(/* webpackMode: "eager" */ '@temporalio/interceptors-opentelemetry/lib/workflow');

export const interceptors = (): WorkflowInterceptors => {
  // Per workflow: decided once by its start's headers, the same on every replay.
  let otel:
    | {
        outbound: InstanceType<OtelWorkflowModule['OpenTelemetryOutboundInterceptor']>;
        internals: InstanceType<OtelWorkflowModule['OpenTelemetryInternalsInterceptor']>;
      }
    | undefined;
  const inbound: WorkflowInboundCallsInterceptor = {
    // Not async: the sandbox records a stack trace for every promise a workflow makes.
    execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      if (input.headers[TRACE_HEADER] === undefined) return next(input);
      return loadOtel().then((module) => {
        const otelInbound = new module.OpenTelemetryInboundInterceptor();
        otel = {
          outbound: new module.OpenTelemetryOutboundInterceptor(),
          internals: new module.OpenTelemetryInternalsInterceptor(),
        };
        return otelInbound.execute(input, next);
      });
    },
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity(
      input: ActivityInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>,
    ) {
      return otel ? otel.outbound.scheduleActivity(input, next) : next(input);
    },
    scheduleLocalActivity(
      input: LocalActivityInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>,
    ) {
      return otel ? otel.outbound.scheduleLocalActivity(input, next) : next(input);
    },
    startChildWorkflowExecution(
      input: StartChildWorkflowExecutionInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
    ) {
      return otel ? otel.outbound.startChildWorkflowExecution(input, next) : next(input);
    },
    continueAsNew(
      input: ContinueAsNewInput,
      next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>,
    ) {
      return otel ? otel.outbound.continueAsNew(input, next) : next(input);
    },
  };
  // OpenTelemetry's own internals interceptor only disables its context manager on dispose.
  const internals: WorkflowInternalsInterceptor = {
    dispose(input: DisposeInput, next: Next<WorkflowInternalsInterceptor, 'dispose'>) {
      if (otel) return otel.internals.dispose(input, next);
      return next(input);
    },
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
