import {
  deleteConnection,
  getConnection,
  listConnections,
  upsertConnection,
} from '../services/connections';
import { actorOf, router, scopedProcedure } from '../trpc';
import {
  connectionKeySchema,
  connectionListSchema,
  connectionUpsertSchema,
} from '../validation/connection-input';

const procedure = scopedProcedure('integrations');

export const connectionsRouter = router({
  upsert: procedure
    .input(connectionUpsertSchema)
    .mutation(({ ctx, input }) => upsertConnection(ctx, actorOf(ctx.caller), input)),
  get: procedure
    .input(connectionKeySchema)
    .query(({ ctx, input }) => getConnection(ctx.db, ctx.caller.tenantId, input)),
  list: procedure
    .input(connectionListSchema)
    .query(({ ctx, input }) => listConnections(ctx.db, ctx.caller.tenantId, input)),
  delete: procedure.input(connectionKeySchema).mutation(async ({ ctx, input }) => {
    await deleteConnection(ctx, actorOf(ctx.caller), input);
    return { ...input, deleted: true as const };
  }),
});
