/**
 * Test support (not a test file) for the response-body phase: a recording body guard, and the same
 * small application on every framework version, with Portcullis first.
 *
 * Every route exists twice: under `/guarded/` (the body guard runs: it records what it saw and
 * replaces any body containing LEAK with a 502 problem) and under `/plain/` (no body hook), with
 * the same handler, so that a passing response can be compared with the one Portcullis does not hold.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { ALLOW, createFirewall, defineGuard, type Firewall, type Guard, type ResponseBodyView } from '@portcullis/core';
import { portcullis as expressPortcullis } from '@portcullis/express';
import { portcullis as fastifyPortcullis } from '@portcullis/fastify';
import { portcullis as honoPortcullis } from '@portcullis/hono';
import { portcullis as koaPortcullis } from '@portcullis/koa';
import { serve as honoServe } from '@hono/node-server';
import express4 from 'express4';
import express5 from 'express5';
import fastify4 from 'fastify4';
import fastify5 from 'fastify5';
import { Hono, type Context } from 'hono';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { serve, type Running } from '../support/adapter-kit/http.js';

export const MAX_BYTES = 256;
export const OK_BODY = { ok: true, items: [1, 2, 3] };
export const LEAK_BODY = { secret: 'LEAK-1234' };
/** Over MAX_BYTES, and containing LEAK: it goes out unchanged, unseen. */
export const BIG_BODY = { secret: 'LEAK-5678', padding: 'x'.repeat(MAX_BYTES) };
/** A streamed body under MAX_BYTES, containing LEAK. */
export const STREAM_CHUNKS = ['{"part":1,', '"secret":"LEAK-9"', '}'];
/** A streamed body over MAX_BYTES, in many small chunks, containing LEAK: it goes out whole. */
export const BIG_STREAM_CHUNKS = ['{"secret":"LEAK-0","padding":"', ...Array.from({ length: 40 }, () => 'y'.repeat(16)), '"}'];
export const PROBLEM_BODY = '{"type":"about:blank","title":"Bad Gateway","status":502}';

/** What the body guard's hook was shown, per request path. */
export interface Seen {
  readonly path: string;
  readonly status: number;
  readonly contentType: string | undefined;
  /** The body as text; undefined when the adapter could not hold it. */
  readonly body: string | undefined;
}

function record(path: string, view: ResponseBodyView): Seen {
  return {
    path,
    status: view.status,
    contentType: view.getHeader('content-type'),
    body: view.body === undefined ? undefined : Buffer.from(view.body).toString('utf8'),
  };
}

/** A firewall whose `/guarded/*` routes carry a guard that registers a body hook. */
export async function bodyFirewall(): Promise<{ firewall: Firewall; seen: Seen[] }> {
  const seen: Seen[] = [];
  const guard = defineGuard('test-response-body', () =>
    Object.freeze<Guard>({
      id: 'test-response-body',
      kind: 'test-response-body',
      phase: 'request' as const,
      mode: undefined,
      onError: 'deny' as const,
      timeoutMs: undefined,
      evaluate(req, context) {
        const path = req.path;
        context.onResponseBody({
          maxBytes: MAX_BYTES,
          inspect(view) {
            seen.push(record(path, view));
            if (view.body === undefined || !Buffer.from(view.body).toString('latin1').includes('LEAK')) return undefined;
            return { status: 502, headers: [['content-type', 'application/problem+json']], body: PROBLEM_BODY };
          },
        });
        return ALLOW;
      },
    }),
  );
  const firewall = createFirewall({ routes: [{ path: '/guarded/*', guards: [guard] }] });
  await firewall.ready();
  return { firewall, seen };
}

/** A signal the test gives a handler that waits (for the client to have its first chunk). */
export interface Gate {
  wait(): Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait: () => opened, open };
}

/** The gate the running handlers wait on; each test sets a fresh one. */
export interface Gates {
  current: Gate;
}

export interface FrameworkCase {
  readonly name: string;
  /** Whether a streamed body under the limit is held (and so can be replaced). */
  readonly holdsStreams: boolean;
  /** Whether the handler can call write() several times itself (Node response API). */
  readonly writes: boolean;
  start(firewall: Firewall, gates: Gates): Promise<Running>;
}

