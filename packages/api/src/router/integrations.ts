import { listTemplates } from '@latchkey/oauth';
import { z } from 'zod';
import {
  deleteIntegration,
  getIntegration,
  listIntegrations,
  upsertIntegration,
} from '../services/integrations';
import { actorOf, router, scopedProcedure } from '../trpc';
import { integrationIdSchema } from '../validation/fields';
import { integrationUpsertSchema } from '../validation/integration-input';

const procedure = scopedProcedure('integrations');
const byId = z.object({ id: integrationIdSchema });

export const integrationsRouter = router({
  upsert: procedure
    .input(integrationUpsertSchema)
    .mutation(({ ctx, input }) => upsertIntegration(ctx, actorOf(ctx.caller), input)),
  get: procedure
    .input(byId)
    .query(({ ctx, input }) => getIntegration(ctx.db, ctx.caller.tenantId, input.id)),
  list: procedure.query(({ ctx }) => listIntegrations(ctx.db, ctx.caller.tenantId)),
  delete: procedure.input(byId).mutation(async ({ ctx, input }) => {
    await deleteIntegration(ctx, actorOf(ctx.caller), input.id);
    return { id: input.id, deleted: true as const };
  }),
  /** The provider catalogue: creating an integration from a template fills everything but secrets. */
  templates: procedure
    .input(
      z
        .object({
          search: z.string().max(100).optional(),
          category: z.string().max(100).optional(),
        })
        .default({}),
    )
    .query(({ input }) => listTemplates(input)),
});
