import { databaseReadiness } from '@latchkey/db';
import { publicProcedure, router } from '../trpc';

export const healthRouter = router({
  /** Liveness and readiness: the database answers and Temporal is reachable. */
  check: publicProcedure.query(async ({ ctx }) => {
    const database = await databaseReadiness(ctx.db)
      .database()
      .catch(() => 'unavailable' as const);
    const temporal = await ctx
      .temporal()
      .then((client) => client.connection.workflowService.getSystemInfo({}))
      .then(() => 'ok' as const)
      .catch(() => 'unavailable' as const);
    return {
      status: database === 'ok' ? ('ok' as const) : ('degraded' as const),
      database,
      temporal,
    };
  }),
});
