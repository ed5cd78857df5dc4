import ipaddr from 'ipaddr.js';

/**
 * Which addresses a tenant may reach without an operator's say-so.
 *
 * Invariants:
 * - spellings are ipaddr.js's business, not ours: `127.1`, `0x7f.1`, `2130706433`, `[::1]`,
 *   `::ffff:127.0.0.1` all parse to the address they name (and WHATWG URL parsing has already
 *   turned a URL's `127.1` host into `127.0.0.1`);
 * - default deny: an IPv4 address passes only in ipaddr.js's `unicast` range, an IPv6 address only
 *   inside global unicast 2000::/3 and outside every special range; anything new or odd is refused;
 * - IPv6 forms that carry an IPv4 address (IPv4-mapped, SIIT, NAT64 64:ff9b::/96 and
 *   64:ff9b:1::/48) are judged by the IPv4 address they carry.
 */
export type Address = ipaddr.IPv4 | ipaddr.IPv6;

const REASONS: Record<string, string> = {
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  multicast: 'multicast address',
  linkLocal: 'link-local address (cloud metadata services live here)',
  loopback: 'loopback address',
  carrierGradeNat: 'carrier-grade NAT address',
  private: 'private address',
  uniqueLocal: 'unique-local address',
  deprecatedSiteLocal: 'site-local address',
  '6to4': '6to4 tunnel address',
  teredo: 'Teredo tunnel address',
};

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
const NAT64: [ipaddr.IPv6, number][] = [
  ipaddr.IPv6.parseCIDR('64:ff9b::/96'),
  ipaddr.IPv6.parseCIDR('64:ff9b:1::/48'),
];

/** An IP address in any spelling ipaddr.js accepts (brackets allowed), or undefined. */
export function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  // A zone id (`fe80::1%eth0`) names an interface, not another address: judge the address.
  const unzoned = bare.replace(/%.*$/, '');
  if (!ipaddr.isValid(unzoned)) return undefined;
  return ipaddr.parse(unzoned);
}

/** The IPv4 address an IPv6 address carries (mapped, SIIT or NAT64), else the address itself. */
export function unwrap(address: Address): Address {
  if (address.kind() === 'ipv4') return address;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const range = v6.range();
  if (range === 'rfc6145' || NAT64.some((cidr) => v6.match(cidr))) {
    const bytes = v6.toByteArray().slice(12);
    return new ipaddr.IPv4(bytes);
  }
  return v6;
}

/** Why a tenant may not reach this address by default; undefined for a public address. */
export function deniedReason(input: Address): string | undefined {
  const address = unwrap(input);
  const range = address.range();
  if (address.kind() === 'ipv4') {
    if (range === 'unicast') return undefined;
    return REASONS[range] ?? `reserved address (${range})`;
  }
  if (range === 'unicast' && address.match(GLOBAL_UNICAST_V6)) return undefined;
  if (range === 'unicast') return 'IPv6 address outside global unicast (2000::/3)';
  return REASONS[range] ?? `reserved address (${range})`;
}

/** One spelling per address, IPv4-mapped IPv6 written as IPv4, for comparing addresses. */
export function canonical(address: Address): string {
  const plain =
    address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
      ? (address as ipaddr.IPv6).toIPv4Address()
      : address;
  return plain.toNormalizedString();
}

export { ipaddr };
