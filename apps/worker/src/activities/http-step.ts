import type { CredentialMap, RequestTemplate } from '@latchkey/credential-mapper';
import { touchConnectionUsed } from '@latchkey/db';
import {
  ensureFreshToken,
  type FreshnessCheck,
  loadRequestCredentials,
  mapLoadedRequest,
  type RequestCredentials,
} from '@latchkey/resolver';
import type { ExecuteStepInput } from '@latchkey/temporal';
import { collectPages, executeHttp, type HttpStep, StepError } from '@latchkey/workflow-engine';
import { Context } from '@temporalio/activity';
import type { RunActivityDeps } from './run-activities';
import type { StepSecrets } from './step-secrets';
import { heartbeat } from './tenant-slot';

const USED_TOUCH_MS = 3_600_000;

export type HttpStepDeps = Pick<
  RunActivityDeps,
  'db' | 'vault' | 'egress' | 'requestTimeoutMs' | 'refresh'
>;

/**
 * One HTTP step, every page of it: the token freshness check reads the integration and the
 * connection once, the credential bags are opened once, and each page is mapped from them.
 * Only a 401 reloads them, after one forced refresh.
 */
export async function runHttpStep(
  deps: HttpStepDeps,
  step: HttpStep,
  input: ExecuteStepInput,
  runtime: CredentialMap | undefined,
  secrets: StepSecrets,
) {
  const { db, vault } = deps;
  const base: RequestTemplate = {
    method: step.method,
    path: step.path,
    query: step.query,
    headers: step.headers,
    body: step.body,
  };
  const refreshDeps = { db, vault, egress: deps.egress, ...deps.refresh };
  const key = { tenantId: input.tenantId, integrationId: step.integrationId, userId: input.userId };
  /** The freshness check's rows, when it read them (not after a refresh), save a read here. */
  const load = (fresh: FreshnessCheck) => loadRequestCredentials({ db, vault }, key, fresh.found);

  let fresh = await ensureFreshToken(refreshDeps, key);
  let credentials: RequestCredentials = await load(fresh);
  let forcedRefresh = false;
  const sendOnce = async (extraQuery: Record<string, string | number> = {}) => {
    const mapped = mapLoadedRequest(credentials, {
      runtimeCredentials: runtime,
      request: { ...base, query: { ...base.query, ...extraQuery } },
      variables: input.variables,
    });
    secrets.add(mapped.secrets);
    if (mapped.kind !== 'http') {
      throw new StepError(
        'fatal',
        step.id,
        `integration '${step.integrationId}' is a database: use a sql step`,
      );
    }
    return executeHttp(mapped, {
      timeoutMs: deps.requestTimeoutMs,
      signal: Context.current().cancellationSignal,
      redact: secrets.redactor.redactString,
      stepId: step.id,
      egress: deps.egress,
      // The provider's documented rate-limit headers set the retry delay of a 429 or 503.
      rateLimit: mapped.rateLimit,
    });
  };
  /** A 401 earns one forced refresh and one retry, never a loop. */
  const send = async (extraQuery: Record<string, string | number> = {}) => {
    try {
      return await sendOnce(extraQuery);
    } catch (error) {
      if (
        !(error instanceof StepError) ||
        error.status !== 401 ||
        forcedRefresh ||
        fresh.version === null
      ) {
        throw error;
      }
      forcedRefresh = true;
      fresh = await ensureFreshToken(refreshDeps, { ...key, forceIfVersion: fresh.version });
      credentials = await load(fresh);
      return sendOnce(extraQuery);
    }
  };
  await markUsed(deps, credentials.connection?.last_used_at, key);
  if (!step.pagination) {
    const response = await send();
    return { raw: response.body, stats: { status: response.status } };
  }
  const pages = await collectPages({
    pagination: step.pagination,
    fetchPage: async (params) => (await send(params)).body,
    onPage: heartbeat,
    transformOptions: { tenantId: input.tenantId },
  });
  return { raw: pages.items, stats: { pages: pages.pages, truncated: pages.truncated } };
}

/** A used connection is not due a background check; one write an hour at most. */
async function markUsed(
  deps: Pick<HttpStepDeps, 'db'>,
  lastUsedAt: Date | null | undefined,
  key: { tenantId: string; integrationId: string; userId: string | null },
) {
  if (key.userId === null) return;
  if (lastUsedAt && Date.now() - lastUsedAt.getTime() < USED_TOUCH_MS) return;
  await touchConnectionUsed(deps.db, { ...key, userId: key.userId });
}
