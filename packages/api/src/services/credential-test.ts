import { randomBytes } from 'node:crypto';
import { appendAudit, type Db, findConnection, findIntegration } from '@latchkey/db';
import { verificationFor } from '@latchkey/resolver';
import {
  CANNOT_VERIFY,
  IntegrationsAttribute,
  type KeyedHasher,
  TenantAttribute,
  UserAttribute,
  userSearchTag,
  type VerifyCredentialsInput,
  type VerifyCredentialsResult,
  verifyWorkflowId,
} from '@latchkey/temporal';
import {
  ApplicationFailure,
  type Client as TemporalClient,
  WorkflowFailedError,
} from '@temporalio/client';
import { NotFoundError, PreconditionError } from '../errors';
import type { Actor } from './actor';

export interface CredentialTestDeps {
  db: Db;
  vault: KeyedHasher;
  temporal: () => Promise<TemporalClient>;
  taskQueue: string;
}

/** A test waits for one request (30 s at most) and its token refresh; never for long. */
const TEST_TIMEOUT = '1 minute';

function cannotVerify(error: unknown): string | undefined {
  let cause: unknown = error instanceof WorkflowFailedError ? error.cause : undefined;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure && cause.type === CANNOT_VERIFY) return cause.message;
    cause = cause.cause;
  }
  return undefined;
}

/**
 * Tests an integration's stored credentials, or one end user's connection: the worker makes
 * the template's verification request (`SELECT 1` for a database) and keeps the outcome as
 * the health shown on reads. Secrets never reach the api: the request runs in the worker.
 */
export async function testIntegration(
  deps: CredentialTestDeps,
  actor: Actor,
  input: { id: string; userId?: string },
) {
  const { tenantId } = actor;
  const integration = await findIntegration(deps.db, tenantId, input.id);
  if (!integration) throw new NotFoundError(`No integration '${input.id}'`);
  const verification = verificationFor(integration);
  if (verification.kind === 'none') throw new PreconditionError(verification.reason);
  if (input.userId && !(await findConnection(deps.db, tenantId, input.id, input.userId))) {
    throw new NotFoundError(`No connection for user '${input.userId}' on '${input.id}'`);
  }
  const workflowInput: VerifyCredentialsInput = {
    tenantId,
    integrationId: input.id,
    userId: input.userId ?? null,
  };
  const client = await deps.temporal();
  let result: VerifyCredentialsResult;
  try {
    result = await client.workflow.execute('verifyCredentialsWorkflow', {
      taskQueue: deps.taskQueue,
      workflowId: verifyWorkflowId(tenantId, input.id, randomBytes(6).toString('hex')),
      args: [workflowInput],
      workflowExecutionTimeout: TEST_TIMEOUT,
      typedSearchAttributes: [
        { key: TenantAttribute, value: tenantId },
        { key: UserAttribute, value: await userSearchTag(deps.vault, tenantId, input.userId) },
        { key: IntegrationsAttribute, value: [input.id] },
      ],
    });
  } catch (error) {
    const reason = cannotVerify(error);
    if (reason) throw new PreconditionError(reason);
    throw error;
  }
  const { tenantId: _tenant, ...outcome } = result;
  await appendAudit(deps.db, {
    tenantId,
    actor: actor.actor,
    action: 'integration.test',
    targetKind: 'integration',
    targetId: input.id,
    userId: input.userId ?? null,
    details: { outcome: outcome.outcome, status: outcome.status ?? null },
  });
  return { integrationId: input.id, userId: input.userId ?? null, ...outcome };
}
