/**
 * Every store operation settles within `commandTimeoutMs`, whatever the server does. The peer
 * here is a real TCP server on loopback that accepts connections and never answers a byte (a hung
 * Redis, or a network path that drops replies), and a port nobody listens on with the client's
 * default reconnect-forever settings. Both must make each operation reject with
 * ERR_STORE_UNAVAILABLE, never hang. (Only that it rejects is asserted, not how fast.)
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { FirewallError, type Store } from '@portcullis/core';
import { redisStore } from '../src/index.js';
import { Redis, createClient } from './support/redis.js';

const COMMAND_TIMEOUT_MS = 150;

function operations(store: Store): [string, () => Promise<unknown>][] {
  return [
    ['increment', () => store.increment('k', 1, 1_000)],
    ['setIfAbsent', () => store.setIfAbsent('nonce', 'v', 1_000)],
    ['get', () => store.get('k')],
    ['set', () => store.set('k', 'v', 1_000)],
    ['delete', () => store.delete('k')],
  ];
}

function storeUnavailable(error: unknown): boolean {
  assert.ok(error instanceof FirewallError, `a FirewallError, got ${String(error)}`);
  assert.equal(error.code, 'ERR_STORE_UNAVAILABLE');
  return true;
}

async function assertEveryOperationRejects(store: Store): Promise<void> {
  // All at once too: a pile of stuck commands must not hold each other up.
  const all = operations(store).map(([name, run]) => assert.rejects(run(), storeUnavailable, name));
  await Promise.all(all);
  for (const [name, run] of operations(store)) await assert.rejects(run(), storeUnavailable, name);
}

describe('every operation is bounded by commandTimeoutMs', () => {
  let silent: Server;
  let port: number;
  const sockets = new Set<Socket>();

  before(async () => {
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
      // Reads everything, answers nothing.
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as AddressInfo).port;
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  test('ioredis connected to a server that never answers', async () => {
    // Its connection handshake never completes either, so commands wait in ioredis' offline queue:
    // as they would behind a Redis that hangs or a network path that drops its replies.
    const client = new Redis({ host: '127.0.0.1', port });
    client.on('error', () => {});
    try {
      await assertEveryOperationRejects(redisStore({ client, commandTimeoutMs: COMMAND_TIMEOUT_MS }));
    } finally {
      client.disconnect();
    }
  });

  test('node-redis connected to a server that never answers', async () => {
    const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    // connect() itself waits for the server's answer to its handshake, so it is not awaited:
    // the client is open and queues commands from here on.
    const connecting = client.connect().catch(() => undefined);
    try {
      await assertEveryOperationRejects(redisStore({ client, commandTimeoutMs: COMMAND_TIMEOUT_MS }));
    } finally {
      client.destroy();
      await connecting;
    }
  });

  test('ioredis with default settings, pointed at a port nobody listens on (reconnecting)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const client = new Redis({ host: '127.0.0.1', port: closedPort });
    client.on('error', () => {});
    try {
      await assertEveryOperationRejects(redisStore({ client, commandTimeoutMs: COMMAND_TIMEOUT_MS }));
    } finally {
      client.disconnect();
    }
  });

  test('node-redis client that was never connected rejects as unavailable', async () => {
    const client = createClient({ url: `redis://127.0.0.1:${port}` });
    await assertEveryOperationRejects(redisStore({ client, commandTimeoutMs: COMMAND_TIMEOUT_MS }));
  });
});
