import {
  type Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import { healthScheduleId } from './health-contracts';

export interface HealthScheduleOptions {
  taskQueue: string;
  /** How often the sweep runs. */
  intervalMs: number;
}

/**
 * Creates the deployment's connection-health schedule, or brings an existing one to the
 * configured interval. Every worker calls this at start: whichever comes first creates it,
 * the others find it (Temporal keeps one schedule per id).
 */
export async function ensureHealthSchedule(client: Client, options: HealthScheduleOptions) {
  const scheduleId = healthScheduleId(options.taskQueue);
  const spec = { intervals: [{ every: options.intervalMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'connectionHealthSweepWorkflow',
    taskQueue: options.taskQueue,
    workflowId: `connection-health-sweep:${options.taskQueue}`,
    args: [],
    workflowExecutionTimeout: '10 minutes',
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    const handle = client.schedule.getHandle(scheduleId);
    const current = await handle.describe();
    const every = current.spec.intervals?.[0]?.every;
    if (every !== options.intervalMs) {
      await handle.update((previous) => ({ ...previous, spec }));
    }
  }
  return client.schedule.getHandle(scheduleId);
}

/** Removes the schedule (an operator turning background checks off, or a test cleaning up). */
export async function deleteHealthSchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.getHandle(healthScheduleId(taskQueue)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
