import type { RenderedResponse } from '@portcullis/core';
import type { ServerResponse } from 'node:http';

/**
 * No Content-Length on statuses that carry no content (RFC 9110 §8.6), nor on an answer to HEAD:
 * its length would have to be the one of the GET answer, which core did not render.
 */
function omitsContentLength(status: number, method: string | undefined): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
}

/**
 * Writes the answer core rendered, verbatim: its status, its headers in order (a repeated name
 * becomes repeated header lines), its body and a Content-Length that matches the body.
 *
 * Headers set before Portcullis ran (Express's own `X-Powered-By`, or an earlier middleware's) are
 * dropped, so that every adapter answers with exactly the same response. Plain Node calls are used
 * on purpose: Express's `res.send` would add an ETag and may change the content type.
 */
export function writeRendered(res: ServerResponse, rendered: RenderedResponse): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  const flat: string[] = [];
  for (const [name, value] of rendered.headers) flat.push(name, value);
  if (!omitsContentLength(rendered.status, res.req?.method)) flat.push('content-length', String(Buffer.byteLength(rendered.body)));
  res.writeHead(rendered.status, flat);
  res.end(rendered.body);
}
