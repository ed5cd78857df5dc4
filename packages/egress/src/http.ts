import { isIP } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
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
 * `fetch` over the checked dispatcher. It is undici's fetch (the npm package), typed as the
 * global one: its Request/Response are the same WHATWG classes in shape.
 */
export function checkedFetch(agent: Agent): typeof fetch {
  const send = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher: agent,
    });
  return send as unknown as typeof fetch;
}
