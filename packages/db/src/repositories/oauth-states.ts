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
    })
    .execute();
}

/**
 * Marks a state used and returns it, in one statement: of two callbacks racing with the same
 * state, exactly one gets the row. Expired or already used states return undefined.
 */
export async function consumeOAuthState(
  db: Executor,
  stateHash: string,
): Promise<OAuthState | undefined> {
  return db
    .updateTable('oauth_states')
    .set({ used_at: new Date() })
    .where('state_hash', '=', stateHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returningAll()
    .executeTakeFirst();
}

/** For error messages only: whether a state was known but spent or expired. */
export async function findOAuthStateByHash(db: Executor, stateHash: string) {
  return db
    .selectFrom('oauth_states')
    .select(['used_at', 'expires_at', 'return_url'])
    .where('state_hash', '=', stateHash)
    .executeTakeFirst();
}
