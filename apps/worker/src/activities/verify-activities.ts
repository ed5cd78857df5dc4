import { CredentialMappingError, createRedactor } from '@latchkey/credential-mapper';
import {
  appendAudit,
  applyConnectionHealth,
  type CredentialHealth,
  type Db,
  findIntegrationForRequest,
  recordIntegrationHealth,
} from '@latchkey/db';
import { EGRESS_REFUSED, findEgressRefusal } from '@latchkey/egress';
import {
  ensureFreshToken,
  type PublishEvent,
  ReauthRequiredError,
  RefreshUnavailableError,
  resolveRequest,
  verificationFor,
} from '@latchkey/resolver';
import {
  CANNOT_VERIFY,
  type VerifyActivities,
  type VerifyCredentialsInput,
  type VerifyCredentialsResult,
  type VerifyOutcome,
} from '@latchkey/temporal';
import { executeHttp, executeSql, StepError } from '@latchkey/workflow-engine';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { RunActivityDeps } from './run-activities';
import { inTenantSlot } from './tenant-slot';

const STEP_ID = 'credential test';

/** SQLSTATE classes and codes that say the credentials themselves were refused. */
const SQL_AUTH_FAILED = new Set(['28000', '28P01']);
const SQL_NOT_ALLOWED = new Set(['42501']);

interface Classified {
  outcome: VerifyOutcome;
  status?: number;
  message: string;
}

/** What the provider's answer (or silence) says about the credentials. */
export function classifyVerification(error: unknown): Classified {
  // The egress policy refused the destination: nothing was sent, so nothing was learnt.
  const refusal = findEgressRefusal(error);
  if (refusal) return { outcome: 'unreachable', message: refusal.message };
  if (error instanceof StepError && error.code === EGRESS_REFUSED) {
    return { outcome: 'unreachable', message: error.message };
  }
  if (error instanceof StepError) {
    const code = error.code ?? '';
    if (error.status === 401 || SQL_AUTH_FAILED.has(code)) {
      return { outcome: 'invalid_credentials', status: error.status, message: error.message };
    }
    if (error.status === 403 || SQL_NOT_ALLOWED.has(code)) {
      return { outcome: 'insufficient_scope', status: error.status, message: error.message };
    }
    if (error.status !== undefined) {
      return { outcome: 'unexpected_status', status: error.status, message: error.message };
    }
    if (error.retryable) return { outcome: 'unreachable', message: error.message };
    return { outcome: 'unexpected_status', message: error.message };
  }
  if (error instanceof ReauthRequiredError || error instanceof CredentialMappingError) {
    return { outcome: 'invalid_credentials', message: error.message };
  }
  if (error instanceof RefreshUnavailableError) {
    return { outcome: 'unreachable', message: error.message };
  }
  throw error;
}

/**
 * Keeps a connection's test outcome; a change between healthy and unhealthy is written to the
 * audit log and announced to the tenant (`connection.unhealthy` / `connection.recovered`),
 * once per change however many checks race.
 */
async function keepConnectionHealth(
  db: Db,
  publishEvent: PublishEvent | undefined,
  c: {
    tenantId: string;
    connectionId: string;
    integrationId: string;
    userId: string;
    health: CredentialHealth;
  },
): Promise<void> {
  const facts = {
    connectionId: c.connectionId,
    integrationId: c.integrationId,
    userId: c.userId,
    outcome: c.health.outcome,
    ...(c.health.status !== undefined ? { status: c.health.status } : {}),
    reason: c.health.message,
  };
  // The change and its audit row commit together; the event is published after the commit.
  const change = await db.transaction().execute(async (trx) => {
    const made = await applyConnectionHealth(trx, c.tenantId, c.connectionId, c.health);
    if (made) {
      await appendAudit(trx, {
        tenantId: c.tenantId,
        actor: 'system:health',
        action: `connection.${made}`,
        targetKind: 'connection',
        targetId: c.connectionId,
        userId: c.userId,
        details: facts,
      });
    }
    return made;
  });
  if (change) {
    await publishEvent?.({ tenantId: c.tenantId, type: `connection.${change}`, data: facts });
  }
}

/**
 * Credential tests run in the worker, like steps: the plaintext exists only here, the request
 * takes the same path as an HTTP or SQL step (timeouts, redirects, response limits), and the
 * outcome is kept as the integration's or the connection's health.
 */
export function createVerifyActivities(
  deps: RunActivityDeps & { publishEvent?: PublishEvent },
): VerifyActivities {
  const { db, vault } = deps;

  async function verify(input: VerifyCredentialsInput): Promise<VerifyCredentialsResult> {
    const found = await findIntegrationForRequest(
      db,
      input.tenantId,
      input.integrationId,
      input.userId,
    );
    if (!found) {
      throw ApplicationFailure.nonRetryable(
        `No integration '${input.integrationId}'`,
        CANNOT_VERIFY,
      );
    }
    const { integration, connection } = found;
    if (input.userId !== null && !connection) {
      throw ApplicationFailure.nonRetryable(
        `No connection for user '${input.userId}' on '${input.integrationId}'`,
        CANNOT_VERIFY,
      );
    }
    const verification = verificationFor(integration);
    if (verification.kind === 'none') {
      throw ApplicationFailure.nonRetryable(verification.reason, CANNOT_VERIFY);
    }
    const request = verification.kind === 'http' ? verification.request : undefined;
    const described = verification.describe;
    const secrets = new Set<string>();
    const started = performance.now();
    let result: Classified;
    try {
      await ensureFreshToken(
        { db, vault, egress: deps.egress, ...deps.refresh },
        { tenantId: input.tenantId, integrationId: input.integrationId, userId: input.userId },
      );
      const mapped = await resolveRequest(
        { db, vault },
        {
          tenantId: input.tenantId,
          integrationId: input.integrationId,
          userId: input.userId,
          request,
        },
      );
      for (const secret of mapped.secrets) secrets.add(secret);
      const options = {
        timeoutMs: deps.requestTimeoutMs,
        signal: Context.current().cancellationSignal,
        redact: createRedactor(secrets).redactString,
        stepId: STEP_ID,
        egress: deps.egress,
      };
      if (mapped.kind === 'database') {
        await executeSql(mapped.connectionString, 'SELECT 1', [], options);
        result = { outcome: 'ok', message: `${described} succeeded` };
      } else {
        const response = await executeHttp(mapped, options);
        result = {
          outcome: 'ok',
          status: response.status,
          message: `${described} answered ${response.status}`,
        };
      }
    } catch (error) {
      result = classifyVerification(error);
    }
    const checkedAt = new Date().toISOString();
    const health = {
      outcome: result.outcome,
      ...(result.status !== undefined ? { status: result.status } : {}),
      message: createRedactor(secrets).redactString(result.message),
      checkedAt,
    };
    if (input.userId !== null && connection) {
      await keepConnectionHealth(db, deps.publishEvent, {
        tenantId: input.tenantId,
        connectionId: connection.id,
        integrationId: input.integrationId,
        userId: connection.user_id,
        health,
      });
    } else {
      await recordIntegrationHealth(db, input.tenantId, input.integrationId, health);
    }
    return {
      tenantId: input.tenantId,
      ...health,
      request: described,
      durationMs: Math.round(performance.now() - started),
    };
  }

  return {
    verifyCredentials: (input) => inTenantSlot(deps.limiter, input.tenantId, () => verify(input)),
  };
}
