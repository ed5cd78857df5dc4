import { type Db, findConnectionRefreshPlan } from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import {
  DEFAULT_MARGIN_MS,
  ensureFreshToken,
  ReauthRequiredError,
  type RefreshDeps,
  refreshDueAt,
} from '@latchkey/resolver';
import type { RefresherActivities, RefresherInput, RefreshOutcome } from '@latchkey/temporal';
import type { Vault } from '@latchkey/vault';
import type { TenantLimiter } from '../tenant-limiter';
import { inTenantSlot } from './tenant-slot';

export interface RefresherActivityDeps {
  db: Db;
  vault: Vault;
  /** Refreshes call a tenant-chosen token URL: they take the tenant's slots like steps do. */
  limiter: TenantLimiter;
  egress: EgressPolicy;
  refresh?: Omit<RefreshDeps, 'db' | 'vault' | 'egress'>;
}

export function createRefresherActivities(deps: RefresherActivityDeps): RefresherActivities {
  const margin = deps.refresh?.marginMs ?? DEFAULT_MARGIN_MS;
  return {
    async planRefresh(input) {
      const { tenantId } = input;
      const row = await findConnectionRefreshPlan(deps.db, input.tenantId, input.connectionId);
      if (!row) return { tenantId, state: 'gone', refreshAt: 0 };
      if (row.status === 'needs_reauth') return { tenantId, state: 'needs_reauth', refreshAt: 0 };
      // Without a refresh token nothing can be refreshed; without an expiry, only a 401 says when.
      const refreshAt = 'refresh_token' in row.credential_hints ? refreshDueAt(row, margin) : null;
      if (refreshAt === null) return { tenantId, state: 'does_not_refresh', refreshAt: 0 };
      return { tenantId, state: 'ok', refreshAt };
    },

    refreshConnection: (input) =>
      inTenantSlot(deps.limiter, input.tenantId, () => refreshConnection(input)),
  };

  async function refreshConnection(input: RefresherInput): Promise<RefreshOutcome> {
    const { tenantId } = input;
    const row = await findConnectionRefreshPlan(deps.db, input.tenantId, input.connectionId);
    if (!row) return { tenantId, state: 'gone' };
    try {
      const before = await ensureFreshToken(
        { db: deps.db, vault: deps.vault, egress: deps.egress, ...deps.refresh },
        { tenantId, integrationId: row.integration_id, userId: row.user_id },
      );
      return { tenantId, state: before.version === null ? 'gone' : 'refreshed' };
    } catch (error) {
      if (error instanceof ReauthRequiredError) return { tenantId, state: 'needs_reauth' };
      throw error;
    }
  }
}
