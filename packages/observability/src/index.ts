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
