import type { Context } from 'hono';
import { tlsPeerReader, type BodySource, type RequestInit } from '@portcullis/core';
import { asNodeReadable, nodeIncomingOf, untouchedNodeBody, type IncomingLike } from './node-bindings.js';
import type { PortcullisHonoOptions } from './options.js';

/** Path and query of an absolute URL (`http://host/a?b` -> `/a?b`). */
function pathAndSearch(url: string): string {
  const scheme = url.indexOf('://');
  const start = url.indexOf('/', scheme === -1 ? 0 : scheme + 3);
  return start === -1 ? '/' : url.slice(start);
}

/** A Web Headers as pairs (duplicates arrive joined by ", ", `set-cookie` apart). */
function pairsOf(headers: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

function isStringList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
}

/**
 * The core's view of a Hono request, as untranslated as the runtime allows.
 *
 * On @hono/node-server the Node request is in `c.env.incoming`: its `url` is the request-target
 * from the wire (Hono's `c.req.url` went through the URL parser, which already resolved dot
 * segments: `/a/../admin` would look like `/admin`), and `rawHeaders` keeps duplicated headers that
 * a Web `Headers` joins. Elsewhere the Web request is all there is.
 */
export function requestInitOf(c: Context, options: PortcullisHonoOptions): RequestInit {
  const incoming = nodeIncomingOf(c.env);
  const raw = c.req.raw;
  let remoteAddress: string | undefined;
  const socketAddress = incoming?.socket?.remoteAddress;
  if (typeof socketAddress === 'string') remoteAddress = socketAddress;
  else if (options.clientAddress !== undefined) {
    // A user callback: if it throws, the address is unknown (guards then apply their rule for that).
    let given: unknown;
    try {
      given = options.clientAddress(c);
    } catch {
      given = undefined;
    }
    remoteAddress = typeof given === 'string' ? given : undefined;
  }
  return {
    method: raw.method,
    target: typeof incoming?.url === 'string' ? incoming.url : pathAndSearch(raw.url),
    headers: isStringList(incoming?.rawHeaders) ? incoming.rawHeaders : pairsOf(raw.headers),
    remoteAddress,
    tls: () => tlsPeerReader(incoming?.socket)?.(),
    body: bodySourceOf(raw, incoming),
  };
}

/**
 * The body stream. On @hono/node-server over HTTP/1.x, the Node request itself while nothing has
 * read it (see untouchedNodeBody). @hono/node-server gives a GET or HEAD Request no body even when
 * the client sent one; the firewall still reads and checks it, as on every adapter, from the Node
 * request, which nothing else reads then. Elsewhere the Web Request's body (null when there is none).
 */
function bodySourceOf(raw: Request, incoming: IncomingLike | undefined): BodySource {
  const node = untouchedNodeBody(incoming);
  if (node !== undefined) return { kind: 'node-stream', stream: node };
  const body = raw.body;
  if (body !== null) return { kind: 'web-stream', stream: body };
  const stream = raw.method === 'GET' || raw.method === 'HEAD' ? asNodeReadable(incoming) : undefined;
  return stream === undefined ? { kind: 'none' } : { kind: 'node-stream', stream };
}
