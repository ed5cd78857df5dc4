import type { DbExecutor as Executor } from '../client';
import type { OAuthState } from '../schema';

export interface NewOAuthState {
  id: string;
  tenantId: string;
  integrationId: string;
  userId: string;
  stateHash: string;
  encryptedPkceVerifier: Buffer;
  redirectUri: string;
  returnUrl: string | null;
  expiresAt: Date;
  /**
   * SHA-256 (hex) of the cookie secret of the browser that started the flow; null until a
   * browser follows the flow's start URL (`oauth.authorizeUrl` flows).
   */
  browserHash: string | null;
  connectLinkId?: string | null;
  /** `oauth.authorizeUrl` flows: the start URL token's hash and the sealed provider URL. */
  start?: { hash: string; encryptedAuthorizeUrl: Buffer };
}

export async function insertOAuthState(db: Executor, state: NewOAuthState): Promise<void> {
  await db
    .insertInto('oauth_states')
    .values({
      id: state.id,
      tenant_id: state.tenantId,
      integration_id: state.integrationId,
      user_id: state.userId,
      state_hash: state.stateHash,
      encrypted_pkce_verifier: state.encryptedPkceVerifier,
      redirect_uri: state.redirectUri,
      return_url: state.returnUrl,
      expires_at: state.expiresAt,
      browser_hash: state.browserHash,
      connect_link_id: state.connectLinkId ?? null,
      start_hash: state.start?.hash ?? null,
      encrypted_authorize_url: state.start?.encryptedAuthorizeUrl ?? null,
    })
    .execute();
}

/**
 * Binds a flow to the browser that follows its start URL, once: of two openings (or two
 * browsers racing), exactly one gets the row and its sealed provider URL. Unknown, expired,
 * used or already opened starts return undefined.
 */
export async function bindOAuthStateToBrowser(
  db: Executor,
  startHash: string,
  browserHash: string,
): Promise<
  Pick<OAuthState, 'id' | 'tenant_id' | 'user_id' | 'encrypted_authorize_url'> | undefined
> {
  return db
    .updateTable('oauth_states')
    .set({ browser_hash: browserHash })
    .where('start_hash', '=', startHash)
    .where('browser_hash', 'is', null)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning(['id', 'tenant_id', 'user_id', 'encrypted_authorize_url'])
    .executeTakeFirst();
}

/**
 * Reads a start URL's row without binding it: whether it can still be opened (its GET page),
 * or why not (opened already, expired).
 */
export async function findOAuthStateByStartHash(db: Executor, startHash: string) {
  return db
    .selectFrom('oauth_states')
    .select(['used_at', 'expires_at', 'browser_hash'])
    .where('start_hash', '=', startHash)
    .executeTakeFirst();
}

/**
 * Marks a state used and returns it, in one statement: of two callbacks racing with the same
 * state, exactly one gets the row. Only the browser that started the flow (its cookie's hash)
 * consumes it; expired or used states, states no browser started yet, and states reached by
 * another browser return undefined and stay unspent.
 */
export async function consumeOAuthState(
  db: Executor,
  stateHash: string,
  browserHash: string,
): Promise<OAuthState | undefined> {
  return db
    .updateTable('oauth_states')
    .set({ used_at: new Date() })
    .where('state_hash', '=', stateHash)
    .where('browser_hash', '=', browserHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returningAll()
    .executeTakeFirst();
}

/** For error messages only: whether a state was known but spent or expired. */
export async function findOAuthStateByHash(db: Executor, stateHash: string) {
  return db
    .selectFrom('oauth_states')
    .select(['used_at', 'expires_at', 'browser_hash'])
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
}
