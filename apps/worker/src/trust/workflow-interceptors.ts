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
      // Not async: the sandbox records a stack trace for every promise a workflow makes, and
      // this runs for every workflow. A refusal must still be a rejected promise, not a throw:
      // the SDK would take a synchronous throw for a failed workflow task and retry it forever.
      execute(input, next) {
        const { workflowId } = workflowInfo();
        const refused = checkTenantArguments(workflowId, input.args);
        if (refused !== undefined) {
          return Promise.reject(
            ApplicationFailure.create({
              type: TENANT_MISMATCH,
              message: `workflow refused: ${refused}`,
              nonRetryable: true,
            }),
          );
        }
        return next(input);
      },
    },
  ],
});
