/**
 * Reading a request body with a streaming byte cap: the read stops as soon as the body passes the
 * limit, so nothing past it is ever buffered, whatever Content-Length claimed (chunked included).
 *
 * Core imports no Node module; Node streams are read through the structural `NodeReadableLike`.
 */
export type ReadResult =
  | { readonly kind: 'ok'; readonly bytes: Uint8Array }
  | { readonly kind: 'too-large' }
  /** The client went away or the stream failed before the end. */
  | { readonly kind: 'aborted' }
  /** The body did not arrive within the read timeout. */
  | { readonly kind: 'timeout' };

/** The part of a Node.js Readable (IncomingMessage) the reader needs. */
export interface NodeReadableLike {
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly readableEnded?: boolean;
}

/** Where the body comes from, as the adapter knows it. */
export type BodySource =
  | { readonly kind: 'none' }
  | { readonly kind: 'node-stream'; readonly stream: NodeReadableLike }
  | { readonly kind: 'web-stream'; readonly stream: ReadableStream<Uint8Array> }
  /** The adapter already read the body (e.g. inside a Fastify content-type parser) with `readNodeStream`. */
  | { readonly kind: 'read'; readonly result: ReadResult }
  /** The framework already parsed the body; Portcullis validates that object. */
  | { readonly kind: 'parsed'; readonly value: unknown };

const encoder = new TextEncoder();

/**
 * Body read deadlines share one coarse timer instead of one timer per request: reads register a
 * deadline and a callback, and a sweep every `SWEEP_MS` ends the reads that are past theirs. A
 * deadline is therefore honoured within `SWEEP_MS`, which is plenty for a timeout of seconds.
 */
const SWEEP_MS = 250;
const deadlines = new Map<object, { at: number; expire: () => void }>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweep(): void {
  const now = Date.now();
  for (const [key, entry] of deadlines) {
    if (entry.at <= now) {
      deadlines.delete(key);
      entry.expire();
    }
  }
  if (deadlines.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function watchDeadline(key: object, timeoutMs: number, expire: () => void): void {
  deadlines.set(key, { at: Date.now() + timeoutMs, expire });
  if (sweeper === undefined) {
    // Not unref'd: a read in progress is work the process must finish. The interval is cleared as
    // soon as no read is pending.
    sweeper = setInterval(sweep, SWEEP_MS);
  }
}

function unwatchDeadline(key: object): void {
  deadlines.delete(key);
}

/** Joins byte chunks whose sizes add up to `total` (the only chunk itself when there is one). */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export function readNodeStream(stream: NodeReadableLike, maxBytes: number, timeoutMs: number): Promise<ReadResult> {
  return new Promise((resolve) => {
    if (stream.readableEnded === true) {
      resolve({ kind: 'ok', bytes: new Uint8Array(0) });
      return;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    let settled = false;
    const finish = (result: ReadResult): void => {
      if (settled) return;
      settled = true;
      unwatchDeadline(stream);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
      if (result.kind !== 'ok') {
        // Leave the stream paused: the adapter answers with `Connection: close`, so the rest of
        // an oversized body is never read into memory.
        stream.pause();
      }
      resolve(result);
    };
    const onData = (chunk: Uint8Array | string): void => {
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      total += bytes.byteLength;
      if (total > maxBytes) {
        finish({ kind: 'too-large' });
        return;
      }
      chunks.push(bytes);
    };
    const onEnd = (): void => finish({ kind: 'ok', bytes: concatBytes(chunks, total) });
    const onError = (): void => finish({ kind: 'aborted' });
    const onClose = (): void => finish({ kind: 'aborted' });
    watchDeadline(stream, timeoutMs, () => finish({ kind: 'timeout' }));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.resume();
  });
}

export async function readWebStream(stream: ReadableStream<Uint8Array>, maxBytes: number, timeoutMs: number): Promise<ReadResult> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let timedOut = false;
  watchDeadline(reader, timeoutMs, () => {
    timedOut = true;
    // Cancelling settles the pending read, which ends the loop below.
    reader.cancel().catch(() => undefined);
  });
  let result: ReadResult;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) {
        result = { kind: 'timeout' };
        break;
      }
      if (done) {
        result = { kind: 'ok', bytes: concatBytes(chunks, total) };
        break;
      }
      total += value.byteLength;
      if (total > maxBytes) {
        result = { kind: 'too-large' };
        break;
      }
      chunks.push(value);
    }
  } catch {
    result = timedOut ? { kind: 'timeout' } : { kind: 'aborted' };
  }
  unwatchDeadline(reader);
  if (result.kind === 'ok') reader.releaseLock();
  else if (!timedOut) reader.cancel().catch(() => undefined);
  return result;
}
