import { fileURLToPath } from 'node:url';
import { checkTenantArguments, TENANT_MISMATCH } from '@latchkey/temporal';
import { ApplicationFailure, type Context } from '@temporalio/activity';
import type { ActivityInterceptors } from '@temporalio/worker';

/** The module `bundleWorkflowCode({ workflowInterceptorModules })` bundles into the sandbox. */
export const WORKFLOW_INTERCEPTORS_PATH = fileURLToPath(
  new URL('./workflow-interceptors.ts', import.meta.url),
);

/**
 * Before any activity runs: it must belong to a workflow, and its input must have been sealed
 * by, and name, the tenant that workflow's id names: a workflow of one tenant cannot run an
 * activity for another, whatever its code or input says.
 */
export function tenantActivityInterceptor(ctx: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        const workflowId = ctx.info.workflowExecution?.workflowId;
        const refused =
          workflowId === undefined
            ? 'it does not belong to a workflow'
            : checkTenantArguments(workflowId, input.args);
        if (refused !== undefined) {
          throw ApplicationFailure.create({
            type: TENANT_MISMATCH,
            message: `activity ${ctx.info.activityType} refused: ${refused}`,
            nonRetryable: true,
          });
        }
        return next(input);
      },
    },
  };
}
