/**
 * Background connection health: one Temporal Schedule per deployment starts
 * `connectionHealthSweepWorkflow` (platform-wide, names no tenant), which starts one
 * `tenantConnectionHealthWorkflow` per tenant with due connections; that one tests each with
 * the same `verifyCredentials` activity as `integrations.test`.
 */
export interface HealthSweepPlan {
  /** Tenants with connections neither used nor checked for the staleness window. */
  tenantIds: string[];
}

export interface TenantHealthInput {
  tenantId: string;
}

export interface DueConnections {
  tenantId: string;
  /** At most the per-tenant bound; only connections that have a verification request. */
  connections: { integrationId: string; userId: string }[];
}

export interface TenantHealthResult {
  tenantId: string;
  checked: number;
}

export interface HealthActivities {
  planHealthSweep(): Promise<HealthSweepPlan>;
  listDueConnections(input: TenantHealthInput): Promise<DueConnections>;
  /** Restarts deliveries whose workflow never started (Temporal was down at the time). */
  resumeEventDeliveries(): Promise<number>;
}

/** The schedule of a deployment: one per task queue (the fleet), never one per connection. */
export function healthScheduleId(taskQueue: string): string {
  return `connection-health:${taskQueue}`;
}

/** One tenant's checks run at a time: a sweep skips a tenant whose last checks still run. */
export function tenantHealthWorkflowId(tenantId: string): string {
  return `connection-health:${tenantId}`;
}
