import { mustRespond, renderUnavailable, type Decision, type Firewall } from '@portcullis/core';
import type { Middleware, Next, ParameterizedContext } from 'koa';
import { checkArguments, type KoaAdapterOptions } from './options.js';
import { requestBodyOf } from './request-body.js';
import { toRequestInit } from './request-init.js';
import { inspectResponseBody } from './response-body-phase.js';
import { interceptWriteHead } from './response-phase.js';
import { writeRendered } from './write-response.js';

const utf8 = new TextDecoder('utf-8');

/**
 * Headers the firewall contributes to an allowed response (security headers, CORS, request id).
 * A name repeated in the list becomes repeated header lines; `vary` is a list, so it is added to a
 * value an earlier middleware set instead of replacing it.
 *
 * A first occurrence goes straight to Node's `setHeader`: for a string value that is all `ctx.set`
 * does (after the `headerSent` check made once here), without its per-call entry arrays. Repeats
 * keep going through `ctx.append`, with Koa's own rules for them.
 */
function setResponseHeaders(ctx: ParameterizedContext, headers: Decision['responseHeaders']): void {
  if (ctx.headerSent) return;
  const res = ctx.res;
  const seen = new Set<string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (seen.has(key) || (key === 'vary' && res.hasHeader(key))) ctx.append(name, value);
    else res.setHeader(name, value);
    seen.add(key);
  }
}

/** Exposes the decision and hands on the body Portcullis validated, so the handler runs on it. */
function applyAllow(ctx: ParameterizedContext, decision: Decision): void {
  setResponseHeaders(ctx, decision.responseHeaders);
  ctx.state.portcullis = decision;
  const body = decision.body;
  if (body !== undefined && (body.kind === 'json' || body.kind === 'form' || body.kind === 'text')) {
    // The koa-bodyparser convention: a parser after Portcullis sees `body` set and skips.
    const request = requestBodyOf(ctx);
    request.body = body.value;
    request.rawBody = body.kind === 'text' ? body.value : utf8.decode(body.raw);
  }
  // A `framework` body is the parser's own object, already on ctx.request.body: left as it is.
  if (decision.responseHooks.length > 0) interceptWriteHead(ctx, decision);
}

/** Answers 503 when the adapter itself failed: fail closed, reveal nothing, never throw. */
function failClosed(ctx: ParameterizedContext): void {
  try {
    if (!ctx.headerSent) writeRendered(ctx, renderUnavailable());
    else ctx.res.destroy();
  } catch {
    ctx.res.destroy();
  }
}

/**
 * Runs the response-body hooks on the body the routes left. A failure inside Portcullis must not
 * send a body a hook was meant to withhold: the answer becomes the 503 (fail closed).
 */
function inspectBody(ctx: ParameterizedContext, decision: Decision): void {
  try {
    inspectResponseBody(ctx, decision);
  } catch {
    failClosed(ctx);
  }
}

/**
 * The Portcullis middleware for Koa 2 and 3: `app.use(portcullis(firewall))`, registered before
 * the routes it protects. It translates the request for the firewall and acts on the decision; it
 * holds no guard logic of its own.
 */
export function portcullis(firewall: Firewall, options?: KoaAdapterOptions): Middleware {
  checkArguments(firewall, options);
  return async function portcullisMiddleware(ctx: ParameterizedContext, next: Next): Promise<void> {
    let decision: Decision;
    try {
      decision = await firewall.decide(toRequestInit(ctx));
      if (mustRespond(decision)) {
        writeRendered(ctx, decision.response);
        return;
      }
      applyAllow(ctx, decision);
    } catch {
      failClosed(ctx);
      return;
    }
    // Outside the try: an error thrown further down is the application's, for Koa's error
    // handling, and must not be turned into a Portcullis 503.
    await next();
    if (decision.responseBodyHooks.length > 0) inspectBody(ctx, decision);
  };
}
