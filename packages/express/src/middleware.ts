import { mustRespond, renderUnavailable, type Decision, type Firewall } from '@portcullis/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express-serve-static-core';
import type { ServerResponse } from 'node:http';
import { checkArguments, type ExpressAdapterOptions } from './options.js';
import { toRequestInit, type BodyParserMarks } from './request-init.js';
import { holdResponseBody } from './response-body-phase.js';
import { interceptWriteHead } from './response-phase.js';
import { writeRendered } from './write-response.js';

/**
 * Headers the firewall contributes to an allowed response (security headers, CORS, request id).
 * A name repeated in the list becomes repeated header lines; `vary` is a list, so it is added to a
 * value an earlier middleware set instead of replacing it.
 */
function setResponseHeaders(res: ServerResponse, headers: Decision['responseHeaders']): void {
  const seen = new Set<string>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    if (seen.has(key) || (key === 'vary' && res.hasHeader(key))) res.appendHeader(name, value);
    else res.setHeader(name, value);
    seen.add(key);
  }
}

/** Exposes the decision and hands on the body Portcullis validated, so the handler runs on it. */
function applyAllow(req: Request, res: Response, decision: Decision): void {
  setResponseHeaders(res, decision.responseHeaders);
  req.portcullis = decision;
  const body = decision.body;
  if (body !== undefined && (body.kind === 'json' || body.kind === 'form' || body.kind === 'text')) {
    req.body = body.value;
  }
  // A body `framework` kind is the framework's own object: req.body already is the validated value.
  // Whenever the stream has been consumed (by Portcullis or by a parser before it), mark it as read:
  // body-parser 1.x skips on `_body` (2.x sees the finished stream), instead of waiting forever for
  // bytes that were already taken or failing on a stream that is no longer readable.
  if (req.readableEnded) (req as Request & BodyParserMarks)._body = true;
  if (decision.responseHooks.length > 0) interceptWriteHead(res, decision);
  // After the header hooks: the held response, once released, still goes through them.
  if (decision.responseBodyHooks.length > 0) holdResponseBody(req.method, res, decision);
}

/** Answers 503 when the adapter itself failed: fail closed, reveal nothing, never throw. */
function failClosed(res: ServerResponse): void {
  try {
    if (!res.headersSent) writeRendered(res, renderUnavailable());
    else res.destroy();
  } catch {
    res.destroy();
  }
}

async function handle(firewall: Firewall, req: Request, res: Response, next: NextFunction): Promise<void> {
  try {
    const decision = await firewall.decide(toRequestInit(req));
    if (mustRespond(decision)) {
      writeRendered(res, decision.response);
      return;
    }
    applyAllow(req, res, decision);
  } catch {
    failClosed(res);
    return;
  }
  // Outside the try: an error thrown further down the chain is the application's, handled by
  // Express's error handling, and must not be turned into a Portcullis 503.
  next();
}

/**
 * The Portcullis middleware for Express 4 and 5: `app.use(portcullis(firewall))`, registered
 * before the routes it protects. It translates the request for the firewall and acts on the
 * decision; it holds no guard logic of its own.
 */
export function portcullis(firewall: Firewall, options?: ExpressAdapterOptions): RequestHandler {
  checkArguments(firewall, options);
  return function portcullisMiddleware(req: Request, res: Response, next: NextFunction): void {
    // Express 4 ignores a returned promise, so the promise is handled here and never rejects.
    void handle(firewall, req, res, next);
  };
}
