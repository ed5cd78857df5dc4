import { createHash } from 'node:crypto';
import { type ApiKeyScope, type Db, findApiKeyByHash, touchApiKey } from '@latchkey/db';

export interface CodecCaller {
  tenantId: string;
  apiKeyId: string;
}

export type CodecAuth =
  | { ok: true; caller: CodecCaller }
  /** 401: no key or session, or an unknown, revoked or expired one. 403: the key lacks the scope. */
  | { ok: false; status: 401 | 403 };

const UNAUTHENTICATED = { ok: false, status: 401 } as const;
const FORBIDDEN = { ok: false, status: 403 } as const;
// last_used_at is written at most this often per key, as the tRPC api does.
const TOUCH_INTERVAL_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The codec endpoint needs the `codec` scope; `admin` implies every scope. */
export function canUseCodec(scopes: readonly ApiKeyScope[]): boolean {
  return scopes.includes('codec') || scopes.includes('admin');
}

interface KeyRow {
  id: string;
  tenant_id: string;
  scopes: ApiKeyScope[];
  revoked_at: Date | null;
  last_used_at: Date | null;
}

async function check(db: Db, row: KeyRow | undefined): Promise<CodecAuth> {
  if (!row || row.revoked_at) return UNAUTHENTICATED;
  if (!canUseCodec(row.scopes)) return FORBIDDEN;
  const now = new Date();
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
    await touchApiKey(db, row.id, now);
  }
  return { ok: true, caller: { tenantId: row.tenant_id, apiKeyId: row.id } };
}

/** An API key as issued (`lk_...`): looked up by its SHA-256, as the api stores it. */
export async function authenticateKey(db: Db, key: string | undefined): Promise<CodecAuth> {
  if (!key) return UNAUTHENTICATED;
  const hash = createHash('sha256').update(key).digest('hex');
  return check(db, await findApiKeyByHash(db, hash));
}

/** A session's API key, read again on every request so a revoked key's sessions stop working. */
export async function authenticateKeyId(db: Db, apiKeyId: string): Promise<CodecAuth> {
  if (!UUID.test(apiKeyId)) return UNAUTHENTICATED;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'tenant_id', 'scopes', 'revoked_at', 'last_used_at'])
    .where('id', '=', apiKeyId)
    .executeTakeFirst();
  return check(db, row);
}
