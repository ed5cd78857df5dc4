import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * Latchkey's Prometheus metrics: one registry per process, because that is what Prometheus
 * scrapes (a counter is a fact about this process, summed across processes by the query). No
 * label ever carries a tenant, user, key or URL: labels are bounded sets (procedure names,
 * statuses, outcomes), so a hostile tenant cannot grow the series count.
 */
export const registry = new Registry();

let defaultsCollected = false;

/** Names the process (`app="api"` or `"worker"`) and adds Node's process metrics, once. */
export function initProcessMetrics(app: 'api' | 'worker' | 'mcp'): void {
  registry.setDefaultLabels({ app });
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
}

/** Seconds buckets from 5 ms to 1 min: api calls, steps and token requests all fall in it. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export const metrics = {
  /** Every api request: `procedure` is the tRPC path (or the route), `status` the HTTP status. */
  apiRequests: new Counter({
    name: 'latchkey_api_requests_total',
    help: 'api requests by procedure (tRPC path or route) and HTTP status',
    labelNames: ['procedure', 'status'] as const,
    registers: [registry],
  }),
  apiRequestDuration: new Histogram({
    name: 'latchkey_api_request_duration_seconds',
    help: 'api request latency by procedure and HTTP status',
    labelNames: ['procedure', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  /** A run's end as recorded by the worker: `status` is succeeded or failed. */
  runsFinished: new Counter({
    name: 'latchkey_runs_finished_total',
    help: 'runs recorded as finished, by status',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  /** One observation per step attempt: `type` http|sql, `outcome` succeeded|failed. */
  stepDuration: new Histogram({
    name: 'latchkey_step_duration_seconds',
    help: 'step attempt latency by step type and outcome',
    labelNames: ['type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  stepAttempts: new Counter({
    name: 'latchkey_step_attempts_total',
    help: 'step attempts by step type and outcome (retries count as attempts)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  }),
  /** Which attempt a step succeeded on: 1 means no retry was needed. */
  stepSucceededOnAttempt: new Histogram({
    name: 'latchkey_step_succeeded_on_attempt',
    help: 'the attempt number on which steps succeeded',
    labelNames: ['type'] as const,
    buckets: [1, 2, 3, 5, 10],
    registers: [registry],
  }),
  /** `outcome`: refreshed | not_refreshable | needs_reauth | failed (transient). */
  oauthRefreshes: new Counter({
    name: 'latchkey_oauth_refresh_total',
    help: 'OAuth token refreshes attempted under the connection lock, by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  /** `operation`: seal | open; `outcome`: ok | error (an open that fails is a tamper signal). */
  vaultOperations: new Counter({
    name: 'latchkey_vault_operations_total',
    help: 'vault seal and open operations by outcome',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  }),
  /** Refusals at the door (HTTP 429): `limit` names the rule that refused. */
  rateLimitRefusals: new Counter({
    name: 'latchkey_rate_limit_refusals_total',
    help: 'requests refused by a rate limit or quota, by limit name',
    labelNames: ['limit'] as const,
    registers: [registry],
  }),
};

export type LatchkeyMetrics = typeof metrics;

/** Times `work` into `histogram` and counts it, labelled by how it ended. */
export async function observeOutcome<T>(
  work: () => Promise<T>,
  record: (outcome: 'succeeded' | 'failed', seconds: number) => void,
): Promise<T> {
  const started = performance.now();
  try {
    const value = await work();
    record('succeeded', (performance.now() - started) / 1_000);
    return value;
  } catch (error) {
    record('failed', (performance.now() - started) / 1_000);
    throw error;
  }
}
