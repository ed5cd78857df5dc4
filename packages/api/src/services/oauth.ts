import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  bindOAuthStateToBrowser,
  consumeOAuthState,
  type Db,
  findIntegration,
  findOAuthStateByHash,
  findOAuthStateByStartHash,
  insertOAuthState,
  spendConnectLink,
} from '@latchkey/db';
import type { EgressPolicy } from '@latchkey/egress';
import {
  clientCredentials,
  exchangeCode,
  OAuthFlowError,
  scopesMissing,
  startAuthorization,
  type TokenSet,
} from '@latchkey/oauth';
import { oauthClientFor } from '@latchkey/resolver';
import { authorizeUrlContext, pkceVerifierContext, type Vault } from '@latchkey/vault';
import { NotFoundError } from '../errors';
import type { Actor } from './actor';
import { type ConnectionView, upsertConnection } from './connections';
import type { RefresherDeps } from './refresher';
import { registeredReturnUrl } from './return-urls';

export interface OAuthServiceDeps extends RefresherDeps {
  db: Db;
  vault: Vault;
  /** OAuth endpoints of tenant-defined integrations are tenant egress. */
  egress: EgressPolicy;
  /** The api's public base URL: the callback is `${publicUrl}/oauth/callback`. */
  publicUrl: string;
  /** The console's other origins: return URLs there need no registration. */
  consoleOrigins?: readonly string[];
}

/** States are single-use and short-lived: long enough to sign in and consent, no longer. */
export const STATE_TTL_MS = 10 * 60_000;

export const callbackUrlOf = (publicUrl: string) =>
  `${publicUrl.replace(/\/+$/, '')}/oauth/callback`;
const hashState = (state: string) => createHash('sha256').update(state).digest('hex');
/** The browser cookie's secret is stored only as this hash, as the state is. */
export const hashBrowserSecret = hashState;

/** `oauth.authorizeUrl` hands out `${publicUrl}${OAUTH_START_PATH}<token>`. */
export const OAUTH_START_PATH = '/oauth/start/';
const START_TOKEN = /^[A-Za-z0-9_-]{43}$/;

interface ConnectInput {
  integrationId: string;
  userId: string;
  returnUrl?: string;
}

/**
 * Starts the authorization code flow for one end user in the browser whose connect cookie's
 * secret hashes to `browserHash`: only that browser can complete it. The state is stored only
 * hashed; `connectLinkId` names the link the flow came from, spent on success. Returns the
 * provider's URL. The caller has checked `returnUrl` against the tenant's registered origins.
 */
export async function startConnect(
  deps: OAuthServiceDeps,
  actor: Actor,
  input: ConnectInput & { browserHash: string; connectLinkId?: string },
) {
  return createState(deps, actor, input, { browserHash: input.browserHash });
}

/**
 * `oauth.authorizeUrl`: the flow is created now (so a misconfigured integration fails the
 * call), but no browser has it yet. The URL returned is a single-use start URL of the api's;
 * the browser that opens it (its page POSTs back: a GET spends nothing) gets the connect
 * cookie and, once, the provider's URL (sealed until then: it carries the state). Token and
 * state expire together.
 */
export async function createAuthorizeLink(
  deps: OAuthServiceDeps,
  actor: Actor,
  input: ConnectInput,
) {
  const token = randomBytes(32).toString('base64url');
  const { expiresAt } = await createState(deps, actor, input, { startHash: hashState(token) });
  const url = `${deps.publicUrl.replace(/\/+$/, '')}${OAUTH_START_PATH}${token}`;
  return { url, expiresAt };
}

/** The start URL's token, checked for shape and hashed as the state row keeps it. */
function startHashOf(token: string): string {
  if (!START_TOKEN.test(token))
    throw new ConnectError('invalid_start', 'the start URL is malformed');
  return hashState(token);
}

type StartRow = { used_at: Date | null; expires_at: Date; browser_hash: string | null };

/** Fails unless a start URL's row (if any) can still be opened: unspent and unexpired. */
function assertStartOpenable<Row extends StartRow>(row: Row | undefined): asserts row is Row {
  if (!row) throw new ConnectError('invalid_start', 'the start URL is not valid');
  if (row.browser_hash || row.used_at) {
    throw new ConnectError('used_start', 'the start URL was opened already');
  }
  if (!(row.expires_at.getTime() > Date.now())) {
    throw new ConnectError('expired_start', 'the start URL has expired');
  }
}

