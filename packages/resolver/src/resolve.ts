import {
  type CredentialMap,
  type MappedRequest,
  mapRequest,
  type RequestTemplate,
  type Variables,
} from '@latchkey/credential-mapper';
import { type Db, findIntegrationForRequest, type IntegrationForRequest } from '@latchkey/db';
import { getTemplate, type IntegrationTemplate, type RateLimitRules } from '@latchkey/oauth';
import {
  connectionCredentialsContext,
  integrationCredentialsContext,
  type Vault,
} from '@latchkey/vault';

export interface ResolveDeps {
  db: Db;
  vault: Pick<Vault, 'openJson'>;
}

/** Whose credentials a request uses: one integration, and the end user's connection to it. */
export interface CredentialsKey {
  tenantId: string;
  integrationId: string;
  /** The end user whose connection supplies credentials; none for tenant-wide calls. */
  userId?: string | null;
}

/** What one step's run-time inputs add to the stored credentials. */
export interface RequestInput {
  /** Passed with one run; they win over stored ones and are never stored. */
  runtimeCredentials?: CredentialMap;
  request?: RequestTemplate;
  variables?: Variables;
}

export interface ResolveInput extends CredentialsKey, RequestInput {
  /** The integration and connection rows, when the caller has just read them. */
  prefetched?: IntegrationForRequest;
}

/**
 * The stored side of a request, read and opened once: the rows, their credential bags in
 * plaintext, and the integration's catalogue template. A step maps each of its requests (every
 * page) from one of these; only a forced token refresh makes it load another.
 */
export interface RequestCredentials {
  integration: IntegrationForRequest['integration'];
  connection: IntegrationForRequest['connection'];
  integrationCredentials: CredentialMap | undefined;
  connectionCredentials: CredentialMap | undefined;
  template: IntegrationTemplate | undefined;
}

/**
 * The mapped request, with what the integration's catalogue template says about the provider
 * beyond the request itself: its id, and the headers that carry the retry time.
 */
export type ResolvedRequest = MappedRequest & {
  templateId?: string;
  rateLimit?: RateLimitRules;
};

export class IntegrationNotFoundError extends Error {
  override readonly name = 'IntegrationNotFoundError';
  constructor(readonly integrationId: string) {
    super(`No integration '${integrationId}'`);
  }
}

/**
 * One database read (skipped when `prefetched` is given, such as the rows `ensureFreshToken`
 * has just read) and one vault open per sealed bag.
 */
export async function loadRequestCredentials(
  deps: ResolveDeps,
  key: CredentialsKey,
  prefetched?: IntegrationForRequest,
): Promise<RequestCredentials> {
  const found =
    prefetched ??
    (await findIntegrationForRequest(deps.db, key.tenantId, key.integrationId, key.userId ?? null));
  if (!found) throw new IntegrationNotFoundError(key.integrationId);
  const { integration, connection } = found;
  const [integrationCredentials, connectionCredentials] = await Promise.all([
    integration.encrypted_credentials
      ? deps.vault.openJson<CredentialMap>(
          integrationCredentialsContext(key.tenantId, integration.id),
          integration.encrypted_credentials,
        )
      : undefined,
    connection?.encrypted_credentials
      ? deps.vault.openJson<CredentialMap>(
          connectionCredentialsContext(key.tenantId, connection.id, connection.user_id),
          connection.encrypted_credentials,
        )
      : undefined,
  ]);
  const template = integration.template_id ? getTemplate(integration.template_id) : undefined;
  return { integration, connection, integrationCredentials, connectionCredentials, template };
}

/**
 * Turns a request template into a concrete request from loaded credentials: no I/O, so a
 * paginated step calls it for every page. The result carries the secret values it used
 * (`secrets`) so callers can redact anything derived from it.
 */
export function mapLoadedRequest(
  credentials: RequestCredentials,
  input: RequestInput,
): ResolvedRequest {
  const { integration, template } = credentials;
  // Templates add what every request to that API needs (a version header, the fixed Basic
  // user of some key-based APIs); anything stored or passed wins over them.
  const request: RequestTemplate | undefined = template?.headers
    ? { ...input.request, headers: { ...template.headers, ...input.request?.headers } }
    : input.request;
  const mapped = mapRequest({
    integration: {
      id: integration.id,
      urlHost: integration.url_host,
      urlPath: integration.url_path,
      auth: integration.auth ?? undefined,
      templateId: integration.template_id ?? undefined,
      credentials: credentials.integrationCredentials,
      credentialDefaults: template?.credentialDefaults,
    },
    connectionCredentials: credentials.connectionCredentials,
    runtimeCredentials: input.runtimeCredentials,
    request,
    variables: input.variables,
    templateAuth: template?.auth,
  });
  if (!template) return mapped;
  return { ...mapped, templateId: template.id, rateLimit: template.rateLimit };
}

/** Loads and maps one request: for callers that send a single one. */
export async function resolveRequest(
  deps: ResolveDeps,
  input: ResolveInput,
): Promise<ResolvedRequest> {
  return mapLoadedRequest(await loadRequestCredentials(deps, input, input.prefetched), input);
}
