import { z } from 'zod';
import { MAX_PAGE_SIZE } from '../limits/config';
import { credentialsInputSchema, integrationIdSchema, userIdSchema } from './fields';
import { optionalOrNull, readOnly, strictObject } from './strict';

export const workflowIdSchema = integrationIdSchema;

const jsonSchemaObject = z.record(z.string(), z.unknown());

const definitionShape = {
  /** Defaults to a slug of the instruction. A build with an existing id adds a version. */
  id: optionalOrNull(workflowIdSchema),
  instruction: z.string().trim().min(1).max(20_000),
  integrationIds: z.array(integrationIdSchema).min(1).max(20),
  responseSchema: optionalOrNull(jsonSchemaObject),
  inputSchema: optionalOrNull(jsonSchemaObject),
  /** Explicit steps; without them the configured planner is asked. */
  steps: optionalOrNull(z.array(z.unknown()).min(1).max(50)),
};

/** What a build or read returns besides the definition: a caller may pass it back. */
const readOnlyShape = {
  createdAt: readOnly,
  warnings: readOnly,
  versions: readOnly,
};

const dropReadOnly = <T extends { createdAt?: unknown; warnings?: unknown; versions?: unknown }>({
  createdAt: _createdAt,
  warnings: _warnings,
  versions: _versions,
  ...definition
}: T) => definition;

export const workflowBuildSchema = strictObject({
  ...definitionShape,
  ...readOnlyShape,
  /** A built workflow passed back to build again: its version is the old one, not kept. */
  version: readOnly,
}).transform(({ version: _version, ...rest }) => dropReadOnly(rest));

export type WorkflowBuildInput = z.infer<typeof workflowBuildSchema>;

/**
 * An inline definition for `runs.execute`: explicit steps, or a workflow as `workflows.build`
 * or `workflows.get` returned it (its `version` says which stored version it claims to be).
 */
const inlineWorkflowSchema = strictObject({
  ...definitionShape,
  ...readOnlyShape,
  steps: z.array(z.unknown()).min(1).max(50),
  version: optionalOrNull(z.number().int().positive()),
}).transform(dropReadOnly);

export const workflowRefSchema = strictObject({
  id: workflowIdSchema,
  version: z.number().int().positive().optional(),
});

export const runExecuteSchema = strictObject({
  /** A stored workflow (latest version unless `workflowVersion`). */
  workflowId: optionalOrNull(workflowIdSchema),
  workflowVersion: optionalOrNull(z.number().int().positive()),
  /** Or an inline definition, run once without being saved. */
  workflow: optionalOrNull(inlineWorkflowSchema),
  payload: z.unknown().optional(),
  /** Runtime credentials: used by this run only, never stored in the clear. */
  credentials: optionalOrNull(credentialsInputSchema),
  /** Restrict or extend the integrations the run may use (defaults to the workflow's). */
  integrationIds: optionalOrNull(z.array(integrationIdSchema).max(20)),
  userId: optionalOrNull(userIdSchema),
  /** Wait for the result (default) or return the run id at once. */
  wait: z.boolean().default(true),
  /** How long to wait when `wait` is true. */
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .max(15 * 60_000)
    .default(60_000),
}).refine((value) => Boolean(value.workflowId) !== Boolean(value.workflow), {
  message: 'give exactly one of workflowId or workflow',
  path: ['workflowId'],
});

export type RunExecuteInput = z.infer<typeof runExecuteSchema>;

export const runIdSchema = strictObject({ runId: z.uuid() });

export const runListSchema = strictObject({
  workflowId: workflowIdSchema.optional(),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  /** The last run of the previous page; the page after it holds older runs. */
  before: z.uuid().optional(),
}).default({ limit: 50 });
