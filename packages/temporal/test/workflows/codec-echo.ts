// Workflow code for the codec tests: runs in Temporal's sandbox, no Node built-ins.
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import type { CodecTestActivities, CodecTestInput, CodecTestResult } from './contracts';

const { echo, fail } = proxyActivities<CodecTestActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 1 },
});

/** Passes its input through an activity, then reports the message of an activity failure. */
export async function codecEchoWorkflow(input: CodecTestInput): Promise<CodecTestResult> {
  const echoed = await echo(input);
  let failure = 'none';
  try {
    await fail(input);
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause) failure = error.cause.message;
  }
  return { tenantId: input.tenantId, echoed: echoed.secretish, failure };
}
