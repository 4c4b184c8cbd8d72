import type { Context } from 'hono';
import {
  concatBytes,
  isRepresentationHeader,
  responseBodyLimit,
  runResponseBodyHooks,
  type Decision,
  type ResponseReplacement,
} from '@portcullis/core';

const EMPTY = new Uint8Array(0);

/** The handler's Response as hooks read it (status and headers); the body is passed alongside. */
class WebResponseView {
  readonly #res: Response;

  constructor(res: Response) {
    this.#res = res;
  }

  get status(): number {
    return this.#res.status;
  }

  getHeader(name: string): string | undefined {
    return this.#res.headers.get(name) ?? undefined;
  }
}

/** What reading the body up to the limit gave: all of it, or the part read and the reader of the rest. */
type Reading =
  | { readonly complete: true; readonly bytes: Uint8Array }
  | { readonly complete: false; readonly read: readonly unknown[]; readonly rest: ReadableStreamDefaultReader<unknown> };

/**
 * Reads a body until its end or until it grows past `limit`. Bounded: every non-empty chunk adds
 * at least a byte, and a stream of empty chunks is given up after as many reads as the limit allows.
 */
async function readUpTo(body: ReadableStream<Uint8Array>, limit: number): Promise<Reading> {
  const reader = body.getReader() as ReadableStreamDefaultReader<unknown>;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let reads = 0; reads <= limit + 1; reads++) {
    const { done, value } = await reader.read();
    if (done) return { complete: true, bytes: size === 0 ? EMPTY : concatBytes(chunks, size) };
    // A chunk that is not bytes is not something this can hold: handed on as it came.
    if (!(value instanceof Uint8Array)) return { complete: false, read: [...chunks, value], rest: reader };
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) return { complete: false, read: chunks, rest: reader };
  }
  return { complete: false, read: chunks, rest: reader };
}

/** The body again, whole: the chunks already read, then the rest of the original stream as it comes. */
function rejoined(read: readonly unknown[], rest: ReadableStreamDefaultReader<unknown>): ReadableStream<unknown> {
  return new ReadableStream<unknown>({
    start(controller) {
      for (const chunk of read) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await rest.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return rest.cancel(reason);
    },
  });
}

/** Replaces `c.res` as a whole: Hono's setter merges the old headers into a new Response unless cleared first. */
function replaceResponse(c: Context, res: Response): void {
  c.res = undefined;
  c.res = res;
}

/** A Server-Sent Events response is a stream that may never end: it is never held. */
function isEventStream(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').trimStart().toLowerCase().startsWith('text/event-stream');
}

function replacementResponse(res: Response, replacement: ResponseReplacement): Response {
  const headers = new Headers(res.headers);
  const withheld: string[] = [];
  headers.forEach((_value, name) => {
    if (isRepresentationHeader(name)) withheld.push(name);
  });
  for (const name of withheld) headers.delete(name);
  const seen = new Set<string>();
  for (const [name, value] of replacement.headers) {
    const key = name.toLowerCase();
    if (seen.has(key)) headers.append(name, value);
    else headers.set(name, value);
    seen.add(key);
  }
  // A null body for statuses that cannot carry one (the Response constructor refuses them).
  return new Response(replacement.body === '' ? null : replacement.body, { status: replacement.status, headers });
}

/**
 * Runs the decision's response-body hooks once, after the handler, on the body of `c.res` read up
 * to the largest `maxBytes`; then `c.res` is a Response with the same status, headers and bytes
 * (its body was consumed), or the replacement.
 *
 * Every body of a Web Response is a stream, so every one is read, streamed ones included, as long
 * as it ends within the limit. Not held: a body that grows past the limit (the part read is put in
 * front of the rest of the stream, nothing is lost), `text/event-stream` responses (which may
 * never end) and answers to HEAD; the hooks are told `body: undefined` and the response goes out
 * unchanged. A response whose stream fails while it is read is the caller's to fail closed.
 */
export async function inspectResponseBody(c: Context, decision: Decision): Promise<void> {
  const res = c.res;
  if (c.req.method === 'HEAD' || isEventStream(res)) {
    runResponseBodyHooks(decision, new WebResponseView(res), undefined);
    return;
  }
  const body = res.body;
  const reading: Reading = body === null ? { complete: true, bytes: EMPTY } : await readUpTo(body, responseBodyLimit(decision));
  if (!reading.complete) {
    runResponseBodyHooks(decision, new WebResponseView(res), undefined);
    replaceResponse(c, new Response(rejoined(reading.read, reading.rest) as ReadableStream<Uint8Array>, { status: res.status, statusText: res.statusText, headers: res.headers }));
    return;
  }
  const replacement = runResponseBodyHooks(decision, new WebResponseView(res), reading.bytes);
  if (replacement !== undefined) replaceResponse(c, replacementResponse(res, replacement));
  else if (body !== null) replaceResponse(c, heldResponse(res, reading.bytes));
}

/**
 * The body was consumed: the same bytes go out in a Response like the handler's. Now of known
 * length, so without a Transfer-Encoding the handler may have set for its stream: the server adds
 * a Content-Length, and both together would be a malformed response.
 */
function heldResponse(res: Response, bytes: Uint8Array): Response {
  let headers = res.headers;
  if (headers.has('transfer-encoding')) {
    headers = new Headers(headers);
    headers.delete('transfer-encoding');
  }
  return new Response(bytes as Uint8Array<ArrayBuffer>, { status: res.status, statusText: res.statusText, headers });
}
