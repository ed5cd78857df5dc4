import { buildWorkflow, deleteWorkflow, getWorkflow, listWorkflows } from '../services/workflows';
import { actorOf, router, scopedProcedure } from '../trpc';
import { idPageSchema } from '../validation/page';
import { strictObject } from '../validation/strict';
import {
  workflowBuildSchema,
  workflowIdSchema,
  workflowRefSchema,
} from '../validation/workflow-input';

const procedure = scopedProcedure('workflows');

export const workflowsRouter = router({
  build: procedure
    .input(workflowBuildSchema)
    .mutation(({ ctx, input }) => buildWorkflow(ctx, actorOf(ctx.caller), input)),
  get: procedure
    .input(workflowRefSchema)
    .query(({ ctx, input }) => getWorkflow(ctx.db, ctx.caller.tenantId, input.id, input.version)),
  list: procedure
    .input(idPageSchema)
    .query(({ ctx, input }) => listWorkflows(ctx.db, ctx.caller.tenantId, input)),
  delete: procedure
    .input(strictObject({ id: workflowIdSchema }))
    .mutation(async ({ ctx, input }) => {
      const versions = await deleteWorkflow(ctx.db, actorOf(ctx.caller), input.id);
      return { id: input.id, deleted: true as const, versions };
    }),
});
