import type { CredentialMap } from '@latchkey/credential-mapper';
import { resolveRequest } from '@latchkey/resolver';
import type { ExecuteStepInput } from '@latchkey/temporal';
import { executeSql, resolveSqlParams, type SqlStep, StepError } from '@latchkey/workflow-engine';
import type { RunActivityDeps } from './run-activities';
import type { StepSecrets } from './step-secrets';

export type SqlStepDeps = Pick<
  RunActivityDeps,
  'db' | 'vault' | 'egress' | 'requestTimeoutMs' | 'limits'
>;

/** One SQL step: one read of the integration, its credentials mapped to a connection string. */
export async function runSqlStep(
  deps: SqlStepDeps,
  step: SqlStep,
  input: ExecuteStepInput,
  runtime: CredentialMap | undefined,
  secrets: StepSecrets,
) {
  const mapped = await resolveRequest(
    { db: deps.db, vault: deps.vault },
    {
      tenantId: input.tenantId,
      integrationId: step.integrationId,
      userId: input.userId,
      runtimeCredentials: runtime,
      variables: input.variables,
    },
  );
  secrets.add(mapped.secrets);
  if (mapped.kind !== 'database') {
    throw new StepError(
      'fatal',
      step.id,
      `integration '${step.integrationId}' is not a database: use an http step`,
    );
  }
  const params = resolveSqlParams(step.params, input.variables);
  const result = await executeSql(mapped.connectionString, step.sql, params, {
    timeoutMs: deps.requestTimeoutMs,
    maxBytes: deps.limits?.sqlMaxResultBytes,
    redact: secrets.redactor.redactString,
    stepId: step.id,
    egress: deps.egress,
  });
  return { raw: result.rows, stats: { rows: result.rowCount } };
}
