/**
 * clientCertificate() over real TLS, through real Express 5 and Fastify 5 HTTPS servers on
 * loopback that ask for a client certificate (`requestCert: true`) and leave the verdict to the
 * firewall (`rejectUnauthorized: false`). The client is node:https presenting the committed test
 * certificates (fixtures/mtls, see its README): the adapters must hand the engine the TLS peer
 * (core's tlsPeerReader) for any of this to pass.
 *
 *  - a certificate from the server's CA        -> 200, identity in the handler
 *  - one from another CA (same CN and SANs!)   -> 403 client_certificate_refused
 *  - none                                      -> 401 client_certificate_required
 *  - a fingerprint allowlist without it        -> 403; with it -> 200
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest, createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFirewall, type Decision, type Firewall } from '@portcullis/core';
import { portcullis as expressPortcullis } from '@portcullis/express';
import { portcullis as fastifyPortcullis } from '@portcullis/fastify';
import express5 from 'express5';
import fastify5 from 'fastify5';
import { clientCertificate } from '@portcullis/auth';

const fixture = (name: string): string => readFileSync(new URL(`fixtures/mtls/${name}`, import.meta.url), 'utf8');
const CA = fixture('ca.pem');
const SERVER = { cert: fixture('server.pem'), key: fixture('server-key.pem') };
const CLIENT = { cert: fixture('client.pem'), key: fixture('client-key.pem') };
const OTHER_CLIENT = { cert: fixture('other-client.pem'), key: fixture('other-client-key.pem') };
const CLIENT_FINGERPRINT = new X509Certificate(CLIENT.cert).fingerprint256;
const OTHER_FINGERPRINT = new X509Certificate(OTHER_CLIENT.cert).fingerprint256;

const TLS_SERVER_OPTIONS = { ...SERVER, ca: CA, requestCert: true, rejectUnauthorized: false };

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly wwwAuthenticate: string | undefined;
  readonly body: string;
}

/** One GET over a fresh TLS connection (no agent: each request does its own handshake). */
function get(port: number, path: string, client?: { cert: string; key: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, method: 'GET', ca: CA, agent: false, timeout: 5_000, ...(client ?? {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            wwwAuthenticate: res.headers['www-authenticate'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

function problemCode(answer: Answer): string {
  assert.match(String(answer.contentType), /^application\/problem\+json/);
  return (JSON.parse(answer.body) as { code: string }).code;
}

/** The policy both servers run: one route per check. */
function mtlsFirewall(): Firewall {
  return createFirewall({
    routes: [
      { path: '/whoami', methods: ['GET'], guards: [clientCertificate()] },
      { path: '/pinned', methods: ['GET'], guards: [clientCertificate({ id: 'mtls-pinned', fingerprints: [CLIENT_FINGERPRINT] })] },
      { path: '/excluded', methods: ['GET'], guards: [clientCertificate({ id: 'mtls-excluded', fingerprints: [OTHER_FINGERPRINT] })] },
    ],
  });
}

interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

/** What the handlers answer: the identity the firewall established. */
function identityBody(decision: Decision | null | undefined): string {
  return JSON.stringify({ handled: true, identity: decision?.identity ?? null });
}

interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(handler: unknown): unknown;
}

async function startExpress(firewall: Firewall): Promise<RunningServer> {
  const app = (express5 as unknown as () => ExpressApp)();
  app.use(expressPortcullis(firewall));
  app.use((req: IncomingMessage & { portcullis?: Decision }, res: ServerResponse) => {
    res.setHeader('content-type', 'application/json');
    res.end(identityBody(req.portcullis));
  });
  const server: Server = createHttpsServer(TLS_SERVER_OPTIONS, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface FastifyApp {
  register(plugin: unknown, options: unknown): Promise<unknown>;
  get(path: string, handler: (request: { portcullis: Decision | null }, reply: { header(n: string, v: string): unknown }) => Promise<string>): unknown;
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<unknown>;
  readonly server: { address(): AddressInfo | string | null };
}

async function startFastify(firewall: Firewall): Promise<RunningServer> {
  const app = (fastify5 as unknown as (options: Record<string, unknown>) => FastifyApp)({ https: TLS_SERVER_OPTIONS, logger: false, forceCloseConnections: true });
  await app.register(fastifyPortcullis, { firewall });
  app.get('/*', async (request, reply) => {
    reply.header('content-type', 'application/json');
    return identityBody(request.portcullis);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fastify: not listening on a TCP port');
  return {
    port: address.port,
    close: async () => {
      await app.close();
    },
  };
}

for (const [name, start] of [
  ['express@5', startExpress],
  ['fastify@5', startFastify],
] as const) {
  describe(`mTLS through ${name} over real TLS`, () => {
    let firewall: Firewall;
    let server: RunningServer;

    before(async () => {
      firewall = mtlsFirewall();
      await firewall.ready();
      server = await start(firewall);
    });

    after(async () => {
      await server?.close();
      await firewall?.close();
    });

    it('a certificate from the server\'s CA: 200, and the handler sees the identity', async () => {
      const answer = await get(server.port, '/whoami', CLIENT);
      assert.equal(answer.status, 200, answer.body);
      const { identity } = JSON.parse(answer.body) as { identity: Decision['identity'] };
      assert.deepEqual(identity, {
        method: 'mtls',
        subject: 'spiffe://example.org/orders',
        clientId: 'orders-client',
        scopes: [],
        roles: [],
        claims: { cn: 'orders-client', san: ['URI:spiffe://example.org/orders', 'DNS:orders.client.example'], fingerprint256: CLIENT_FINGERPRINT },
      });
    });

    it('a certificate from another CA, with the very same CN and SANs: 403 client_certificate_refused', async () => {
      const answer = await get(server.port, '/whoami', OTHER_CLIENT);
      assert.equal(answer.status, 403, answer.body);
      assert.equal(problemCode(answer), 'client_certificate_refused');
      assert.ok(!answer.body.includes('orders-client'), 'nothing of the certificate is echoed');
    });

    it('no certificate: 401 client_certificate_required, without a WWW-Authenticate challenge', async () => {
      const answer = await get(server.port, '/whoami');
      assert.equal(answer.status, 401, answer.body);
      assert.equal(problemCode(answer), 'client_certificate_required');
      assert.equal(answer.wwwAuthenticate, undefined);
    });

    it('a fingerprint allowlist: the pinned certificate passes, one that is not listed gets 403', async () => {
      const pinned = await get(server.port, '/pinned', CLIENT);
      assert.equal(pinned.status, 200, pinned.body);
      const excluded = await get(server.port, '/excluded', CLIENT);
      assert.equal(excluded.status, 403, excluded.body);
      assert.equal(problemCode(excluded), 'client_certificate_refused');
      // The listed fingerprint belongs to a certificate the TLS stack does not accept: still refused.
      const otherCa = await get(server.port, '/excluded', OTHER_CLIENT);
      assert.equal(otherCa.status, 403, otherCa.body);
    });
  });
}
