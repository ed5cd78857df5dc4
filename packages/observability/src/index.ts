export { trackInFlight } from './drain';
export {
  initProcessMetrics,
  type LatchkeyMetrics,
  metrics,
  observeOutcome,
  registry,
} from './metrics';
export {
  createOpsHandler,
  OPS_PATHS,
  type OpsOptions,
  type ReadinessCheck,
  readiness,
} from './ops';
export {
  startTracing,
  type Tracing,
  type TracingConfig,
  traceRequest,
  tracesEndpointOf,
  tracingEnv,
} from './tracing';
