import { randomUUID } from 'node:crypto';
import {
  appendAudit,
  findConnectLink,
  findIntegration,
  insertConnectLink,
  revokeConnectLink as revokeConnectLinkRow,
} from '@latchkey/db';
import { OAuthNotConfiguredError, oauthClientFor } from '@latchkey/resolver';
import { connectLinkGrantContext } from '@latchkey/vault';
import { z } from 'zod';
import { NotFoundError } from '../errors';
import type { Actor } from './actor';
import { ConnectError, type OAuthServiceDeps, startConnect } from './oauth';
import { assertReturnUrlRegistered } from './return-urls';

/**
 * Connect links let an application hand its end user a URL that connects their account without
 * an API key. The token is the grant itself, sealed with the tenant's key: the AEAD tag is its
 * signature, the contents (user id, return URL) stay private, and no row or extra secret is
 * needed in the token. A row per link (no secret in it) makes links single-use and revocable:
 * a link may be opened until a connection is made through it (each opening starts a fresh,
 * browser-bound OAuth state), then it is spent; `connectLinks.revoke` ends it at once; it lives
 * 60 minutes at most. An invalid, expired, spent or revoked link shows a page, never redirects.
 */
export const CONNECT_LINK_PATH = '/connect/';
export const DEFAULT_CONNECT_LINK_TTL_MINUTES = 30;
export const MAX_CONNECT_LINK_TTL_MINUTES = 60;

const TOKEN_VERSION = 'v1';
const UUID = z.uuid();
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

export async function createConnectLink(
  deps: OAuthServiceDeps,
  actor: Actor,
  input: { integrationId: string; userId: string; returnUrl?: string; ttlMinutes?: number },
) {
  const integration = await findIntegration(deps.db, actor.tenantId, input.integrationId);
  if (!integration) throw new NotFoundError(`No integration '${input.integrationId}'`);
  // Refuses integrations that cannot run the authorization code flow before any link exists.
  await oauthClientFor(deps, integration);
  await assertReturnUrlRegistered(deps.db, actor.tenantId, input.returnUrl, deps);
  const linkId = randomUUID();
  const ttlMinutes = input.ttlMinutes ?? DEFAULT_CONNECT_LINK_TTL_MINUTES;
  const expiresAt = new Date(Date.now() + ttlMinutes * 60_000);
  await insertConnectLink(deps.db, {
    id: linkId,
    tenantId: actor.tenantId,
    integrationId: input.integrationId,
    userId: input.userId,
    expiresAt,
  });
  const grant: SealedGrant = {
    integrationId: input.integrationId,
    userId: input.userId,
    returnUrl: input.returnUrl ?? null,
    expiresAt: expiresAt.toISOString(),
  };
  const sealed = await deps.vault.sealJson(connectLinkGrantContext(actor.tenantId, linkId), grant);
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

/** Revokes a link of the caller's tenant; NOT_FOUND for another tenant's or an unknown one. */
export async function revokeConnectLink(
  deps: Pick<OAuthServiceDeps, 'db'>,
  actor: Actor,
  linkId: string,
) {
  const row = await revokeConnectLinkRow(deps.db, actor.tenantId, linkId);
  if (!row) throw new NotFoundError(`No connect link '${linkId}'`);
  await appendAudit(deps.db, {
    tenantId: actor.tenantId,
    actor: actor.actor,
    action: 'connect_link.revoke',
    targetKind: 'integration',
    targetId: row.integration_id,
    userId: row.user_id,
    details: { linkId },
  });
  return { linkId, revokedAt: row.revoked_at ?? new Date() };
}

/**
 * The grant a token carries, if it is well formed, sealed by this tenant, unexpired, unspent
 * and not revoked. Failures carry no return URL: the visitor gets a page, never a redirect.
 */
export async function readConnectLink(
  deps: Pick<OAuthServiceDeps, 'vault' | 'db'>,
  token: string,
): Promise<ConnectGrant> {
  const match = TOKEN.exec(token);
  const [, tenantId = '', linkId = '', sealed = ''] = match ?? [];
  if (!match || !UUID.safeParse(tenantId).success || !UUID.safeParse(linkId).success) {
    throw new ConnectError('invalid_link', 'the connect link is malformed');
  }
  let grant: SealedGrant;
  try {
    grant = (await deps.vault.openJson(
      connectLinkGrantContext(tenantId, linkId),
      Buffer.from(sealed, 'base64url'),
    )) as SealedGrant;
  } catch {
    // Forged, altered, or sealed for another tenant: all look the same to the visitor.
    throw new ConnectError('invalid_link', 'the connect link is not valid');
  }
  const expiresAt = new Date(grant.expiresAt);
  if (!(expiresAt.getTime() > Date.now())) {
    throw new ConnectError('expired_link', 'the connect link has expired');
  }
  const row = await findConnectLink(deps.db, tenantId, linkId);
  if (!row) throw new ConnectError('invalid_link', 'the connect link is not valid');
  if (row.revoked_at) throw new ConnectError('revoked_link', 'the connect link was revoked');
  if (row.used_at) throw new ConnectError('used_link', 'the connect link was used already');
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

/**
 * Opens the link: a fresh authorization request for the grant's user, bound to the browser
 * whose cookie secret hashes to `browserHash`; returns where to go.
 */
export async function followConnectLink(
  deps: OAuthServiceDeps,
  token: string,
  browserHash: string,
) {
  const grant = await readConnectLink(deps, token);
  const actor: Actor = { tenantId: grant.tenantId, actor: `connect_link:${grant.linkId}` };
  try {
    const { url } = await startConnect(deps, actor, {
      integrationId: grant.integrationId,
      userId: grant.userId,
      returnUrl: grant.returnUrl ?? undefined,
      browserHash,
      connectLinkId: grant.linkId,
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
