import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/** The run reconciler pages through unfinished runs by id; finished ones, nearly all, stay out. */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex('runs_unfinished_idx')
    .on('runs')
    .column('id')
    .where(sql.ref('finished_at'), 'is', null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('runs_unfinished_idx').ifExists().execute();
}
