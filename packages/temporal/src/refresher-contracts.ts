/** The proactive refresher: one long-lived workflow per OAuth connection. */
export interface RefresherInput {
  tenantId: string;
  connectionId: string;
}

export interface RefreshPlan {
  tenantId: string;
  /** `ok`: sleep until `refreshAt` then refresh; anything else ends the refresher. */
  state: 'ok' | 'gone' | 'needs_reauth' | 'does_not_refresh';
  refreshAt: number;
}

export interface RefreshOutcome {
  tenantId: string;
  state: 'refreshed' | 'not_due' | 'needs_reauth' | 'gone';
}

export interface RefresherActivities {
  planRefresh(input: RefresherInput): Promise<RefreshPlan>;
  refreshConnection(input: RefresherInput): Promise<RefreshOutcome>;
}

export function refresherWorkflowId(tenantId: string, connectionId: string): string {
  return `refresher:${tenantId}:${connectionId}`;
}
