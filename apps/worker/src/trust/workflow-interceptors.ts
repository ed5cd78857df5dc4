// Workflow interceptor module: bundled into the workflow sandbox (no Node built-ins, no I/O).
import { checkTenantArguments, TENANT_MISMATCH } from '@latchkey/temporal/workflows';
import {
  ApplicationFailure,
  type WorkflowInterceptorsFactory,
  workflowInfo,
} from '@temporalio/workflow';

/**
 * Before any workflow code runs: its input must have been sealed by the tenant its workflow id
 * names, and name that tenant (`checkTenantArguments`). A refused workflow fails at once,
 * non-retryable, having scheduled nothing and written nothing.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        const { workflowId } = workflowInfo();
        const refused = checkTenantArguments(workflowId, input.args);
        if (refused !== undefined) {
          throw ApplicationFailure.create({
            type: TENANT_MISMATCH,
            message: `workflow refused: ${refused}`,
            nonRetryable: true,
          });
        }
        return next(input);
      },
    },
  ],
});
