import type { AuthScheme } from '@latchkey/credential-mapper';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { StepStats, StoredOAuthSettings, StoredStep } from './json-columns';

export type { StepStats, StoredOAuthSettings, StoredStep } from './json-columns';

/**
 * The Kysely view of the database. Every tenant-owned table carries `tenant_id`, and
 * every `encrypted_*` column holds a vault ciphertext (see @latchkey/vault), never plaintext.
 */
export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  tenant_keys: TenantKeysTable;
  integrations: IntegrationsTable;
  connections: ConnectionsTable;
  oauth_states: OAuthStatesTable;
  connect_links: ConnectLinksTable;
  workflows: WorkflowsTable;
  runs: RunsTable;
  audit_events: AuditEventsTable;
  run_keys: RunKeysTable;
  rate_limits: RateLimitsTable;
  tenant_webhooks: TenantWebhooksTable;
  tenant_events: TenantEventsTable;
  event_deliveries: EventDeliveriesTable;
  event_delivery_attempts: EventDeliveryAttemptsTable;
}

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** JSON columns: written as a serialised string or value, read back parsed. */
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/**
 * A reserved tenant that owns the platform's own encryption scope (Temporal payloads that
 * belong to no tenant, such as encoded failure attributes). It has no API keys and no
 * integrations; the api refuses to create keys for it. Migration 0002 inserts it; it is
 * defined here so packages can name it through the pure `@latchkey/db/schema` entry.
 */
export const PLATFORM_TENANT_ID = '00000000-0000-0000-0000-000000000000';

export interface TenantsTable {
  id: Generated<string>;
  name: string;
  /** Origins (`https://app.example.com`) an admin key registered: return URLs must match one. */
  return_origins: ColumnType<string[], string[] | undefined, string[]>;
  created_at: CreatedAt;
}

