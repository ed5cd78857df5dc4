/** One send of a tenant event to the tenant's webhook endpoint, run by `deliverEventWorkflow`. */
export interface DeliverEventInput {
  tenantId: string;
  deliveryId: string;
}

export interface DeliveryStep {
  tenantId: string;
  /** `retry`: sleep `retryInMs` and attempt again; anything else ends the delivery. */
  state: 'delivered' | 'failed' | 'retry' | 'no_endpoint';
  retryInMs: number;
  /** The attempt this step recorded (0 when none was made). */
  attempt: number;
}

export interface EventActivities {
  attemptEventDelivery(input: DeliverEventInput): Promise<DeliveryStep>;
}

/** `event-delivery:<tenant>:<delivery>`: one workflow per delivery, so a start is idempotent. */
export function eventDeliveryWorkflowId(tenantId: string, deliveryId: string): string {
  return `event-delivery:${tenantId}:${deliveryId}`;
}
