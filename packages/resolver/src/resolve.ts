import {
  type AuthScheme,
  type CredentialMap,
  type MappedRequest,
  mapRequest,
  type RequestTemplate,
  type Variables,
} from '@latchkey/credential-mapper';
import { type CredentialsForRequest, type Db, findCredentialsForRequest } from '@latchkey/db';
import { getTemplate, type RateLimitRules } from '@latchkey/oauth';
import {
  connectionCredentialsContext,
  integrationCredentialsContext,
  type Vault,
} from '@latchkey/vault';

export interface ResolveDeps {
  db: Db;
  vault: Pick<Vault, 'openJson'>;
}

export interface ResolveInput {
  tenantId: string;
  integrationId: string;
  /** The end user whose connection supplies credentials; none for tenant-wide calls. */
  userId?: string | null;
  /** Passed with one run; they win over stored ones and are never stored. */
  runtimeCredentials?: CredentialMap;
  request?: RequestTemplate;
  variables?: Variables;
  /**
   * The integration and connection rows, when the caller has just read them (the wider
   * `findIntegrationForRequest` result will do).
   */
  prefetched?: CredentialsForRequest;
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
 * Turns a step's request template into a concrete request: one database read, the stored
 * credentials opened in memory, then the credential mapper. The result carries the secret
 * values it used (`secrets`) so callers can redact anything derived from it.
 */
export async function resolveRequest(
  deps: ResolveDeps,
  input: ResolveInput,
): Promise<ResolvedRequest> {
  const found =
    input.prefetched ??
    (await findCredentialsForRequest(
      deps.db,
      input.tenantId,
      input.integrationId,
      input.userId ?? null,
    ));
  if (!found) throw new IntegrationNotFoundError(input.integrationId);
  const { integration, connection } = found;
  const [integrationCredentials, connectionCredentials] = await Promise.all([
    integration.encrypted_credentials
      ? deps.vault.openJson<CredentialMap>(
          integrationCredentialsContext(input.tenantId, integration.id),
          integration.encrypted_credentials,
        )
      : undefined,
    connection?.encrypted_credentials
      ? deps.vault.openJson<CredentialMap>(
          connectionCredentialsContext(input.tenantId, connection.id, connection.user_id),
          connection.encrypted_credentials,
        )
      : undefined,
  ]);
  const template = integration.template_id ? getTemplate(integration.template_id) : undefined;
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
      auth: (integration.auth as AuthScheme | null) ?? undefined,
      templateId: integration.template_id ?? undefined,
      credentials: integrationCredentials,
      credentialDefaults: template?.credentialDefaults,
    },
    connectionCredentials,
    runtimeCredentials: input.runtimeCredentials,
    request,
    variables: input.variables,
    templateAuth: template?.auth,
  });
  if (!template) return mapped;
  return { ...mapped, templateId: template.id, rateLimit: template.rateLimit };
}
