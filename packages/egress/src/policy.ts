import { lookup } from 'node:dns/promises';
import { type Address, canonical, deniedReason, parseAddress } from './address';
import { type AllowRule, parseAllowList, parseAllowRule, ruleAllows } from './allowlist';
import { EgressRefusedError } from './errors';
import { createPlatformMatcher, type PlatformService } from './platform';

export interface EgressPolicyOptions {
  /** LATCHKEY_EGRESS_ALLOW: rules as a comma-separated string or a list. */
  allow?: string | readonly string[];
  /** The platform's own services (database, Temporal, listeners): always refused. */
  platform?: readonly PlatformService[];
}

/** An address the policy checked; connect to `address`, never look `host` up again. */
export interface CheckedAddress {
  host: string;
  port: number;
  address: string;
  family: 4 | 6;
}

export interface EgressChecker {
  /**
   * Resolves `host` once (an IP literal in any spelling is not looked up), checks every address
   * it resolves to, and returns the one to connect to. Throws EgressRefusedError when any address
   * is refused; DNS errors are thrown as they are (a network failure, not a refusal).
   */
  check(host: string, port: number): Promise<CheckedAddress>;
  /** Adds an allow rule (tests allow their own loopback servers port by port). */
  allow(rule: string): void;
  /** The rules in force, as written. */
  readonly rules: readonly string[];
}

/**
 * Invariants:
 * - order: platform services first (never allowed), then the operator's allowlist, then the
 *   default-deny ranges; every address a name resolves to must pass, not just the first;
 * - the caller connects to the returned address, so DNS is asked once per connection and a
 *   rebinding answer between check and connect cannot exist;
 * - there is no option that turns the policy off.
 */
export function createEgressChecker(options: EgressPolicyOptions = {}): EgressChecker {
  const rules: AllowRule[] = parseAllowList(options.allow);
  const platform = createPlatformMatcher(options.platform ?? []);

  async function verdict(host: string, address: Address, port: number) {
    const service = await platform.match(address, port);
    const shown = canonical(address);
    if (service) return new EgressRefusedError('platform', host, port, service, shown);
    if (rules.some((rule) => ruleAllows(rule, address, port))) return undefined;
    const reason = deniedReason(address);
    return reason ? new EgressRefusedError('denied', host, port, reason, shown) : undefined;
  }

  async function resolveAll(host: string): Promise<Address[]> {
    const literal = parseAddress(host);
    if (literal) return [literal];
    const found = await lookup(host, { all: true, verbatim: true });
    const addresses = found.map((entry) => parseAddress(entry.address));
    if (addresses.length === 0 || addresses.some((a) => a === undefined)) {
      throw new EgressRefusedError('bad_address', host, undefined, 'no usable address');
    }
    return addresses as Address[];
  }

  return {
    async check(rawHost, port) {
      const host =
        rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
      if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new EgressRefusedError('bad_address', host, undefined, `invalid port ${port}`);
      }
      const addresses = await resolveAll(host);
      for (const address of addresses) {
        const refused = await verdict(host, address, port);
        if (refused) throw refused;
      }
      const first = addresses[0] as Address;
      return {
        host,
        port,
        address: first.toString(),
        family: first.kind() === 'ipv4' ? 4 : 6,
      };
    },
    allow(rule) {
      rules.push(parseAllowRule(rule));
    },
    get rules() {
      return rules.map((rule) => rule.text);
    },
  };
}
