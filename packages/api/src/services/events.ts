import {
  appendAudit,
  type Db,
  type EventPageCursor,
  type EventWithDeliveries,
  findTenantEvent,
  listTenantEvents,
  type TenantEventType,
} from '@latchkey/db';
import { publishTenantEvent, startEventDelivery } from '@latchkey/temporal';
import { InvalidInputError, NotFoundError } from '../errors';
import type { Actor } from './actor';
import type { RefresherDeps } from './refresher';

export type EventServiceDeps = RefresherDeps & { db: Db };

/**
 * Records an event the api saw and starts its delivery. Never fails the request that caused
 * it: the change it reports is already committed, and a delivery Temporal could not start is
 * resumed by the worker's health sweep.
 */
export async function publishEvent(
  deps: EventServiceDeps,
  event: { tenantId: string; type: TenantEventType; data: Record<string, unknown> },
): Promise<void> {
  try {
    await publishTenantEvent(deps, event);
  } catch {
    // Recording failed (database gone mid-request): the audit log has the change itself.
  }
}

function eventView(event: EventWithDeliveries) {
  return {
    id: event.id,
    type: event.type,
    createdAt: event.created_at,
    data: event.data,
    deliveries: event.deliveries.map((d) => ({
      id: d.id,
      status: d.status,
      reason: d.reason,
      createdAt: d.created_at,
      finishedAt: d.finished_at,
      attempts: d.attempts.map((a) => ({
        attempt: a.attempt,
        at: a.at,
        url: a.url,
        statusCode: a.status_code,
        error: a.error,
        durationMs: a.duration_ms,
      })),
    })),
  };
}

export type EventView = ReturnType<typeof eventView>;

const encodeCursor = (cursor: EventPageCursor) =>
  Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

function decodeCursor(cursor: string): EventPageCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof parsed?.createdAt === 'string' &&
      !Number.isNaN(Date.parse(parsed.createdAt)) &&
      typeof parsed?.id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(parsed.id)
    ) {
      return { createdAt: parsed.createdAt, id: parsed.id };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidInputError('cursor', 'is not a cursor this list returned');
}

/** A page of the tenant's events, newest first, each with its deliveries and attempts. */
export async function listEvents(
  db: Db,
  tenantId: string,
  input: { limit: number; cursor?: string; type?: TenantEventType },
) {
  const events = await listTenantEvents(db, tenantId, {
    limit: input.limit + 1,
    after: input.cursor ? decodeCursor(input.cursor) : undefined,
    type: input.type,
  });
  const page = events.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(eventView),
    nextCursor:
      events.length > input.limit && last
        ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id })
        : null,
  };
}

/** Sends a recorded event again, as a new delivery with its own attempts. */
export async function redeliverEvent(deps: EventServiceDeps, actor: Actor, eventId: string) {
  const event = await findTenantEvent(deps.db, actor.tenantId, eventId);
  if (!event) throw new NotFoundError(`No event '${eventId}'`);
  const published = await startEventDelivery(deps, actor.tenantId, event.id);
  await appendAudit(deps.db, {
    tenantId: actor.tenantId,
    actor: actor.actor,
    action: 'event.redeliver',
    targetKind: 'event',
    targetId: event.id,
    details: { type: event.type, deliveryId: published.deliveryId },
  });
  return { eventId: event.id, deliveryId: published.deliveryId, started: published.started };
}
