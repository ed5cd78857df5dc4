import type { Db } from '@latchkey/db';
import { type RawBuilder, sql } from 'kysely';
import { positiveInteger } from './context';
import { VaultError, type VaultErrorCode } from './errors';
import { sealedKeyVersion } from './format';
import { asBuffer } from './key-store';
import { SEALED_COLUMNS, type SealedColumn, type SealedRow } from './sealed-columns';
import type { SealContext } from './types';

export interface ResealProgress {
  table: string;
  column: string;
  /** Rows with a value in this column looked at so far. */
  scanned: number;
  /** Values re-sealed with the tenant's active key version. */
  resealed: number;
  /** Stale values a concurrent writer replaced first (left as that writer wrote them). */
  skipped: number;
  /** Values that would not open; left as they are (see `failures`). */
  failed: number;
  /** Rows with a value in this column when the walk of it began. */
  total: number;
}

export interface ResealOptions {
  /** Rows per query; each batch is a short read followed by one guarded update per stale row. */
  batchSize?: number;
  /** Only this tenant's rows. */
  tenantId?: string;
  onProgress?(progress: ResealProgress): void;
  /** Default: every entry of SEALED_COLUMNS. */
  columns?: readonly SealedColumn[];
}

/** A stored value that could not be re-sealed. Identifiers only, never the value. */
export interface ResealFailure {
  table: string;
  column: string;
  /** Primary key values of the row. */
  key: Record<string, unknown>;
  code: VaultErrorCode;
  message: string;
}

export interface ResealResult {
  columns: ResealProgress[];
  scanned: number;
  resealed: number;
  skipped: number;
  failed: number;
  /** The first MAX_REPORTED_FAILURES failures; `failed` counts them all. */
  failures: ResealFailure[];
}

/** What the walk needs from the vault; crypto stays in the vault. */
export interface ResealDeps {
  /** The tenant's active key version read now (not from a cache); undefined if it has none. */
  activeVersion(tenantId: string): Promise<number | undefined>;
  /** Opens `sealed` under `ctx` and seals the plaintext again with `version`. */
  reseal(ctx: SealContext, sealed: Uint8Array, version: number): Promise<Uint8Array>;
}

const SEALED_ALIAS = '__sealed';
/** How many failures a walk keeps details of; the count is always complete. */
export const MAX_REPORTED_FAILURES = 1000;

/**
 * Walks each sealed column by primary key (keyset pagination, so each query is cheap however
 * large the table) and re-seals every value made with an older tenant key version than the
 * tenant's active one. Online: no transaction and no lock is held while crypto runs; each
 * update is guarded by the old bytes (`where column = old`), so a value a concurrent writer
 * replaced meanwhile is never overwritten. Values already on a newer version are left alone.
 */
export async function resealColumns(
  db: Db,
  deps: ResealDeps,
  options: ResealOptions = {},
): Promise<ResealResult> {
  const batchSize = positiveInteger(options.batchSize ?? 100, 'batchSize');
  const activeVersions = new Map<string, number | undefined>();
  const activeFor = async (tenantId: string) => {
    if (!activeVersions.has(tenantId))
      activeVersions.set(tenantId, await deps.activeVersion(tenantId));
    return activeVersions.get(tenantId);
  };

  const result: ResealResult = {
    columns: [],
    scanned: 0,
    resealed: 0,
    skipped: 0,
    failed: 0,
    failures: [],
  };
  for (const def of options.columns ?? SEALED_COLUMNS) {
    const progress = await resealColumn(db, def, batchSize, options, activeFor, deps, (failure) => {
      if (result.failures.length < MAX_REPORTED_FAILURES) result.failures.push(failure);
    });
    result.columns.push(progress);
    result.scanned += progress.scanned;
    result.resealed += progress.resealed;
    result.skipped += progress.skipped;
    result.failed += progress.failed;
  }
  return result;
}

async function resealColumn(
  db: Db,
  def: SealedColumn,
  batchSize: number,
  options: ResealOptions,
  activeFor: (tenantId: string) => Promise<number | undefined>,
  deps: ResealDeps,
  report: (failure: ResealFailure) => void,
): Promise<ResealProgress> {
  const table = sql.table(def.table);
  const column = sql.ref(def.column);
  const pk = def.primaryKey.map((name) => sql.ref(name));
  const selected = [...new Set([...def.primaryKey, 'tenant_id', ...def.contextColumns])];
  const tenantFilter = options.tenantId ? sql`and tenant_id = ${options.tenantId}` : sql``;

  const count = await sql<{ count: number }>`
    select count(*)::int as count from ${table} where ${column} is not null ${tenantFilter}
  `.execute(db);
  const progress: ResealProgress = {
    table: def.table,
    column: def.column,
    scanned: 0,
    resealed: 0,
    skipped: 0,
    failed: 0,
    total: count.rows[0]?.count ?? 0,
  };

  let after: unknown[] | undefined;
  for (;;) {
    const cursorFilter: RawBuilder<unknown> = after
      ? sql`and (${sql.join(pk)}) > (${sql.join(after)})`
      : sql``;
    const { rows } = await sql<SealedRow>`
      select ${sql.join(selected.map((name) => sql.ref(name)))}, ${column} as ${sql.id(SEALED_ALIAS)}
      from ${table}
      where ${column} is not null ${tenantFilter} ${cursorFilter}
      order by ${sql.join(pk)}
      limit ${batchSize}
    `.execute(db);
    const last = rows.at(-1);
    if (!last) break;

    for (const row of rows) {
      progress.scanned++;
      const sealed = row[SEALED_ALIAS] as Uint8Array;
      let fresh: Uint8Array;
      try {
        const active = await activeFor(String(row.tenant_id));
        if (active === undefined || sealedKeyVersion(sealed) >= active) continue;
        fresh = await deps.reseal(def.context(row), sealed, active);
      } catch (error) {
        // A value that will not open (altered, or its key unreadable) must not stop the walk
        // for every other row: it is reported and left as it is.
        if (!(error instanceof VaultError)) throw error;
        progress.failed++;
        const key = Object.fromEntries(def.primaryKey.map((name) => [name, row[name]]));
        report({
          table: def.table,
          column: def.column,
          key,
          code: error.code,
          message: error.message,
        });
        continue;
      }
      const where = sql.join(
        def.primaryKey.map((name) => sql`${sql.ref(name)} = ${row[name]}`),
        sql` and `,
      );
      const updated = await sql`
        update ${table} set ${column} = ${asBuffer(fresh)} where ${where} and ${column} = ${sealed}
      `.execute(db);
      if ((updated.numAffectedRows ?? 0n) > 0n) progress.resealed++;
      else progress.skipped++;
    }
    after = def.primaryKey.map((name) => last[name]);
    options.onProgress?.({ ...progress });
  }
  return progress;
}
