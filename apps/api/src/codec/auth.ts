import {
  type AuthResult,
  authenticateApiKey,
  authenticateApiKeyId,
  type Caller,
  hasScope,
} from '@latchkey/api';
import type { Db } from '@latchkey/db';

export type CodecAuth =
  | { ok: true; caller: Caller }
  /** 401: no key or session, or an unknown, revoked or expired one. 403: the key lacks the scope. */
  | { ok: false; status: 401 | 403 };

/**
 * The codec endpoint authenticates exactly as the tRPC api does (packages/api's authenticator:
 * hash lookup, revocation, throttled `last_used_at`) and needs the `codec` scope (`admin`
 * implies every scope).
 */
function codecAccess(auth: AuthResult): CodecAuth {
  if (!auth.ok) return { ok: false, status: 401 };
  if (!hasScope(auth.caller, 'codec')) return { ok: false, status: 403 };
  return auth;
}

/** An API key as issued (`lk_...`). */
export async function authenticateKey(db: Db, key: string | undefined): Promise<CodecAuth> {
  return codecAccess(await authenticateApiKey(db, key));
}

/** A session's API key, read again on every request so a revoked key's sessions stop working. */
export async function authenticateKeyId(db: Db, apiKeyId: string): Promise<CodecAuth> {
  return codecAccess(await authenticateApiKeyId(db, apiKeyId));
}
