/**
 * Record kinds known to the vault. Other packages add kinds by augmenting this interface:
 *
 *   declare module '@latchkey/vault' {
 *     interface RecordKinds { 'audit.details': true }
 *   }
 *
 * The kind is part of every ciphertext's associated data, so a value sealed as one kind never
 * opens as another.
 */
export interface RecordKinds {
  'integration.credentials': true;
  'integration.oauth_client_secret': true;
  'connection.credentials': true;
  'oauth_state.pkce_verifier': true;
  /** The provider's authorization URL of an `oauth.authorizeUrl` flow (it carries the state). */
  'oauth_state.authorize_url': true;
  'connect_link.grant': true;
  'run.result': true;
  'run.runtime_credentials': true;
  'temporal.payload': true;
  'tenant_webhook.secret': true;
  'tenant_webhook.previous_secret': true;
  /** Payloads the codec endpoint seals for the Temporal UI: never accepted by a worker. */
  'temporal.ui_payload': true;
}

export type RecordKind = keyof RecordKinds & string;

export const RECORD_KINDS = [
  'integration.credentials',
  'integration.oauth_client_secret',
  'connection.credentials',
  'oauth_state.pkce_verifier',
  'oauth_state.authorize_url',
  'connect_link.grant',
  'run.result',
  'run.runtime_credentials',
  'temporal.payload',
  'tenant_webhook.secret',
  'tenant_webhook.previous_secret',
  'temporal.ui_payload',
] as const satisfies readonly RecordKind[];

/** What a sealed value belongs to; the same context must be given to open it. */
export interface SealContext {
  tenantId: string;
  kind: RecordKind;
  /** The id of the row (or payload) the value is stored in, exactly as stored. */
  recordId: string;
  /** The end user the value belongs to; null or absent for tenant-wide values. */
  userId?: string | null;
}
