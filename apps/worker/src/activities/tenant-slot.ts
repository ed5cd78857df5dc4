import { Context } from '@temporalio/activity';
import type { TenantLimiter } from '../tenant-limiter';

const HEARTBEAT_MS = 2_000;

/**
 * Runs an activity's work in one of its tenant's slots (see tenant-limiter.ts), heartbeating
 * from the moment it starts to wait, not from the moment it gets the slot: a step that waits
 * longer than its heartbeat timeout would otherwise be retried while this attempt still
 * waits, and both would then run. A dead worker stops heartbeating, so its attempt is retried
 * quickly. When Temporal cancels the attempt (or it times out) while it waits, it leaves the
 * queue without running. A local activity (a one-step run's step) has no heartbeats: its
 * worker watches it, and core would log every beat as a warning.
 */
export function inTenantSlot<T>(
  limiter: TenantLimiter,
  tenantId: string,
  work: () => Promise<T>,
): Promise<T> {
  const context = Context.current();
  const run = () => limiter.run(tenantId, work, context.cancellationSignal);
  if (context.info.isLocal) return run();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_MS);
  return run().finally(() => clearInterval(timer));
}

/** One heartbeat now (between pages, say); nothing for a local activity. */
export function heartbeat(): void {
  const context = Context.current();
  if (!context.info.isLocal) context.heartbeat();
}
