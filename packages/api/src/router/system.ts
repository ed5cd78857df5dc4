import { randomUUID } from 'node:crypto';
import { type SmokeResult, smokeWorkflowId, TenantAttribute } from '@latchkey/temporal';
import { z } from 'zod';
import { router, scopedProcedure } from '../trpc';
import { strictObject } from '../validation/strict';

export const systemRouter = router({
  /** Proves api -> Temporal -> worker -> result: runs the smoke workflow and waits for it. */
  smoke: scopedProcedure('admin')
    .input(
      strictObject({ message: z.string().max(1000).default('ping') }).default({ message: 'ping' }),
    )
    .mutation(async ({ ctx, input }) => {
      const client = await ctx.temporal();
      const started = Date.now();
      const result: SmokeResult = await client.workflow.execute('smokeWorkflow', {
        taskQueue: ctx.taskQueue,
        workflowId: smokeWorkflowId(randomUUID()),
        args: [{ message: input.message }],
        workflowExecutionTimeout: '30 seconds',
        typedSearchAttributes: [{ key: TenantAttribute, value: ctx.caller.tenantId }],
      });
      return { ...result, durationMs: Date.now() - started };
    }),
});
