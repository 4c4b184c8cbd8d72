/** Test helpers: a raw HTTP client on loopback and small guards made with core's defineGuard. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { ALLOW, defineGuard, type GuardContext, type GuardDefinition, type GuardOutcome, type FirewallRequest } from '@portcullis/core';

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface SendOptions {
  readonly method?: string;
  /** Sent as is on the request line (no URL normalization). */
  readonly path: string;
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
}

/** One request on a fresh connection; the path goes on the wire untouched. */
export function send(base: string, options: SendOptions): Promise<HttpResult> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Streams a chunked body far larger than any test limit, and resolves with the response as soon
 * as it arrives. Writing stops then: a server that stopped reading makes the socket push back,
 * and the write errors that follow the server closing the connection are expected.
 */
export function sendOversizedChunked(base: string, path: string, contentType = 'application/json'): Promise<HttpResult> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' }, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    const pump = (): void => {
      // 64 MiB at most: far past every limit used here, and a bound so the test cannot loop forever.
      while (!answered && written < 64 * 1024 * 1024) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    req.write('[');
    pump();
  });
}

/** A JSON document nested `depth` levels deep: [[[...]]]. */
export function nestedJson(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function guard(kind: string, evaluate: (request: FirewallRequest, context: GuardContext) => GuardOutcome): GuardDefinition {
  return defineGuard(kind, () =>
    Object.freeze({ id: kind, kind, phase: 'request' as const, mode: undefined, onError: 'deny' as const, timeoutMs: undefined, evaluate }),
  );
}

/** A request-phase guard whose response hook rewrites a header the handler set. */
export const rewriteXApp = (): GuardDefinition =>
  guard('test-rewrite', (_request, context) => {
    context.onResponse((response) => response.setHeader('x-app', 'rewritten'));
    return ALLOW;
  });

/** A guard that refuses every request it sees. */
export const denyAll = (): GuardDefinition =>
  guard('test-deny', () => ({ outcome: 'deny', status: 403, code: 'access_denied', title: 'Forbidden' }));

/** A guard that records the request-target and path the engine saw. */
export function recordTargets(seen: { target: string; path: string }[]): GuardDefinition {
  return guard('test-record', (request) => {
    seen.push({ target: request.target, path: request.path });
    return ALLOW;
  });
}

/** A guard that records every value the engine saw for one header. */
export function recordHeader(name: string, seen: (readonly string[])[]): GuardDefinition {
  return guard('test-record-header', (request) => {
    seen.push(request.headers.getAll(name));
    return ALLOW;
  });
}

/** Headers a Node server adds on its own, outside what core rendered. */
export const TRANSPORT_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/** Flattens rendered headers the way a Node client reports them (repeated names joined by ", "). */
export function expectedHeaders(rendered: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of rendered) out[name] = out[name] === undefined ? value : `${out[name]}, ${value}`;
  return out;
}
