import {
  appendAudit,
  type Db,
  deleteIntegration as deleteIntegrationRow,
  findIntegration,
  type Integration,
  type IntegrationWrite,
  insertIntegration,
  listConnectionIds,
  listIntegrations as listIntegrationRows,
  updateIntegration,
} from '@latchkey/db';
import { getTemplate, type IntegrationTemplate } from '@latchkey/oauth';
import { changeBag, hintList, openBag, sealBag } from '@latchkey/resolver';
import { maskSecret, type SealContext, type Vault } from '@latchkey/vault';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { splitUrl } from '../validation/fields';
import type { IntegrationUpsertInput, OAuthSettingsInput } from '../validation/integration-input';
import type { Actor } from './actor';
import { type RefresherDeps, stopRefresher } from './refresher';

export interface IntegrationServiceDeps {
  db: Db;
  vault: Pick<Vault, 'sealJson' | 'openJson' | 'seal'>;
}

const credentialsContext = (tenantId: string, id: string): SealContext => ({
  tenantId,
  kind: 'integration.credentials',
  recordId: id,
  userId: null,
});

const clientSecretContext = (tenantId: string, id: string): SealContext => ({
  tenantId,
  kind: 'integration.oauth_client_secret',
  recordId: id,
  userId: null,
});

type StoredOAuth = Omit<OAuthSettingsInput, 'clientSecret'> & { clientSecretHint?: string };

