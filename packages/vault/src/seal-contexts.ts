import type { RecordKind, SealContext } from './types';

/**
 * The one place each record kind's context is built. Writers, readers and the re-seal registry
 * (sealed-columns.ts) all call these, so a value is always opened under the context it was
 * sealed with; before, each of them spelled the context out and only a convention kept them
 * equal. What these return is bound into every stored ciphertext of the kind: changing a field
 * makes existing values unreadable (test/seal-contexts.test.ts pins the bytes).
 */
export type SealContextOf<K extends RecordKind> = SealContext & { kind: K };

const tenantWide = <K extends RecordKind>(
  tenantId: string,
  kind: K,
  recordId: string,
): SealContextOf<K> => ({ tenantId, kind, recordId, userId: null });

/** `integrations.encrypted_credentials`: the integration's own credential bag. */
export const integrationCredentialsContext = (tenantId: string, integrationId: string) =>
  tenantWide(tenantId, 'integration.credentials', integrationId);

/** `integrations.encrypted_oauth_client_secret`. */
export const integrationClientSecretContext = (tenantId: string, integrationId: string) =>
  tenantWide(tenantId, 'integration.oauth_client_secret', integrationId);

/** `connections.encrypted_credentials`: one end user's credential bag, bound to that user. */
export const connectionCredentialsContext = (
  tenantId: string,
  connectionId: string,
  userId: string,
): SealContextOf<'connection.credentials'> => ({
  tenantId,
  kind: 'connection.credentials',
  recordId: connectionId,
  userId,
});

/** `oauth_states.encrypted_pkce_verifier`, bound to the user the flow connects. */
export const pkceVerifierContext = (
  tenantId: string,
  oauthStateId: string,
  userId: string,
): SealContextOf<'oauth_state.pkce_verifier'> => ({
  tenantId,
  kind: 'oauth_state.pkce_verifier',
  recordId: oauthStateId,
  userId,
});

/** `oauth_states.encrypted_authorize_url`: the provider's URL a start link redirects to. */
export const authorizeUrlContext = (
  tenantId: string,
  oauthStateId: string,
  userId: string,
): SealContextOf<'oauth_state.authorize_url'> => ({
  tenantId,
  kind: 'oauth_state.authorize_url',
  recordId: oauthStateId,
  userId,
});

/** A connect link's grant (sealed into the link's token, not stored in a column). */
export const connectLinkGrantContext = (tenantId: string, linkId: string) =>
  tenantWide(tenantId, 'connect_link.grant', linkId);

/** `runs.encrypted_result`, bound to the run's end user (null for tenant-wide runs). */
export const runResultContext = (
  tenantId: string,
  runId: string,
  userId: string | null | undefined,
): SealContextOf<'run.result'> => ({
  tenantId,
  kind: 'run.result',
  recordId: runId,
  userId: userId ?? null,
});

/** `run_keys.encrypted_key`: the per-run key that seals a run's runtime credentials. */
export const runKeyContext = (tenantId: string, runId: string) =>
  tenantWide(tenantId, 'run.runtime_credentials', runId);

/**
 * `tenant_webhooks.encrypted_secret` (current) and `encrypted_previous_secret` (during a
 * rotation's overlap): one row per tenant, so the record is the tenant.
 */
export const webhookSecretContext = (tenantId: string, which: 'current' | 'previous') =>
  tenantWide(
    tenantId,
    which === 'current' ? 'tenant_webhook.secret' : 'tenant_webhook.previous_secret',
    tenantId,
  );
