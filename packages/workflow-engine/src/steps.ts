import type { JsonValue } from '@latchkey/credential-mapper';
import { z } from 'zod';

export type { JsonValue };

/** `<<steps.<id>.field>>` reads a step by id, so ids are identifiers (and JSONata-friendly). */
export const STEP_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const MAX_STEPS = 50;
export const DEFAULT_MAX_PAGES = 10;
export const MAX_PAGES_LIMIT = 100;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const MAX_EXPRESSION_LENGTH = 20_000;

export const jsonValueSchema: z.ZodType<JsonValue> = z.json();

const stepIdSchema = z
  .string()
  .regex(STEP_ID_PATTERN, 'must start with a letter and hold only letters, digits and _ (≤ 64)');
const paramNameSchema = z.string().min(1).max(200);
const expressionSchema = z.string().trim().min(1).max(MAX_EXPRESSION_LENGTH);
const maxPagesSchema = z.number().int().min(1).max(MAX_PAGES_LIMIT).optional();

export const cursorPaginationSchema = z.strictObject({
  type: z.literal('cursor'),
  /** Query parameter the cursor is sent in (`starting_after`, `cursor`, `page_token`). */
  cursorParam: paramNameSchema,
  /** JSONata on the page body giving the next cursor; null, empty or repeated stops. */
  cursorPath: expressionSchema,
  /** JSONata on the page body giving the page's items. */
  itemsPath: expressionSchema,
  maxPages: maxPagesSchema,
});

export const pagePaginationSchema = z
  .strictObject({
    type: z.literal('page'),
    pageParam: paramNameSchema,
    /** Defaults to 1. */
    startPage: z.number().int().min(0).optional(),
    pageSizeParam: paramNameSchema.optional(),
    pageSize: z.number().int().min(1).max(10_000).optional(),
    itemsPath: expressionSchema,
    maxPages: maxPagesSchema,
  })
  .refine((p) => p.pageSizeParam === undefined || p.pageSize !== undefined, {
    message: 'pageSize is required when pageSizeParam is set',
    path: ['pageSize'],
  });

export const offsetPaginationSchema = z.strictObject({
  type: z.literal('offset'),
  offsetParam: paramNameSchema,
  limitParam: paramNameSchema,
  limit: z.number().int().min(1).max(10_000),
  itemsPath: expressionSchema,
  maxPages: maxPagesSchema,
});

export const paginationSchema = z.discriminatedUnion(
  'type',
  [cursorPaginationSchema, pagePaginationSchema, offsetPaginationSchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? 'type must be "cursor", "page" or "offset"' : undefined,
  },
);

export const httpStepSchema = z
  .strictObject({
    id: stepIdSchema,
    type: z.literal('http').default('http'),
    integrationId: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    method: z.enum(HTTP_METHODS).default('GET'),
    /** Appended to the integration's urlHost + urlPath. */
    path: z.string().max(4096).optional(),
    query: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean(), z.null()], {
          error: 'must be a string, number, boolean or null',
        }),
      )
      .optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: jsonValueSchema.optional(),
    pagination: paginationSchema.optional(),
    /** JSONata over `{ result, input, steps }`. */
    transform: expressionSchema.optional(),
  })
  .refine((step) => step.method !== 'GET' || step.body === undefined, {
    message: 'a GET request cannot have a body',
    path: ['body'],
  });

export const sqlStepSchema = z.strictObject({
  id: stepIdSchema,
  type: z.literal('sql'),
  integrationId: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  /** Parameterised with $1, $2 ...; values never go into the text. */
  sql: z.string().trim().min(1).max(100_000),
  /** A string that is exactly one `<<input.x>>` / `<<steps.a.b>>` keeps the variable's type. */
  params: z.array(jsonValueSchema).max(1000).optional(),
  transform: expressionSchema.optional(),
});

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Discriminated on `type`; a step without `type` is an HTTP step. */
export const workflowStepSchema = z.preprocess(
  (value) =>
    isPlainObject(value) && value.type === undefined ? { ...value, type: 'http' } : value,
  z.discriminatedUnion('type', [httpStepSchema, sqlStepSchema], {
    error: (issue) => (issue.code === 'invalid_union' ? 'type must be "http" or "sql"' : undefined),
  }),
);

export const workflowStepsSchema = z
  .array(workflowStepSchema)
  .min(1, 'a workflow needs at least one step')
  .max(MAX_STEPS, `a workflow has at most ${MAX_STEPS} steps`)
  .superRefine((steps, ctx) => {
    const seen = new Map<string, number>();
    steps.forEach((step, index) => {
      const first = seen.get(step.id);
      if (first === undefined) seen.set(step.id, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `duplicate step id "${step.id}" (also step ${first})`,
        });
    });
  });

export type CursorPagination = z.infer<typeof cursorPaginationSchema>;
export type PagePagination = z.infer<typeof pagePaginationSchema>;
export type OffsetPagination = z.infer<typeof offsetPaginationSchema>;
export type Pagination = z.infer<typeof paginationSchema>;
export type HttpStep = z.output<typeof httpStepSchema>;
export type SqlStep = z.output<typeof sqlStepSchema>;
export type WorkflowStep = HttpStep | SqlStep;
/** What callers may write: `type` and `method` may be left out. */
export type HttpStepInput = z.input<typeof httpStepSchema>;
export type SqlStepInput = z.input<typeof sqlStepSchema>;
export type WorkflowStepInput = (Omit<HttpStepInput, 'type'> & { type?: 'http' }) | SqlStepInput;
export type HttpMethod = (typeof HTTP_METHODS)[number];
