/**
 * Test support (not a test file): a minimal JSON body parser following the koa-bodyparser
 * convention (skip when `ctx.request.body` is already set; otherwise read the stream, parse, and
 * set `body` and `rawBody`). It stands in for the parser an application would register.
 */
import type { Middleware } from 'koa';

interface RequestWithBody {
  body?: unknown;
  rawBody?: string;
}

export function jsonReader(): Middleware {
  return async (ctx, next) => {
    const request = ctx.request as unknown as RequestWithBody;
    if (request.body !== undefined || !ctx.is('application/json')) {
      await next();
      return;
    }
    const parts: Buffer[] = [];
    for await (const chunk of ctx.req) parts.push(chunk as Buffer);
    const text = Buffer.concat(parts).toString('utf8');
    try {
      request.body = text === '' ? {} : (JSON.parse(text) as unknown);
    } catch {
      ctx.throw(400, 'invalid JSON');
    }
    request.rawBody = text;
    await next();
  };
}
