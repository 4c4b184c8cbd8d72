import type { NodeReadableLike } from '@portcullis/core';

/**
 * What @hono/node-server puts in `c.env` (`{ incoming, outgoing }`), read structurally: this
 * package uses only Web-standard APIs and imports nothing from Node, so it also runs on Bun, Deno
 * and Workers, where these fields are simply absent.
 */
export interface SocketLike {
  readonly remoteAddress?: unknown;
  readonly authorized?: unknown;
  getPeerCertificate?: (detailed?: boolean) => unknown;
}

export interface IncomingLike {
  /** The request-target exactly as received on the wire. */
  readonly url?: unknown;
  /** Node's flat [name, value, ...] header list, duplicates kept. */
  readonly rawHeaders?: unknown;
  readonly socket?: SocketLike | null;
  /** 1 on HTTP/1.x; 2 for an Http2ServerRequest. */
  readonly httpVersionMajor?: unknown;
  /** Node's Readable state: null until something starts consuming the stream. */
  readonly readableFlowing?: unknown;
  readonly readableEnded?: unknown;
  /** What @hono/node-server builds the Web Request's body from, when it is a Buffer. */
  rawBody?: unknown;
}

/** The Node request when the app runs on @hono/node-server; undefined anywhere else. */
export function nodeIncomingOf(env: unknown): IncomingLike | undefined {
  if (typeof env !== 'object' || env === null) return undefined;
  const incoming = (env as { incoming?: unknown }).incoming;
  if (typeof incoming !== 'object' || incoming === null) return undefined;
  return incoming as IncomingLike;
}

/** The Node request as a readable stream (core reads it through its structural NodeReadableLike). */
export function asNodeReadable(incoming: IncomingLike | undefined): NodeReadableLike | undefined {
  const r = incoming as Partial<Record<keyof NodeReadableLike, unknown>> | undefined;
  if (r === undefined || typeof r.on !== 'function' || typeof r.removeListener !== 'function' || typeof r.pause !== 'function' || typeof r.resume !== 'function') return undefined;
  return incoming as unknown as NodeReadableLike;
}

/**
 * The Node request as the stream to read the body from, instead of the Web Request's body, when
 * that is safe:
 * - HTTP/1.x only: there Content-Length or Transfer-Encoding says whether a body follows (the engine
 *   reads a Node stream only when they announce one); an HTTP/2 request may carry a body without
 *   either, so its Web body is read as before;
 * - only while nothing has started consuming it. Something that touched the body of `c.req.raw`
 *   earlier (which attaches the Web stream to this very request) owns the stream; the Web Request
 *   is read then, as before.
 *
 * Why: asking `c.req.raw` for its body makes @hono/node-server build a full Fetch Request (an
 * AbortController, a Headers copy, a Web stream over the Node stream), which cost several times
 * the firewall's own work per request.
 */
export function untouchedNodeBody(incoming: IncomingLike | undefined): NodeReadableLike | undefined {
  if (incoming === undefined || incoming.httpVersionMajor !== 1) return undefined;
  if (incoming.readableFlowing !== null || incoming.readableEnded === true) return undefined;
  return asNodeReadable(incoming);
}

/**
 * After the firewall read the body from the Node request, `c.req.raw` would otherwise see an
 * empty body: @hono/node-server builds it from the Node stream, now ended. It builds it from
 * `incoming.rawBody` instead when that is a Buffer (its support for hosts that read the body
 * first), so the bytes the firewall read and validated are left there.
 */
export function keepBodyForWebRequest(incoming: IncomingLike, bytes: Uint8Array): void {
  const NodeBuffer = (globalThis as { Buffer?: { from(buffer: ArrayBufferLike, offset: number, length: number): Uint8Array } }).Buffer;
  if (NodeBuffer === undefined) return;
  incoming.rawBody = NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
