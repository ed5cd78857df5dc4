import { type ApiKeyScope, type Db, findApiKeyByHash, touchApiKey } from '@latchkey/db';
import { hashApiKey } from './api-key-secret';

export interface Caller {
  tenantId: string;
  /** Read with the key: runs name their tenant in readable Temporal workflow ids. */
  tenantName: string;
  apiKeyId: string;
  scopes: readonly ApiKeyScope[];
}

export type AuthResult =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'missing' | 'unknown' | 'revoked' };

// last_used_at is written at most this often per key, so auth stays one read per request.
const TOUCH_INTERVAL_MS = 60_000;

export async function authenticateApiKey(db: Db, key: string | undefined): Promise<AuthResult> {
  if (!key) return { ok: false, reason: 'missing' };
  const row = await findApiKeyByHash(db, hashApiKey(key));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  const now = new Date();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await touchApiKey(db, row.id, now);
  }
  return {
    ok: true,
    caller: {
      tenantId: row.tenant_id,
      tenantName: row.tenant_name,
      apiKeyId: row.id,
      scopes: row.scopes,
    },
  };
}

/** `admin` implies every scope. */
export function hasScope(caller: Caller, scope: ApiKeyScope): boolean {
  return caller.scopes.includes('admin') || caller.scopes.includes(scope);
}
