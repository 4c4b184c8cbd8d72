/**
 * Conformance harnesses for @portcullis/koa on Koa 2 and 3 (see ../harness.ts).
 *
 * The app: [a minimal JSON reader when `frameworkBodyParser`] -> portcullis(firewall) -> one
 * catch-all middleware (every method and path) that answers the EchoBody of the contract.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Decision, Firewall } from '@portcullis/core';
import { portcullis } from '@portcullis/koa';
import Koa2 from 'koa2';
import Koa3 from 'koa3';
import { echoDecisionOf, type EchoBody, type Harness, type HarnessOptions, type RunningApp } from '../harness.js';
import { listenOnLoopback } from '../listen.js';

/** The part of Koa the harness uses (the test workspace carries no Koa typings). */
interface KoaContext {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly request: { body?: unknown; rawBody?: string };
  readonly state: { portcullis?: Decision };
  status: number;
  body: unknown;
  set(name: string, value: string): void;
  is(...types: string[]): string | false | null;
  throw(status: number, message: string): never;
}
type Next = () => Promise<unknown>;
type Middleware = (ctx: KoaContext, next: Next) => unknown;
interface KoaApp {
  silent: boolean;
  use(middleware: unknown): unknown;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
}
type KoaClass = new () => KoaApp;

function validatedValue(decision: Decision | undefined): unknown {
  const body = decision?.body;
  if (body === undefined) return undefined;
  switch (body.kind) {
    case 'json':
    case 'form':
    case 'text':
    case 'framework':
      return body.value;
    default:
      return undefined;
  }
}

/**
 * A minimal JSON body reader standing in for koa-bodyparser: it follows the same convention (skip
 * when `ctx.request.body` is set; otherwise read, parse, set `body` and `rawBody`). Malformed JSON
 * is answered 400 by Koa.
 */
const jsonReader: Middleware = async (ctx, next) => {
  if (ctx.request.body === undefined && ctx.is('application/json', '+json')) {
    const parts: Buffer[] = [];
    for await (const chunk of ctx.req) parts.push(chunk as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      ctx.throw(400, 'Invalid JSON');
    }
    ctx.request.body = parsed;
    ctx.request.rawBody = text;
  }
  await next();
};

/** The catch-all handler of the contract. */
const echo: Middleware = (ctx) => {
  const decision = ctx.state.portcullis;
  const received = ctx.request.body;
  const validated = validatedValue(decision);
  const body: EchoBody = {
    handled: true,
    method: ctx.method,
    body: received ?? null,
    sameBodyAsValidated: validated !== undefined && received === validated,
    ...echoDecisionOf(decision),
  };
  ctx.status = 200;
  // Set before the body, so that Koa keeps this content type.
  ctx.set('content-type', 'application/json');
  ctx.set('x-app', 'original');
  ctx.set('x-powered-by', 'conformance');
  ctx.body = JSON.stringify(body);
};

function koaHarness(name: string, Koa: KoaClass): Harness {
  return {
    name,
    async start(firewall: Firewall, options: HarnessOptions = {}): Promise<RunningApp> {
      const app = new Koa();
      // Errors show in the answers; Koa's default logging to stderr would only add noise.
      app.silent = true;
      if (options.frameworkBodyParser === true) app.use(jsonReader);
      app.use(portcullis(firewall));
      app.use(echo);
      return listenOnLoopback(app.callback());
    },
  };
}

export const koaHarnesses: Harness[] = [koaHarness('koa@2', Koa2 as unknown as KoaClass), koaHarness('koa@3', Koa3 as unknown as KoaClass)];
