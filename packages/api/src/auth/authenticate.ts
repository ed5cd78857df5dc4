import {
  type ApiKeyScope,
  type ApiKeyWithTenantName,
  type Db,
  findApiKeyByHash,
  findApiKeyById,
  touchApiKey,
} from '@latchkey/db';
import { z } from 'zod';
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

/** An API key as issued (`lk_...`), looked up by its hash. */
export async function authenticateApiKey(db: Db, key: string | undefined): Promise<AuthResult> {
  if (!key) return { ok: false, reason: 'missing' };
  return checkKey(db, await findApiKeyByHash(db, hashApiKey(key)));
}

/**
 * A key named by its id, by a session that was opened with it (the codec UI's): the key is read
 * again on every request, so revoking it ends its sessions too.
 */
export async function authenticateApiKeyId(db: Db, apiKeyId: string): Promise<AuthResult> {
  if (!z.uuid().safeParse(apiKeyId).success) return { ok: false, reason: 'unknown' };
  return checkKey(db, await findApiKeyById(db, apiKeyId));
}

async function checkKey(db: Db, row: ApiKeyWithTenantName | undefined): Promise<AuthResult> {
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
