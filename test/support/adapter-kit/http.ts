/**
 * Test support (not a test file): a real server on loopback and a small node:http client that
 * keeps the response headers in the order and multiplicity they arrived.
 */
import { createServer, request, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Running {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts `listener` on 127.0.0.1 with an ephemeral port. `close()` also ends idle keep-alive sockets. */
export async function serve(listener: RequestListener): Promise<Running> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Header fields as received: lower-case names, in order, repeated names kept. */
  readonly headerList: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

export interface Send {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A whole body (sent with Content-Length). */
  readonly body?: string;
  /** Pieces sent with chunked transfer encoding (no Content-Length). */
  readonly chunks?: readonly string[];
}

/** One request on a fresh connection (no agent), resolved with the full answer. */
export function send(base: string, options: Send): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    // Explicit, so that even an empty list of pieces goes out chunked (Node would send a length).
    if (options.chunks !== undefined) headers['transfer-encoding'] = 'chunked';
    const req = request(new URL(options.path, base), { method: options.method ?? 'GET', headers, agent: false }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const headerList: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) headerList.push([(res.rawHeaders[i] as string).toLowerCase(), res.rawHeaders[i + 1] as string]);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, headerList, body: Buffer.concat(parts).toString('utf8') });
      });
    });
    // A server that refuses an oversized body closes the connection while the client may still be
    // sending: what matters is whether the answer arrived first.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (options.chunks !== undefined) for (const chunk of options.chunks) req.write(chunk);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** The value of a header that must appear exactly once. */
export function single(reply: Reply, name: string): string | undefined {
  const values = reply.headerList.filter(([n]) => n === name).map(([, v]) => v);
  if (values.length > 1) throw new Error(`header ${name} appeared ${values.length} times`);
  return values[0];
}

/** Headers Node's HTTP server adds by itself (not part of what the application wrote). */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

export function applicationHeaders(reply: Reply): Array<readonly [string, string]> {
  return reply.headerList.filter(([name]) => !TRANSPORT.has(name));
}

/** A JSON document nested `depth` levels deep: {"a":{"a":...1...}}. */
export function nestedJson(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}
