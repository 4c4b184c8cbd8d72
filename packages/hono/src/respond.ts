import type { RenderedResponse } from '@portcullis/core';

/**
 * The Web Response for what core rendered. Headers go in as given: a plain record when every name
 * is distinct (on @hono/node-server it is written as is, so the order core chose is kept), else the
 * list of pairs (a repeated name keeps every value; Fetch joins them, `set-cookie` stays apart).
 */
export function toResponse(rendered: RenderedResponse): Response {
  const record: Record<string, string> = {};
  let distinct = true;
  for (const [name, value] of rendered.headers) {
    if (Object.hasOwn(record, name)) {
      distinct = false;
      break;
    }
    record[name] = value;
  }
  const headers: HeadersInit = distinct ? record : rendered.headers.map(([name, value]): [string, string] => [name, value]);
  // A null body for status codes that cannot carry one (the Response constructor refuses them).
  const body = rendered.body === '' ? null : rendered.body;
  return new Response(body, { status: rendered.status, headers });
}
