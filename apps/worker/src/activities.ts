import type { SmokeActivities, SmokeInput, SmokeResult } from '@latchkey/temporal';
import {
  activityEventPublisher,
  createEventActivities,
  type EventActivityDeps,
} from './activities/event-activities';
import { createHealthActivities, type HealthPolicy } from './activities/health-activities';
import { createRefresherActivities } from './activities/refresher-activities';
import { createRunActivities, type RunActivityDeps } from './activities/run-activities';
import { createVerifyActivities } from './activities/verify-activities';

export interface ActivityDeps extends RunActivityDeps {
  /** Names this worker in results, so tests can tell which worker ran an activity. */
  identity: string;
  /** Retry timing of webhook deliveries. */
  events?: EventActivityDeps['events'];
  webhookFetch?: EventActivityDeps['webhookFetch'];
  /** Which connections the health schedule checks, and how many at a time. */
  health?: Partial<HealthPolicy>;
}

function createSmokeActivities(identity: string): SmokeActivities {
  return {
    async echo(input: SmokeInput): Promise<SmokeResult> {
      return { echoed: input.message, workerIdentity: identity };
    },
  };
}

/** Activities are built from their dependencies, so tests can build them the same way. */
export function createActivities(deps: ActivityDeps) {
  // Events found inside activities are recorded and delivered on the worker's own client.
  const publishEvent = deps.publishEvent ?? activityEventPublisher(deps);
  const withEvents = {
    ...deps,
    publishEvent,
    refresh: { ...deps.refresh, publishEvent: deps.refresh?.publishEvent ?? publishEvent },
  };
  return {
    ...createSmokeActivities(deps.identity),
    ...createRunActivities(withEvents),
    ...createRefresherActivities(withEvents),
    ...createVerifyActivities(withEvents),
    ...createEventActivities(deps),
    ...createHealthActivities(deps),
  };
}
