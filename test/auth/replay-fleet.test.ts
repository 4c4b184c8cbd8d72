/**
 * Replay protection across a fleet: two firewalls (two instances of one service) share one Store.
 * A signed request or a webhook delivery accepted by one instance is refused as a replay by the
 * other — on the memory store only within one instance, on Redis across instances. The same cases
 * run on both stores so that the difference is the store, nothing else.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, MemoryStore, type Decision, type Firewall, type Store } from '@portcullis/core';
import { signRequest, signWebhook, signedRequest, webhookSignature } from '@portcullis/auth';
import { redisStore } from '@portcullis/redis';
import type { Redis } from 'ioredis';
import { IN_CI, ioredisClient, redisUnavailableReason, skipReasonFor, uniquePrefix } from '../../packages/redis/test/support/redis.js';

const KEY = { id: 'fleet-key', secret: 'fleet-signing-secret-of-at-least-32-bytes!' };
const WEBHOOK_SECRET = 'fleet-webhook-secret-0123456789abcdef';

function instance(store: Store): Firewall {
  return createFirewall({
    store,
    routes: [
      { path: '/orders', methods: ['POST'], guards: [signedRequest({ keys: [{ ...KEY, clientId: 'partner' }] })] },
      { path: '/webhooks', methods: ['POST'], guards: [webhookSignature({ secrets: [WEBHOOK_SECRET] })], authorize: { authenticated: false } },
    ],
  });
}

function signedOrder(nonce: string): { headers: [string, string][]; body: string } {
  const body = JSON.stringify({ item: 'pen', qty: 2 });
  const headers = { host: 'api.example', 'content-type': 'application/json' };
  const added = signRequest({ keyId: KEY.id, secret: KEY.secret, method: 'POST', target: '/orders', headers, body, nonce, signedHeaders: ['host', 'content-type'] });
  return { headers: [...Object.entries(headers), ...Object.entries(added)], body };
}

function send(firewall: Firewall, target: string, headers: [string, string][], body: string): Promise<Decision> {
  const bytes = new TextEncoder().encode(body);
  return firewall.decide({
    method: 'POST',
    target,
    headers: [...headers, ['content-length', String(bytes.byteLength)]],
    remoteAddress: '127.0.0.1',
    body: { kind: 'read', result: { kind: 'ok', bytes } },
  });
}

function webhook(): { headers: [string, string][]; body: string } {
  const body = JSON.stringify({ type: 'payment.succeeded', id: Math.random().toString(36) });
  const { signature, timestamp } = signWebhook({ secret: WEBHOOK_SECRET, body });
  return { headers: [['content-type', 'application/json'], ['x-signature', signature], ['x-signature-timestamp', String(timestamp)], ['host', 'api.example']], body };
}

function replayCases(label: string, makeStores: () => Promise<[Store, Store]>, sharedAcrossInstances: boolean, skip?: string): void {
  describe(`replay protection: ${label}`, { skip: skip ?? false }, () => {
    let a: Firewall;
    let b: Firewall;
    before(async () => {
      const [storeA, storeB] = await makeStores();
      a = instance(storeA);
      b = instance(storeB);
      await Promise.all([a.ready(), b.ready()]);
    });
    after(() => Promise.all([a.close(), b.close()]));

    test('the same signed request twice on one instance: the second is a replay', async () => {
      const { headers, body } = signedOrder(`nonce-${label.replace(/\W/g, '')}-one-0001`);
      const first = await send(a, '/orders', headers, body);
      assert.equal(first.outcome, 'allow', `${first.code}`);
      assert.equal(first.identity?.clientId, 'partner');
      const second = await send(a, '/orders', headers, body);
      assert.equal(second.code, 'signature_replayed');
      assert.equal(second.status, 401);
    });

    test(`the same signed request on another instance is ${sharedAcrossInstances ? 'refused (shared store)' : 'not seen (separate memory stores)'}`, async () => {
      const { headers, body } = signedOrder(`nonce-${label.replace(/\W/g, '')}-two-0002`);
      assert.equal((await send(a, '/orders', headers, body)).outcome, 'allow');
      const elsewhere = await send(b, '/orders', headers, body);
      if (sharedAcrossInstances) assert.equal(elsewhere.code, 'signature_replayed');
      else assert.equal(elsewhere.outcome, 'allow', 'a per-process memory store cannot protect a fleet: use @portcullis/redis');
    });

    test('a webhook delivery replayed to another instance', async () => {
      const { headers, body } = webhook();
      const first = await send(a, '/webhooks', headers, body);
      assert.equal(first.outcome, 'allow', `${first.code}`);
      const again = await send(b, '/webhooks', headers, body);
      if (sharedAcrossInstances) assert.equal(again.code, 'signature_replayed');
      else assert.equal(again.outcome, 'allow');
      assert.equal((await send(a, '/webhooks', headers, body)).code, 'signature_replayed', 'the first instance remembers it either way');
    });

    test('concurrent duplicates: exactly one is accepted', async () => {
      const { headers, body } = signedOrder(`nonce-${label.replace(/\W/g, '')}-race-0003`);
      const targets = sharedAcrossInstances ? [a, b, a, b, a, b, a, b] : [a, a, a, a, a, a, a, a];
      const decisions = await Promise.all(targets.map((fw) => send(fw, '/orders', headers, body)));
      assert.equal(decisions.filter((d) => d.outcome === 'allow').length, 1);
      assert.equal(decisions.filter((d) => d.code === 'signature_replayed').length, 7);
    });
  });
}

replayCases('memory store', async () => [new MemoryStore(), new MemoryStore()], false);

const unavailable = await redisUnavailableReason();
const clients: Redis[] = [];
after(() => {
  for (const client of clients) client.disconnect();
});
replayCases(
  'Redis store shared by two instances',
  async () => {
    const prefix = uniquePrefix('replay');
    const make = async (): Promise<Store> => {
      const client = ioredisClient();
      clients.push(client);
      await client.connect();
      return redisStore({ client, prefix });
    };
    return [await make(), await make()];
  },
  true,
  skipReasonFor(unavailable, 'replay protection on Redis'),
);

test('Redis answers at REDIS_URL (required when CI=true)', { skip: IN_CI ? false : unavailable ?? false }, () => {
  assert.equal(unavailable, undefined, unavailable);
});
