import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';

/**
 * OpenTelemetry's own variables (the OTLP exporter's conventions), for a process's env reader.
 * Tracing is off unless an endpoint is set; `OTEL_SDK_DISABLED=true` turns it off again.
 */
export const tracingEnv = {
  /** The collector's base URL (`http://otel-collector:4318`); spans go to `<it>/v1/traces`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** The full traces URL, used as given; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** Headers for the collector (`key=value,key2=value2`), e.g. its API key: never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.split(',').every((pair) => pair.trim().includes('=')), {
      error: 'must be comma-separated key=value pairs',
    }),
  /** The `service.name` on every span; default `latchkey-api` / `latchkey-worker`. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
};
export type TracingConfig = { [K in keyof typeof tracingEnv]: z.output<(typeof tracingEnv)[K]> };

/** Where spans go, or undefined when tracing is off (the default). */
export function tracesEndpointOf(config: Partial<TracingConfig>): string | undefined {
  if (config.OTEL_SDK_DISABLED === 'true') return undefined;
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

function headersOf(text: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) {
      headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(
        pair.slice(at + 1).trim(),
      );
    }
  }
  return headers;
}

/** A process's tracing: the SDK registered globally, and what Temporal's interceptors need. */
export interface Tracing {
  /** Where spans are sent (origin and path only: no credentials). */
  endpoint: string;
  resource: Resource;
  /** Batches and exports finished spans; the worker's workflow spans go through it too. */
  spanProcessor: SpanProcessor;
  /** Exports what is left, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing when the configuration names a collector: a global tracer provider with the
 * W3C trace-context propagator and an AsyncLocalStorage context manager, exporting over OTLP
 * (HTTP, JSON) in batches. Returns undefined when tracing is off: then every tracer in the
 * process is OpenTelemetry's no-op one and nothing is sent anywhere.
 *
 * The collector is a platform service the operator configures, not tenant egress: it is
 * reached directly, and the egress policy refuses it to tenants (`platformServicesOf`).
 */
export function startTracing(app: 'api' | 'worker', config: TracingConfig): Tracing | undefined {
  const url = tracesEndpointOf(config);
  if (!url) return undefined;
  const resource = new Resource({ 'service.name': config.OTEL_SERVICE_NAME ?? `latchkey-${app}` });
  const exporter = new OTLPTraceExporter({
    url,
    headers: headersOf(config.OTEL_EXPORTER_OTLP_HEADERS),
  });
  const spanProcessor = new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const shown = new URL(url);
  return {
    endpoint: `${shown.origin}${shown.pathname}`,
    resource,
    spanProcessor,
    shutdown: () => provider.shutdown(),
  };
}

const apiTracer = () => trace.getTracer('@latchkey/api');

/**
 * Runs an incoming request inside a server span (`<name>`), ended when the response is sent.
 * The span carries only the method, the bounded route name and the status: never the URL,
 * headers or body (keys and inputs travel there). The api is the root of the trace: a
 * `traceparent` sent by a caller (a tenant) is not trusted. A no-op when tracing is off.
 */
export function traceRequest<T>(
  name: string,
  request: { method?: string; route: string },
  response: { once(event: 'finish' | 'close', listener: () => void): unknown; statusCode: number },
  handle: (span: Span) => T,
): T {
  return apiTracer().startActiveSpan(
    name,
    {
      kind: SpanKind.SERVER,
      root: true,
      attributes: { 'http.request.method': request.method ?? 'GET', 'http.route': request.route },
    },
    (span) => {
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        span.setAttribute('http.response.status_code', response.statusCode);
        if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      };
      response.once('finish', end);
      response.once('close', end);
      return handle(span);
    },
  );
}
