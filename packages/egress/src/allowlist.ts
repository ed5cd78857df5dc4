import { type Address, ipaddr, parseAddress, unwrap } from './address';

/**
 * One operator rule of LATCHKEY_EGRESS_ALLOW: an address or CIDR range, optionally one port.
 * Spellings: `10.0.0.0/8`, `127.0.0.1:18998`, `192.168.1.0/24:5432`, `[::1]:8080`, `fd00::/8`,
 * `[fd00::/8]:443`, `::1`. A bare IPv6 address with no brackets has no port.
 */
export interface AllowRule {
  range: [Address, number];
  port?: number;
  /** As the operator wrote it, for messages. */
  text: string;
}

export class EgressConfigError extends Error {
  override readonly name = 'EgressConfigError';
}

function parsePort(text: string, rule: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port < 1 || port > 65535) {
    throw new EgressConfigError(`LATCHKEY_EGRESS_ALLOW: '${rule}' has an invalid port '${text}'`);
  }
  return port;
}

function parseRange(text: string, rule: string): [Address, number] {
  try {
    if (text.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(text);
      return [address, bits];
    }
    const address = parseAddress(text);
    if (address) return [address, address.kind() === 'ipv4' ? 32 : 128];
  } catch {
    // falls through to the message below
  }
  throw new EgressConfigError(
    `LATCHKEY_EGRESS_ALLOW: '${rule}' is not an IP address or CIDR range (host names are not accepted: they can change)`,
  );
}

/** Parses one rule; throws EgressConfigError naming it. */
export function parseAllowRule(input: string): AllowRule {
  const rule = input.trim();
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rule);
  if (bracketed) {
    const range = parseRange(bracketed[1] ?? '', rule);
    return bracketed[2] === undefined
      ? { range, text: rule }
      : { range, port: parsePort(bracketed[2], rule), text: rule };
  }
  const colons = rule.split(':').length - 1;
  if (colons === 1) {
    const [host = '', port = ''] = rule.split(':');
    return { range: parseRange(host, rule), port: parsePort(port, rule), text: rule };
  }
  return { range: parseRange(rule, rule), text: rule };
}

/** Comma- (or whitespace-) separated rules; empty parts ignored. */
export function parseAllowList(value: string | readonly string[] | undefined): AllowRule[] {
  const parts = typeof value === 'string' ? value.split(/[,\s]+/) : [...(value ?? [])];
  return parts.filter((part) => part.trim() !== '').map(parseAllowRule);
}

/** Whether a rule lets a tenant reach `address` on `port`. */
export function ruleAllows(rule: AllowRule, address: Address, port: number): boolean {
  if (rule.port !== undefined && rule.port !== port) return false;
  const [base, bits] = rule.range;
  // `::ffff:10.0.0.1` is `10.0.0.1`: an IPv4 rule covers the IPv6 spellings that carry it.
  for (const candidate of new Set([address, unwrap(address)])) {
    if (candidate.kind() === base.kind() && candidate.match(base, bits)) return true;
  }
  return false;
}
