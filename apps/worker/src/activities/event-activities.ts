import {
  appendDeliveryAttempt,
  type Db,
  findEventDelivery,
  findTenantWebhook,
  finishEventDelivery,
} from '@latchkey/db';
import type { Logger } from '@latchkey/logger';
import {
  attemptWebhook,
  type PublishEvent,
  signingSecrets,
  type TenantEventBody,
} from '@latchkey/resolver';
import {
  type DeliverEventInput,
  type DeliveryStep,
  type EventActivities,
  publishTenantEvent,
} from '@latchkey/temporal';
import type { Vault } from '@latchkey/vault';
import { Context } from '@temporalio/activity';

/** How deliveries retry; the defaults suit production, tests shorten them. */
export interface EventDeliveryPolicy {
  /** Wait before the second attempt; doubled after each (default 10 s). */
  initialRetryMs: number;
  /** The longest wait between attempts, unless the endpoint's Retry-After asks for more (1 h). */
  maxRetryMs: number;
  /** A delivery gives up when its next attempt would be later than this after it began (24 h). */
  maxAgeMs: number;
  /** Per attempt (10 s). */
  timeoutMs: number;
}

export const DEFAULT_EVENT_DELIVERY_POLICY: EventDeliveryPolicy = {
  initialRetryMs: 10_000,
  maxRetryMs: 3_600_000,
  maxAgeMs: 24 * 3_600_000,
  timeoutMs: 10_000,
};

export interface EventActivityDeps {
  db: Db;
  vault: Vault;
  log: Logger;
  events?: Partial<EventDeliveryPolicy>;
  /** A fetch that enforces the egress policy on webhook URLs. */
  webhookFetch?: typeof fetch;
}

/** Backoff before attempt `attempt + 1`: doubling from the initial wait, with ±10 % jitter. */
export function retryDelayMs(policy: EventDeliveryPolicy, attempt: number, retryAfterMs?: number) {
  const exponential = Math.min(policy.maxRetryMs, policy.initialRetryMs * 2 ** (attempt - 1));
  const jittered = exponential * (0.9 + Math.random() * 0.2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/**
 * Events from activities: recorded, and their delivery started on the worker's own Temporal
 * client and task queue. Never fails the activity that reports the event: the event is
 * logged by id and type if it cannot be recorded.
 */
export function activityEventPublisher(deps: { db: Db; log: Logger }): PublishEvent {
  return async (event) => {
    try {
      const context = Context.current();
      await publishTenantEvent(
        {
          db: deps.db,
          temporal: async () => context.client,
          taskQueue: context.info.taskQueue,
        },
        event,
      );
    } catch (error) {
      deps.log.warn(
        { tenantId: event.tenantId, type: event.type, err: (error as Error).message },
        'could not record a tenant event',
      );
    }
  };
}

/**
 * One attempt per call: the workflow sleeps between them (a durable timer), so a worker
 * restart never loses a delivery and never holds a slot while waiting. The signing secrets
 * are opened here and nowhere else; they never enter the workflow's history.
 */
export function createEventActivities(deps: EventActivityDeps): EventActivities {
  const policy = { ...DEFAULT_EVENT_DELIVERY_POLICY, ...deps.events };
  const { db } = deps;

  async function attemptEventDelivery(input: DeliverEventInput): Promise<DeliveryStep> {
    const { tenantId, deliveryId } = input;
    const done = (state: DeliveryStep['state'], attempt = 0): DeliveryStep => ({
      tenantId,
      state,
      retryInMs: 0,
      attempt,
    });
    const delivery = await findEventDelivery(db, tenantId, deliveryId);
    if (!delivery) return done('failed');
    if (delivery.status !== 'pending') {
      return done(delivery.status === 'delivered' ? 'delivered' : 'failed');
    }
    const webhook = await findTenantWebhook(db, tenantId);
    if (!webhook) {
      await finishEventDelivery(db, tenantId, deliveryId, 'no_endpoint', 'the webhook was removed');
      return done('no_endpoint');
    }
    const body: TenantEventBody = {
      id: delivery.event_id,
      type: delivery.type,
      tenantId,
      createdAt: delivery.event_created_at.toISOString(),
      data: delivery.data,
    };
    const secrets = await signingSecrets(deps.vault, webhook);
    const started = performance.now();
    const verdict = await attemptWebhook(webhook.url, secrets, body, {
      timeoutMs: policy.timeoutMs,
      fetch: deps.webhookFetch,
    });
    const attempt = await appendDeliveryAttempt(db, {
      tenantId,
      deliveryId,
      url: webhook.url,
      statusCode: verdict.statusCode,
      error: verdict.kind === 'delivered' ? null : verdict.error,
      durationMs: Math.round(performance.now() - started),
    });
    if (verdict.kind === 'delivered') {
      await finishEventDelivery(db, tenantId, deliveryId, 'delivered', null);
      return done('delivered', attempt);
    }
    if (verdict.kind === 'rejected') {
      await finishEventDelivery(db, tenantId, deliveryId, 'failed', verdict.error);
      return done('failed', attempt);
    }
    const retryInMs = retryDelayMs(policy, attempt, verdict.retryAfterMs);
    if (Date.now() + retryInMs - delivery.created_at.getTime() > policy.maxAgeMs) {
      const reason = `gave up after ${attempt} attempts (last: ${verdict.error})`;
      await finishEventDelivery(db, tenantId, deliveryId, 'failed', reason);
      return done('failed', attempt);
    }
    return { tenantId, state: 'retry', retryInMs, attempt };
  }

  return { attemptEventDelivery };
}
