/**
 * A tiny HTTP/1.1 client over node:net that sends EXACT bytes and parses the answer by hand.
 *
 * fetch and undici normalize the request-target (dot segments, `%2e`, backslashes), refuse odd
 * bytes and merge duplicate headers, which is exactly what a firewall test must be able to send.
 * One request per connection; every wait is bounded, so a server that never answers fails the
 * test with a clear error instead of hanging it.
 */
import { connect, type Socket } from 'node:net';

export type Header = readonly [name: string, value: string];

export interface RawResponse {
  readonly httpVersion: string;
  readonly status: number;
  readonly statusText: string;
  /** Header fields in the order received; names lower-cased, values trimmed, duplicates kept. */
  readonly headers: readonly Header[];
  readonly body: Buffer;
  /** How the body was delimited on the wire. */
  readonly framing: 'none' | 'content-length' | 'chunked' | 'close';
  /** Every byte received for this response (status line, headers and body). */
  readonly raw: Buffer;
}

/** What the client does after the initial bytes were written. */
export type Afterwards =
  /** Nothing: wait for the answer (the socket stays open, it is not half-closed). */
  | { readonly kind: 'wait' }
  /** Keep the socket open and send nothing more (a body that never ends). */
  | { readonly kind: 'stall' }
  /**
   * Keep sending `chunk` as chunked-encoding pieces until the server starts answering or `maxBytes`
   * were sent (then stall). Never sends the last chunk.
   */
  | { readonly kind: 'flood'; readonly chunk: Uint8Array; readonly maxBytes: number };

export interface RawExchange {
  readonly port: number;
  /** Default 127.0.0.1 (tests only talk to loopback). */
  readonly host?: string;
  /** Written as soon as the socket connects. A string is written as latin1: one byte per char. */
  readonly send: string | Uint8Array;
  readonly afterwards?: Afterwards;
  /** The request was HEAD: the answer has no body whatever its headers say. */
  readonly headRequest?: boolean;
  /** Bound on the whole exchange. Default 5,000 ms. */
  readonly timeoutMs?: number;
}

export class RawHttpError extends Error {
  constructor(
    message: string,
    /** Bytes received before the failure, to help diagnose it. */
    readonly received: Buffer,
  ) {
    super(message);
    this.name = 'RawHttpError';
  }
}

const CRLF = Buffer.from('\r\n', 'latin1');
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const STATUS_LINE = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/;

export function toBytes(data: string | Uint8Array): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Builds `METHOD target HTTP/1.1`, the header lines exactly as given, the blank line and the body. */
export function buildRequest(spec: { method: string; target: string; headers: readonly Header[]; body?: string | Uint8Array; version?: string }): Buffer {
  let head = `${spec.method} ${spec.target} ${spec.version ?? 'HTTP/1.1'}\r\n`;
  for (const [name, value] of spec.headers) head += `${name}: ${value}\r\n`;
  head += '\r\n';
  const parts = [toBytes(head)];
  if (spec.body !== undefined) parts.push(toBytes(spec.body));
  return Buffer.concat(parts);
}

/** One piece of a chunked body (`size CRLF data CRLF`). */
export function encodeChunk(data: string | Uint8Array): Buffer {
  const bytes = toBytes(data);
  return Buffer.concat([toBytes(bytes.byteLength.toString(16)), CRLF, bytes, CRLF]);
}

/** The last chunk and the end of the (empty) trailer section. */
export const LAST_CHUNK: Buffer = Buffer.from('0\r\n\r\n', 'latin1');

/** The first value of a header (names compared case-insensitively), or undefined. */
export function headerValue(response: Pick<RawResponse, 'headers'>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return response.headers.find(([n]) => n === lower)?.[1];
}

/** Every value received for a header, in order. */
export function headerValues(response: Pick<RawResponse, 'headers'>, name: string): string[] {
  const lower = name.toLowerCase();
  return response.headers.filter(([n]) => n === lower).map(([, v]) => v);
}

interface ParsedHead {
  readonly httpVersion: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Header[];
  readonly bodyStart: number;
}

function parseHead(buffer: Buffer, from: number): ParsedHead | undefined {
  const end = buffer.indexOf(HEAD_END, from);
  if (end === -1) return undefined;
  const lines = buffer.subarray(from, end).toString('latin1').split('\r\n');
  const statusLine = STATUS_LINE.exec(lines[0] ?? '');
  if (statusLine === null) throw new RawHttpError(`malformed status line ${JSON.stringify(lines[0])}`, buffer);
  const headers: Header[] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new RawHttpError(`malformed header line ${JSON.stringify(line)}`, buffer);
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return {
    httpVersion: statusLine[1] as string,
    status: Number(statusLine[2]),
    statusText: statusLine[3] ?? '',
    headers,
    bodyStart: end + HEAD_END.length,
  };
}

