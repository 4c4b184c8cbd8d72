/**
 * Client address resolution: forwarding headers are believed only from configured trusted proxies,
 * the chain is walked from the right, and a malformed hop makes the address unknown.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Policy } from '../src/index.js';
import { firewall, raw, recordingTelemetry, request } from './helpers.js';

async function clientIp(policy: Policy, remoteAddress: string | undefined, ...headers: [string, string][]): Promise<string | undefined> {
  const fw = await firewall(policy);
  const decision = await fw.decide(request({ remoteAddress, headers: raw(...headers) }));
  return decision.clientIp;
}

const behindProxy: Policy = { proxy: { trusted: ['10.0.0.0/8', '2001:db8:ffff::/48'] } };
const behindForwarded: Policy = { proxy: { trusted: ['10.0.0.0/8'], header: 'forwarded' } };

describe('client ip: X-Forwarded-For', () => {
  it('uses the socket address when there is no forwarding header', async () => {
    assert.equal(await clientIp({}, '203.0.113.7'), '203.0.113.7');
    assert.equal(await clientIp(behindProxy, '10.0.0.1'), '10.0.0.1');
    assert.equal(await clientIp({}, '::ffff:203.0.113.7'), '203.0.113.7', 'canonical text');
    assert.equal(await clientIp({}, '2001:DB8:0:0::1'), '2001:db8::1');
    assert.equal(await clientIp({}, undefined), undefined);
    assert.equal(await clientIp({}, 'not-an-ip'), undefined);
  });

  it('believes the header from a trusted proxy', async () => {
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['X-Forwarded-For', '198.51.100.7']), '198.51.100.7');
    assert.equal(await clientIp(behindProxy, '::ffff:10.0.0.1', ['x-forwarded-for', '198.51.100.7']), '198.51.100.7', 'IPv4-mapped peer matches an IPv4 rule');
    assert.equal(await clientIp(behindProxy, '2001:db8:ffff::2', ['x-forwarded-for', '2001:db8:1::9']), '2001:db8:1::9');
  });

  it('walks a chain of trusted proxies from the right', async () => {
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '198.51.100.7, 10.0.0.3, 10.0.0.2']), '198.51.100.7');
    // Repeated header lines form one list, in order.
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '198.51.100.7'], ['x-forwarded-for', '10.0.0.2']), '198.51.100.7');
  });

  it('does not let a client spoof an address by prepending it', async () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; the trusted proxy appended the real address.
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '1.1.1.1, 203.0.113.5']), '203.0.113.5');
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '10.0.0.9, 203.0.113.5']), '203.0.113.5', 'a fake trusted hop left of the client is never reached');
  });

  it('ignores the header from an untrusted peer', async () => {
    assert.equal(await clientIp(behindProxy, '203.0.113.9', ['x-forwarded-for', '10.0.0.1']), '203.0.113.9');
    assert.equal(await clientIp({}, '203.0.113.9', ['x-forwarded-for', '198.51.100.7']), '203.0.113.9', 'no proxies configured');
  });

  it('strips ports and brackets from hops', async () => {
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '198.51.100.7:4711']), '198.51.100.7');
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '[2001:db8:1::9]:443']), '2001:db8:1::9');
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '[2001:db8:1::9]']), '2001:db8:1::9');
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', ' 198.51.100.7 ,10.0.0.2 ']), '198.51.100.7');
  });

  it('makes the client unknown when a hop it reaches is malformed', async () => {
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', 'unknown']), undefined);
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '']), undefined);
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '198.51.100.7, , 10.0.0.2']), undefined);
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '999.1.1.1']), undefined);
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', '198.51.100.7, 1.2.3']), undefined);
    // A malformed hop left of the first untrusted one is never examined.
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['x-forwarded-for', 'garbage, 198.51.100.7']), '198.51.100.7');
  });

  it('an unknown client is refused by an allow-list ip filter', async () => {
    const fw = await firewall({ ...behindProxy, ipFilter: { allow: ['198.51.100.0/24'] } });
    const spoofed = await fw.decide(request({ remoteAddress: '10.0.0.1', headers: raw(['x-forwarded-for', 'unknown']) }));
    assert.equal(spoofed.code, 'client_ip_unknown');
    const real = await fw.decide(request({ remoteAddress: '10.0.0.1', headers: raw(['x-forwarded-for', '198.51.100.7']) }));
    assert.equal(real.outcome, 'allow');
    const direct = await fw.decide(request({ remoteAddress: '203.0.113.1', headers: raw(['x-forwarded-for', '198.51.100.7']) }));
    assert.equal(direct.code, 'ip_denied', 'an untrusted peer cannot claim an allowed address');
  });
});

describe('client ip: Forwarded (RFC 7239)', () => {
  it('reads for= from each element, quoted, with ports and brackets', async () => {
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'for=198.51.100.7;proto=https;by=10.0.0.1']), '198.51.100.7');
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'For="198.51.100.7:4711"']), '198.51.100.7');
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'for="[2001:db8:cafe::17]:4711"']), '2001:db8:cafe::17');
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'for="[2001:db8:cafe::17]"']), '2001:db8:cafe::17');
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'proto=http; for=198.51.100.7']), '198.51.100.7');
  });

  it('walks the chain from the right and resists prepended spoofing', async () => {
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'for=1.1.1.1, for=203.0.113.5, for=10.0.0.2']), '203.0.113.5');
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'for=1.1.1.1'], ['forwarded', 'for=203.0.113.5']), '203.0.113.5');
  });

  it('makes the client unknown for obfuscated identifiers, "unknown" and elements without for=', async () => {
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'for=_hidden']), undefined);
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'for=unknown']), undefined);
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'proto=https']), undefined);
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['forwarded', 'for=198.51.100.7, proto=https']), undefined);
  });

  it('ignores X-Forwarded-For when configured for Forwarded, and the reverse', async () => {
    assert.equal(await clientIp(behindForwarded, '10.0.0.1', ['x-forwarded-for', '198.51.100.7']), '10.0.0.1');
    assert.equal(await clientIp(behindProxy, '10.0.0.1', ['forwarded', 'for=198.51.100.7']), '10.0.0.1');
  });

  it('ignores Forwarded from an untrusted peer', async () => {
    assert.equal(await clientIp(behindForwarded, '203.0.113.9', ['forwarded', 'for=10.0.0.5']), '203.0.113.9');
  });
});

describe('client ip: the untrusted forwarding diagnostic', () => {
  it('warns once per firewall, with a code, when a forwarding header comes from an untrusted peer', async () => {
    const telemetry = recordingTelemetry();
    const fw = await firewall({ telemetry });
    const plain = await fw.decide(request({ remoteAddress: '203.0.113.9' }));
    assert.equal(plain.outcome, 'allow');
    assert.equal(telemetry.diagnostics.length, 0, 'no header, no warning');
    for (let i = 0; i < 3; i++) {
      await fw.decide(request({ remoteAddress: '203.0.113.9', headers: raw(['x-forwarded-for', '198.51.100.7']) }));
    }
    const warnings = telemetry.diagnostics.filter((d) => d.code === 'PC_UNTRUSTED_FORWARDED_HEADER');
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.severity, 'warn');
    assert.doesNotMatch(warnings[0]?.message ?? '', /198\.51\.100\.7/, 'the warning does not echo the header value');
  });

  it('does not warn when the header comes from a trusted proxy', async () => {
    const telemetry = recordingTelemetry();
    const fw = await firewall({ ...behindProxy, telemetry });
    await fw.decide(request({ remoteAddress: '10.0.0.1', headers: raw(['x-forwarded-for', '198.51.100.7']) }));
    assert.equal(telemetry.diagnostics.filter((d) => d.code === 'PC_UNTRUSTED_FORWARDED_HEADER').length, 0);
    await fw.decide(request({ remoteAddress: '203.0.113.1', headers: raw(['x-forwarded-for', '198.51.100.7']) }));
    assert.equal(telemetry.diagnostics.filter((d) => d.code === 'PC_UNTRUSTED_FORWARDED_HEADER').length, 1, 'an untrusted peer still warns');
  });
});
