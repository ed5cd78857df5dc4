import type { SmokeActivities, SmokeInput, SmokeResult } from '@latchkey/temporal';

export interface ActivityDeps {
  /** Names this worker in results, so tests can tell which worker ran an activity. */
  identity: string;
}

/** Activities are built from their dependencies, so tests can build them the same way. */
export function createActivities(deps: ActivityDeps): SmokeActivities {
  return {
    async echo(input: SmokeInput): Promise<SmokeResult> {
      return { echoed: input.message, workerIdentity: deps.identity };
    },
  };
}
