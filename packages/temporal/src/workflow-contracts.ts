// Deterministic, dependency-free contracts for workflow code (safe in the workflow sandbox).
export type { SmokeActivities, SmokeInput, SmokeResult } from './contracts';
export { TASK_QUEUE } from './contracts';
export type { DeliverEventInput, DeliveryStep, EventActivities } from './event-contracts';
export type {
  DueConnections,
  HealthActivities,
  HealthSweepPlan,
  TenantHealthInput,
  TenantHealthResult,
} from './health-contracts';
export { tenantHealthWorkflowId } from './health-contracts';
export { sealingTenantOf } from './payload-converter';
export type {
  RefresherActivities,
  RefresherInput,
  RefreshOutcome,
  RefreshPlan,
} from './refresher-contracts';
export type {
  ExecuteStepAndFinishInput,
  ExecuteStepAndFinishResult,
  ExecuteStepInput,
  ExecuteStepResult,
  FinishRunInput,
  FinishRunResult,
  RunActivities,
  RunStep,
  RunWorkflowInput,
  RunWorkflowResult,
  StepStats,
} from './run-contracts';
export { FATAL_STEP_ERROR, RESPONSE_SCHEMA_ERROR } from './run-contracts';
export { checkTenantArguments, TENANT_MISMATCH } from './tenant-check';
export type {
  VerifyActivities,
  VerifyCredentialsInput,
  VerifyCredentialsResult,
  VerifyOutcome,
} from './verify-contracts';
export { bindingMatches, isTenantId, PLATFORM_TENANT, workflowTenant } from './workflow-tenant';
