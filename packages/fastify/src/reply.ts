import type { FastifyReply } from 'fastify';
import type { RenderedResponse, ResponseView } from '@portcullis/core';

type HeaderValue = string | string[];

/** Groups name/value pairs by name, keeping every value of a repeated name in order. */
function grouped(headers: ReadonlyArray<readonly [string, string]>): Map<string, HeaderValue> {
  const out = new Map<string, HeaderValue>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const existing = out.get(key);
    if (existing === undefined) out.set(key, value);
    else if (typeof existing === 'string') out.set(key, [existing, value]);
    else existing.push(value);
  }
  return out;
}

/**
 * Sends the response core rendered, exactly: status, headers, body. The body goes out as a Buffer
 * because Fastify appends `; charset=utf-8` to a JSON content type when the payload is a string,
 * and the deny response must be the same bytes on every adapter.
 */
export function sendRendered(reply: FastifyReply, rendered: RenderedResponse): FastifyReply {
  reply.code(rendered.status);
  for (const [name, value] of grouped(rendered.headers)) reply.header(name, value);
  return reply.send(Buffer.from(rendered.body, 'utf8'));
}

/**
 * Sets the headers the decision asks for before the handler runs (request id, security headers,
 * CORS). The handler may override them. A name the list repeats (e.g. `vary`) keeps every value;
 * `vary` is also merged with a value already on the reply rather than replacing it.
 */
export function applyResponseHeaders(reply: FastifyReply, headers: ReadonlyArray<readonly [string, string]>): void {
  for (const [name, value] of grouped(headers)) {
    if (name === 'vary') {
      const existing = reply.getHeader('vary');
      if (existing !== undefined) {
        const previous = Array.isArray(existing) ? existing : [String(existing)];
        reply.header('vary', [...previous, ...(typeof value === 'string' ? [value] : value)]);
        continue;
      }
    }
    reply.header(name, value);
  }
}

/** The response as response-phase hooks see it, just before Fastify writes the headers. */
export function responseViewOf(reply: FastifyReply): ResponseView {
  return {
    get status() {
      return reply.statusCode;
    },
    getHeader(name: string): string | undefined {
      const value = reply.getHeader(name);
      if (value === undefined) return undefined;
      return Array.isArray(value) ? value.join(', ') : String(value);
    },
    setHeader(name: string, value: string): void {
      reply.header(name, value);
    },
    removeHeader(name: string): void {
      reply.removeHeader(name);
    },
  };
}
