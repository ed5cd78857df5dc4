import type {
  HealthActivities,
  TenantHealthInput,
  TenantHealthResult,
  VerifyActivities,
} from '@latchkey/temporal/workflows';
import { tenantHealthWorkflowId } from '@latchkey/temporal/workflows';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';

const { planHealthSweep, listDueConnections, resumeEventDeliveries } =
  proxyActivities<HealthActivities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 3 },
  });

/** As in `integrations.test`: one attempt, the outcome says what the provider answered. */
const { verifyCredentials } = proxyActivities<VerifyActivities>({
  startToCloseTimeout: '45 seconds',
  retry: { maximumAttempts: 1 },
});

/**
 * Started by the deployment's schedule: finds the tenants with connections due a check and
 * starts one checker per tenant. A tenant whose previous checker still runs is skipped this
 * time, so a slow provider never piles checks up.
 */
export async function connectionHealthSweepWorkflow(): Promise<number> {
  await resumeEventDeliveries();
  const plan = await planHealthSweep();
  let started = 0;
  for (const tenantId of plan.tenantIds) {
    try {
      await startChild(tenantConnectionHealthWorkflow, {
        workflowId: tenantHealthWorkflowId(tenantId),
        args: [{ tenantId }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowExecutionTimeout: '30 minutes',
      });
      started++;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  return started;
}

/**
 * Tests a bounded number of one tenant's due connections, one after another, with the same
 * activity as `integrations.test`; the activity keeps the outcome, moves the connection
 * between active and unhealthy and announces each change once.
 */
export async function tenantConnectionHealthWorkflow(
  input: TenantHealthInput,
): Promise<TenantHealthResult> {
  const due = await listDueConnections(input);
  let checked = 0;
  for (const connection of due.connections) {
    try {
      await verifyCredentials({ tenantId: input.tenantId, ...connection });
      checked++;
    } catch {
      // The connection or its integration went away meanwhile; the next one is still due.
    }
  }
  return { tenantId: input.tenantId, checked };
}