const json = (value: unknown): string => JSON.stringify(value);
const ROUTE = /^\/(?:guarded|plain)\/([a-z-]+)$/;

function routeOf(path: string): string | undefined {
  return ROUTE.exec(path)?.[1];
}

// --- Express -------------------------------------------------------------------------------------

interface ExpressResponse extends ServerResponse {
  status(code: number): ExpressResponse;
  set(name: string, value: string): ExpressResponse;
  type(type: string): ExpressResponse;
  json(value: unknown): ExpressResponse;
  send(value?: unknown): ExpressResponse;
  sendStatus(code: number): ExpressResponse;
  redirect(url: string): void;
}
interface ExpressApp {
  (req: IncomingMessage, res: ServerResponse): void;
  use(handler: unknown): unknown;
}
type ExpressFactory = () => ExpressApp;

function expressRoute(route: string | undefined, res: ExpressResponse, gates: Gates, next: (error?: unknown) => void): void {
  switch (route) {
    case 'ok':
      res.set('x-app', 'handler').json(OK_BODY);
      return;
    case 'leak':
      res.set('etag', '"handler"').set('x-app', 'handler').json(LEAK_BODY);
      return;
    case 'created':
      res.status(201).json(OK_BODY);
      return;
    case 'missing-leak':
      res.status(404).json(LEAK_BODY);
      return;
    case 'no-content':
      res.status(204).send();
      return;
    case 'big':
      res.json(BIG_BODY);
      return;
    case 'stream':
      res.type('application/json');
      Readable.from(STREAM_CHUNKS).pipe(res);
      return;
    case 'big-stream':
      res.type('application/json');
      Readable.from(BIG_STREAM_CHUNKS).pipe(res);
      return;
    case 'chunked':
      res.setHeader('content-type', 'application/json');
      res.setHeader('transfer-encoding', 'chunked');
      res.write(JSON.stringify(OK_BODY).slice(0, 4));
      res.end(JSON.stringify(OK_BODY).slice(4));
      return;
    case 'end-buffer':
      res.setHeader('content-type', 'application/json');
      res.end(Buffer.from(JSON.stringify(LEAK_BODY)));
      return;
    case 'send-status':
      res.sendStatus(404);
      return;
    case 'redirect':
      res.redirect('/elsewhere');
      return;
    case 'fail-midway':
      res.setHeader('content-type', 'application/json');
      res.write('{"secret":"LEAK-partial"');
      next(new Error('failed after writing'));
      return;
    case 'writes':
      res.setHeader('content-type', 'application/json');
      for (const chunk of STREAM_CHUNKS.slice(0, -1)) res.write(chunk);
      res.end(STREAM_CHUNKS.at(-1));
      return;
    case 'write-head': {
      const body = json(OK_BODY);
      res.writeHead(201, { 'content-type': 'application/json', 'x-app': 'handler' });
      res.write(body.slice(0, 5), 'utf8');
      res.write(Buffer.from(body.slice(5, 10)));
      res.end(body.slice(10));
      return;
    }
    case 'flushed':
      res.setHeader('content-type', 'text/plain');
      res.flushHeaders();
      res.write('first;');
      void gates.current.wait().then(() => res.end('last'));
      return;
    case 'slow':
    case 'events':
      res.setHeader('content-type', route === 'events' ? 'text/event-stream' : 'text/plain');
      res.write('first;');
      void gates.current.wait().then(() => res.end('last'));
      return;
    default:
      res.status(404).send('no such route');
  }
}

function expressCase(name: string, create: ExpressFactory): FrameworkCase {
  return {
    name,
    holdsStreams: true,
    writes: true,
    async start(firewall, gates) {
      const app = create();
      app.use(expressPortcullis(firewall));
      app.use((req: IncomingMessage, res: ExpressResponse, next: (error?: unknown) => void) => expressRoute(routeOf(new URL(req.url ?? '/', 'http://x').pathname), res, gates, next));
      // Express's own error handler would log the expected failure; this one answers as it does.
      app.use((_error: unknown, req: IncomingMessage, res: ServerResponse, _next: unknown) => {
        if (res.headersSent) req.socket.destroy();
        else res.writeHead(500).end('failed');
      });
      return serve(app);
    },
  };
}

// --- Koa -----------------------------------------------------------------------------------------

