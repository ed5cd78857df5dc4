/** A credential test: one cheap authenticated request with stored or connected credentials. */
export interface VerifyCredentialsInput {
  tenantId: string;
  integrationId: string;
  /** The end user whose connection is tested; null tests the integration's own credentials. */
  userId: string | null;
}

export type VerifyOutcome =
  | 'ok'
  | 'invalid_credentials'
  | 'insufficient_scope'
  | 'unreachable'
  | 'unexpected_status';

export interface VerifyCredentialsResult {
  tenantId: string;
  outcome: VerifyOutcome;
  /** The HTTP status of the verification request, when it got one. */
  status?: number;
  /** What was requested and what came back, redacted: never a secret. */
  message: string;
  /** `GET /v1/account`, or `SELECT 1` for a database. */
  request: string;
  durationMs: number;
  /** ISO 8601. */
  checkedAt: string;
}

/** The failure type of a test that has nothing to test with (no verification request known). */
export const CANNOT_VERIFY = 'CannotVerify';

export interface VerifyActivities {
  verifyCredentials(input: VerifyCredentialsInput): Promise<VerifyCredentialsResult>;
}

/** Readable ids, one per test: `verify:<tenant>:<integration>:<nonce>`. */
export function verifyWorkflowId(tenantId: string, integrationId: string, nonce: string): string {
  return `verify:${tenantId}:${integrationId}:${nonce}`;
}
