import type { Db, DbExecutor as Executor } from '../client';
import type { AuditEvent } from '../schema';

export interface AuditEntry {
  tenantId: string;
  actor: string;
  action: string;
  targetKind: string;
  targetId: string;
  userId?: string | null;
  /** Names and facts only: callers must never put a secret value here. */
  details?: Record<string, unknown>;
}

/** The row an audit entry becomes, for statements that write one beside something else. */
export function auditEventValues(entry: AuditEntry) {
  return {
    tenant_id: entry.tenantId,
    actor: entry.actor,
    action: entry.action,
    target_kind: entry.targetKind,
    target_id: entry.targetId,
    user_id: entry.userId ?? null,
    details: JSON.stringify(entry.details ?? {}),
  };
}

export async function appendAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db.insertInto('audit_events').values(auditEventValues(entry)).execute();
}

export async function listAudit(
  db: Db,
  tenantId: string,
  { limit = 100 }: { limit?: number } = {},
): Promise<AuditEvent[]> {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
