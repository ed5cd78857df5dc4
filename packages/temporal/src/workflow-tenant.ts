// Loaded inside Temporal's workflow sandbox as well as in workers, clients and the api:
// deterministic, no Node built-ins, no imports.

/**
 * The platform's own tenant (nil UUID), as `@latchkey/db` defines it; repeated here because the
 * workflow sandbox cannot load the database package (a test checks that the two agree).
 */
export const PLATFORM_TENANT = '00000000-0000-0000-0000-000000000000';

// The package's one UUID pattern (the codec and the payload converter use `isTenantId`): zod's
// `z.uuid()` is what the rest of the platform uses, but zod has no place in the workflow sandbox.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The tenant a workflow belongs to, read from its id. Every tenant workflow's id is
 * `<kind>:<tenant id>:...` (`run:`, `refresher:`, `verify:`); any other id (the smoke test,
 * deployment-wide schedules) belongs to the platform tenant.
 *
 * The id is the one thing about a workflow that neither its starter's payloads nor a worker can
 * change afterwards, and the codec binds every payload to it: so it is what the worker checks
 * the sealing tenant, the named tenant and every activity's tenant against.
 */
export function workflowTenant(workflowId: string): string {
  const [kind, tenant] = workflowId.split(':', 3);
  if (kind !== undefined && /^[a-z][a-z-]*$/.test(kind) && isTenantId(tenant)) {
    return tenant.toLowerCase();
  }
  return PLATFORM_TENANT;
}

/** Temporal schedules start workflow `<id>-<RFC 3339 time>` for an action whose id is `<id>`. */
const SCHEDULED_SUFFIX = /^-\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Whether a payload bound to workflow `boundId` may be used by workflow `workflowId`: the same
 * id, or a run a schedule started from an action with that id (the SDK encodes a schedule's
 * arguments in the context of the action's workflow id, the server appends the start time).
 */
export function bindingMatches(boundId: string, workflowId: string): boolean {
  if (boundId === workflowId) return true;
  return workflowId.startsWith(boundId) && SCHEDULED_SUFFIX.test(workflowId.slice(boundId.length));
}
