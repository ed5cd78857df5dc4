import {
  IntegrationsAttribute,
  type KeyedHasher,
  type RefresherInput,
  refresherWorkflowId,
  TenantAttribute,
  UserAttribute,
  userSearchTag,
} from '@latchkey/temporal';
import type { Client as TemporalClient } from '@temporalio/client';

export interface RefresherDeps {
  /** Tags end users in search attributes (a keyed hash, never the id). */
  vault: KeyedHasher;
  temporal?: () => Promise<TemporalClient>;
  taskQueue?: string;
}

interface ConnectionRef {
  tenantId: string;
  connectionId: string;
  integrationId: string;
  userId: string;
}

/**
 * Starts the connection's proactive refresher, or leaves the running one alone. Best effort:
 * if Temporal is unreachable the token is still refreshed on use, so connecting never fails
 * because of it.
 */
export async function startRefresher(deps: RefresherDeps, ref: ConnectionRef): Promise<boolean> {
  if (!deps.temporal || !deps.taskQueue) return false;
  try {
    const client = await deps.temporal();
    const input: RefresherInput = { tenantId: ref.tenantId, connectionId: ref.connectionId };
    await client.workflow.start('connectionRefresherWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: refresherWorkflowId(ref.tenantId, ref.connectionId),
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [input],
      typedSearchAttributes: [
        { key: TenantAttribute, value: ref.tenantId },
        { key: UserAttribute, value: await userSearchTag(deps.vault, ref.tenantId, ref.userId) },
        { key: IntegrationsAttribute, value: [ref.integrationId] },
      ],
    });
    return true;
  } catch {
    return false;
  }
}

/** Stops the refresher of a deleted connection; a refresher that already ended is fine. */
export async function stopRefresher(
  deps: RefresherDeps,
  tenantId: string,
  connectionId: string,
): Promise<void> {
  if (!deps.temporal) return;
  try {
    const client = await deps.temporal();
    await client.workflow
      .getHandle(refresherWorkflowId(tenantId, connectionId))
      .terminate('connection deleted');
  } catch {
    // Not running (never started, finished, or already stopped).
  }
}
