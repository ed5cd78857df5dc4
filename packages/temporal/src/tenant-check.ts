// Runs in the workflow sandbox (the workflow interceptor) and in workers (the activity
// interceptor): deterministic, no Node built-ins.
import { sealingTenantOf } from './payload-converter';
import { PLATFORM_TENANT, workflowTenant } from './workflow-tenant';

/** Failure type of a workflow or activity refused because its tenants do not agree. */
export const TENANT_MISMATCH = 'TenantMismatch';

/**
 * Why the arguments of a workflow or activity of workflow `workflowId` must not run, or
 * undefined when they may. Each argument must be an object the codec opened (so it carries the
 * tenant whose key sealed it), sealed by the tenant the workflow id names, and name that same
 * tenant in its `tenantId` (arguments of a platform workflow may name none). The workflow id is
 * bound into every payload by the codec, so all three are the same tenant or nothing runs.
 */
export function checkTenantArguments(
  workflowId: string,
  args: readonly unknown[],
): string | undefined {
  const tenant = workflowTenant(workflowId);
  for (const [index, arg] of args.entries()) {
    const sealedBy = sealingTenantOf(arg);
    if (sealedBy === undefined) {
      return `argument ${index} was not sealed by Latchkey's codec`;
    }
    if (sealedBy !== tenant) {
      return `argument ${index} was sealed by another tenant than the workflow's`;
    }
    const named = (arg as { tenantId?: unknown }).tenantId;
    if (named === undefined && tenant === PLATFORM_TENANT) continue;
    if (typeof named !== 'string' || named.toLowerCase() !== tenant) {
      return `argument ${index} names another tenant than the one that sealed it`;
    }
  }
  return undefined;
}
