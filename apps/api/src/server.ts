import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type ApiDeps,
  appRouter,
  CONNECT_LINK_PATH,
  createContextFactory,
  createRateLimits,
  DEFAULT_DOOR_LIMITS,
  type DoorLimits,
  doorResponseHeaders,
  OAUTH_START_PATH,
} from '@latchkey/api';
import { databaseReadiness } from '@latchkey/db';
import { createOpsHandler, metrics, traceRequest, trackInFlight } from '@latchkey/observability';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { DEFAULT_MAX_BODY_BYTES, lingerThenClose, refuseDeclaredOversize } from './body-limit';
import { createCodecHandler } from './codec';
import { guardCodec } from './codec-door';
import { createConnectLinkHandler } from './connect-link';
import { createConsoleHandler } from './console';
import { createOAuthCallbackHandler, type OAuthRedirects } from './oauth-callback';
import { createOAuthStartHandler } from './oauth-start';

export const TRPC_BASE_PATH = '/trpc';
export const CODEC_BASE_PATH = '/codec';

/**
 * The api's HTTP server: tRPC under /trpc, the OAuth callback, connect links, the Temporal UI's
 * codec endpoint, and (in production) the built web console at `/`. Every request is logged by path, status and time only:
 * never headers, query strings or bodies, which can carry keys and inputs.
 */
export interface ApiServerOptions extends Omit<ApiDeps, 'doorLimits' | 'rateLimits'> {
  /** Limits at the door (defaults: DEFAULT_DOOR_LIMITS); rate counters live in PostgreSQL. */
  limits?: Partial<DoorLimits>;
  /** Largest request body read, in bytes (default 1 MiB); larger ones are answered 413. */
  maxBodyBytes?: number;
  /** The Temporal UI's codec endpoint under /codec; origins allowed to call it. */
  codec?: { allowedOrigins: string[] };
  oauth?: OAuthRedirects;
  /** A built web console (apps/web/dist) to serve at `/`; none in development. */
  webRoot?: string;
  /**
   * An HTTP server already listening, to serve on (main.ts binds first: with PORT=0 the
   * public URL and the egress policy need the port the system chose); default a new one.
   */
  listener?: Server;
}

/** The procedures the router has: anything else is counted as `unknown`, so labels stay bounded. */
const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));

/** A bounded name for the metrics label: the tRPC procedure, or the route. */
function routeOf(pathname: string): string {
  if (pathname.startsWith(`${TRPC_BASE_PATH}/`)) {
    const name = pathname.slice(TRPC_BASE_PATH.length + 1);
    if (name.includes(',')) return 'trpc.batch';
    return PROCEDURES.has(name) ? name : 'trpc.unknown';
  }
  if (pathname === CODEC_BASE_PATH || pathname.startsWith(`${CODEC_BASE_PATH}/`)) return 'codec';
  if (pathname === '/oauth/callback') return 'oauth.callback';
  if (pathname.startsWith(OAUTH_START_PATH)) return 'oauth.start';
  if (pathname.startsWith(CONNECT_LINK_PATH)) return 'connect_link';
  if (pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics') {
    return pathname.slice(1);
  }
  return 'other';
}

export type ApiServer = Server & {
  /**
   * Graceful stop (SIGTERM): /readyz turns 503, no new connections, requests in flight finish
   * within `graceMs`; true when none had to be cut.
   */
  drain(graceMs: number): Promise<boolean>;
};

