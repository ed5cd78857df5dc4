import type { DeliverEventInput, EventActivities } from '@latchkey/temporal/workflows';
import { proxyActivities, sleep } from '@temporalio/workflow';

/**
 * An attempt reports HTTP outcomes itself; Temporal's retries cover only the activity failing
 * (database down, worker lost), so an attempt is never recorded twice by design.
 */
const { attemptEventDelivery } = proxyActivities<EventActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Delivers one event to its tenant's endpoint: attempt, and while the endpoint answers with a
 * network error, 5xx or 429, wait (Retry-After or backoff, decided by the activity) and
 * attempt again; other answers end it. The activity gives up after 24 hours.
 */
export async function deliverEventWorkflow(input: DeliverEventInput): Promise<string> {
  for (;;) {
    const step = await attemptEventDelivery(input);
    if (step.state !== 'retry') return step.state;
    await sleep(step.retryInMs);
  }
}
