/**
 * One service instance for the concurrency test, run as its own process (forked with tsx by
 * fleet.ts). It has its own ioredis client and, per case, its own firewall with `rateLimit()` on
 * `redisStore()`; the parent tells it which prefix and limits to use, then when to send.
 *
 * Not a test file: it only reports what its firewall decided; the parent asserts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFirewall, type Decision, type Firewall } from '@portcullis/core';
import { portcullis } from '@portcullis/express';
import { rateLimit } from '@portcullis/rate-limit';
import { redisStore } from '@portcullis/redis';
import express5 from 'express5';
import { Redis } from 'ioredis';
import type { DecisionSummary, LimitSetup, ParentMessage, WorkerMessage } from './worker-protocol.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Generous bounds: this test is about atomicity across processes, not about a slow machine. A
 * store timeout here would send requests to the in-memory insurance limiter and blur the count,
 * so the bounds sit far above anything a healthy local Redis needs (failures still show: every
 * decision's `ratelimit.store` is reported and checked by the parent).
 */
const STORE_TIMEOUT_MS = 10_000;
const GUARD_TIMEOUT_MS = 20_000;

interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(handler: unknown): unknown;
}

interface Case {
  readonly firewall: Firewall;
  readonly server: Server | undefined;
  readonly diagnostics: string[];
  handlerAdmitted: number;
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function header(decision: Decision, name: string): string | undefined {
  return decision.response?.headers.find(([key]) => key === name)?.[1];
}

function summarize(decision: Decision): DecisionSummary {
  const store = decision.annotations['ratelimit.store'];
  const remaining = decision.annotations['ratelimit.remaining'];
  return {
    outcome: decision.outcome,
    status: decision.status,
    code: decision.code,
    store: store === undefined ? undefined : String(store),
    remaining: typeof remaining === 'number' ? remaining : undefined,
    retryAfter: header(decision, 'retry-after'),
    rateLimitPolicy: header(decision, 'ratelimit-policy'),
    rateLimit: header(decision, 'ratelimit'),
  };
}

const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: () => null, lazyConnect: true });
client.on('error', () => {
  // Reported through the failing command (and so through the firewall's decisions).
});
let current: Case | undefined;

async function prepare(setup: LimitSetup, serveHttp: boolean): Promise<number | undefined> {
  const diagnostics: string[] = [];
  const firewall = createFirewall({
    store: redisStore({ client, prefix: setup.prefix, commandTimeoutMs: STORE_TIMEOUT_MS }),
    guardTimeoutMs: GUARD_TIMEOUT_MS,
    guards: [
      rateLimit({
        key: 'ip',
        limits: [{ points: setup.points, windowSeconds: setup.windowSeconds }],
        storeTimeoutMs: STORE_TIMEOUT_MS,
        ...(setup.cost === undefined ? {} : { cost: setup.cost }),
      }),
    ],
    telemetry: { onDecision() {}, onDiagnostic: (diagnostic) => void diagnostics.push(diagnostic.code) },
  });
  await firewall.ready();
  const running: Case = { firewall, server: undefined, diagnostics, handlerAdmitted: 0 };
  current = running;
  if (!serveHttp) return undefined;

  const app = (express5 as unknown as () => ExpressApp)();
  app.use(portcullis(firewall));
  app.use((_req: IncomingMessage, res: ServerResponse) => {
    // Reached only when the firewall let the request through: this is the admitted count.
    running.handlerAdmitted += 1;
    res.setHeader('content-type', 'text/plain');
    res.end('ok');
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  (running as { server: Server | undefined }).server = server;
  return (server.address() as AddressInfo).port;
}

async function burst(requests: number, clientIp: string): Promise<WorkerMessage> {
  if (current === undefined) throw new Error('burst before prepare');
  const firewall = current.firewall;
  // All at once: the point is to race the other processes (and this one's own requests).
  const settled = await Promise.allSettled(
    Array.from({ length: requests }, () => firewall.decide({ method: 'GET', target: '/orders', headers: [['host', 'api.example']], remoteAddress: clientIp })),
  );
  const decisions: DecisionSummary[] = [];
  const rejected: string[] = [];
  for (const result of settled) {
    if (result.status === 'fulfilled') decisions.push(summarize(result.value));
    else rejected.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
  }
  return { type: 'burst-done', decisions, rejected };
}

async function finish(): Promise<WorkerMessage> {
  const running = current;
  current = undefined;
  if (running === undefined) return { type: 'finished', handlerAdmitted: 0, diagnostics: [] };
  const server = running.server;
  if (server !== undefined) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  await running.firewall.close();
  return { type: 'finished', handlerAdmitted: running.handlerAdmitted, diagnostics: running.diagnostics };
}

async function exit(): Promise<void> {
  await finish();
  client.disconnect();
  // Leaving the IPC channel lets the event loop end: the process exits by itself.
  process.disconnect?.();
}

async function handle(message: ParentMessage): Promise<void> {
  switch (message.type) {
    case 'prepare':
      if (current !== undefined) await finish();
      send({ type: 'prepared', port: await prepare(message.setup, message.serveHttp) });
      return;
    case 'burst':
      send(await burst(message.requests, message.clientIp));
      return;
    case 'finish':
      send(await finish());
      return;
    case 'exit':
      await exit();
      return;
  }
}

process.on('message', (message: ParentMessage) => {
  handle(message).catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }));
});
// The parent went away (a failed or interrupted test, or after `exit`): never outlive it.
process.on('disconnect', () => {
  client.disconnect();
  process.exit(0);
});

try {
  await client.connect();
  send({ type: 'up' });
} catch (error) {
  client.disconnect();
  // Exit only once the message is out (IPC sends are asynchronous).
  process.send?.({ type: 'failed', message: `worker could not connect to Redis: ${error instanceof Error ? error.message : String(error)}` } satisfies WorkerMessage, () => process.exit(1));
}