/**
 * A browser (or a link preview, a prefetch, a mail scanner) asked for a start URL: whether it
 * can still be opened, spending nothing. Unknown, expired and already opened start URLs fail
 * as `openAuthorizeLink` does, so the page shown is the same.
 */
export async function describeAuthorizeLink(
  deps: Pick<OAuthServiceDeps, 'db'>,
  token: string,
): Promise<{ expiresAt: Date }> {
  const row = await findOAuthStateByStartHash(deps.db, startHashOf(token));
  assertStartOpenable(row);
  return { expiresAt: row.expires_at };
}

/**
 * A browser opened a start URL: binds the flow to its cookie (`browserHash`) and returns the
 * provider's URL to redirect it to. Unknown, expired and already opened start URLs fail with
 * a code that shows a page, never a redirect: a start URL opened twice starts nothing again.
 */
export async function openAuthorizeLink(
  deps: Pick<OAuthServiceDeps, 'db' | 'vault'>,
  token: string,
  browserHash: string,
): Promise<string> {
  const startHash = startHashOf(token);
  const row = await bindOAuthStateToBrowser(deps.db, startHash, browserHash);
  if (!row?.encrypted_authorize_url) {
    assertStartOpenable(await findOAuthStateByStartHash(deps.db, startHash));
    // Openable a moment ago, yet not bound: it expired (or was opened) in between.
    throw new ConnectError('expired_start', 'the start URL has expired');
  }
  return deps.vault.openText(
    authorizeUrlContext(row.tenant_id, row.id, row.user_id),
    row.encrypted_authorize_url,
  );
}

async function createState(
  deps: OAuthServiceDeps,
  actor: Actor,
  input: ConnectInput & { connectLinkId?: string },
  binding: { browserHash: string } | { startHash: string },
) {
  const integration = await findIntegration(deps.db, actor.tenantId, input.integrationId);
  if (!integration) throw new NotFoundError(`No integration '${input.integrationId}'`);
  const { config } = await oauthClientFor(deps, integration);
  const redirectUri = callbackUrlOf(deps.publicUrl);
  const started = await startAuthorization(config, { redirectUri });
  const id = randomUUID();
  const expiresAt = new Date(Date.now() + STATE_TTL_MS);
  await insertOAuthState(deps.db, {
    id,
    tenantId: actor.tenantId,
    integrationId: input.integrationId,
    userId: input.userId,
    stateHash: hashState(started.state),
    // Sealed even when empty, so every state row looks alike.
    encryptedPkceVerifier: await deps.vault.seal(
      pkceVerifierContext(actor.tenantId, id, input.userId),
      started.codeVerifier ?? '',
    ),
    redirectUri,
    returnUrl: input.returnUrl ?? null,
    expiresAt,
    browserHash: 'browserHash' in binding ? binding.browserHash : null,
    connectLinkId: input.connectLinkId ?? null,
    start:
      'startHash' in binding
        ? {
            hash: binding.startHash,
            encryptedAuthorizeUrl: await deps.vault.seal(
              authorizeUrlContext(actor.tenantId, id, input.userId),
              started.url,
            ),
          }
        : undefined,
  });
  return { url: started.url, expiresAt };
}

export class ConnectError extends Error {
  override readonly name = 'ConnectError';
  constructor(
    readonly code: string,
    message: string,
    readonly returnUrl: string | null = null,
  ) {
    super(message);
  }
}

/** Seals the tokens into the user's connection; a missing refresh token keeps the stored one. */
async function storeTokens(
  deps: OAuthServiceDeps,
  actor: Actor,
  key: { integrationId: string; userId: string },
  tokens: TokenSet,
  scopes: { required: string[]; requested: string[] },
  action: string,
): Promise<ConnectionView> {
  const missing = scopesMissing(scopes.required, tokens.scopes);
  const connection = await upsertConnection(
    deps,
    actor,
    {
      ...key,
      credentials: {
        access_token: tokens.accessToken,
        ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      },
      expiresAt: tokens.expiresAt,
      tokenObtainedAt: tokens.obtainedAt,
      // No scope in the response means the requested ones were granted (RFC 6749 §5.1).
      grantedScopes: tokens.scopes ?? scopes.requested,
    },
    {
      status: missing.length ? 'insufficient_scope' : 'active',
      action,
      details: {
        missingScopes: missing,
        refreshes: Boolean(tokens.refreshToken),
        expires: Boolean(tokens.expiresAt),
      },
    },
  );
  // upsertConnection started the proactive refresher if the tokens can be refreshed.
  return connection;
}

