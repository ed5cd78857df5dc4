import {
  appendAudit,
  type Connection,
  type Db,
  deleteIntegrationConnections,
  deleteIntegration as deleteIntegrationRow,
  findConnection,
  findIntegration,
  INTEGRATION_OWN_USER,
  type Integration,
  type IntegrationWrite,
  insertIntegration,
  listConnectionIds,
  listConnections as listConnectionRows,
  listIntegrations as listIntegrationRows,
  type StoredOAuthSettings,
  updateIntegration,
} from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import { detectTemplate, getTemplate, type IntegrationTemplate, TEMPLATES } from '@latchkey/oauth';
import {
  hintList,
  integrationClientSecretContext,
  integrationCredentialsContext,
  maskSecret,
  openBag,
  sealBag,
  type Vault,
} from '@latchkey/vault';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { splitUrl } from '../validation/fields';
import type { IntegrationUpsertInput, OAuthSettingsInput } from '../validation/integration-input';
import type { Actor } from './actor';
import {
  afterConnectionWrite,
  connectionView,
  sealConnectionChange,
  writeConnectionChange,
} from './connections';
import {
  changeBoundBag,
  checkNoSecretsInUrl,
  clientSecretMoved,
  describeDestinationChange,
} from './integration-destination';
import { checkIntegrationEgress } from './integration-egress';
import { type OAuthCredentials, splitOAuthCredentials } from './oauth-credentials';
import { type RefresherDeps, stopRefresher } from './refresher';

export interface IntegrationServiceDeps extends RefresherDeps {
  db: Db;
  vault: Pick<Vault, 'sealJson' | 'openJson' | 'seal' | 'keyedHash'>;
  egress: Pick<EgressPolicy, 'checkUrl'>;
}

/** An upsert after OAuth values given in `credentials` were moved into `oauth`. */
type UpsertInput = Omit<IntegrationUpsertInput, 'oauth'> & {
  oauth?: Partial<OAuthSettingsInput> | null;
};

