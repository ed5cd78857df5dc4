import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * The run quota's check in one round trip. Starting a run took a transaction of four round trips
 * (begin; a per-tenant advisory lock; the insert counting unfinished runs; commit), because a
 * statement reads the snapshot taken when it began, and the count must start after the lock is
 * held to see runs committed while it waited. A VOLATILE function's statements each take a new
 * snapshot: this one takes the lock (held until the calling statement's transaction ends), then
 * counts, so one statement can lock, count and insert (`insertRunWithinQuota`).
 *
 * The lock class is the run quota's ("RUNQ"), apart from every other advisory lock.
 */
export async function up(db: AnyDb): Promise<void> {
  await sql`
    create function latchkey_lock_run_quota(tenant uuid, max_unfinished integer)
    returns bigint language plpgsql volatile as $$
    declare
      unfinished bigint;
    begin
      perform pg_advisory_xact_lock(${sql.lit(0x52554e51)}, hashtext(tenant::text));
      select count(*) into unfinished from (
        select 1 from runs where tenant_id = tenant and finished_at is null limit max_unfinished
      ) open;
      return unfinished;
    end $$
  `.execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop function if exists latchkey_lock_run_quota(uuid, integer)`.execute(db);
}
