import type { IncomingMessage } from 'node:http';
import { tlsPeerReader, type RequestInit } from '@portcullis/core';

/**
 * The request-target Fastify routes on. With `useSemicolonDelimiter` (the default in Fastify 4),
 * Fastify's router ends the path at the first `;` and treats the rest as the query, so
 * `/admin;x=1` reaches the `/admin` handler. Portcullis must route the request the same way, or a
 * guard on `/admin` would not see it; so the `;` becomes the `?` the framework reads it as.
 */
export function targetAsRouted(url: string, semicolonDelimiter: boolean): string {
  if (!semicolonDelimiter || url.charCodeAt(0) !== 47 /* / */) return url;
  for (let i = 1; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) return url;
    if (c === 59 /* ; */) return `${url.slice(0, i)}?${url.slice(i + 1)}`;
  }
  return url;
}

/**
 * The core's view of a Fastify request, taken from the Node request untranslated: the wire
 * request-target, `rawHeaders` (duplicates kept), the socket address. The body is not known yet
 * in `onRequest`; it reaches the engine in `preValidation`.
 */
export function requestInitOf(raw: IncomingMessage, semicolonDelimiter: boolean): RequestInit {
  const socket = raw.socket as IncomingMessage['socket'] | undefined;
  return {
    method: raw.method ?? '',
    target: targetAsRouted(raw.url ?? '', semicolonDelimiter),
    headers: raw.rawHeaders,
    remoteAddress: socket?.remoteAddress,
    tls: () => tlsPeerReader(socket)?.(),
    body: { kind: 'none' },
  };
}