/** What callers see: credential names with masked hints, never a value. */
export function integrationView(row: Integration, ownConnection?: Connection) {
  const oauth = row.oauth;
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
    /** The integration's own OAuth tokens (given in `credentials` or connected without a user). */
    connection: ownConnection ? connectionView(ownConnection) : null,
    /** The last credential test of the stored credentials (`integrations.test`). */
    health: row.health,
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

/** Where the template came from: given, kept from the stored row, or detected on create. */
interface TemplateChoice {
  templateId: string | null;
  source: 'input' | 'stored' | 'urlHost' | 'id' | null;
  /** Templates that matched a detection without a single winner. */
  ambiguous: string[];
}

function chooseTemplate(input: IntegrationUpsertInput, existing?: Integration): TemplateChoice {
  if (input.templateId !== undefined) {
    return {
      templateId: input.templateId,
      source: input.templateId ? 'input' : null,
      ambiguous: [],
    };
  }
  if (existing) {
    return {
      templateId: existing.template_id,
      source: existing.template_id ? 'stored' : null,
      ambiguous: [],
    };
  }
  const detected = detectTemplate(TEMPLATES, {
    urlHost: input.urlHost,
    id: input.id,
    credentialNames: Object.keys(input.credentials ?? {}),
  });
  if (detected.template) {
    return { templateId: detected.template.id, source: detected.from ?? null, ambiguous: [] };
  }
  return {
    templateId: null,
    source: null,
    ambiguous: detected.candidates.length > 1 ? detected.candidates : [],
  };
}

/** `https://api.stripe.com/v1` as urlHost: the path part joins urlPath. */
function splitHostAndPath(urlHost: string, urlPath: string | undefined) {
  const split = splitUrl(urlHost);
  if (!split.path || split.path === '/') return { urlHost, urlPath };
  const rest = urlPath && urlPath !== '/' ? urlPath.replace(/^\/?/, '/') : '';
  return { urlHost: split.host, urlPath: `${split.path.replace(/\/+$/, '')}${rest}` };
}

/** The row's non-secret columns after applying the input over what is stored (or the template). */
function mergeFields(
  input: IntegrationUpsertInput,
  existing: Integration | undefined,
  choice: TemplateChoice,
) {
  const template = resolveTemplate(choice.templateId);
  const given =
    input.urlHost !== undefined ? splitHostAndPath(input.urlHost, input.urlPath) : input;
  const urlHost = given.urlHost ?? existing?.url_host ?? template?.urlHost;
  const urlPath = given.urlPath ?? existing?.url_path ?? template?.urlPath ?? '';
  if (!urlHost) {
    throw new InvalidInputError(
      'urlHost',
      'required to create an integration (or give a templateId)' +
        (choice.ambiguous.length ? `; templates that match: ${choice.ambiguous.join(', ')}` : ''),
    );
  }
  const pick = <T>(given: T | undefined, stored: T | undefined, fallback: T): T =>
    given !== undefined ? given : stored !== undefined ? stored : fallback;
  return {
    name: input.name ?? existing?.name ?? template?.name ?? input.id,
    url_host: urlHost,
    url_path: urlPath,
    auth: pick(input.auth, existing?.auth ?? undefined, template?.auth ?? null),
    template_id: choice.templateId,
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
  input: UpsertInput,
  existing: Integration | undefined,
  template: IntegrationTemplate | undefined,
) {
  const stored = existing?.oauth ?? null;
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
  const defaults: StoredOAuthSettings = template?.oauth
    ? {
        scopes: template.oauth.defaultScopes,
        authorizeUrl: template.oauth.authorizeUrl,
        tokenUrl: template.oauth.tokenUrl,
        revokeUrl: template.oauth.revokeUrl,
        extraAuthorizeParams: template.oauth.extraAuthorizeParams,
      }
    : {};
  const oauth: StoredOAuthSettings = { ...defaults, ...stored, ...definedOnly(settings) };
  let sealedSecret = existing?.encrypted_oauth_client_secret ?? null;
  if (clientSecret !== undefined) {
    sealedSecret = await deps.vault.seal(
      integrationClientSecretContext(tenantId, input.id),
      clientSecret,
    );
    oauth.clientSecretHint = maskSecret(clientSecret);
  }
  return { oauth, sealedSecret, changed: input.oauth !== undefined };
}

/** Settings given as undefined (absent or null in the input) keep what is stored. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * On an OAuth integration, `client_id`/`client_secret`/tokens given in `credentials` become the
 * OAuth client and the integration's own connection; `oauth` settings given beside them win.
 */
function oauthFromCredentials(
  input: IntegrationUpsertInput,
  isOAuth: boolean,
): { input: UpsertInput; split?: OAuthCredentials } {
  if (!isOAuth || !input.credentials) return { input };
  const split = splitOAuthCredentials(input.credentials);
  if (split.taken.length === 0) return { input };
  const fromCredentials = definedOnly({
    clientId: split.clientId,
    clientSecret: split.clientSecret,
    scopes: split.scopes,
  });
  const oauth =
    Object.keys(fromCredentials).length > 0 || input.oauth
      ? { ...fromCredentials, ...definedOnly(input.oauth ?? {}) }
      : input.oauth;
  return { input: { ...input, credentials: split.rest, oauth }, split };
}

const MAX_ATTEMPTS = 3;

/** A concurrent writer won the race: seal again from what it wrote and retry. */
class LostRace extends Error {}

/**
 * Creates or updates an integration. Fields not given are kept; credentials not mentioned
 * are kept unless `replaceCredentials` or `removeCredentials` says otherwise. Sealing happens
 * before the write; the row, its own connection (OAuth tokens given in `credentials`) and
 * their audit events are written in one transaction, and a concurrent writer makes us re-read
 * and re-apply rather than overwrite.
 */
export async function upsertIntegration(
  deps: IntegrationServiceDeps,
  actor: Actor,
  given: IntegrationUpsertInput,
) {
  const { tenantId } = actor;
  checkNoSecretsInUrl(given);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const existing = await findIntegration(deps.db, tenantId, given.id);
    const choice = chooseTemplate(given, existing);
    const { template, ...fields } = mergeFields(given, existing, choice);
    const isOAuth = Boolean(
      template?.oauth || given.oauth || existing?.oauth || fields.auth?.type === 'oauth2',
    );
    const { input, split } = oauthFromCredentials(given, isOAuth);
    const ctx = integrationCredentialsContext(tenantId, input.id);
    const stored = await openBag(deps.vault, ctx, existing?.encrypted_credentials ?? null);
    // Stored secrets stay bound to their origin (integration-destination.ts).
    const { bag, diff, moved } = changeBoundBag({
      integrationId: input.id,
      before: existing && { urlHost: existing.url_host },
      urlHost: fields.url_host,
      defaults: template?.credentialDefaults,
      stored,
      change: {
        set: input.credentials,
        remove: input.removeCredentials,
        replace: input.replaceCredentials,
      },
    });
    const sealed = await sealBag(deps.vault, ctx, bag);
    const oauth = await mergeOAuth(deps, tenantId, input, existing, template);
    const secretMoved =
      Boolean(oauth.sealedSecret) &&
      input.oauth?.clientSecret === undefined &&
      clientSecretMoved(existing?.oauth ?? null, oauth.oauth);
    if (secretMoved) {
      oauth.sealedSecret = null;
      if (oauth.oauth) delete oauth.oauth.clientSecretHint;
    }
    await checkIntegrationEgress(deps.egress, { urlHost: fields.url_host, oauth: oauth.oauth });
    const ownConnection = split?.tokens
      ? await sealConnectionChange(
          deps,
          tenantId,
          {
            integrationId: input.id,
            userId: INTEGRATION_OWN_USER,
            credentials: split.tokens,
            expiresAt: split.expiresAt ?? null,
            grantedScopes: split.scopes ?? oauth.oauth?.scopes,
            replaceCredentials: moved,
          },
          { action: 'connection.tokens_given' },
        )
      : undefined;
    const values: IntegrationWrite = {
      ...fields,
      auth: fields.auth === null ? null : JSON.stringify(fields.auth),
      encrypted_credentials: sealed.sealed,
      credential_hints: JSON.stringify(sealed.hints),
      oauth: oauth.oauth === null ? null : JSON.stringify(oauth.oauth),
      encrypted_oauth_client_secret: oauth.sealedSecret,
    };
    const written = await deps.db
      .transaction()
      .execute(async (trx) => {
        const row = existing
          ? await updateIntegration(trx, tenantId, input.id, existing.version, values)
          : await insertIntegration(trx, tenantId, input.id, values);
        if (!row) throw new LostRace();
        // Tokens were issued for the old origin; the ones given in this call are kept.
        const removedConnections = moved
          ? await deleteIntegrationConnections(
              trx,
              tenantId,
              input.id,
              ownConnection ? INTEGRATION_OWN_USER : undefined,
            )
          : [];
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
            oauthFromCredentials: split?.taken ?? [],
            templateId: fields.template_id,
            templateSource: choice.source,
            destinationChanged: moved,
            connectionsRemoved: removedConnections.length,
            clientSecretRemoved: secretMoved,
          },
        });
        const connection = ownConnection
          ? await writeConnectionChange(trx, actor, ownConnection)
          : await findConnection(trx, tenantId, input.id, INTEGRATION_OWN_USER);
        if (ownConnection && !connection) throw new LostRace();
        return { row, connection, removedConnections };
      })
      .catch((error: unknown) => {
        if (error instanceof LostRace) return undefined;
        throw error;
      });
    if (!written) continue;
    for (const connectionId of written.removedConnections) {
      await stopRefresher(deps, tenantId, connectionId);
    }
    if (ownConnection && written.connection) {
      await afterConnectionWrite(deps, ownConnection, written.connection);
    }
    return {
      ...integrationView(written.row, written.connection),
      /** What this upsert decided on the caller's behalf. */
      applied: {
        templateId: fields.template_id,
        templateSource: choice.source,
        /** Several templates matched the host or id: give `templateId` to pick one. */
        ambiguousTemplates: choice.ambiguous,
        /** Credentials taken as the OAuth client and the integration's own tokens. */
        oauthFromCredentials: split?.taken ?? [],
        /** Set when the origin changed: what was removed, since secrets stay with their origin. */
        destinationChanged:
          moved || secretMoved
            ? describeDestinationChange({
                credentialsRemoved: moved ? diff.removed : [],
                connectionsRemoved: written.removedConnections.length,
                clientSecretRemoved: secretMoved,
              })
            : null,
      },
    };
  }
  throw new ConflictError(`integration '${given.id}' is being changed concurrently; try again`);
}

export async function getIntegration(
  db: Db,
  tenantId: string,
  id: string,
): Promise<IntegrationView> {
  const row = await findIntegration(db, tenantId, id);
  if (!row) throw new NotFoundError(`No integration '${id}'`);
  return integrationView(row, await findConnection(db, tenantId, id, INTEGRATION_OWN_USER));
}

export async function listIntegrations(
  db: Db,
  tenantId: string,
  page: { limit?: number; after?: string } = {},
): Promise<IntegrationView[]> {
  const [rows, own] = await Promise.all([
    listIntegrationRows(db, tenantId, page),
    listConnectionRows(db, tenantId, { userId: INTEGRATION_OWN_USER }),
  ]);
  const ownById = new Map(own.map((c) => [c.integration_id, c]));
  return rows.map((row) => integrationView(row, ownById.get(row.id)));
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
