import pg from 'pg';
import { RUN_FINISHED_CHANNEL } from './migrations/2026_11_25_0005_run_finished_notify';

export interface RunWatch {
  /** Resolves when the run's row is marked finished; never rejects. */
  finished: Promise<void>;
  /** Forgets the watch (call it however the wait ended). */
  stop(): void;
}

export interface RunFinishedFeed {
  /**
   * Watches one run of one tenant. Register before the run can end: a notification that
   * arrived earlier is not replayed. While the feed is reconnecting nothing resolves, so
   * callers keep another way to learn the outcome (Temporal) for runs that take longer.
   */
  watch(tenantId: string, runId: string): RunWatch;
  close(): Promise<void>;
}

export interface RunFinishedFeedOptions {
  connectionString: string;
  /** Told when the listening connection fails; the feed reconnects by itself. */
  onError?: (error: Error) => void;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * One LISTEN connection per process for the `runs_finished_notify` trigger: a caller waiting
 * on a run learns the moment its row is finished, with no polling of PostgreSQL or Temporal.
 * Keys are `<tenant id>:<run id>`, so a watch only ever hears of its own tenant's run.
 */
export function createRunFinishedFeed(options: RunFinishedFeedOptions): RunFinishedFeed {
  const waiting = new Map<string, Set<() => void>>();
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const deliver = (message: pg.Notification) => {
    if (message.channel !== RUN_FINISHED_CHANNEL || !message.payload) return;
    for (const wake of waiting.get(message.payload) ?? []) wake();
  };

  const scheduleReconnect = (error: Error) => {
    client = undefined;
    if (closed || retryTimer) return;
    options.onError?.(error);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  async function connect() {
    const next = new pg.Client({ connectionString: options.connectionString });
    // An 'error' event with no listener would kill the process; a lost connection is retried.
    next.on('error', (error) => scheduleReconnect(error));
    next.on('end', () => {
      if (client === next) scheduleReconnect(new Error('the LISTEN connection closed'));
    });
    next.on('notification', deliver);
    try {
      await next.connect();
      await next.query(`LISTEN ${RUN_FINISHED_CHANNEL}`);
    } catch (error) {
      next.end().catch(() => {});
      scheduleReconnect(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    retryMs = RETRY_MIN_MS;
  }
  void connect();

  return {
    watch(tenantId, runId) {
      const key = `${tenantId}:${runId}`;
      let wake!: () => void;
      const finished = new Promise<void>((resolve) => {
        wake = resolve;
      });
      let wakers = waiting.get(key);
      if (!wakers) {
        wakers = new Set();
        waiting.set(key, wakers);
      }
      wakers.add(wake);
      const stop = () => {
        const current = waiting.get(key);
        current?.delete(wake);
        if (current?.size === 0) waiting.delete(key);
      };
      return { finished, stop };
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}