/** What callers see: credential names with masked hints, never a value. */
export function integrationView(row: Integration) {
  const oauth = row.oauth as StoredOAuth | null;
  return {
    id: row.id,
    name: row.name,
    urlHost: row.url_host,
    urlPath: row.url_path,
    auth: row.auth,
    templateId: row.template_id,
    instructions: row.instructions,
    docsUrl: row.docs_url,
    credentials: hintList(row.credential_hints),
    oauth: oauth
      ? {
          clientId: oauth.clientId ?? null,
          scopes: oauth.scopes ?? [],
          authorizeUrl: oauth.authorizeUrl ?? null,
          tokenUrl: oauth.tokenUrl ?? null,
          revokeUrl: oauth.revokeUrl ?? null,
          extraAuthorizeParams: oauth.extraAuthorizeParams ?? {},
          clientSecret: row.encrypted_oauth_client_secret
            ? { set: true as const, hint: oauth.clientSecretHint ?? '' }
            : null,
        }
      : null,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type IntegrationView = ReturnType<typeof integrationView>;

function resolveTemplate(templateId: string | null | undefined): IntegrationTemplate | undefined {
  if (!templateId) return undefined;
  const template = getTemplate(templateId);
  if (!template) {
    throw new InvalidInputError(
      'templateId',
      `unknown template '${templateId}' (integrations.templates lists them)`,
    );
  }
  return template;
}

/** The row's non-secret columns after applying the input over what is stored (or the template). */
function mergeFields(input: IntegrationUpsertInput, existing: Integration | undefined) {
  const templateId =
    input.templateId === undefined ? (existing?.template_id ?? null) : input.templateId;
  const template = resolveTemplate(input.templateId);
  let urlHost = input.urlHost ?? existing?.url_host ?? template?.urlHost;
  let urlPath = input.urlPath ?? existing?.url_path ?? template?.urlPath ?? '';
  if (!urlHost) {
    throw new InvalidInputError(
      'urlHost',
      'required to create an integration (or give a templateId)',
    );
  }
  if (input.urlHost !== undefined && input.urlPath === undefined) {
    // `https://api.stripe.com/v1` given as the host: keep the path part as urlPath.
    const split = splitUrl(urlHost);
    if (split.path && split.path !== '/') {
      urlHost = split.host;
      urlPath = split.path;
    }
  }
  const pick = <T>(given: T | undefined, stored: T | undefined, fallback: T): T =>
    given !== undefined ? given : stored !== undefined ? stored : fallback;
  return {
    name: input.name ?? existing?.name ?? template?.name ?? input.id,
    url_host: urlHost,
    url_path: urlPath,
    auth: pick(input.auth, existing?.auth ?? undefined, template?.auth ?? null),
    template_id: templateId,
    instructions: pick(
      input.instructions,
      existing?.instructions ?? undefined,
      template?.instructions ?? null,
    ),
    docs_url: pick(input.docsUrl, existing?.docs_url ?? undefined, template?.docsUrl ?? null),
    template,
  };
}

/** OAuth settings: non-secret fields merged, client secret sealed on its own. */
async function mergeOAuth(
  deps: IntegrationServiceDeps,
  tenantId: string,
  input: IntegrationUpsertInput,
  existing: Integration | undefined,
  template: IntegrationTemplate | undefined,
) {
  const stored = (existing?.oauth ?? null) as StoredOAuth | null;
  if (input.oauth === null) return { oauth: null, sealedSecret: null, changed: true };
  if (input.oauth === undefined) {
    if (stored || !template?.oauth) {
      return {
        oauth: stored,
        sealedSecret: existing?.encrypted_oauth_client_secret ?? null,
        changed: false,
      };
    }
  }
  const { clientSecret, ...settings } = input.oauth ?? {};
  const defaults: StoredOAuth = template?.oauth
    ? {
        scopes: template.oauth.defaultScopes,
        authorizeUrl: template.oauth.authorizeUrl,
        tokenUrl: template.oauth.tokenUrl,
        revokeUrl: template.oauth.revokeUrl,
        extraAuthorizeParams: template.oauth.extraAuthorizeParams,
      }
    : {};
  const oauth: StoredOAuth = { ...defaults, ...stored, ...settings };
  let sealedSecret = existing?.encrypted_oauth_client_secret ?? null;
  if (clientSecret !== undefined) {
    sealedSecret = await deps.vault.seal(clientSecretContext(tenantId, input.id), clientSecret);
    oauth.clientSecretHint = maskSecret(clientSecret);
  }
  return { oauth, sealedSecret, changed: input.oauth !== undefined };
}

const MAX_ATTEMPTS = 3;

/**
 * Creates or updates an integration. Fields not given are kept; credentials not mentioned
 * are kept unless `replaceCredentials` or `removeCredentials` says otherwise. Sealing happens
 * before the write; the row and its audit event are written in one transaction, and a
 * concurrent writer makes us re-read and re-apply rather than overwrite.
 */
export async function upsertIntegration(
  deps: IntegrationServiceDeps,
  actor: Actor,
  input: IntegrationUpsertInput,
): Promise<IntegrationView> {
  const { tenantId } = actor;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const existing = await findIntegration(deps.db, tenantId, input.id);
    const { template, ...fields } = mergeFields(input, existing);
    const ctx = credentialsContext(tenantId, input.id);
    const stored = await openBag(deps.vault, ctx, existing?.encrypted_credentials ?? null);
    const { bag, diff } = changeBag(stored, {
      set: input.credentials,
      remove: input.removeCredentials,
      replace: input.replaceCredentials,
    });
    const sealed = await sealBag(deps.vault, ctx, bag);
    const oauth = await mergeOAuth(deps, tenantId, input, existing, template);
    const values: IntegrationWrite = {
      ...fields,
      auth: fields.auth === null ? null : JSON.stringify(fields.auth),
      encrypted_credentials: sealed.sealed,
      credential_hints: JSON.stringify(sealed.hints),
      oauth: oauth.oauth === null ? null : JSON.stringify(oauth.oauth),
      encrypted_oauth_client_secret: oauth.sealedSecret,
    };
    const row = await deps.db.transaction().execute(async (trx) => {
      const written = existing
        ? await updateIntegration(trx, tenantId, input.id, existing.version, values)
        : await insertIntegration(trx, tenantId, input.id, values);
      if (!written) return undefined;
      await appendAudit(trx, {
        tenantId,
        actor: actor.actor,
        action: existing ? 'integration.update' : 'integration.create',
        targetKind: 'integration',
        targetId: input.id,
        details: {
          credentialsSet: diff.set,
          credentialsRemoved: diff.removed,
          oauthChanged: oauth.changed,
          clientSecretSet: input.oauth?.clientSecret !== undefined,
          templateId: fields.template_id,
        },
      });
      return written;
    });
    if (row) return integrationView(row);
  }
  throw new ConflictError(`integration '${input.id}' is being changed concurrently; try again`);
}

export async function getIntegration(
  db: Db,
  tenantId: string,
  id: string,
): Promise<IntegrationView> {
  const row = await findIntegration(db, tenantId, id);
  if (!row) throw new NotFoundError(`No integration '${id}'`);
  return integrationView(row);
}

export async function listIntegrations(db: Db, tenantId: string): Promise<IntegrationView[]> {
  return (await listIntegrationRows(db, tenantId)).map(integrationView);
}

/**
 * Deletes an integration with its connections (they cannot outlive it), and stops those
 * connections' refreshers.
 */
export async function deleteIntegration(
  deps: { db: Db } & RefresherDeps,
  actor: Actor,
  id: string,
): Promise<void> {
  const connectionIds = await deps.db.transaction().execute(async (trx) => {
    // The connections go by cascade; their ids are read first to stop their refreshers.
    const ids = await listConnectionIds(trx, actor.tenantId, id);
    if (!(await deleteIntegrationRow(trx, actor.tenantId, id))) {
      throw new NotFoundError(`No integration '${id}'`);
    }
    await appendAudit(trx, {
      tenantId: actor.tenantId,
      actor: actor.actor,
      action: 'integration.delete',
      targetKind: 'integration',
      targetId: id,
      details: { connectionsDeleted: ids.length },
    });
    return ids;
  });
  // Otherwise each would sleep on in Temporal until its next planned refresh found it gone.
  for (let i = 0; i < connectionIds.length; i += REFRESHERS_STOPPED_AT_ONCE) {
    await Promise.all(
      connectionIds
        .slice(i, i + REFRESHERS_STOPPED_AT_ONCE)
        .map((connectionId) => stopRefresher(deps, actor.tenantId, connectionId)),
    );
  }
}

/** Termination requests to Temporal in flight at once when an integration goes. */
const REFRESHERS_STOPPED_AT_ONCE = 16;
