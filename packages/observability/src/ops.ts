import type { IncomingMessage, ServerResponse } from 'node:http';
import { registry } from './metrics';

/** A readiness check: resolves `'ok'` or a short, bounded word (`'behind'`), throws if down. */
export type ReadinessCheck = () => Promise<'ok' | (string & {})>;

export interface OpsOptions {
  /** Named checks `/readyz` runs; every one must say `'ok'`. */
  checks: Record<string, ReadinessCheck>;
  /** True once the process is shutting down: `/readyz` says 503 so balancers stop sending. */
  draining: () => boolean;
  /** More Prometheus text appended to `/metrics` (the Temporal SDK's own metrics). */
  extraMetrics?: () => Promise<string>;
  /** Where a failed check's reason goes: it may name hosts, so it is logged, never served. */
  onCheckFailed?: (name: string, error: unknown) => void;
  /** A check that takes longer counts as down. */
  checkTimeoutMs?: number;
}

export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every check at once; the answer names each check and says only ok or what is wrong. */
export async function readiness(options: OpsOptions) {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  const entries = await Promise.all(
    Object.entries(options.checks).map(async ([name, check]) => {
      try {
        return [name, await withTimeout(check(), timeoutMs)] as const;
      } catch (error) {
        options.onCheckFailed?.(name, error);
        return [name, 'unavailable'] as const;
      }
    }),
  );
  const checks = Object.fromEntries(entries);
  const draining = options.draining();
  const ready = !draining && entries.every(([, value]) => value === 'ok');
  return { ready, status: draining ? 'draining' : ready ? 'ready' : 'not_ready', checks };
}

/**
 * `/healthz` (the process is alive: 200 while it runs, even draining), `/readyz` (it can serve:
 * 200 or 503 with each check) and `/metrics` (Prometheus text). Returns false for other paths.
 */
export function createOpsHandler(options: OpsOptions) {
  return (req: IncomingMessage, res: ServerResponse, pathname: string): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return true;
    }
    if (pathname === '/readyz') {
      void readiness(options).then((result) => {
        res
          .writeHead(result.ready ? 200 : 503, {
            'content-type': 'application/json',
            'cache-control': 'no-store',
          })
          .end(JSON.stringify({ status: result.status, checks: result.checks }));
      });
      return true;
    }
    if (pathname === '/metrics') {
      void scrape(options.extraMetrics).then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return true;
    }
    return false;
  };
}

async function scrape(extra?: () => Promise<string>): Promise<string> {
  const own = await registry.metrics();
  const more = extra ? await extra().catch(() => '') : '';
  return more ? `${own}\n${more}` : own;
}
