import {
  beforeWriteHead,
  concatBytes,
  isRepresentationHeader,
  responseBodyLimit,
  runResponseBodyHooks,
  type Decision,
  type ResponseReplacement,
} from '@portcullis/core';
import type { ServerResponse } from 'node:http';
import { NodeResponseView } from './response-phase.js';

type Callback = (error?: Error | null) => void;
type Method = (...args: unknown[]) => unknown;
type PatchedName = 'writeHead' | 'write' | 'end' | 'flushHeaders';

const EMPTY = new Uint8Array(0);

/** Node puts no body on the wire with these statuses, whatever the handler wrote. */
function isBodylessStatus(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** A Server-Sent Events response is a stream that may never end: it is never held. */
function isEventStream(res: ServerResponse): boolean {
  const type = res.getHeader('content-type');
  return typeof type === 'string' && type.trimStart().toLowerCase().startsWith('text/event-stream');
}

/** The bytes of a chunk given to write()/end(); undefined for what Node itself would refuse. */
function bytesOf(chunk: unknown, encoding: string | undefined, copy: boolean): Uint8Array | undefined {
  if (typeof chunk === 'string') {
    if (encoding !== undefined && !Buffer.isEncoding(encoding)) return undefined;
    return Buffer.from(chunk, (encoding ?? 'utf8') as BufferEncoding);
  }
  // A held chunk is copied: the handler may reuse its buffer once write() has called back.
  if (chunk instanceof Uint8Array) return copy ? new Uint8Array(chunk) : chunk;
  return undefined;
}

/**
 * Moves the headers given to `writeHead(status, [reason], headers)` onto the response, with Node's
 * own precedence (they override earlier `setHeader` values; a flat array may repeat a name), so that
 * the hooks see them and a replacement can drop them. The same rules as core's `beforeWriteHead`.
 */
function adoptHeaders(res: ServerResponse, headers: unknown): void {
  if (headers === undefined || headers === null) return;
  if (Array.isArray(headers)) {
    const list = headers as readonly unknown[];
    if (list.length % 2 !== 0 || list.some((item, i) => i % 2 === 0 && typeof item !== 'string')) throw new TypeError('invalid header list');
    for (let i = 0; i < list.length; i += 2) res.removeHeader(list[i] as string);
    for (let i = 0; i < list.length; i += 2) {
      const value = list[i + 1];
      if (value !== undefined) res.appendHeader(list[i] as string, value as string | readonly string[]);
    }
    return;
  }
  if (typeof headers !== 'object') throw new TypeError('invalid headers');
  for (const [name, value] of Object.entries(headers as Readonly<Record<string, unknown>>)) {
    if (value !== undefined) res.setHeader(name, value as string | number | readonly string[]);
  }
}

function applyReplacement(res: ServerResponse, replacement: ResponseReplacement): Uint8Array {
  for (const name of res.getHeaderNames()) if (isRepresentationHeader(name)) res.removeHeader(name);
  res.statusCode = replacement.status;
  // Empty: Node then uses the standard reason phrase, not one the handler gave its own status.
  res.statusMessage = '';
  const seen = new Set<string>();
  for (const [name, value] of replacement.headers) {
    const key = name.toLowerCase();
    if (seen.has(key)) res.appendHeader(name, value);
    else res.setHeader(name, value);
    seen.add(key);
  }
  const body = Buffer.from(replacement.body, 'utf8');
  if (!isBodylessStatus(replacement.status)) res.setHeader('content-length', String(body.byteLength));
  return body;
}

/**
 * Holds a response on its way out until the whole body is known, so that the response-body hooks
 * run once, before the status line is written, and may replace it.
 *
 * Every way an Express handler answers ends in Node's `writeHead`/`write`/`end` (`res.send`,
 * `res.json`, `res.sendStatus`, `res.redirect`, `res.sendFile` and `stream.pipe(res)` included),
 * so those are patched on this response instance (never the prototype). An explicit `writeHead` is
 * held too: its status and headers are moved onto the response and written with the body.
 *
 * What is not held, and goes out unchanged once the hooks were told `body: undefined`: a body
 * that grows past the largest `maxBytes` (what was held is written first, then the rest streams
 * through), `flushHeaders()` and `text/event-stream` responses (streams meant to reach the client
 * as they are written, and that may never end).
 *
 * While held, `res.headersSent` answers true once the handler has started the response (as it
 * would without Portcullis), so that an error handler destroys the connection instead of appending
 * an error page to a body already partly written.
 */
class ResponseHold {
  readonly #res: ServerResponse;
  readonly #decision: Decision;
  readonly #limit: number;
  readonly #originals = new Map<PatchedName, { readonly method: Method; readonly own: boolean; readonly patch: Method }>();
  readonly #chunks: Uint8Array[] = [];
  #size = 0;
  #holding = true;
  #started = false;

  constructor(res: ServerResponse, decision: Decision) {
    this.#res = res;
    this.#decision = decision;
    this.#limit = responseBodyLimit(decision);
  }

  install(): void {
    this.#patch('writeHead', (args) => this.#onWriteHead(args));
    this.#patch('write', (args) => this.#onWrite(args));
    this.#patch('end', (args) => this.#onEnd(args));
    this.#patch('flushHeaders', (args) => {
      if (this.#holding) this.#giveUp();
      return this.#forward('flushHeaders', args);
    });
    Object.defineProperty(this.#res, 'headersSent', { configurable: true, enumerable: false, get: () => this.#started });
  }

  #patch(name: PatchedName, handler: (args: unknown[]) => unknown): void {
    const res = this.#res as unknown as Record<PatchedName, Method>;
    const method = res[name];
    const patch: Method = (...args) => (this.#holding ? handler(args) : Reflect.apply(method, this.#res, args));
    this.#originals.set(name, { method, own: Object.hasOwn(res, name), patch });
    res[name] = patch;
  }

  #forward(name: PatchedName, args: readonly unknown[]): unknown {
    const original = this.#originals.get(name) as { method: Method };
    return Reflect.apply(original.method, this.#res, args);
  }

  /** Stops holding: the response methods are Node's again (or whatever was there before). */
  #release(): void {
    this.#holding = false;
    const res = this.#res as unknown as Record<PatchedName, Method>;
    for (const [name, { method, own, patch }] of this.#originals) {
      // Something patched after us keeps its patch, which calls ours, which now passes through.
      if (res[name] !== patch) continue;
      if (own) res[name] = method;
      else delete (res as Partial<Record<PatchedName, Method>>)[name];
    }
    delete (this.#res as { headersSent?: boolean }).headersSent;
  }

  /** The body cannot be held: hooks are told so, then what was held goes out and the rest streams. */
  #giveUp(): void {
    this.#release();
    runResponseBodyHooks(this.#decision, new NodeResponseView(this.#res), undefined);
    if (this.#chunks.length > 0) this.#forward('write', [concatBytes(this.#chunks, this.#size)]);
    this.#chunks.length = 0;
  }

  #onWriteHead(args: unknown[]): unknown {
    const [statusCode, second, third] = args;
    const reason = typeof second === 'string' ? second : undefined;
    // An invalid status or header list: Node raises its own error to the handler.
    if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 999) {
      this.#giveUp();
      return this.#forward('writeHead', args);
    }
    try {
      adoptHeaders(this.#res, reason === undefined ? second : third);
    } catch {
      this.#giveUp();
      return this.#forward('writeHead', args);
    }
    this.#res.statusCode = statusCode;
    if (reason !== undefined) this.#res.statusMessage = reason;
    this.#started = true;
    if (isEventStream(this.#res)) {
      this.#giveUp();
      return this.#forward('writeHead', reason === undefined ? [statusCode] : [statusCode, reason]);
    }
    return this.#res;
  }

  #onWrite(args: unknown[]): unknown {
    const [chunk, second, third] = args;
    const encoding = typeof second === 'string' ? second : undefined;
    const callback = (typeof second === 'function' ? second : third) as Callback | undefined;
    const bytes = bytesOf(chunk, encoding, true);
    if (bytes === undefined || isEventStream(this.#res) || this.#size + bytes.byteLength > this.#limit) {
      this.#giveUp();
      return this.#forward('write', args);
    }
    this.#started = true;
    this.#chunks.push(bytes);
    this.#size += bytes.byteLength;
    // The chunk is taken: called back at once rather than when the body leaves, so that a handler
    // waiting for the callback before it ends the response does not wait forever.
    if (typeof callback === 'function') queueMicrotask(() => callback());
    return true;
  }

  #onEnd(args: unknown[]): unknown {
    let [chunk, second, third] = args;
    if (typeof chunk === 'function') {
      third = chunk;
      chunk = undefined;
    }
    const encoding = typeof second === 'string' ? second : undefined;
    const callback = (typeof second === 'function' ? second : third) as Callback | undefined;
    const bytes = chunk === undefined || chunk === null ? EMPTY : bytesOf(chunk, encoding, false);
    if (bytes === undefined || isEventStream(this.#res) || this.#size + bytes.byteLength > this.#limit) {
      this.#giveUp();
      return this.#forward('end', args);
    }
    if (bytes.byteLength > 0) this.#chunks.push(bytes);
    this.#size += bytes.byteLength;
    const body = this.#size === 0 ? EMPTY : concatBytes(this.#chunks, this.#size);
    this.#chunks.length = 0;
    this.#release();
    const seen = isBodylessStatus(this.#res.statusCode) ? EMPTY : body;
    const replacement = runResponseBodyHooks(this.#decision, new NodeResponseView(this.#res), seen);
    const out = replacement === undefined ? body : applyReplacement(this.#res, replacement);
    const tail = typeof callback === 'function' ? [callback] : [];
    return this.#forward('end', out.byteLength === 0 ? tail : [out, ...tail]);
  }
}

/**
 * Lets the decision's response-body hooks inspect, and replace, the response before it is sent
 * (see ResponseHold). A response to HEAD carries no body: the hooks are told `body: undefined`
 * just before its headers are written, and it goes out as it is.
 */
export function holdResponseBody(method: string | undefined, res: ServerResponse, decision: Decision): void {
  if (method === 'HEAD') {
    beforeWriteHead(res, () => void runResponseBodyHooks(decision, new NodeResponseView(res), undefined));
    return;
  }
  new ResponseHold(res, decision).install();
}
