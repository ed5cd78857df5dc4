import { sql } from 'kysely';
import { publicProcedure, router } from '../trpc';

export const healthRouter = router({
  /** Liveness and readiness: the database answers and Temporal is reachable. */
  check: publicProcedure.query(async ({ ctx }) => {
    const database = await sql`select 1`
      .execute(ctx.db)
      .then(() => 'ok' as const)
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
