import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Whether an address is one of the proxies whose `X-Forwarded-For` is believed. */
export type TrustedProxies = (address: string) => boolean;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`, as dual-stack sockets report) counts as IPv4. */
const parse = (address: string) => ipaddr.process(address);

function rangeOf(entry: string): Range {
  if (entry.includes('/')) {
    const [address, bits] = ipaddr.parseCIDR(entry);
    return [address, bits];
  }
  const address = parse(entry);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

const compiled = new WeakMap<readonly string[], TrustedProxies>();

/**
 * The matcher for a list of trusted proxies (IPs and CIDR ranges, checked at start by
 * @latchkey/config's `trustedProxiesEnv`); compiled once per list.
 */
export function trustProxies(list: readonly string[]): TrustedProxies {
  const known = compiled.get(list);
  if (known) return known;
  const ranges = list.map(rangeOf);
  const trusted: TrustedProxies = (address) => {
    if (ranges.length === 0 || !ipaddr.isValid(address)) return false;
    const ip = parse(address);
    return ranges.some(([range, bits]) => ip.kind() === range.kind() && ip.match(range, bits));
  };
  compiled.set(list, trusted);
  return trusted;
}

/**
 * The address a request came from, as rate limits count it. A peer that is not a trusted
 * proxy is the client, whatever its `X-Forwarded-For` says. Through trusted proxies (a load
 * balancer, the MCP server), the chain is read from the right, each entry written by the hop
 * after it: the client is the first entry that is not a trusted proxy (entries left of it are
 * the client's to write, so never read). IPv6 addresses count by their /64, the block one
 * host is usually given.
 */
export function clientAddress(req: IncomingMessage, trustedProxies: readonly string[]): string {
  const trusted = trustProxies(trustedProxies);
  let address = req.socket.remoteAddress ?? 'unknown';
  if (trusted(address)) {
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] ?? '';
      // Not an address: a misconfigured proxy; the last trusted hop stands for the client.
      if (!ipaddr.isValid(hop)) break;
      address = hop;
      if (!trusted(hop)) break;
    }
  }
  return addressKey(address);
}

export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
