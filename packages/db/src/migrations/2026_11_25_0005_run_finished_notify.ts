import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/** The channel a run's `<tenant id>:<run id>` is sent on when the run ends (see RunFinishedFeed). */
export const RUN_FINISHED_CHANNEL = 'latchkey_run_finished';

/**
 * Whoever ends a run (the workflow's bookkeeping, the api when Temporal refused the start),
 * waiting callers hear of it when that transaction commits, without asking Temporal.
 */
export async function up(db: AnyDb): Promise<void> {
  await sql`
    create function runs_notify_finished() returns trigger language plpgsql as $$
    begin
      perform pg_notify(${sql.lit(RUN_FINISHED_CHANNEL)}, new.tenant_id::text || ':' || new.id::text);
      return null;
    end $$
  `.execute(db);
  await sql`
    create trigger runs_finished_notify after update of finished_at on runs
    for each row when (old.finished_at is null and new.finished_at is not null)
    execute function runs_notify_finished()
  `.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop trigger if exists runs_finished_notify on runs`.execute(db);
  await sql`drop function if exists runs_notify_finished()`.execute(db);
}
