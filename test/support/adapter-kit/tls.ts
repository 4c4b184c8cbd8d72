/**
 * A real TLS exchange with an adapter: an https server on loopback (the test CA, a server
 * certificate for 127.0.0.1, client certificates requested but not required) in front of the given
 * listener, and one `GET /tls` with or without the test client certificate. The handler answers JSON.
 * Fixtures and how they were made: fixtures/tls/README.md.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export const tlsFixture = (file: string): Buffer => readFileSync(new URL(`./fixtures/tls/${file}`, import.meta.url));

export async function tlsExchange(listener: RequestListener, withClientCertificate: boolean): Promise<Record<string, unknown>> {
  const server = createHttpsServer({ key: tlsFixture('server.key'), cert: tlsFixture('server.crt'), ca: tlsFixture('ca.crt'), requestCert: true, rejectUnauthorized: false }, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/tls',
          ca: tlsFixture('ca.crt'),
          agent: false,
          ...(withClientCertificate ? { key: tlsFixture('client.key'), cert: tlsFixture('client.crt') } : {}),
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
        },
      );
      req.on('error', reject);
      req.end();
    });
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/**
 * What the test firewall's TLS guard annotates (see firewall.ts) for an exchange with the test
 * client certificate and one without: the adapter handed the socket's peer to `request.tls()`.
 */
export function assertTlsPeerAnnotations(withCert: Record<string, unknown>, withoutCert: Record<string, unknown>): void {
  assert.equal(withCert['tls.present'], true);
  assert.equal(withCert['tls.authorized'], true);
  assert.equal(withCert['tls.cn'], 'client.test');
  assert.equal(withCert['tls.org'], 'Portcullis Tests');
  assert.equal(withCert['tls.san'], 'DNS:client.test, URI:spiffe://test/client');
  assert.match(String(withCert['tls.fingerprint256']), /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.deepEqual(withoutCert, { 'tls.present': true, 'tls.authorized': false, 'tls.cn': '', 'tls.org': '', 'tls.san': '', 'tls.fingerprint256': '' });
}
