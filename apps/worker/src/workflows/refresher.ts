import type { RefresherActivities, RefresherInput } from '@latchkey/temporal/workflows';
import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';

const { planRefresh, refreshConnection } = proxyActivities<RefresherActivities>({
  startToCloseTimeout: '1 minute',
  // A refresh heartbeats while it waits for its tenant's slot: never retried while it waits.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Refreshes before each expiry; a new run every few cycles keeps the history short. */
const CYCLES_PER_RUN = 25;

/**
 * Keeps one OAuth connection's token valid with no run needing it: sleeps until shortly
 * before expiry, refreshes (through the same single-flight path runs use), repeats. Ends when
 * the connection is gone, needs its user again, or has nothing to refresh.
 */
export async function connectionRefresherWorkflow(input: RefresherInput): Promise<string> {
  for (let cycle = 0; cycle < CYCLES_PER_RUN; cycle++) {
    const plan = await planRefresh(input);
    if (plan.state !== 'ok') return plan.state;
    const wait = plan.refreshAt - Date.now();
    if (wait > 0) await sleep(wait);
    const outcome = await refreshConnection(input);
    if (outcome.state === 'needs_reauth' || outcome.state === 'gone') return outcome.state;
  }
  return continueAsNew<typeof connectionRefresherWorkflow>(input);
}
