import { randomUUID } from 'node:crypto';
import { appendAudit, findIntegration } from '@latchkey/db';
import { OAuthNotConfiguredError, oauthClientFor } from '@latchkey/resolver';
import type { SealContext } from '@latchkey/vault';
import { NotFoundError } from '../errors';
import type { Actor } from './actor';
import { ConnectError, type OAuthServiceDeps, startConnect } from './oauth';

/**
 * Connect links let an application hand its end user a URL that connects their account without
 * an API key. The token is the grant itself, sealed with the tenant's key: the AEAD tag is its
 * signature, the contents (user id, return URL) stay private, and no row or extra secret is
 * needed. Links are short-lived and may be opened more than once until they expire; each use
 * starts a fresh single-use OAuth state.
 */
export const CONNECT_LINK_PATH = '/connect/';
export const DEFAULT_CONNECT_LINK_TTL_MINUTES = 30;
export const MAX_CONNECT_LINK_TTL_MINUTES = 24 * 60;

const TOKEN_VERSION = 'v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^v1\.([0-9a-f-]{36})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{16,4096})$/;

export interface ConnectGrant {
  tenantId: string;
  linkId: string;
  integrationId: string;
  userId: string;
  returnUrl: string | null;
  expiresAt: Date;
}

interface SealedGrant {
  integrationId: string;
  userId: string;
  returnUrl: string | null;
  expiresAt: string;
}

const grantContext = (tenantId: string, linkId: string): SealContext => ({
  tenantId,
  kind: 'connect_link.grant',
  recordId: linkId,
});

export async function createConnectLink(
  deps: OAuthServiceDeps,
  actor: Actor,
  input: { integrationId: string; userId: string; returnUrl?: string; ttlMinutes?: number },
) {
  const integration = await findIntegration(deps.db, actor.tenantId, input.integrationId);
  if (!integration) throw new NotFoundError(`No integration '${input.integrationId}'`);
  // Refuses integrations that cannot run the authorization code flow before any link exists.
  await oauthClientFor(deps, integration);
  const linkId = randomUUID();
  const ttlMinutes = input.ttlMinutes ?? DEFAULT_CONNECT_LINK_TTL_MINUTES;
  const expiresAt = new Date(Date.now() + ttlMinutes * 60_000);
  const grant: SealedGrant = {
    integrationId: input.integrationId,
    userId: input.userId,
    returnUrl: input.returnUrl ?? null,
    expiresAt: expiresAt.toISOString(),
  };
  const sealed = await deps.vault.sealJson(grantContext(actor.tenantId, linkId), grant);
  await appendAudit(deps.db, {
    tenantId: actor.tenantId,
    actor: actor.actor,
    action: 'connect_link.create',
    targetKind: 'integration',
    targetId: input.integrationId,
    userId: input.userId,
    details: { linkId, expiresAt: grant.expiresAt },
  });
  const token = `${TOKEN_VERSION}.${actor.tenantId}.${linkId}.${sealed.toString('base64url')}`;
  const url = `${deps.publicUrl.replace(/\/+$/, '')}${CONNECT_LINK_PATH}${token}`;
  return { url, linkId, expiresAt };
}

/** The grant a token carries, if it is well formed, sealed by this tenant and unexpired. */
export async function readConnectLink(
  deps: Pick<OAuthServiceDeps, 'vault'>,
  token: string,
): Promise<ConnectGrant> {
  const match = TOKEN.exec(token);
  const [, tenantId = '', linkId = '', sealed = ''] = match ?? [];
  if (!match || !UUID.test(tenantId) || !UUID.test(linkId)) {
    throw new ConnectError('invalid_link', 'the connect link is malformed');
  }
  let grant: SealedGrant;
  try {
    grant = (await deps.vault.openJson(
      grantContext(tenantId, linkId),
      Buffer.from(sealed, 'base64url'),
    )) as SealedGrant;
  } catch {
    // Forged, altered, or sealed for another tenant: all look the same to the visitor.
    throw new ConnectError('invalid_link', 'the connect link is not valid');
  }
  const expiresAt = new Date(grant.expiresAt);
  if (!(expiresAt.getTime() > Date.now())) {
    throw new ConnectError('expired_link', 'the connect link has expired', grant.returnUrl);
  }
  return { ...grant, tenantId, linkId, expiresAt };
}

/** What the landing page shows before the visitor goes on to the provider. */
export async function describeConnectLink(deps: OAuthServiceDeps, token: string) {
  const grant = await readConnectLink(deps, token);
  const integration = await findIntegration(deps.db, grant.tenantId, grant.integrationId);
  if (!integration) {
    throw new ConnectError('integration_gone', 'the integration no longer exists', grant.returnUrl);
  }
  return { grant, integrationName: integration.name };
}

/** Opens the link: a fresh authorization request for the grant's user; returns where to go. */
export async function followConnectLink(deps: OAuthServiceDeps, token: string) {
  const grant = await readConnectLink(deps, token);
  const actor: Actor = { tenantId: grant.tenantId, actor: `connect_link:${grant.linkId}` };
  try {
    const { url } = await startConnect(deps, actor, {
      integrationId: grant.integrationId,
      userId: grant.userId,
      returnUrl: grant.returnUrl ?? undefined,
    });
    return url;
  } catch (error) {
    if (error instanceof NotFoundError) {
      throw new ConnectError(
        'integration_gone',
        'the integration no longer exists',
        grant.returnUrl,
      );
    }
    if (error instanceof OAuthNotConfiguredError) {
      throw new ConnectError('oauth_not_configured', error.message, grant.returnUrl);
    }
    throw error;
  }
}