export const API_KEY_SCOPES = ['admin', 'integrations', 'workflows', 'runs', 'codec'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeysTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  /** The first characters of the key, shown to humans to tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key, hex. Keys are 256-bit random, so a fast hash is enough. */
  key_hash: string;
  scopes: ApiKeyScope[];
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface TenantKeysTable {
  tenant_id: string;
  version: number;
  /** Which master key wrapped `wrapped_key`. */
  master_key_id: string;
  /** The tenant's data key sealed by the master key (vault format). */
  wrapped_key: Buffer;
  created_at: CreatedAt;
}

/** The outcomes of a credential test (`integrations.test`). */
export const CREDENTIAL_TEST_OUTCOMES = [
  'ok',
  'invalid_credentials',
  'insufficient_scope',
  'unreachable',
  'unexpected_status',
] as const;
export type CredentialTestOutcome = (typeof CREDENTIAL_TEST_OUTCOMES)[number];

/** The last credential test of an integration or a connection. Never holds a secret. */
export interface CredentialHealth {
  outcome: CredentialTestOutcome;
  /** The HTTP status the verification request got, when it got one. */
  status?: number;
  /** Redacted, for a human. */
  message: string;
  /** ISO 8601. */
  checkedAt: string;
}

export interface IntegrationsTable {
  tenant_id: string;
  id: string;
  name: string;
  url_host: string;
  url_path: string;
  /**
   * The declared auth scheme as the api validated it (credential-mapper's `AuthScheme`); null
   * means the template's or the default.
   */
  auth: NullableJson<AuthScheme>;
  template_id: string | null;
  instructions: string | null;
  docs_url: string | null;
  encrypted_credentials: Buffer | null;
  /** Credential names with a masked hint each; never a value. */
  credential_hints: Json<Record<string, string>>;
  /** OAuth client settings without the secret (client id, scopes, endpoints). */
  oauth: NullableJson<StoredOAuthSettings>;
  encrypted_oauth_client_secret: Buffer | null;
  /** The last test of the integration's own credentials. */
  health: NullableJson<CredentialHealth>;
  /** Bumped on every write; writers compare it to avoid lost updates. */
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export const CONNECTION_STATUSES = [
  'active',
  'needs_reauth',
  'insufficient_scope',
  'error',
  /** The last background (or manual) credential test failed; runs still try it. */
  'unhealthy',
] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/**
 * The user id of an integration's own connection: OAuth tokens given with the integration
 * itself rather than by an end user, used by runs that name no user. API user ids are never
 * empty, so no end user can claim it.
 */
export const INTEGRATION_OWN_USER = '';

export interface ConnectionsTable {
  id: Generated<string>;
  tenant_id: string;
  integration_id: string;
  user_id: string;
  encrypted_credentials: Buffer | null;
  credential_hints: Json<Record<string, string>>;
  status: ColumnType<ConnectionStatus, ConnectionStatus | undefined, ConnectionStatus>;
  expires_at: Timestamp | null;
  /** When the current access token was obtained; with `expires_at`, its lifetime. */
  token_obtained_at: ColumnType<
    Date | null,
    Date | string | null | undefined,
    Date | string | null
  >;
  granted_scopes: ColumnType<string[], string[] | undefined, string[]>;
  last_refresh_at: Timestamp | null;
  last_error: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  /** The last credential test of this connection. */
  health: NullableJson<CredentialHealth>;
  /** Who is refreshing this connection's token right now (a random id per attempt), if anyone. */
  refresh_lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  /** When that refresh lease lapses: past it, another caller may take over (a crashed holder). */
  refresh_lease_until: ColumnType<
    Date | null,
    Date | string | null | undefined,
    Date | string | null
  >;
  /** When a run last used it (touched at most hourly); null if never. */
  last_used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** When its credentials were last tested (by hand or by the health schedule). */
  last_checked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** Bumped on every write; writers compare it to avoid lost updates. */
  version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OAuthStatesTable {
  id: Generated<string>;
  tenant_id: string;
  integration_id: string;
  user_id: string;
  /** SHA-256 of the state parameter, hex: the state itself is never stored. */
  state_hash: string;
  encrypted_pkce_verifier: Buffer;
  redirect_uri: string;
  return_url: string | null;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  /** SHA-256 of the cookie secret of the browser that started the flow (hex). */
  browser_hash: string | null;
  /** The connect link the flow came from, spent when the connection is made. */
  connect_link_id: string | null;
  /** SHA-256 (hex) of the single-use start URL's token (`oauth.authorizeUrl` flows). */
  start_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** The provider's authorization URL, sealed: opened once, by the browser that starts. */
  encrypted_authorize_url: ColumnType<Buffer | null, Buffer | null | undefined, Buffer | null>;
  created_at: CreatedAt;
}

export interface ConnectLinksTable {
  id: string;
  tenant_id: string;
  integration_id: string;
  user_id: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface WorkflowsTable {
  tenant_id: string;
  id: string;
  version: number;
  instruction: string;
  integration_ids: string[];
  steps: Json<StoredStep[]>;
  input_schema: NullableJson<Record<string, unknown>>;
  response_schema: NullableJson<Record<string, unknown>>;
  created_at: CreatedAt;
}

export const RUN_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunsTable {
  id: Generated<string>;
  tenant_id: string;
  workflow_id: string;
  workflow_version: number;
  user_id: string | null;
  temporal_workflow_id: string;
  temporal_run_id: string | null;
  status: ColumnType<RunStatus, RunStatus | undefined, RunStatus>;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  step_stats: Json<StepStats[]>;
  encrypted_result: Buffer | null;
  /** Already redacted before it is written. */
  error: string | null;
  created_at: CreatedAt;
}

export interface RunKeysTable {
  run_id: string;
  tenant_id: string;
  /** The run's key, sealed by the tenant key (kind `run.runtime_credentials`). */
  encrypted_key: Buffer;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<string>;
  tenant_id: string;
  /** `api_key:<id>`, `system`, `cli`, ... */
  actor: string;
  action: string;
  target_kind: string;
  target_id: string;
  user_id: string | null;
  details: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

/** One webhook endpoint per tenant; secrets are vault ciphertexts (kind `tenant_webhook.secret`). */
export interface TenantWebhooksTable {
  tenant_id: string;
  url: string;
  encrypted_secret: Buffer;
  /** A masked hint of the current secret, to tell secrets apart. */
  secret_hint: string;
  /** After a rotation, the old secret signs too until `previous_secret_expires_at`. */
  encrypted_previous_secret: Buffer | null;
  previous_secret_expires_at: Timestamp | null;
  /** Bumped on each rotation; part of the secret's seal context. */
  secret_version: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export const TENANT_EVENT_TYPES = [
  'connection.needs_reauth',
  'connection.unhealthy',
  'connection.recovered',
  'connection.created',
  'run.failed',
] as const;
export type TenantEventType = (typeof TENANT_EVENT_TYPES)[number];

export interface TenantEventsTable {
  id: Generated<string>;
  tenant_id: string;
  type: TenantEventType;
  /** Ids, names and codes only: never a secret. */
  data: Json<Record<string, unknown>>;
  created_at: CreatedAt;
}

export const EVENT_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'no_endpoint'] as const;
export type EventDeliveryStatus = (typeof EVENT_DELIVERY_STATUSES)[number];

export interface EventDeliveriesTable {
  id: Generated<string>;
  tenant_id: string;
  event_id: string;
  status: ColumnType<EventDeliveryStatus, EventDeliveryStatus | undefined, EventDeliveryStatus>;
  /** Why a delivery failed or gave up, for a human. */
  reason: string | null;
  /** When its delivery workflow was started; null while it still has to be. */
  workflow_started_at: Timestamp | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface EventDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  tenant_id: string;
  url: string;
  /** The endpoint's HTTP status; null when no answer came (network error, timeout). */
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  at: CreatedAt;
}

export type Tenant = Selectable<TenantsTable>;
export type NewTenant = Insertable<TenantsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type NewApiKey = Insertable<ApiKeysTable>;
export type TenantKey = Selectable<TenantKeysTable>;
export type Integration = Selectable<IntegrationsTable>;
export type NewIntegration = Insertable<IntegrationsTable>;
export type IntegrationUpdate = Updateable<IntegrationsTable>;
export type Connection = Selectable<ConnectionsTable>;
export type NewConnection = Insertable<ConnectionsTable>;
export type ConnectionUpdate = Updateable<ConnectionsTable>;
export type OAuthState = Selectable<OAuthStatesTable>;
export type ConnectLink = Selectable<ConnectLinksTable>;
export type Workflow = Selectable<WorkflowsTable>;
export type Run = Selectable<RunsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;

/** rate-limiter-flexible's counters (its own shape): expire is epoch milliseconds. */
export interface RateLimitsTable {
  key: string;
  points: ColumnType<number, number | undefined, number>;
  expire: string | null;
}
export type TenantWebhook = Selectable<TenantWebhooksTable>;
export type TenantEvent = Selectable<TenantEventsTable>;
export type EventDelivery = Selectable<EventDeliveriesTable>;
export type EventDeliveryAttempt = Selectable<EventDeliveryAttemptsTable>;
