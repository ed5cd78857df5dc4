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
   * SHA-256 (hex) of the cookie secret of the browser that started the flow; null for flows
   * whose start no browser of ours saw (`oauth.authorizeUrl`, see the api README).
   */
  browserHash: string | null;
  connectLinkId?: string | null;
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
    })
    .execute();
}

/**
 * Marks a state used and returns it, in one statement: of two callbacks racing with the same
 * state, exactly one gets the row. Expired or already used states, and browser-bound states
 * reached by another browser (another cookie, or none), return undefined and stay unspent.
 */
export async function consumeOAuthState(
  db: Executor,
  stateHash: string,
  browserHash: string | undefined,
): Promise<OAuthState | undefined> {
  return db
    .updateTable('oauth_states')
    .set({ used_at: new Date() })
    .where('state_hash', '=', stateHash)
    .where((eb) =>
      browserHash === undefined
        ? eb('browser_hash', 'is', null)
        : eb.or([eb('browser_hash', 'is', null), eb('browser_hash', '=', browserHash)]),
    )
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
