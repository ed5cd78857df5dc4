import type { Database } from '@latchkey/db';
import type { Selectable } from 'kysely';
import {
  authorizeUrlContext,
  connectionCredentialsContext,
  integrationClientSecretContext,
  integrationCredentialsContext,
  pkceVerifierContext,
  runKeyContext,
  runResultContext,
  webhookSecretContext,
} from './seal-contexts';
import type { SealContext } from './types';

/**
 * Every database column that holds a vault ciphertext, with what `resealAll` needs to walk it:
 * the primary key (keyset order), and how to rebuild the SealContext the value was sealed
 * under from its row, with the same builder (seal-contexts.ts) its writers and readers use. A
 * new `encrypted_*` column needs an entry here: test/reseal.test.ts compares this list with
 * the schema.
 */
export interface SealedColumn {
  table: TenantTable;
  column: string;
  /** Primary key columns, in the order rows are walked. */
  primaryKey: readonly string[];
  /** Columns the context needs besides the primary key. */
  contextColumns: readonly string[];
  context(row: SealedRow): SealContext;
}

export type SealedRow = Readonly<Record<string, unknown>>;

type Table = keyof Database & string;
/** Tables owned by a tenant; every sealed column lives in one (its tenant_id is the key scope). */
type TenantTable = {
  [T in Table]: 'tenant_id' extends keyof Database[T] ? T : never;
}[Table];
type ColumnOf<T extends Table> = keyof Selectable<Database[T]> & string;
type EncryptedColumnOf<T extends Table> = Extract<ColumnOf<T>, `encrypted_${string}`>;

/** Checks names against the schema and types `context`'s row from the columns listed. */
export function sealedColumn<
  T extends TenantTable,
  P extends ColumnOf<T>,
  C extends ColumnOf<T>,
>(definition: {
  table: T;
  column: EncryptedColumnOf<T>;
  primaryKey: readonly P[];
  contextColumns: readonly C[];
  context(row: Pick<Selectable<Database[T]>, P | C>): SealContext;
}): SealedColumn {
  // The definition is checked above; the registry holds it with the row type erased.
  return definition as unknown as SealedColumn;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  sealedColumn({
    table: 'integrations',
    column: 'encrypted_credentials',
    primaryKey: ['tenant_id', 'id'],
    contextColumns: [],
    context: (row) => integrationCredentialsContext(row.tenant_id, row.id),
  }),
  sealedColumn({
    table: 'integrations',
    column: 'encrypted_oauth_client_secret',
    primaryKey: ['tenant_id', 'id'],
    contextColumns: [],
    context: (row) => integrationClientSecretContext(row.tenant_id, row.id),
  }),
  sealedColumn({
    table: 'connections',
    column: 'encrypted_credentials',
    primaryKey: ['id'],
    contextColumns: ['tenant_id', 'user_id'],
    context: (row) => connectionCredentialsContext(row.tenant_id, row.id, row.user_id),
  }),
  sealedColumn({
    table: 'oauth_states',
    column: 'encrypted_pkce_verifier',
    primaryKey: ['id'],
    contextColumns: ['tenant_id', 'user_id'],
    context: (row) => pkceVerifierContext(row.tenant_id, row.id, row.user_id),
  }),
  // Only flows from `oauth.authorizeUrl` have one (packages/api/src/services/oauth.ts).
  sealedColumn({
    table: 'oauth_states',
    column: 'encrypted_authorize_url',
    primaryKey: ['id'],
    contextColumns: ['tenant_id', 'user_id'],
    context: (row) => authorizeUrlContext(row.tenant_id, row.id, row.user_id),
  }),
  sealedColumn({
    table: 'runs',
    column: 'encrypted_result',
    primaryKey: ['id'],
    contextColumns: ['tenant_id', 'user_id'],
    context: (row) => runResultContext(row.tenant_id, row.id, row.user_id),
  }),
  // The per-run key that seals runtime credentials in Temporal (packages/resolver); the row is
  // deleted when the run ends, so only keys of runs in flight are re-sealed.
  sealedColumn({
    table: 'run_keys',
    column: 'encrypted_key',
    primaryKey: ['run_id'],
    contextColumns: ['tenant_id'],
    context: (row) => runKeyContext(row.tenant_id, row.run_id),
  }),
  // A tenant's webhook signing secrets (packages/resolver/src/webhook.ts): the current one
  // and, during a rotation's overlap, the previous one.
  sealedColumn({
    table: 'tenant_webhooks',
    column: 'encrypted_secret',
    primaryKey: ['tenant_id'],
    contextColumns: [],
    context: (row) => webhookSecretContext(row.tenant_id, 'current'),
  }),
  sealedColumn({
    table: 'tenant_webhooks',
    column: 'encrypted_previous_secret',
    primaryKey: ['tenant_id'],
    contextColumns: [],
    context: (row) => webhookSecretContext(row.tenant_id, 'previous'),
  }),
];