export function createApiServer(options: ApiServerOptions): ApiServer {
  const doorLimits = { ...DEFAULT_DOOR_LIMITS, ...options.limits };
  const deps: ApiDeps & ApiServerOptions = {
    ...options,
    doorLimits,
    rateLimits: createRateLimits(options.db, doorLimits),
  };
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const codec = createCodecHandler({
    db: deps.db,
    vault: deps.vault,
    log: deps.log,
    allowedOrigins: deps.codec?.allowedOrigins ?? [],
    publicUrl: deps.publicUrl,
    temporalUiUrl: deps.temporalUi?.url,
  });
  const oauthCallback = createOAuthCallbackHandler(deps, deps.oauth ?? {});
  const connectLink = createConnectLinkHandler(deps, deps.oauth ?? {});
  const oauthStart = createOAuthStartHandler(deps, deps.oauth ?? {});
  const webConsole = deps.webRoot ? createConsoleHandler(deps.webRoot) : undefined;
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_BASE_PATH}/`,
    createContext: createContextFactory(deps),
    maxBodySize: maxBodyBytes,
    responseMeta: ({ errors }) => ({ headers: doorResponseHeaders(errors) }),
    onError({ error, path, ctx }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        deps.log.error(
          { err: error.cause ?? error, path, requestId: ctx?.requestId },
          'procedure failed',
        );
      }
    },
  });

  let tracker: ReturnType<typeof trackInFlight> | undefined;
  const ops = createOpsHandler({
    checks: {
      ...databaseReadiness(deps.db),
      temporal: async () => {
        const client = await deps.temporal();
        await client.connection.workflowService.getSystemInfo({});
        return 'ok';
      },
    },
    draining: () => tracker?.draining() ?? false,
    onCheckFailed: (check, error) =>
      deps.log.warn(
        { check, err: error instanceof Error ? error.message : String(error) },
        'readiness check failed',
      ),
  });

  const server = options.listener ?? createServer();
  server.on('request', (req: IncomingMessage & { requestId?: string }, res: ServerResponse) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routeOf(pathname);
    // One span per request when tracing is on (a tRPC call is `trpc <procedure>`); the
    // Temporal client's interceptor starts each run's workflow inside it.
    const spanName = pathname.startsWith(`${TRPC_BASE_PATH}/`) ? `trpc ${route}` : `HTTP ${route}`;
    traceRequest(spanName, { method: req.method, route }, res, () => handle(req, res, pathname));
  });
  const handle = (
    req: IncomingMessage & { requestId?: string },
    res: ServerResponse,
    pathname: string,
  ) => {
    const started = process.hrtime.bigint();
    req.requestId = randomUUID();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const labels = { procedure: routeOf(pathname), status: String(res.statusCode) };
      metrics.apiRequests.inc(labels);
      metrics.apiRequestDuration.observe(labels, seconds);
      deps.log.info(
        {
          requestId: req.requestId,
          method: req.method,
          // Connect links' and start URLs' paths are their tokens: capabilities, not logged.
          path: pathname.startsWith(CONNECT_LINK_PATH)
            ? `${CONNECT_LINK_PATH}:token`
            : pathname.startsWith(OAUTH_START_PATH)
              ? `${OAUTH_START_PATH}:token`
              : pathname,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    if (pathname === TRPC_BASE_PATH || pathname.startsWith(`${TRPC_BASE_PATH}/`)) {
      // An answer sent before the body was read (413, 401) does not wait for the rest of it.
      res.once('finish', () => lingerThenClose(req));
      if (refuseDeclaredOversize(req, res, maxBodyBytes)) return;
      trpc(req, res);
      return;
    }
    if (pathname === CODEC_BASE_PATH || pathname.startsWith(`${CODEC_BASE_PATH}/`)) {
      guardCodec(deps, req, res, pathname, () => codec(req, res)).catch((error: unknown) => {
        deps.log.error({ err: error, path: pathname }, 'codec guard failed');
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (pathname === '/oauth/callback' && req.method === 'GET') {
      void oauthCallback(req, res);
      return;
    }
    if (pathname.startsWith(OAUTH_START_PATH) && (req.method === 'GET' || req.method === 'POST')) {
      void oauthStart(req, res, pathname);
      return;
    }
    if (pathname.startsWith(CONNECT_LINK_PATH) && (req.method === 'GET' || req.method === 'POST')) {
      void connectLink(req, res, pathname);
      return;
    }
    if (ops(req, res, pathname)) return;
    if (webConsole && (req.method === 'GET' || req.method === 'HEAD')) {
      webConsole(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  };
  tracker = trackInFlight(server);
  const inFlight = tracker;
  return Object.assign(server, { drain: (graceMs: number) => inFlight.drain(graceMs) });
}
