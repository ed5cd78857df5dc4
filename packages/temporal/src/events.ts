import {
  type Db,
  findTenantWebhook,
  insertEventDelivery,
  insertTenantEvent,
  markDeliveryWorkflowStarted,
  type TenantEventType,
} from '@latchkey/db';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { type DeliverEventInput, eventDeliveryWorkflowId } from './event-contracts';
import { TenantAttribute } from './search-attributes';

export interface EventPublisherDeps {
  db: Db;
  /** Absent: events are recorded as pending and the health sweep starts their delivery. */
  temporal?: () => Promise<Client>;
  taskQueue?: string;
}

export interface PublishedEvent {
  eventId: string;
  deliveryId: string;
  /** Whether the delivery workflow is running (or the tenant has no endpoint to deliver to). */
  started: boolean;
}

/**
 * Records an event for its tenant and starts its delivery. The row is written first, so an
 * event is never lost: if Temporal cannot be reached the delivery stays `pending` and the
 * health sweep starts it later. A tenant without an endpoint gets the event recorded with a
 * `no_endpoint` delivery (it can be redelivered once an endpoint is set).
 */
export async function publishTenantEvent(
  deps: EventPublisherDeps,
  event: { tenantId: string; type: TenantEventType; data: Record<string, unknown> },
): Promise<PublishedEvent> {
  const row = await insertTenantEvent(deps.db, event);
  return startEventDelivery(deps, event.tenantId, row.id);
}

/** A new delivery of a recorded event (`events.redeliver` calls this too). */
export async function startEventDelivery(
  deps: EventPublisherDeps,
  tenantId: string,
  eventId: string,
): Promise<PublishedEvent> {
  const webhook = await findTenantWebhook(deps.db, tenantId);
  const delivery = await insertEventDelivery(deps.db, {
    tenantId,
    eventId,
    status: webhook ? 'pending' : 'no_endpoint',
    reason: webhook ? null : 'the tenant has no webhook endpoint',
  });
  if (!webhook) return { eventId, deliveryId: delivery.id, started: true };
  const started = await startDeliveryWorkflow(deps, tenantId, delivery.id);
  return { eventId, deliveryId: delivery.id, started };
}

/** Starts (or finds running) the workflow of one delivery; false when Temporal is unreachable. */
export async function startDeliveryWorkflow(
  deps: EventPublisherDeps,
  tenantId: string,
  deliveryId: string,
): Promise<boolean> {
  if (!deps.temporal || !deps.taskQueue) return false;
  const input: DeliverEventInput = { tenantId, deliveryId };
  try {
    const client = await deps.temporal();
    await client.workflow.start('deliverEventWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: eventDeliveryWorkflowId(tenantId, deliveryId),
      args: [input],
      // A delivery gives up after a day; this bounds a workflow that somehow does not.
      workflowExecutionTimeout: '25 hours',
      typedSearchAttributes: [{ key: TenantAttribute, value: tenantId }],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) return false;
  }
  await markDeliveryWorkflowStarted(deps.db, tenantId, deliveryId);
  return true;
}
