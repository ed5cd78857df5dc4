import type { DbExecutor as Executor } from '../client';
import type {
  EventDelivery,
  EventDeliveryAttempt,
  EventDeliveryStatus,
  TenantEvent,
  TenantEventType,
} from '../schema';

export async function insertTenantEvent(
  db: Executor,
  event: { tenantId: string; type: TenantEventType; data: Record<string, unknown> },
): Promise<TenantEvent> {
  return db
    .insertInto('tenant_events')
    .values({ tenant_id: event.tenantId, type: event.type, data: JSON.stringify(event.data) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTenantEvent(
  db: Executor,
  tenantId: string,
  eventId: string,
): Promise<TenantEvent | undefined> {
  return db
    .selectFrom('tenant_events')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', eventId)
    .executeTakeFirst();
}

export async function insertEventDelivery(
  db: Executor,
  row: { tenantId: string; eventId: string; status: EventDeliveryStatus; reason?: string | null },
): Promise<EventDelivery> {
  const finished = row.status !== 'pending';
  return db
    .insertInto('event_deliveries')
    .values({
      tenant_id: row.tenantId,
      event_id: row.eventId,
      status: row.status,
      reason: row.reason ?? null,
      finished_at: finished ? new Date() : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The delivery and its event, for the delivery workflow's activity. */
export async function findEventDelivery(db: Executor, tenantId: string, deliveryId: string) {
  return db
    .selectFrom('event_deliveries as d')
    .innerJoin('tenant_events as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
      'd.status',
      'd.created_at',
      'e.id as event_id',
      'e.type',
      'e.data',
      'e.created_at as event_created_at',
    ])
    .where('d.tenant_id', '=', tenantId)
    .where('e.tenant_id', '=', tenantId)
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

/** Appends an attempt numbered after the last one (Temporal may retry the activity). */
export async function appendDeliveryAttempt(
  db: Executor,
  row: {
    tenantId: string;
    deliveryId: string;
    url: string;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  },
): Promise<number> {
  const last = await db
    .selectFrom('event_delivery_attempts')
    .select((eb) => eb.fn.max('attempt').as('n'))
    .where('delivery_id', '=', row.deliveryId)
    .executeTakeFirst();
  const attempt = Number(last?.n ?? 0) + 1;
  await db
    .insertInto('event_delivery_attempts')
    .values({
      delivery_id: row.deliveryId,
      tenant_id: row.tenantId,
      attempt,
      url: row.url,
      status_code: row.statusCode,
      error: row.error,
      duration_ms: row.durationMs,
    })
    .execute();
  return attempt;
}

export async function countDeliveryAttempts(db: Executor, deliveryId: string): Promise<number> {
  const row = await db
    .selectFrom('event_delivery_attempts')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function finishEventDelivery(
  db: Executor,
  tenantId: string,
  deliveryId: string,
  status: Exclude<EventDeliveryStatus, 'pending'>,
  reason: string | null,
): Promise<void> {
  await db
    .updateTable('event_deliveries')
    .set({ status, reason, finished_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute();
}

export async function markDeliveryWorkflowStarted(
  db: Executor,
  tenantId: string,
  deliveryId: string,
): Promise<void> {
  await db
    .updateTable('event_deliveries')
    .set({ workflow_started_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', deliveryId)
    .where('workflow_started_at', 'is', null)
    .execute();
}

/** Deliveries recorded before `olderThan` whose workflow has not been started. */
export async function listStalePendingDeliveries(db: Executor, olderThan: Date, limit: number) {
  return db
    .selectFrom('event_deliveries')
    .select(['id', 'tenant_id', 'event_id'])
    .where('status', '=', 'pending')
    .where('workflow_started_at', 'is', null)
    .where('created_at', '<', olderThan)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

export interface EventPageCursor {
  createdAt: string;
  id: string;
}

export interface EventWithDeliveries extends TenantEvent {
  deliveries: (EventDelivery & { attempts: EventDeliveryAttempt[] })[];
}

/** A tenant's events, newest first, each with its deliveries and their attempts. */
export async function listTenantEvents(
  db: Executor,
  tenantId: string,
  page: { limit: number; after?: EventPageCursor; type?: TenantEventType },
): Promise<EventWithDeliveries[]> {
  let query = db.selectFrom('tenant_events').selectAll().where('tenant_id', '=', tenantId);
  if (page.type) query = query.where('type', '=', page.type);
  const after = page.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', new Date(after.createdAt)),
        eb.and([eb('created_at', '=', new Date(after.createdAt)), eb('id', '<', after.id)]),
      ]),
    );
  }
  const events = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .execute();
  if (events.length === 0) return [];
  const ids = events.map((e) => e.id);
  const deliveries = await db
    .selectFrom('event_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('event_id', 'in', ids)
    .orderBy('created_at')
    .execute();
  const attempts = deliveries.length
    ? await db
        .selectFrom('event_delivery_attempts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where(
          'delivery_id',
          'in',
          deliveries.map((d) => d.id),
        )
        .orderBy('attempt')
        .execute()
    : [];
  return events.map((event) => ({
    ...event,
    deliveries: deliveries
      .filter((d) => d.event_id === event.id)
      .map((d) => ({ ...d, attempts: attempts.filter((a) => a.delivery_id === d.id) })),
  }));
}
