import type { SmokeActivities, SmokeInput, SmokeResult } from '@latchkey/temporal/workflows';
import { proxyActivities } from '@temporalio/workflow';

const { echo } = proxyActivities<SmokeActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

/** The smallest round trip through the platform: one activity, its result returned. */
export async function smokeWorkflow(input: SmokeInput): Promise<SmokeResult> {
  return echo(input);
}
