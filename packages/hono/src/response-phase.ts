import type { Context } from 'hono';
import { runResponseHooks, type Decision, type ResponseView } from '@portcullis/core';

/**
 * Gives mutable headers of `c.res`. A Response from `fetch()` (a proxied upstream) has immutable
 * headers; it is then copied into a new Response, which Hono's `c.res` setter only replaces as a
 * whole after being cleared (otherwise it merges the old headers back in).
 */
function mutableHeaders(c: Context): Headers {
  const headers = c.res.headers;
  try {
    // Deleting an absent header is a no-op that still throws on immutable headers.
    headers.delete('x-portcullis-mutability-probe');
    return headers;
  } catch {
    const copy = new Response(c.res.body, c.res);
    c.res = undefined;
    c.res = copy;
    return copy.headers;
  }
}

/**
 * After the handler: sets the headers the decision asked for that the handler did not set itself
 * (request id, security headers, CORS), then runs the guards' response hooks on the final response.
 */
export function finishResponse(c: Context, decision: Decision): void {
  const missing = decision.responseHeaders.filter(([name]) => !c.res.headers.has(name));
  if (missing.length === 0 && decision.responseHooks.length === 0) return;
  const headers = mutableHeaders(c);
  for (const [name, value] of missing) headers.append(name, value);
  if (decision.responseHooks.length > 0) runHooks(c, decision, headers);
  if (c.req.method === 'HEAD') {
    // Hono answers HEAD with `new Response(null, res)`. @hono/node-server's Response then copies the
    // headers the handler's Response was created with, not the ones changed here; a Response built
    // on these very headers keeps them. (A HEAD response carries no body anyway.)
    const res = c.res;
    c.res = undefined;
    c.res = new Response(null, { status: res.status, statusText: res.statusText, headers });
  }
}

/**
 * The response as hooks see it: `c.res` (which a hook cannot replace) and its mutable headers.
 *
 * A class rather than an object literal with a `get status()` accessor: V8 gives every such literal
 * its own hidden class, kept in the old generation, whose accessor closure holds the response. Each
 * response then survived young-generation collections and was promoted, which made garbage
 * collection the largest per-request cost of the adapter under load.
 */
class HonoResponseView implements ResponseView {
  readonly #c: Context;
  readonly #headers: Headers;

  constructor(c: Context, headers: Headers) {
    this.#c = c;
    this.#headers = headers;
  }

  get status(): number {
    return this.#c.res.status;
  }

  getHeader(name: string): string | undefined {
    return this.#headers.get(name) ?? undefined;
  }

  setHeader(name: string, value: string): void {
    this.#headers.set(name, value);
  }

  removeHeader(name: string): void {
    this.#headers.delete(name);
  }
}

function runHooks(c: Context, decision: Decision, headers: Headers): void {
  runResponseHooks(decision, new HonoResponseView(c, headers));
}
