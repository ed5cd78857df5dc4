import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { EgressChecker } from './policy';

/**
 * An undici dispatcher whose every new connection goes through the checker: the connector
 * resolves and checks the host, then dials the checked address (TLS still verifies the
 * certificate against the original name, sent as SNI). Pooled connections were checked when
 * they were made, so every request (each redirect hop, each page) is covered.
 */
export function createCheckedAgent(
  checker: EgressChecker,
  options: { connectTimeoutMs?: number } = {},
) {
  const connect = buildConnector({ timeout: options.connectTimeoutMs ?? 10_000 });
  return new Agent({
    connect(opts, callback) {
      const hostname = opts.hostname.startsWith('[') ? opts.hostname.slice(1, -1) : opts.hostname;
      const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
      checker.check(hostname, port).then(
        (checked) => {
          const servername = opts.servername ?? (isIP(hostname) ? undefined : hostname);
          connect(
            { ...opts, hostname: checked.address, ...(servername ? { servername } : {}) },
            callback,
          );
        },
        (error: Error) => callback(error, null),
      );
    },
  });
}

/**
 * The global `fetch` over the checked dispatcher (Node's fetch takes an undici dispatcher), so
 * responses are the platform's own `Response` class, which libraries such as oauth4webapi check.
 * Every request the returned function makes goes through the dispatcher; a caller cannot pass
 * another one.
 */
export function checkedFetch(agent: Agent): typeof fetch {
  return (input, init) => fetch(input, { ...init, dispatcher: agent } as unknown as RequestInit);
}
