import type { SmokeActivities, SmokeInput, SmokeResult } from '@latchkey/temporal';
import { createRefresherActivities } from './activities/refresher-activities';
import { createRunActivities, type RunActivityDeps } from './activities/run-activities';
import { createVerifyActivities } from './activities/verify-activities';

export interface ActivityDeps extends RunActivityDeps {
  /** Names this worker in results, so tests can tell which worker ran an activity. */
  identity: string;
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
  return {
    ...createSmokeActivities(deps.identity),
    ...createRunActivities(deps),
    ...createRefresherActivities(deps),
    ...createVerifyActivities(deps),
  };
}
