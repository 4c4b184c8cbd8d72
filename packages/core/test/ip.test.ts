/**
 * IPv4/IPv6 parsing, RFC 5952 formatting and CIDR matching (packages/core/src/net/ip.ts), then the
 * ip filter guard that uses them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp, parseCidr, parseIp } from '../src/index.js';
import { CidrList, cidrContains } from '../src/net/ip.js';
import { decide } from './helpers.js';

function canonical(text: string): string | undefined {
  const bytes = parseIp(text);
  return bytes === undefined ? undefined : formatIp(bytes);
}

function contains(cidr: string, address: string): boolean {
  const c = parseCidr(cidr);
  const a = parseIp(address);
  assert.ok(c !== undefined, `valid cidr ${cidr}`);
  assert.ok(a !== undefined, `valid address ${address}`);
  return cidrContains(c, a);
}

describe('parseIp and formatIp', () => {
  it('parses IPv4 dotted quads', () => {
    assert.equal(canonical('192.0.2.1'), '192.0.2.1');
    assert.equal(canonical('0.0.0.0'), '0.0.0.0');
    assert.equal(canonical('255.255.255.255'), '255.255.255.255');
    assert.equal(canonical(' 10.0.0.1 '), '10.0.0.1');
    const bytes = parseIp('1.2.3.4');
    assert.deepEqual([...(bytes ?? [])], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4], 'held IPv4-mapped');
  });

  it('refuses malformed IPv4', () => {
    for (const text of ['256.0.0.1', '1.2.3.999', '01.2.3.4', '1.2.3.04', '00.0.0.0', '1.2.3', '1.2.3.4.5', '1.2.3.', '.1.2.3', '1..2.3', '1.2.3.4/8', '0x7f.0.0.1', '2130706433', '1.2.3.-4', '', ' ', 'localhost', '1.2.3.4 5']) {
      assert.equal(parseIp(text), undefined, JSON.stringify(text));
    }
  });

  it('parses IPv6 in full, compressed and mixed forms', () => {
    assert.equal(canonical('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(canonical('2001:DB8::1'), '2001:db8::1');
    assert.equal(canonical('::'), '::');
    assert.equal(canonical('::1'), '::1');
    assert.equal(canonical('1::'), '1::');
    assert.equal(canonical('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
    assert.equal(canonical('::2:3:4:5:6:7:8'), '0:2:3:4:5:6:7:8');
    assert.equal(canonical('1:2:3:4:5:6:7:8'), '1:2:3:4:5:6:7:8');
    assert.equal(canonical('::ffff:192.0.2.1'), '192.0.2.1', 'IPv4-mapped is shown as IPv4');
    assert.equal(canonical('::FFFF:c000:0201'), '192.0.2.1');
    assert.equal(canonical('64:ff9b::192.0.2.33'), '64:ff9b::c000:221');
    assert.equal(canonical('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304');
    assert.equal(canonical('[2001:db8::1]'), '2001:db8::1');
  });

  it('drops a zone index', () => {
    assert.equal(canonical('fe80::1%eth0'), 'fe80::1');
    assert.equal(canonical('fe80::1%25'), 'fe80::1');
    assert.equal(canonical('[fe80::a%en0]'), 'fe80::a');
  });

  it('refuses malformed IPv6', () => {
    for (const text of [
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '1::2::3',
      ':::',
      '12345::',
      '1:2:3:4:5:6:7:8::',
      '::1:2:3:4:5:6:7:8',
      ':1',
      '1:',
      'g::1',
      '::ffff:256.0.0.1',
      '::ffff:1.2.3.4:5',
      '1.2.3.4::',
      '[::1',
      '::1]',
      '2001:db8::1/64',
      ':',
    ]) {
      assert.equal(parseIp(text), undefined, JSON.stringify(text));
    }
  });

  it('formats IPv6 as RFC 5952: lower case, no leading zeros, longest zero run, first on a tie, no single-group ::', () => {
    assert.equal(canonical('2001:DB8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'first of two equal runs');
    assert.equal(canonical('2001:db8:0:0:0:1:0:0'), '2001:db8::1:0:0', 'longest run');
    assert.equal(canonical('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1', 'longest run, not the first');
    assert.equal(canonical('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
    assert.equal(canonical('2001:0db8:00aa:0bbb::00f0'), '2001:db8:aa:bbb::f0');
    assert.equal(canonical('0:0:0:0:0:0:0:0'), '::');
    assert.equal(canonical('1:0:0:0:0:0:0:0'), '1::');
  });
});

describe('parseCidr and matching', () => {
  it('matches IPv4 prefixes', () => {
    assert.equal(contains('10.0.0.0/8', '10.255.1.2'), true);
    assert.equal(contains('10.0.0.0/8', '11.0.0.0'), false);
    assert.equal(contains('192.168.1.0/24', '192.168.1.255'), true);
    assert.equal(contains('192.168.1.0/24', '192.168.2.0'), false);
    assert.equal(contains('172.16.0.0/12', '172.31.255.255'), true);
    assert.equal(contains('172.16.0.0/12', '172.32.0.0'), false);
    assert.equal(contains('10.1.2.3/8', '10.9.9.9'), true, 'host bits are masked');
  });

  it('handles /0, /32 and bare addresses', () => {
    assert.equal(contains('0.0.0.0/0', '198.51.100.7'), true);
    assert.equal(contains('0.0.0.0/0', '2001:db8::1'), false, 'an IPv4 /0 covers IPv4 only');
    assert.equal(contains('203.0.113.5/32', '203.0.113.5'), true);
    assert.equal(contains('203.0.113.5/32', '203.0.113.6'), false);
    assert.equal(contains('203.0.113.5', '203.0.113.5'), true);
    assert.equal(contains('203.0.113.5', '203.0.113.4'), false);
  });

  it('handles IPv6 prefixes, /0 and /128', () => {
    assert.equal(contains('2001:db8::/32', '2001:db8:ffff::1'), true);
    assert.equal(contains('2001:db8::/32', '2001:db9::1'), false);
    assert.equal(contains('2001:db8::/33', '2001:db8:7fff::1'), true);
    assert.equal(contains('2001:db8::/33', '2001:db8:8000::1'), false);
    assert.equal(contains('::/0', '2001:db8::1'), true);
    assert.equal(contains('::/0', '10.0.0.1'), true, 'IPv6 /0 covers everything, IPv4-mapped included');
    assert.equal(contains('::1/128', '::1'), true);
    assert.equal(contains('::1/128', '::2'), false);
    assert.equal(contains('fe80::/10', 'febf::1'), true);
    assert.equal(contains('fe80::/10', 'fec0::1'), false);
  });

  it('matches an IPv4-mapped client against IPv4 rules, and the reverse', () => {
    assert.equal(contains('10.0.0.0/8', '::ffff:10.1.2.3'), true);
    assert.equal(contains('10.0.0.0/8', '::ffff:11.1.2.3'), false);
    assert.equal(contains('::ffff:10.0.0.0/104', '10.20.30.40'), true);
    assert.equal(contains('10.0.0.1', '::ffff:a00:1'), true);
    assert.equal(contains('10.0.0.0/8', '::a00:1'), false, 'IPv4-compatible (deprecated) is not IPv4-mapped');
  });

  it('refuses invalid CIDRs', () => {
    for (const text of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0.0/a', '10.0.0.0/1000', '300.0.0.0/8', 'x/8', '', '/8', '10.0.0.0 /8x']) {
      assert.equal(parseCidr(text), undefined, JSON.stringify(text));
    }
  });

  it('CidrList matches any of its entries', () => {
    const list = new CidrList(['10.0.0.0/8', '2001:db8::/32'].map((t) => parseCidr(t)!));
    assert.equal(list.size, 2);
    assert.equal(list.contains(parseIp('10.1.1.1')!), true);
    assert.equal(list.contains(parseIp('2001:db8::5')!), true);
    assert.equal(list.contains(parseIp('192.0.2.1')!), false);
    assert.equal(new CidrList([]).contains(parseIp('10.1.1.1')!), false);
  });
});

describe('ip filter guard', () => {
  const policy = { ipFilter: { allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.6.6.0/24'] } } as const;

  it('allows listed clients, IPv4-mapped included', async () => {
    assert.equal((await decide(policy, { remoteAddress: '10.1.2.3' })).outcome, 'allow');
    assert.equal((await decide(policy, { remoteAddress: '::ffff:10.1.2.3' })).outcome, 'allow');
    assert.equal((await decide(policy, { remoteAddress: '2001:db8::42' })).outcome, 'allow');
  });

  it('refuses unlisted and deny-listed clients with 403 ip_denied (deny checked first)', async () => {
    for (const remoteAddress of ['192.0.2.1', '10.6.6.6', '::ffff:10.6.6.1', '2001:db9::1']) {
      const decision = await decide(policy, { remoteAddress });
      assert.equal(decision.code, 'ip_denied', remoteAddress);
      assert.equal(decision.status, 403);
      assert.equal(decision.guard, 'ip-filter');
    }
  });

  it('refuses an unknown client when an allow list is set, unless told otherwise', async () => {
    const unknown = await decide(policy, { remoteAddress: undefined });
    assert.equal(unknown.code, 'client_ip_unknown');
    assert.equal((await decide({ ipFilter: { deny: ['10.0.0.0/8'] } }, { remoteAddress: undefined })).outcome, 'allow');
    assert.equal((await decide({ ipFilter: { allow: ['10.0.0.0/8'], unknownClient: 'allow' } }, { remoteAddress: 'garbage' })).outcome, 'allow');
  });

  it('applies a route filter in addition to the policy filter', async () => {
    const routed = { ipFilter: { deny: ['192.0.2.0/24'] }, routes: [{ path: '/admin', ipFilter: { allow: ['10.0.0.0/8'], id: 'admin-ips' } }] };
    assert.equal((await decide(routed, { target: '/admin', remoteAddress: '10.0.0.1' })).outcome, 'allow');
    assert.equal((await decide(routed, { target: '/admin', remoteAddress: '198.51.100.1' })).guard, 'admin-ips');
    assert.equal((await decide(routed, { target: '/admin', remoteAddress: '192.0.2.1' })).guard, 'ip-filter');
    assert.equal((await decide(routed, { target: '/other', remoteAddress: '198.51.100.1' })).outcome, 'allow');
  });
});