/** Decodes a chunked body starting at `from`; undefined while incomplete. */
function parseChunked(buffer: Buffer, from: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, at);
    if (lineEnd === -1) return undefined;
    const sizeText = buffer.subarray(at, lineEnd).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) throw new RawHttpError(`malformed chunk size ${JSON.stringify(sizeText)}`, buffer);
    const size = Number.parseInt(sizeText, 16);
    at = lineEnd + CRLF.length;
    if (size === 0) {
      // Trailer fields, then an empty line.
      for (;;) {
        const trailerEnd = buffer.indexOf(CRLF, at);
        if (trailerEnd === -1) return undefined;
        const empty = trailerEnd === at;
        at = trailerEnd + CRLF.length;
        if (empty) return { body: Buffer.concat(parts), end: at };
      }
    }
    if (buffer.length < at + size + CRLF.length) return undefined;
    parts.push(buffer.subarray(at, at + size));
    at += size + CRLF.length;
  }
}

type Progress = { done: false; headSeen: boolean } | { done: true; response: RawResponse };

/** Parses as much of the answer as has arrived. 1xx interim answers are skipped. */
function parseResponse(buffer: Buffer, headRequest: boolean, closed: boolean): Progress {
  let from = 0;
  let head: ParsedHead | undefined;
  for (;;) {
    head = parseHead(buffer, from);
    if (head === undefined) return { done: false, headSeen: false };
    if (head.status >= 200 || head.status < 100) break;
    from = head.bodyStart;
  }
  const finish = (body: Buffer, framing: RawResponse['framing'], end: number): Progress => ({
    done: true,
    response: {
      httpVersion: head.httpVersion,
      status: head.status,
      statusText: head.statusText,
      headers: head.headers,
      body,
      framing,
      raw: buffer.subarray(0, end),
    },
  });
  const values = (name: string): string[] => head.headers.filter(([n]) => n === name).map(([, v]) => v);
  if (headRequest || head.status === 204 || head.status === 304) return finish(Buffer.alloc(0), 'none', head.bodyStart);
  const transferEncoding = values('transfer-encoding').join(',').toLowerCase();
  if (transferEncoding.split(',').map((s) => s.trim()).includes('chunked')) {
    const chunked = parseChunked(buffer, head.bodyStart);
    return chunked === undefined ? { done: false, headSeen: true } : finish(chunked.body, 'chunked', chunked.end);
  }
  const lengths = values('content-length');
  if (lengths.length > 0) {
    const distinct = new Set(lengths.flatMap((v) => v.split(',').map((s) => s.trim())));
    const text = [...distinct][0] as string;
    if (distinct.size !== 1 || !/^\d{1,15}$/.test(text)) throw new RawHttpError(`ambiguous content-length ${JSON.stringify(lengths)}`, buffer);
    const length = Number(text);
    if (buffer.length < head.bodyStart + length) return { done: false, headSeen: true };
    return finish(buffer.subarray(head.bodyStart, head.bodyStart + length), 'content-length', head.bodyStart + length);
  }
  if (!closed) return { done: false, headSeen: true };
  return finish(buffer.subarray(head.bodyStart), 'close', buffer.length);
}

/** Sends the bytes on a fresh connection and resolves with the parsed answer. */
export function exchange(options: RawExchange): Promise<RawResponse> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const afterwards = options.afterwards ?? { kind: 'wait' };
  const headRequest = options.headRequest ?? false;
  return new Promise<RawResponse>((resolve, reject) => {
    let received = Buffer.alloc(0);
    let settled = false;
    let floodTimer: ReturnType<typeof setTimeout> | undefined;
    const socket: Socket = connect({ host: options.host ?? '127.0.0.1', port: options.port });

    const settle = (error: Error | undefined, response?: RawResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(floodTimer);
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolve(response as RawResponse);
    };
    const timer = setTimeout(() => {
      settle(new RawHttpError(`no complete response within ${timeoutMs} ms (received ${received.length} bytes)`, received));
    }, timeoutMs);

    const check = (closed: boolean): void => {
      let progress: Progress;
      try {
        progress = parseResponse(received, headRequest, closed);
      } catch (error) {
        settle(error as Error);
        return;
      }
      if (progress.done) settle(undefined, progress.response);
      else if (closed) settle(new RawHttpError(`connection closed before a complete response (received ${received.length} bytes)`, received));
    };

    let sent = 0;
    const flood = (): void => {
      if (settled || afterwards.kind !== 'flood' || received.length > 0 || sent >= afterwards.maxBytes) return;
      const piece = encodeChunk(afterwards.chunk);
      sent += afterwards.chunk.byteLength;
      // Wait for the kernel buffer to drain, and give the server a moment to answer, before more.
      const next = (): void => {
        floodTimer = setTimeout(flood, 2);
      };
      if (socket.write(piece)) next();
      else socket.once('drain', next);
    };

    socket.on('connect', () => {
      socket.write(toBytes(options.send));
      if (afterwards.kind === 'flood') flood();
    });
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      check(false);
    });
    socket.on('end', () => check(true));
    socket.on('close', () => check(true));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A server may close while we are still sending (an oversized body it refused): what
      // matters is whether a complete answer arrived first.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') {
        check(true);
        return;
      }
      settle(new RawHttpError(`socket error ${error.code ?? error.message} (received ${received.length} bytes)`, received));
    });
  });
}
