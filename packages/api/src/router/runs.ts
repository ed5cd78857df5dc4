import { inspectRun } from '../services/run-inspection';
import { cancelRun, executeRun, getRun, listRuns } from '../services/runs';
import { actorOf, router, scopedProcedure } from '../trpc';
import { runExecuteSchema, runIdSchema, runListSchema } from '../validation/workflow-input';

const procedure = scopedProcedure('runs');

export const runsRouter = router({
  execute: procedure
    .input(runExecuteSchema)
    .mutation(({ ctx, input }) =>
      executeRun(ctx, { ...actorOf(ctx.caller), tenantName: ctx.caller.tenantName }, input),
    ),
  get: procedure
    .input(runIdSchema)
    .query(({ ctx, input }) => getRun(ctx, ctx.caller.tenantId, input.runId)),
  /** The run with its input and each step's result, decoded and redacted for its tenant. */
  inspect: procedure
    .input(runIdSchema)
    .query(({ ctx, input }) => inspectRun(ctx, ctx.caller.tenantId, input.runId)),
  list: procedure
    .input(runListSchema)
    .query(({ ctx, input }) => listRuns(ctx, ctx.caller.tenantId, input)),
  cancel: procedure
    .input(runIdSchema)
    .mutation(({ ctx, input }) => cancelRun(ctx, actorOf(ctx.caller), input.runId)),
});
