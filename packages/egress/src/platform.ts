import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { type Address, canonical, parseAddress, unwrap } from './address';

/**
 * The platform's own services: no tenant reaches them, whatever the allowlist says.
 *
 * Invariants:
 * - a service is matched by address and port after resolving its host once (at first use);
 * - a service on a loopback or unspecified address (`127.0.0.1`, `localhost`, `0.0.0.0`) is
 *   reachable through every address of this machine, so it is matched on all of them: every
 *   loopback and unspecified address and every local interface address, on its port.
 */
export interface PlatformService {
  /** What it is, for messages: `the platform's PostgreSQL (DATABASE_URL)`. */
  name: string;
  host: string;
  port: number;
}

interface Resolved {
  name: string;
  port: number;
  addresses: Set<string>;
  anyLocal: boolean;
}

const localAddresses = (): Set<string> => {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      const parsed = parseAddress(entry.address);
      if (parsed) out.add(canonical(parsed));
    }
  }
  return out;
};

async function addressesOf(host: string): Promise<Address[]> {
  const literal = parseAddress(host);
  if (literal) return [literal];
  try {
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((entry) => parseAddress(entry.address)).filter((a) => a !== undefined);
  } catch {
    // A platform host that does not resolve here cannot be reached from here either.
    return [];
  }
}

const isLocal = (address: Address) => {
  const range = unwrap(address).range();
  return range === 'loopback' || range === 'unspecified';
};

export function createPlatformMatcher(services: readonly PlatformService[]) {
  let resolved: Promise<Resolved[]> | undefined;
  const resolve = () =>
    Promise.all(
      services.map(async (service): Promise<Resolved> => {
        const addresses = await addressesOf(service.host);
        const anyLocal = addresses.some(isLocal);
        return {
          name: service.name,
          port: service.port,
          addresses: new Set(addresses.map((a) => canonical(unwrap(a)))),
          anyLocal,
        };
      }),
    );
  return {
    /** The service at this address and port, if it is one of the platform's. */
    async match(address: Address, port: number): Promise<string | undefined> {
      resolved ??= resolve();
      const services = await resolved;
      const key = canonical(unwrap(address));
      for (const service of services) {
        if (service.port !== port) continue;
        if (service.addresses.has(key)) return service.name;
        if (service.anyLocal && (isLocal(address) || localAddresses().has(key))) {
          return service.name;
        }
      }
      return undefined;
    },
  };
}

/** `host:port`, `[v6]:port` or a URL; the port defaults to `defaultPort`. */
export function hostPortOf(
  text: string,
  defaultPort: number,
): { host: string; port: number } | undefined {
  const value = text.trim();
  if (!value) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `tcp://${value}`;
  try {
    const url = new URL(withScheme);
    const implied = url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : defaultPort;
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (!host) return undefined;
    return { host: decodeURIComponent(host), port: url.port ? Number(url.port) : implied };
  } catch {
    return undefined;
  }
}
