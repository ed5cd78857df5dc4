import { pageTemplates } from '@latchkey/oauth';
import { z } from 'zod';
import { testIntegration } from '../services/credential-test';
import {
  deleteIntegration,
  getIntegration,
  listIntegrations,
  upsertIntegration,
} from '../services/integrations';
import { actorOf, router, scopedProcedure } from '../trpc';
import { integrationIdSchema, userIdSchema } from '../validation/fields';
import { integrationUpsertSchema } from '../validation/integration-input';
import { idPageSchema } from '../validation/page';
import { strictObject } from '../validation/strict';

const procedure = scopedProcedure('integrations');
const byId = strictObject({ id: integrationIdSchema });
/** Templates per page of `integrations.templates`: by default, and at most. */
const TEMPLATE_PAGE_DEFAULT = 50;
const TEMPLATE_PAGE_MAX = 500;

export const integrationsRouter = router({
  upsert: procedure
    .input(integrationUpsertSchema)
    .mutation(({ ctx, input }) => upsertIntegration(ctx, actorOf(ctx.caller), input)),
  get: procedure
    .input(byId)
    .query(({ ctx, input }) => getIntegration(ctx.db, ctx.caller.tenantId, input.id)),
  list: procedure
    .input(idPageSchema)
    .query(({ ctx, input }) => listIntegrations(ctx.db, ctx.caller.tenantId, input)),
  /**
   * One cheap authenticated request with the stored credentials (or one user's connection):
   * `ok`, `invalid_credentials`, `insufficient_scope`, `unreachable` or `unexpected_status`.
   */
  test: procedure
    .input(strictObject({ id: integrationIdSchema, userId: userIdSchema.optional() }))
    .mutation(({ ctx, input }) => testIntegration(ctx, actorOf(ctx.caller), input)),
  delete: procedure.input(byId).mutation(async ({ ctx, input }) => {
    await deleteIntegration(ctx, actorOf(ctx.caller), input.id);
    return { id: input.id, deleted: true as const };
  }),
  /**
   * The provider catalogue, a page at a time with the total: creating an integration from a
   * template fills everything but secrets. No input gives the first page.
   */
  templates: procedure
    .input(
      strictObject({
        search: z.string().max(100).optional(),
        category: z.string().max(100).optional(),
        kind: z.enum(['oauth2', 'api_key', 'database']).optional(),
        offset: z.number().int().min(0).max(100_000).default(0),
        limit: z.number().int().min(1).max(TEMPLATE_PAGE_MAX).default(TEMPLATE_PAGE_DEFAULT),
      }).default({ offset: 0, limit: TEMPLATE_PAGE_DEFAULT }),
    )
    .query(({ input }) => pageTemplates(input)),
});
