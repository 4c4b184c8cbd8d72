import type { FastifyReply } from 'fastify';
import type { RenderedResponse, ResponseView } from '@portcullis/core';

type HeaderValue = string | string[];

/**
 * Whether a (lower-cased) name comes twice. Each name is lower-cased once: a nested scan lower-cased
 * every pair (about 130 calls for the usual dozen security and CORS headers, on every request).
 */
function hasRepeatedName(headers: ReadonlyArray<readonly [string, string]>): boolean {
  if (headers.length < 2) return false;
  const seen = new Set<string>();
  for (const [name] of headers) {
    const key = name.toLowerCase();
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** Groups name/value pairs by name, keeping every value of a repeated name in order. */
export function grouped(headers: ReadonlyArray<readonly [string, string]>): Map<string, HeaderValue> {
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
  // Fastify's `reply.header` replaces a value, so a repeated name is set once with all its values.
  // The usual list has distinct names and is applied as it is, without grouping it in a Map.
  if (!hasRepeatedName(headers)) {
    for (const [name, value] of headers) applyResponseHeader(reply, name.toLowerCase(), value);
    return;
  }
  for (const [name, value] of grouped(headers)) applyResponseHeader(reply, name, value);
}

function applyResponseHeader(reply: FastifyReply, name: string, value: HeaderValue): void {
  if (name === 'vary') {
    const existing = reply.getHeader('vary');
    if (existing !== undefined) {
      const previous = Array.isArray(existing) ? existing : [String(existing)];
      reply.header('vary', [...previous, ...(typeof value === 'string' ? [value] : value)]);
      return;
    }
  }
  reply.header(name, value);
}

/**
 * The response as response-phase hooks see it, just before Fastify writes the headers.
 *
 * A class rather than an object literal with a `get status()` accessor: V8 gives every such literal
 * its own hidden class, kept in the old generation, whose accessor closure holds the reply. Each
 * reply then survived young-generation collections and was promoted, which made garbage collection
 * the largest per-request cost of the adapter under load.
 */
class ReplyView implements ResponseView {
  readonly #reply: FastifyReply;

  constructor(reply: FastifyReply) {
    this.#reply = reply;
  }

  get status(): number {
    return this.#reply.statusCode;
  }

  getHeader(name: string): string | undefined {
    const value = this.#reply.getHeader(name);
    if (value === undefined) return undefined;
    return Array.isArray(value) ? value.join(', ') : String(value);
  }

  setHeader(name: string, value: string): void {
    this.#reply.header(name, value);
  }

  removeHeader(name: string): void {
    this.#reply.removeHeader(name);
  }
}

export function responseViewOf(reply: FastifyReply): ResponseView {
  return new ReplyView(reply);
}
