import { CredentialMappingError } from '@latchkey/credential-mapper';
import { EgressRefusedError } from '@latchkey/egress';
import {
  IntegrationNotFoundError,
  ReauthRequiredError,
  RefreshUnavailableError,
  RunKeyGoneError,
} from '@latchkey/resolver';
import { FATAL_STEP_ERROR } from '@latchkey/temporal';
import { StepError, TransformError } from '@latchkey/workflow-engine';
import { ApplicationFailure } from '@temporalio/activity';

/**
 * Turns whatever a step threw into the failure Temporal acts on: fatal ones are not retried,
 * rate limits (and 503s that say when) wait as the provider's headers say, anything else retries
 * with backoff. Messages name the
 * step and are redacted before they leave the activity (they land in Temporal's history).
 */
export function toStepFailure(error: unknown, stepId: string, redact: (text: string) => string) {
  if (error instanceof ApplicationFailure) return error;
  const message = (text: string) =>
    redact(text.startsWith('step "') ? text : `step "${stepId}": ${text}`);
  if (error instanceof StepError) {
    if (error.kind === 'fatal') {
      return ApplicationFailure.create({
        type: FATAL_STEP_ERROR,
        message: message(error.message),
        nonRetryable: true,
      });
    }
    return ApplicationFailure.create({
      type: error.kind === 'rate_limited' ? 'RateLimited' : 'TransientStepError',
      message: message(error.message),
      // A 429, or a 503 whose provider said when to come back (Retry-After, a reset header).
      nextRetryDelay: error.retryAfterMs,
    });
  }
  // A cap is not transient: the same step would produce the same output again.
  if (error instanceof TransformError && error.code === 'TOO_LARGE') {
    return ApplicationFailure.create({
      type: FATAL_STEP_ERROR,
      message: message(error.message),
      nonRetryable: true,
    });
  }
  if (error instanceof RefreshUnavailableError) {
    return ApplicationFailure.create({
      type: 'TransientStepError',
      message: message(error.message),
      nextRetryDelay: error.retryAfterMs,
    });
  }
  if (
    error instanceof ReauthRequiredError ||
    error instanceof CredentialMappingError ||
    error instanceof IntegrationNotFoundError ||
    error instanceof RunKeyGoneError ||
    // A refused destination (a tenant's OAuth token URL, say): asking again gets the same answer.
    error instanceof EgressRefusedError
  ) {
    return ApplicationFailure.create({
      type: FATAL_STEP_ERROR,
      message: message(error.message),
      nonRetryable: true,
    });
  }
  const text = error instanceof Error ? error.message : String(error);
  return ApplicationFailure.create({ type: 'TransientStepError', message: message(text) });
}