interface KoaContext {
  readonly path: string;
  status: number;
  body: unknown;
  type: string;
  set(name: string, value: string): void;
}
interface KoaApp {
  silent: boolean;
  use(middleware: unknown): unknown;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
type KoaClass = new () => KoaApp;

function koaRoute(route: string | undefined, ctx: KoaContext, gates: Gates): void {
  switch (route) {
    case 'ok':
      ctx.set('x-app', 'handler');
      ctx.body = OK_BODY;
      return;
    case 'leak':
      ctx.set('etag', '"handler"');
      ctx.set('x-app', 'handler');
      ctx.body = LEAK_BODY;
      return;
    case 'created':
      ctx.status = 201;
      ctx.body = OK_BODY;
      return;
    case 'missing-leak':
      ctx.status = 404;
      ctx.body = LEAK_BODY;
      return;
    case 'no-content':
      ctx.status = 204;
      return;
    case 'big':
      ctx.body = BIG_BODY;
      return;
    case 'stream':
      ctx.type = 'application/json';
      ctx.body = Readable.from(STREAM_CHUNKS);
      return;
    case 'big-stream':
      ctx.type = 'application/json';
      ctx.body = Readable.from(BIG_STREAM_CHUNKS);
      return;
    case 'nothing':
      // No body: Koa answers its own 404 "Not Found" text.
      return;
    case 'slow':
    case 'events': {
      const stream = new PassThrough();
      ctx.type = route === 'events' ? 'text/event-stream' : 'text/plain';
      ctx.body = stream;
      stream.write('first;');
      void gates.current.wait().then(() => stream.end('last'));
      return;
    }
    default:
      ctx.status = 404;
      ctx.body = 'no such route';
  }
}

function koaCase(name: string, Koa: KoaClass): FrameworkCase {
  return {
    name,
    holdsStreams: false,
    writes: false,
    async start(firewall, gates) {
      const app = new Koa();
      app.silent = true;
      app.use(koaPortcullis(firewall));
      app.use((ctx: KoaContext) => koaRoute(routeOf(ctx.path), ctx, gates));
      return serve(app.callback());
    },
  };
}

// --- Fastify -------------------------------------------------------------------------------------

interface FastifyReply {
  code(status: number): FastifyReply;
  header(name: string, value: string): FastifyReply;
  type(type: string): FastifyReply;
  send(payload?: unknown): FastifyReply;
}
interface FastifyApp {
  register(plugin: unknown, options: unknown): Promise<unknown>;
  get(path: string, handler: (request: { url: string }, reply: FastifyReply) => Promise<FastifyReply>): unknown;
  listen(options: { host: string; port: number }): Promise<string>;
  close(): Promise<unknown>;
  readonly server: { address(): AddressInfo | string | null };
}
type FastifyFactory = (options: Record<string, unknown>) => FastifyApp;

function fastifyRoute(route: string | undefined, reply: FastifyReply, gates: Gates): FastifyReply {
  switch (route) {
    case 'ok':
      return reply.header('x-app', 'handler').send(OK_BODY);
    case 'leak':
      return reply.header('etag', '"handler"').header('x-app', 'handler').send(LEAK_BODY);
    case 'created':
      return reply.code(201).send(OK_BODY);
    case 'missing-leak':
      return reply.code(404).send(LEAK_BODY);
    case 'no-content':
      return reply.code(204).send();
    case 'big':
      return reply.send(BIG_BODY);
    case 'stream':
      return reply.type('application/json').send(Readable.from(STREAM_CHUNKS));
    case 'big-stream':
      return reply.type('application/json').send(Readable.from(BIG_STREAM_CHUNKS));
    case 'slow':
    case 'events': {
      const stream = new PassThrough();
      stream.write('first;');
      void gates.current.wait().then(() => stream.end('last'));
      return reply.type(route === 'events' ? 'text/event-stream' : 'text/plain').send(stream);
    }
    default:
      return reply.code(404).send('no such route');
  }
}

function fastifyCase(name: string, create: FastifyFactory): FrameworkCase {
  return {
    name,
    holdsStreams: false,
    writes: false,
    async start(firewall, gates) {
      const app = create({ logger: false, forceCloseConnections: true });
      await app.register(fastifyPortcullis, { firewall });
      const handler = async (req: { url: string }, reply: FastifyReply): Promise<FastifyReply> => fastifyRoute(routeOf(new URL(req.url, 'http://x').pathname), reply, gates);
      app.get('/guarded/:route', handler);
      app.get('/plain/:route', handler);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      if (address === null || typeof address === 'string') throw new Error(`${name}: not listening on a TCP port`);
      return { url: `http://127.0.0.1:${address.port}`, server: app.server as unknown as Running['server'], close: async () => void (await app.close()) };
    },
  };
}

// --- Hono ----------------------------------------------------------------------------------------

const encoder = new TextEncoder();

function chunkStream(chunks: readonly string[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

function honoRoute(route: string | undefined, c: Context, gates: Gates): Response {
  switch (route) {
    case 'ok':
      c.header('x-app', 'handler');
      return c.json(OK_BODY);
    case 'leak':
      c.header('etag', '"handler"');
      c.header('x-app', 'handler');
      return c.json(LEAK_BODY);
    case 'created':
      return c.json(OK_BODY, 201);
    case 'missing-leak':
      return c.json(LEAK_BODY, 404);
    case 'no-content':
      return c.body(null, 204);
    case 'big':
      return c.json(BIG_BODY);
    case 'stream':
      return c.body(chunkStream(STREAM_CHUNKS), 200, { 'content-type': 'application/json' });
    case 'big-stream':
      return c.body(chunkStream(BIG_STREAM_CHUNKS), 200, { 'content-type': 'application/json' });
    case 'chunked': {
      const body = JSON.stringify(OK_BODY);
      return c.body(chunkStream([body.slice(0, 4), body.slice(4)]), 200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    }
    case 'slow':
    case 'events': {
      const waiting = gates.current.wait();
      let sent = false;
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (!sent) {
            sent = true;
            controller.enqueue(encoder.encode('first;'));
            return;
          }
          await waiting;
          controller.enqueue(encoder.encode('last'));
          controller.close();
        },
      });
      return c.body(stream, 200, { 'content-type': route === 'events' ? 'text/event-stream' : 'text/plain' });
    }
    default:
      return c.text('no such route', 404);
  }
}

function honoCase(): FrameworkCase {
  return {
    name: 'hono@4',
    holdsStreams: true,
    writes: false,
    async start(firewall, gates) {
      const app = new Hono();
      app.use(honoPortcullis(firewall));
      app.get('*', (c) => honoRoute(routeOf(c.req.path), c, gates));
      const { server, port } = await new Promise<{ server: ReturnType<typeof honoServe>; port: number }>((resolve) => {
        const server = honoServe({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve({ server, port: info.port }));
      });
      return {
        url: `http://127.0.0.1:${port}`,
        server: server as unknown as Running['server'],
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      };
    },
  };
}

export const FRAMEWORKS: readonly FrameworkCase[] = [
  expressCase('express@4', express4 as unknown as ExpressFactory),
  expressCase('express@5', express5 as unknown as ExpressFactory),
  koaCase('koa@2', Koa2 as unknown as KoaClass),
  koaCase('koa@3', Koa3 as unknown as KoaClass),
  fastifyCase('fastify@4', fastify4 as unknown as FastifyFactory),
  fastifyCase('fastify@5', fastify5 as unknown as FastifyFactory),
  honoCase(),
];

/**
 * GETs `path` and resolves with the first chunk of the body as soon as it arrives; `rest` resolves
 * with the whole body once the response ends (after the test opened the handler's gate).
 */
export function firstChunk(base: string, path: string): Promise<{ status: number; contentType: string | undefined; first: string; rest: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { agent: false }, (res) => {
      const parts: Buffer[] = [];
      let answered = false;
      const rest = new Promise<string>((done, fail) => {
        res.on('end', () => done(Buffer.concat(parts).toString('utf8')));
        res.on('error', fail);
      });
      rest.catch(() => undefined);
      res.on('data', (chunk: Buffer) => {
        parts.push(chunk);
        if (!answered) {
          answered = true;
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], first: chunk.toString('utf8'), rest });
        }
      });
      res.on('end', () => {
        if (!answered) reject(new Error('the response ended without a body'));
      });
    });
    req.on('error', reject);
    req.end();
  });
}
