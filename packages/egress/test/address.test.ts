import { describe, expect, it } from 'vitest';
import { deniedReason, EgressConfigError, parseAddress, parseAllowList } from '../src/index';

const reasonOf = (text: string) => {
  const address = parseAddress(text);
  if (!address) throw new Error(`not an address: ${text}`);
  return deniedReason(address);
};

describe('default deny', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b:1::7f00:1', 'loopback'],
    ['::ffff:0:7f00:1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['::ffff:192.168.1.1', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'], // Alibaba Cloud metadata
    ['169.254.169.254', 'link-local'], // AWS, GCP, Azure, OpenStack metadata
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd00:ec2::254', 'unique-local'], // AWS metadata over IPv6
    ['fc00::1', 'unique-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2002:7f00:1::', '6to4'],
    ['::7f00:1', 'outside global unicast'],
  ])('%s is refused (%s)', (text, reason) => {
    expect(reasonOf(text)).toContain(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8'])(
    '%s (public) passes',
    (text) => {
      expect(reasonOf(text)).toBeUndefined();
    },
  );

  it('URL parsing turns odd IPv4 spellings into the address before anyone looks', () => {
    for (const host of ['127.1', '2130706433', '0x7f.1', '0177.0.0.1', '0x7f000001']) {
      expect(new URL(`http://${host}:8080/`).hostname).toBe('127.0.0.1');
    }
    expect(new URL('http://[::ffff:127.0.0.1]/').hostname).toBe('[::ffff:7f00:1]');
  });
});

describe('LATCHKEY_EGRESS_ALLOW', () => {
  it('reads addresses and ranges with and without ports', () => {
    const rules = parseAllowList(
      '127.0.0.1:18998, 10.0.0.0/8,[::1]:8080 fd00::/8,[fd00::/16]:443, ::1',
    );
    expect(rules.map((r) => [r.range[0].toString(), r.range[1], r.port])).toEqual([
      ['127.0.0.1', 32, 18998],
      ['10.0.0.0', 8, undefined],
      ['::1', 128, 8080],
      ['fd00::', 8, undefined],
      ['fd00::', 16, 443],
      ['::1', 128, undefined],
    ]);
  });

  it.each([
    'localhost:80',
    'example.com',
    '127.0.0.1:0',
    '127.0.0.1:70000',
    '10.0.0.0/33',
    '1.2.3.4:x',
  ])('refuses %s with a message naming it', (rule) => {
    expect(() => parseAllowList(rule)).toThrow(EgressConfigError);
    expect(() => parseAllowList(rule)).toThrow(rule);
  });
});
