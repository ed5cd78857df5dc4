import type {
  VerifyActivities,
  VerifyCredentialsInput,
  VerifyCredentialsResult,
} from '@latchkey/temporal/workflows';
import { proxyActivities } from '@temporalio/workflow';

/**
 * One attempt: a credential test reports what the provider answers now. A retry would hide a
 * flaky provider and keep the caller waiting; an `unreachable` outcome says it instead.
 */
const { verifyCredentials } = proxyActivities<VerifyActivities>({
  startToCloseTimeout: '45 seconds',
  retry: { maximumAttempts: 1 },
});

/** Tests an integration's (or one user's) credentials inside the worker, where secrets live. */
export async function verifyCredentialsWorkflow(
  input: VerifyCredentialsInput,
): Promise<VerifyCredentialsResult> {
  return verifyCredentials(input);
}
