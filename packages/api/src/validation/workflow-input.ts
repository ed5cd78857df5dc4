import { z } from 'zod';
import { credentialsInputSchema, integrationIdSchema, userIdSchema } from './fields';

export const workflowIdSchema = integrationIdSchema;

const jsonSchemaObject = z.record(z.string(), z.unknown());

export const workflowBuildSchema = z.object({
  /** Defaults to a slug of the instruction. A build with an existing id adds a version. */
  id: workflowIdSchema.optional(),
  instruction: z.string().trim().min(1).max(20_000),
  integrationIds: z.array(integrationIdSchema).min(1).max(20),
  responseSchema: jsonSchemaObject.optional(),
  inputSchema: jsonSchemaObject.optional(),
  /** Explicit steps; without them the configured planner is asked. */
  steps: z.array(z.unknown()).min(1).max(50).optional(),
});

export type WorkflowBuildInput = z.infer<typeof workflowBuildSchema>;

export const workflowRefSchema = z.object({
  id: workflowIdSchema,
  version: z.number().int().positive().optional(),
});

export const runExecuteSchema = z
  .object({
    /** A stored workflow (latest version unless `workflowVersion`). */
    workflowId: workflowIdSchema.optional(),
    workflowVersion: z.number().int().positive().optional(),
    /** Or an inline definition, run once without being saved. */
    workflow: workflowBuildSchema.extend({ steps: z.array(z.unknown()).min(1).max(50) }).optional(),
    payload: z.unknown().optional(),
    /** Runtime credentials: used by this run only, never stored in the clear. */
    credentials: credentialsInputSchema.optional(),
    /** Restrict or extend the integrations the run may use (defaults to the workflow's). */
    integrationIds: z.array(integrationIdSchema).max(20).optional(),
    userId: userIdSchema.optional(),
    /** Wait for the result (default) or return the run id at once. */
    wait: z.boolean().default(true),
    /** How long to wait when `wait` is true. */
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(15 * 60_000)
      .default(60_000),
  })
  .refine((value) => Boolean(value.workflowId) !== Boolean(value.workflow), {
    message: 'give exactly one of workflowId or workflow',
    path: ['workflowId'],
  });

export type RunExecuteInput = z.infer<typeof runExecuteSchema>;

export const runIdSchema = z.object({ runId: z.uuid() });

export const runListSchema = z
  .object({
    workflowId: workflowIdSchema.optional(),
    status: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
    limit: z.number().int().min(1).max(500).default(50),
    /** The last run of the previous page; the page after it holds older runs. */
    before: z.uuid().optional(),
  })
  .default({ limit: 50 });
