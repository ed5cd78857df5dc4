import {
  type Db,
  findIntegration,
  listDueConnections,
  listStalePendingDeliveries,
  listTenantsWithDueConnections,
  markConnectionChecked,
} from '@latchkey/db';
import { verificationFor } from '@latchkey/resolver';
import { type HealthActivities, startDeliveryWorkflow } from '@latchkey/temporal';
import { Context } from '@temporalio/activity';

/** Background connection checks; the defaults suit production, tests shorten them. */
export interface HealthPolicy {
  /** A connection neither used nor checked for this long is due (24 h). */
  staleAfterMs: number;
  /** At most this many connections of one tenant per sweep (10); sweeps run once a minute. */
  perTenant: number;
  /** At most this many tenants per sweep (500), the longest unchecked first. */
  tenantsPerSweep: number;
}

export const DEFAULT_HEALTH_POLICY: HealthPolicy = {
  staleAfterMs: 24 * 3_600_000,
  perTenant: 10,
  tenantsPerSweep: 500,
};

/** A delivery still pending this long after it was recorded may never have started. */
const RESUME_AFTER_MS = 2 * 60_000;

export function createHealthActivities(deps: {
  db: Db;
  health?: Partial<HealthPolicy>;
}): HealthActivities {
  const policy = { ...DEFAULT_HEALTH_POLICY, ...deps.health };
  const { db } = deps;
  const staleBefore = () => new Date(Date.now() - policy.staleAfterMs);

  return {
    async planHealthSweep() {
      return {
        tenantIds: await listTenantsWithDueConnections(db, staleBefore(), policy.tenantsPerSweep),
      };
    },

    async listDueConnections({ tenantId }) {
      // Some due connections may have nothing to test with; read a few more than the bound.
      const rows = await listDueConnections(db, tenantId, staleBefore(), policy.perTenant * 2);
      const verifiable = new Map<string, boolean>();
      const connections: { integrationId: string; userId: string }[] = [];
      for (const row of rows) {
        if (connections.length >= policy.perTenant) break;
        let can = verifiable.get(row.integration_id);
        if (can === undefined) {
          const integration = await findIntegration(db, tenantId, row.integration_id);
          can = integration !== undefined && verificationFor(integration).kind !== 'none';
          verifiable.set(row.integration_id, can);
        }
        if (can) connections.push({ integrationId: row.integration_id, userId: row.user_id });
        // Nothing to test it with: counted as checked, so it does not hold up the others.
        else await markConnectionChecked(db, tenantId, row.id);
      }
      return { tenantId, connections };
    },

    async resumeEventDeliveries() {
      const context = Context.current();
      const stale = await listStalePendingDeliveries(
        db,
        new Date(Date.now() - RESUME_AFTER_MS),
        100,
      );
      let resumed = 0;
      for (const delivery of stale) {
        const started = await startDeliveryWorkflow(
          { db, temporal: async () => context.client, taskQueue: context.info.taskQueue },
          delivery.tenant_id,
          delivery.id,
        );
        if (started) resumed++;
      }
      return resumed;
    },
  };
}
