import {
  isRepresentationHeader,
  responseBodyLimit,
  runResponseBodyHooks,
  type Decision,
  type ResponseReplacement,
} from '@portcullis/core';
import type { ParameterizedContext } from 'koa';
import { KoaResponseView } from './response-phase.js';

const EMPTY = new Uint8Array(0);

/** Statuses Koa answers without a body, whatever `ctx.body` holds. */
const EMPTY_STATUSES = new Set([204, 205, 304]);

/** The body Koa will write, and the content type Koa will give it when it picks one itself. */
interface Serialized {
  readonly bytes: Uint8Array | undefined;
  readonly contentType?: string;
}

/**
 * `ctx.response` as hooks read it: Koa's own view, except for the content type Koa will give a body
 * it serializes itself (an object becomes JSON only when Koa writes it).
 */
class SerializedResponseView {
  readonly #response: KoaResponseView;
  readonly #contentType: string | undefined;

  constructor(ctx: ParameterizedContext, contentType: string | undefined) {
    this.#response = new KoaResponseView(ctx);
    this.#contentType = contentType;
  }

  get status(): number {
    return this.#response.status;
  }

  getHeader(name: string): string | undefined {
    if (this.#contentType !== undefined && name.toLowerCase() === 'content-type') return this.#contentType;
    return this.#response.getHeader(name);
  }
}

/** Bodies Koa streams to the client (a Node stream; on Koa 3 also a Blob, a web stream, a Response). */
function isStreamed(body: object): boolean {
  if (typeof (body as { pipe?: unknown }).pipe === 'function') return true;
  return body instanceof Blob || body instanceof ReadableStream || body instanceof Response;
}

/**
 * The bytes Koa's `respond` will write for `ctx.body`, serialized the way Koa does; `bytes` is
 * undefined when they cannot be held: a streamed body, one Koa cannot serialize, or one over `limit`.
 */
function serialize(ctx: ParameterizedContext, limit: number): Serialized {
  // HEAD: no body goes out. `respond = false` or a closed connection: Koa writes nothing itself.
  if (ctx.method === 'HEAD' || ctx.respond === false || !ctx.writable || ctx.headerSent) return { bytes: undefined };
  if (EMPTY_STATUSES.has(ctx.status)) return { bytes: EMPTY };
  const body: unknown = ctx.body;
  if (body === null || body === undefined) {
    if ((ctx.response as { _explicitNullBody?: boolean })._explicitNullBody === true) return { bytes: EMPTY };
    // Koa's own answer: the status message as text.
    const text = ctx.req.httpVersionMajor >= 2 ? String(ctx.status) : ctx.message || String(ctx.status);
    return { bytes: Buffer.from(text, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  }
  let bytes: Uint8Array;
  if (Buffer.isBuffer(body)) bytes = body;
  else if (typeof body === 'string') {
    if (Buffer.byteLength(body) > limit) return { bytes: undefined };
    bytes = Buffer.from(body, 'utf8');
  } else if (typeof body === 'object' && isStreamed(body)) return { bytes: undefined };
  else {
    let json: string | undefined;
    try {
      json = JSON.stringify(body) as string | undefined;
    } catch {
      // Koa's respond fails the same way, as the application's error.
      return { bytes: undefined };
    }
    bytes = json === undefined ? EMPTY : Buffer.from(json, 'utf8');
  }
  return { bytes: bytes.byteLength > limit ? undefined : bytes };
}

function applyReplacement(ctx: ParameterizedContext, replacement: ResponseReplacement): void {
  const res = ctx.res;
  for (const name of res.getHeaderNames()) if (isRepresentationHeader(name)) res.removeHeader(name);
  ctx.status = replacement.status;
  const seen = new Set<string>();
  for (const [name, value] of replacement.headers) {
    const key = name.toLowerCase();
    if (seen.has(key)) ctx.append(name, value);
    else ctx.set(name, value);
    seen.add(key);
  }
  // Koa's body setter computes the Content-Length; it keeps the content type set just above.
  ctx.body = replacement.body;
  if (!seen.has('content-type')) ctx.remove('content-type');
}

/**
 * Runs the decision's response-body hooks once, after the middleware below Portcullis (the routes)
 * returned, on `ctx.body` serialized the way Koa's `respond` will write it; a replacement becomes
 * `ctx.status`, headers and `ctx.body`.
 *
 * The hooks see the body as the chain below Portcullis left it: middleware registered before
 * Portcullis runs after this on the way out and may still change it (compress it, wrap it), and
 * its changes are not inspected. What is held: strings, Buffers, JSON bodies, Koa's own status
 * text and empty bodies, up to the largest `maxBytes`. Streamed bodies (Node streams; on Koa 3
 * also Blobs, web streams and Responses), bodies over the limit, HEAD and `ctx.respond = false`
 * are not: the hooks are told `body: undefined` and the response goes out unchanged. When the
 * routes throw, Koa's error handling answers and the hooks are not run.
 */
export function inspectResponseBody(ctx: ParameterizedContext, decision: Decision): void {
  const serialized = serialize(ctx, responseBodyLimit(decision));
  const replacement = runResponseBodyHooks(decision, new SerializedResponseView(ctx, serialized.contentType), serialized.bytes);
  if (replacement !== undefined && serialized.bytes !== undefined) applyReplacement(ctx, replacement);
}
