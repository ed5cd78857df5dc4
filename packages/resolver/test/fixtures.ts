import { randomUUID } from 'node:crypto';
import type { AuthScheme, CredentialMap } from '@latchkey/credential-mapper';
import { type Db, insertConnection, insertIntegration, insertTenant } from '@latchkey/db';
import type { Vault } from '@latchkey/vault';

/** Writes rows the way the API does (sealed bags, hints), without going through the API. */
export async function seedTenant(db: Db, name: string): Promise<string> {
  return (await insertTenant(db, name)).id;
}

export async function seedIntegration(
  db: Db,
  vault: Vault,
  tenantId: string,
  integration: {
    id: string;
    urlHost: string;
    urlPath?: string;
    auth?: AuthScheme;
    templateId?: string;
    credentials?: CredentialMap;
  },
): Promise<void> {
  const sealed = integration.credentials
    ? await vault.sealJson(
        { tenantId, kind: 'integration.credentials', recordId: integration.id, userId: null },
        integration.credentials,
      )
    : null;
  await insertIntegration(db, tenantId, integration.id, {
    name: integration.id,
    url_host: integration.urlHost,
    url_path: integration.urlPath ?? '',
    auth: integration.auth ? JSON.stringify(integration.auth) : null,
    template_id: integration.templateId ?? null,
    instructions: null,
    docs_url: null,
    encrypted_credentials: sealed,
    credential_hints: '{}',
    oauth: null,
    encrypted_oauth_client_secret: null,
  });
}

export async function seedConnection(
  db: Db,
  vault: Vault,
  tenantId: string,
  connection: { integrationId: string; userId: string; credentials: CredentialMap },
): Promise<string> {
  const id = randomUUID();
  await insertConnection(db, {
    id,
    tenantId,
    integrationId: connection.integrationId,
    userId: connection.userId,
    encrypted_credentials: await vault.sealJson(
      { tenantId, kind: 'connection.credentials', recordId: id, userId: connection.userId },
      connection.credentials,
    ),
    credential_hints: '{}',
    status: 'active',
    expires_at: null,
    granted_scopes: [],
  });
  return id;
}
