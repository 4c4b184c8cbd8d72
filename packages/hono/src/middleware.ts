import type { Context, MiddlewareHandler } from 'hono';
import { renderUnavailable, type Decision, type Firewall, type ParsedBody } from '@portcullis/core';
import './augment.js';
import { handOnBody } from './body-cache.js';
import { checkArguments, type PortcullisHonoOptions } from './options.js';
import { keepBodyForWebRequest, nodeIncomingOf } from './node-bindings.js';
import { requestInitOf } from './request-init.js';
import { toResponse } from './respond.js';
import { inspectResponseBody } from './response-body-phase.js';
import { finishResponse } from './response-phase.js';

/** The firewall read the body from the Node request: `c.req.raw` gets the same bytes. */
function keepReadBytes(c: Context, body: ParsedBody | undefined): void {
  const incoming = nodeIncomingOf(c.env);
  if (incoming !== undefined && body !== undefined && (body.kind === 'json' || body.kind === 'text' || body.kind === 'form')) {
    keepBodyForWebRequest(incoming, body.raw);
  }
}

/**
 * The Portcullis middleware for Hono 4: `app.use(portcullis(firewall))`, before the routes it
 * protects. It translates the request, answers with what core rendered when the firewall refuses,
 * and otherwise exposes the decision as `c.get('portcullis')` and hands on the validated body.
 */
export function portcullis(firewall: Firewall, options?: PortcullisHonoOptions): MiddlewareHandler {
  const settings = checkArguments(firewall, options);
  return async function portcullisMiddleware(c, next) {
    let decision: Decision;
    try {
      const init = requestInitOf(c, settings);
      decision = await firewall.decide(init);
      if (decision.response !== undefined) return toResponse(decision.response);
      handOnBody(c.req, decision.body);
      if (init.body?.kind === 'node-stream') keepReadBytes(c, decision.body);
      c.set('portcullis', decision);
    } catch {
      // A failure inside Portcullis itself (not a guard's: those are decisions): fail closed.
      return toResponse(renderUnavailable());
    }
    // Outside the try: an error from the handler is the application's, for Hono's onError.
    await next();
    try {
      if (decision.responseBodyHooks.length > 0) await inspectResponseBody(c, decision);
      finishResponse(c, decision);
    } catch {
      // Response-phase guards may mask or validate the response: never send it unprocessed.
      c.res = undefined;
      c.res = toResponse(renderUnavailable());
    }
    return undefined;
  };
}