/**
 * The provider redirected the browser back with a code: check the state (known, unused,
 * unexpired, issued for this callback URL), exchange the code with the PKCE verifier, and
 * seal the tokens in the end user's connection.
 */
export async function completeConnect(
  deps: OAuthServiceDeps,
  callbackUrl: URL,
  browserSecret?: string,
) {
  const state = callbackUrl.searchParams.get('state');
  if (!state) throw new ConnectError('invalid_state', 'the callback carries no state');
  const stateHash = hashState(state);
  // Every flow is bound to the browser that started it: no cookie, no state.
  const row = browserSecret
    ? await consumeOAuthState(deps.db, stateHash, hashBrowserSecret(browserSecret))
    : undefined;
  if (!row) {
    // No return URL: an invalid state shows a page and never redirects.
    const known = await findOAuthStateByHash(deps.db, stateHash);
    if (known && !known.used_at && known.expires_at > new Date()) {
      throw new ConnectError(
        'other_browser',
        'the flow was started in another browser: start again from the app in this one',
      );
    }
    const reason = !known ? 'unknown' : known.used_at ? 'already used' : 'expired';
    throw new ConnectError('invalid_state', `the state is ${reason}`);
  }
  const actor = { tenantId: row.tenant_id, actor: `oauth_callback:${row.user_id}` };
  // Only to an origin still registered for the tenant; otherwise the callback shows a page.
  const returnUrl = await registeredReturnUrl(deps.db, row.tenant_id, row.return_url, deps);
  const expected = callbackUrlOf(deps.publicUrl);
  if (row.redirect_uri !== expected) {
    throw new ConnectError(
      'redirect_uri_mismatch',
      'the flow was started for another callback URL',
      returnUrl,
    );
  }
  const integration = await findIntegration(deps.db, row.tenant_id, row.integration_id);
  if (!integration)
    throw new ConnectError('integration_gone', 'the integration no longer exists', returnUrl);
  const { config, requiredScopes } = await oauthClientFor(deps, integration);
  const verifier = await deps.vault.openText(
    pkceVerifierContext(row.tenant_id, row.id, row.user_id),
    row.encrypted_pkce_verifier,
  );
  let tokens: TokenSet;
  try {
    tokens = await exchangeCode(config, {
      callbackUrl: callbackUrl.toString(),
      expectedState: state,
      redirectUri: row.redirect_uri,
      codeVerifier: verifier || null,
    });
  } catch (error) {
    const code = error instanceof OAuthFlowError ? error.code : 'exchange_failed';
    throw new ConnectError(code, 'the provider did not issue tokens', returnUrl);
  }
  // A link connects once: of two flows through one link, the first to get here wins.
  if (
    row.connect_link_id &&
    !(await spendConnectLink(deps.db, row.tenant_id, row.connect_link_id))
  ) {
    throw new ConnectError('link_used', 'the connect link was used, revoked or has expired');
  }
  const connection = await storeTokens(
    deps,
    actor,
    { integrationId: row.integration_id, userId: row.user_id },
    tokens,
    { required: requiredScopes, requested: config.scopes },
    'connection.oauth_connect',
  );
  return { connection, returnUrl };
}

/** Machine-to-machine: a token from the client credentials grant, kept as a connection. */
export async function connectClientCredentials(
  deps: OAuthServiceDeps,
  actor: Actor,
  input: { integrationId: string; userId: string },
) {
  const integration = await findIntegration(deps.db, actor.tenantId, input.integrationId);
  if (!integration) throw new NotFoundError(`No integration '${input.integrationId}'`);
  const { config, requiredScopes } = await oauthClientFor(deps, integration);
  const tokens = await clientCredentials(config);
  return storeTokens(
    deps,
    actor,
    input,
    tokens,
    { required: requiredScopes, requested: config.scopes },
    'connection.client_credentials',
  );
}
