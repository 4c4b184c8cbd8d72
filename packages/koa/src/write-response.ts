import type { RenderedResponse } from '@portcullis/core';
import type { ParameterizedContext } from 'koa';

/**
 * Hands the answer core rendered to Koa, verbatim: its status, its headers in order (a repeated
 * name becomes repeated header lines) and its body; Koa computes the Content-Length from the body
 * (left out for HEAD and for statuses without content, as Koa itself does for those).
 *
 * Headers set before Portcullis ran are dropped, so that every adapter answers with exactly the same
 * response. The headers, content type included, are set before the body: Koa only picks a content
 * type itself when none is set.
 */
export function writeRendered(ctx: ParameterizedContext, rendered: RenderedResponse): void {
  const res = ctx.res;
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  ctx.status = rendered.status;
  const seen = new Set<string>();
  for (const [name, value] of rendered.headers) {
    const key = name.toLowerCase();
    if (seen.has(key)) ctx.append(name, value);
    else ctx.set(name, value);
    seen.add(key);
  }
  ctx.body = rendered.body;
  // An empty answer without a content type (a CORS preflight) stays without one: Koa's body setter
  // would otherwise have added `text/plain`.
  if (!seen.has('content-type')) ctx.remove('content-type');
  // An answer to HEAD has no body, and the length of the GET answer is unknown: no Content-Length
  // (Koa's body setter counted the empty string, and does not count it again when it is absent).
  if (ctx.method === 'HEAD') ctx.remove('content-length');
}
