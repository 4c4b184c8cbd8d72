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
