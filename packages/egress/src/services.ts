import { createEgressPolicy, type EgressPolicy } from './egress';
import { hostPortOf, type PlatformService } from './platform';

/** The settings that say where the platform's own services listen (each process has some). */
export interface PlatformEnv {
  DATABASE_URL?: string;
  TEMPORAL_ADDRESS?: string;
  /** The api's listener. */
  HOST?: string;
  PORT?: number | string;
  LATCHKEY_PUBLIC_URL?: string;
  LATCHKEY_API_URL?: string;
  MCP_PORT?: number | string;
  LATCHKEY_WEB_PORT?: number | string;
  LATCHKEY_TEMPORAL_UI_URL?: string;
  LATCHKEY_TEMPORAL_UI_PORT?: number | string;
  /** The worker's health and metrics listener (and the Temporal SDK's metrics exporter). */
  LATCHKEY_WORKER_HTTP_HOST?: string;
  LATCHKEY_WORKER_HTTP_PORT?: number | string;
  LATCHKEY_TEMPORAL_METRICS_ADDRESS?: string;
  /** More `host:port` pairs of the deployment's own services, comma-separated. */
  LATCHKEY_EGRESS_PLATFORM?: string;
  /** The trace collector (OpenTelemetry's variables), when tracing is on. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
}

const LOCAL = '127.0.0.1';

/**
 * Every platform service this process knows of. Unset listeners default to the dev stack's
 * ports on this machine (api 3000, MCP 3100, console 5173, Temporal 7233 and its UI 8233): a
 * local address is matched on every local interface, so a default costs nothing elsewhere.
 */
export function platformServicesOf(env: PlatformEnv): PlatformService[] {
  const out: PlatformService[] = [];
  const add = (name: string, text: string | undefined, defaultPort: number) => {
    const found = text ? hostPortOf(text, defaultPort) : undefined;
    if (found) out.push({ name, ...found });
  };
  add("the platform's PostgreSQL (DATABASE_URL)", env.DATABASE_URL, 5432);
  add('the Temporal frontend (TEMPORAL_ADDRESS)', env.TEMPORAL_ADDRESS ?? `${LOCAL}:7233`, 7233);
  const apiHost = env.HOST && env.HOST !== '0.0.0.0' && env.HOST !== '::' ? env.HOST : LOCAL;
  add(
    "the platform's api",
    `${apiHost.includes(':') ? `[${apiHost}]` : apiHost}:${env.PORT ?? 3000}`,
    3000,
  );
  add("the platform's api (LATCHKEY_PUBLIC_URL)", env.LATCHKEY_PUBLIC_URL, 443);
  add("the platform's api (LATCHKEY_API_URL)", env.LATCHKEY_API_URL, 443);
  add("the platform's MCP server", `${LOCAL}:${env.MCP_PORT ?? 3100}`, 3100);
  add("the platform's web console", `${LOCAL}:${env.LATCHKEY_WEB_PORT ?? 5173}`, 5173);
  add('the Temporal UI', `${LOCAL}:${env.LATCHKEY_TEMPORAL_UI_PORT ?? 8233}`, 8233);
  add('the Temporal UI (LATCHKEY_TEMPORAL_UI_URL)', env.LATCHKEY_TEMPORAL_UI_URL, 443);
  // A worker's /metrics names tenants and counts their runs: no tenant step may read it. Port 0
  // (any free port, as tests use) has no fixed address to list; production sets a port.
  const workerPort = String(env.LATCHKEY_WORKER_HTTP_PORT ?? 9091);
  if (workerPort !== '0') {
    const host = env.LATCHKEY_WORKER_HTTP_HOST ?? LOCAL;
    const listenHost = host === '0.0.0.0' || host === '::' ? LOCAL : host;
    add(
      "the worker's health and metrics listener",
      `${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${workerPort}`,
      9091,
    );
  }
  const sdkMetrics = env.LATCHKEY_TEMPORAL_METRICS_ADDRESS;
  if (sdkMetrics && sdkMetrics !== 'off' && !sdkMetrics.endsWith(':0')) {
    add("the Temporal SDK's metrics exporter", sdkMetrics, 9464);
  }
  add('the trace collector (OTEL_EXPORTER_OTLP_ENDPOINT)', env.OTEL_EXPORTER_OTLP_ENDPOINT, 4318);
  add(
    'the trace collector (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)',
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    4318,
  );
  for (const pair of (env.LATCHKEY_EGRESS_PLATFORM ?? '').split(',')) {
    add("the platform's own service (LATCHKEY_EGRESS_PLATFORM)", pair, 443);
  }
  return out;
}

/** A process's checked egress variables (`egressEnv` of @latchkey/config) and its listeners. */
export interface EgressConfig extends PlatformEnv {
  /** Comma-separated IPs or CIDR ranges with an optional port. */
  LATCHKEY_EGRESS_ALLOW?: string;
}

/**
 * The process's one egress policy from its configuration (api and worker build it the same
 * way): default deny for private addresses, the operator's allowlist, and the platform's own
 * services refused whatever the allowlist says.
 */
export function egressPolicyFromConfig(config: EgressConfig): EgressPolicy {
  return createEgressPolicy({
    allow: config.LATCHKEY_EGRESS_ALLOW,
    platform: platformServicesOf(config),
  });
}
