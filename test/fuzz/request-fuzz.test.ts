/**
 * Property-based fuzzing of the request path with fast-check.
 *
 * 1. Over raw TCP against a real server (an OpenAPI contract guards /api/*) (Express 5 with @portcullis/express when its build exists,
 *    else a plain node:http server calling core's decide()): random methods, request-targets
 *    (%-escapes, dot segments, unicode, control characters), headers (duplicates, long values,
 *    forwarding chains) and bodies (random bytes, chunked or Content-Length, random media types).
 *    Properties: no response is 5xx, nothing throws uncaught, and every request is answered within
 *    a bound (a request that does not complete fails the property instead of hanging the run).
 * 2. Pure properties of normalizeTarget: it never throws; an accepted path is clean (no dot or empty
 *    segment, no NUL or backslash); and it is idempotent: the canonical encoding of its output
 *    normalizes to the same path (and is accepted under strictCanonical).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { createFirewall, mustRespond, normalizeTarget, type Firewall, type Policy } from '@portcullis/core';
import { openapi } from '@portcullis/openapi';

/** A small contract served under /api: the fuzzer's paths reach its routing, parameters and bodies too. */
const CONTRACT = {
  openapi: '3.1.0',
  info: { title: 'fuzz', version: '1' },
  paths: {
    '/users/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }, { name: 'a', in: 'query', schema: { type: 'array', items: { type: 'integer' } } }], responses: { '200': { description: 'ok' } } } },
    '/items': {
      post: {
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['a'], properties: { a: { type: 'integer' } } } }, 'application/x-www-form-urlencoded': { schema: { type: 'object' } } } },
        responses: { '201': { description: 'created' } },
      },
    },
    '/files/{name}.{ext}': {
      get: {
        parameters: [
          { name: 'name', in: 'path', required: true, schema: { type: 'string', maxLength: 16 } },
          { name: 'ext', in: 'path', required: true, schema: { type: 'string', enum: ['json', 'txt'] } },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

const POLICY: Policy = {
  proxy: { trusted: ['127.0.0.1', '::1'] },
  limits: { urlLength: 2048, queryParams: 64, headerCount: 60, headerBytes: 8192, bodyBytes: 8192, bodyTimeoutMs: 3000, jsonDepth: 16, jsonKeys: 500, jsonArrayLength: 500 },
  body: { rejectDuplicateKeys: true },
  cors: { origins: ['https://app.example.com', 'https://*.example.org'], credentials: true },
  ipFilter: { deny: ['192.0.2.0/24'] },
  routes: [
    { path: '/users/:id', methods: ['GET', 'PUT', 'DELETE'] },
    { path: '/users/me', methods: ['GET'] },
    { path: '/items', methods: ['GET', 'POST'], limits: { bodyBytes: 1024 } },
    { path: '/files/*', methods: ['GET'] },
    { path: '/upload', methods: ['POST', 'PUT'] },
    { path: '/admin', methods: ['GET'], ipFilter: { allow: ['10.0.0.0/8'] } },
    { path: '/api/*', guards: [openapi({ document: CONTRACT, basePath: '/api' })] },
  ],
};

/** Bound on one request/response exchange; past it the property fails. */
const REQUEST_TIMEOUT_MS = 8_000;

interface Exchange {
  readonly status: number | undefined;
  readonly timedOut: boolean;
  readonly error: string | undefined;
  readonly head: string;
}

/** Writes raw bytes on a fresh connection and reads until the server closes it. */
function exchange(port: number, request: Buffer): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (timedOut: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: match === null ? undefined : Number(match[1]), timedOut, error, head: text.slice(0, 200) });
    };
    const timer = setTimeout(() => done(true), REQUEST_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => done(false));
    socket.on('close', () => done(false));
    // A reset after the server answered and closed (it did not read an unwanted body) is normal.
    socket.on('error', (error: NodeJS.ErrnoException) => done(false, error.code ?? error.message));
    socket.write(request);
  });
}

// ---------------------------------------------------------------------------------------------
// Generators

// Most generated requests are well-formed HTTP, so that they reach Portcullis; a minority carry
// what Node's parser itself refuses (control characters or raw non-ASCII in the target, bad methods).
const methods = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
  { weight: 2, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'PURGE', 'M-SEARCH', 'MKCOL') },
  { weight: 1, arbitrary: fc.oneof(fc.constantFrom('get', 'CONNECTX'), fc.stringMatching(/^[A-Z]{1,8}$/)) },
);

const segment = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom('users', 'me', '42', 'items', 'files', 'upload', 'admin', 'api', 'a', 'B', 'x.json', '', '.', '..', '...') },
  { weight: 6, arbitrary: fc.constantFrom('%2e', '%2E%2e', '.%2e', '%2f', '%2F', '%5c', '%00', '%0a', '%7f', '%20', '%25', '%252e', '%C3%A9', '%c3%a9', '%FF', '%C0%AF', '%ED%A0%80', '%F0%9F%98%80', '%', '%4', '%zz', '%41dmin', 'ADMIN', 'Admin', '%61dmin') },
  // Accepted by Node's parser, refused or decoded by Portcullis.
  { weight: 3, arbitrary: fc.constantFrom('\\', '\\..\\', '#', '#x', '"', '<>', '{}', '|', '^', '`', ';a=b', ':x', '@', '~') },
  { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ0189-._~!$&\'()*+,;=:@%'.split('')), maxLength: 8 }) },
  // Refused by Node's parser before any middleware runs.
  { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 3 }), fc.constantFrom('\t', '\x01', '\x7f', ' ', '\u00e9', '\u{1f600}')) },
);

const queryPart = fc.oneof(
  fc.constantFrom('a=1', 'a=2', '_method=DELETE', 'q=a+b', 'q=%2B', 'x=%', 'x=%zz', 'x=%FF', 'x=%C3%A9', '=', '&', 'k', 'e=%F0%9F%98%80'),
  fc.tuple(fc.string({ unit: fc.constantFrom(...'abc01%+=&-_.~'.split('')), maxLength: 6 }), fc.string({ unit: fc.constantFrom(...'abc01%+-_./?:@'.split('')), maxLength: 6 })).map(([k, v]) => `${k}=${v}`),
);

const target = fc.oneof(
  {
    weight: 18,
    arbitrary: fc
      .tuple(fc.array(segment, { minLength: 0, maxLength: 6 }), fc.option(fc.array(queryPart, { maxLength: 6 }), { nil: undefined }))
      .map(([segments, query]) => '/' + segments.join('/') + (query === undefined ? '' : '?' + query.join('&'))),
  },
  { weight: 1, arbitrary: fc.constantFrom('*', 'http://example.com/users/1', 'https://h:1/../x', 'http://h', 'users', '//', '/' + 'a'.repeat(3000), '/?' + 'a=1&'.repeat(100)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => '/' + s) },
);

/** Header values Node accepts: visible ASCII, tab and obs-text (never CR, LF or other controls). */
const headerValue = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: fc.constantFrom(...'abcXYZ019 ,;=:/.-_"()[]@%\t'.split('')), maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((s) => s.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '')) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 6000 }).map((n) => 'v'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('\u00e9t\u00e9', '\u00ff\u0080') },
);

const header = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.tuple(
      fc.constantFrom('x-a', 'X-A', 'accept', 'user-agent', 'authorization', 'cookie', 'x-request-id', 'content-encoding', 'accept-encoding', 'range', 'if-none-match'),
      headerValue,
    ),
  },
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('x-forwarded-for', 'forwarded'), fc.oneof(headerValue, fc.constantFrom('1.2.3.4', '10.0.0.1, 198.51.100.7', 'unknown', 'for="[2001:db8::1]:80"', 'for=_x', '[::1]:1, 300.1.1.1', '192.0.2.1', '10.1.1.1'))) },
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('origin', 'access-control-request-method', 'access-control-request-headers'), fc.oneof(headerValue, fc.constantFrom('https://app.example.com', 'https://a.example.org', 'null', 'POST', 'DELETE', 'content-type, x-evil'))) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x-http-method-override', 'x-method-override'), fc.constantFrom('DELETE', 'PUT')) },
  { weight: 4, arbitrary: fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), headerValue) },
  // Refused by Node's parser: a control character in a value.
  { weight: 1, arbitrary: fc.tuple(fc.constant('x-bad'), fc.constantFrom('a\x01b', 'a\x7f', 'a\x0bb')) },
);

const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=latin1',
    'application/problem+json',
    'application/x-www-form-urlencoded',
    'text/plain',
    'text/html; charset=UTF-8',
    'application/octet-stream',
    'multipart/form-data; boundary=x',
    'json',
    '',
    ';;;',
    'application/json; charset="utf-8"; charset=utf-8',
  ),
  headerValue,
);

const bodyBytes = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 2000 }) },
  { weight: 3, arbitrary: fc.json({ maxDepth: 6 }).map((s) => Buffer.from(s)) },
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"x":1}}', '{"a":1,"a":2}', '[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]', 'a=1&b=%zz', 'a=1&a=2', '{"constructor":{"prototype":{}}}', '\xff\xfe').map((s) => Buffer.from(s, 'latin1')) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 12000 }).map((n) => Buffer.alloc(n, 0x61)) },
);

const framing = fc.constantFrom('none', 'length', 'length', 'chunked', 'chunked-split');

interface FuzzRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
  readonly framing: 'none' | 'length' | 'chunked' | 'chunked-split';
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  method: methods,
  target,
  headers: fc.array(header, { maxLength: 10 }),
  contentType: fc.option(contentType, { nil: undefined }),
  body: bodyBytes,
  framing,
});

function encode(request: FuzzRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  if (request.contentType !== undefined) lines.push(`Content-Type: ${request.contentType}`);
  const parts: Buffer[] = [];
  if (request.framing === 'length') {
    lines.push(`Content-Length: ${request.body.byteLength}`);
    parts.push(Buffer.from(request.body));
  } else if (request.framing === 'chunked' || request.framing === 'chunked-split') {
    lines.push('Transfer-Encoding: chunked');
    const size = request.framing === 'chunked' ? Math.max(1, request.body.byteLength) : 7;
    for (let offset = 0; offset < request.body.byteLength; offset += size) {
      const chunk = request.body.subarray(offset, offset + size);
      parts.push(Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), Buffer.from(chunk), Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
  }
  // The head is written as UTF-8 so that raw unicode in the target reaches the parser as bytes.
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'), ...parts]);
}

// ---------------------------------------------------------------------------------------------
// Servers

interface Running {
  readonly kind: string;
  readonly port: number;
  readonly errors: unknown[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Express 5 with @portcullis/express, when the adapter is built; undefined otherwise. */
async function startExpress(firewall: Firewall, errors: unknown[]): Promise<Running | undefined> {
  let adapter: { portcullis?: unknown };
  try {
    adapter = (await import('@portcullis/express')) as { portcullis?: unknown };
  } catch {
    return undefined;
  }
  if (typeof adapter.portcullis !== 'function') return undefined;
  const portcullis = adapter.portcullis as (firewall: Firewall) => (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  // Express 5 through the test workspace's alias; the variable keeps its untyped module out of the type check.
  const expressModule = 'express5';
  const { default: express } = (await import(expressModule)) as { default: () => ExpressApp };
  const app = express();
  app.use(portcullis(firewall));
  app.use((_req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"handled":true}');
  });
  app.use((error: unknown, _req: IncomingMessage, res: ServerResponse, _next: unknown) => {
    errors.push(error);
    res.statusCode = 500;
    res.end();
  });
  const server = createServer(app as unknown as (req: IncomingMessage, res: ServerResponse) => void);
  server.on('error', (error) => errors.push(error));
  const port = await listen(server);
  return { kind: 'express@5 + @portcullis/express', port, errors, close: () => closeServer(server) };
}

interface ExpressApp {
  use(handler: (...args: never[]) => void): void;
}

/** A plain node:http server calling core's decide() directly (the adapter's job, done minimally). */
async function startPlain(firewall: Firewall, errors: unknown[]): Promise<Running> {
  const server = createServer((req, res) => {
    firewall
      .decide({ method: req.method ?? '', target: req.url ?? '', headers: req.rawHeaders, remoteAddress: req.socket.remoteAddress, body: { kind: 'node-stream', stream: req } })
      .then((decision) => {
        if (mustRespond(decision)) {
          res.writeHead(decision.response.status, decision.response.headers.flat() as string[]);
          res.end(decision.response.body);
          return;
        }
        for (const [name, value] of decision.responseHeaders) res.appendHeader(name, value);
        req.resume();
        res.setHeader('content-type', 'application/json');
        res.end('{"handled":true}');
      })
      .catch((error: unknown) => {
        errors.push(error);
        res.statusCode = 500;
        res.end();
      });
  });
  server.on('error', (error) => errors.push(error));
  const port = await listen(server);
  return { kind: 'node:http + core decide()', port, errors, close: () => closeServer(server) };
}

// ---------------------------------------------------------------------------------------------

const SERVERS: ReadonlyArray<readonly [string, (firewall: Firewall, errors: unknown[]) => Promise<Running | undefined>]> = [
  ['express', startExpress],
  ['node:http', startPlain],
];

for (const [name, start] of SERVERS) {
  describe(`fuzz: requests over raw TCP (${name})`, () => {
    let running: Running | undefined;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);

    before(async () => {
      process.on('uncaughtException', onUncaught);
      process.on('unhandledRejection', onUncaught);
      const firewall = createFirewall(POLICY);
      await firewall.ready();
      running = await start(firewall, []);
    });

    after(async () => {
      await running?.close();
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onUncaught);
    });

    it('never answers 5xx, never throws, always answers in bounded time', async (t) => {
      if (running === undefined) {
        // Reason: @portcullis/express has no build yet (packages/express/dist); the node:http run covers core.
        t.skip('@portcullis/express is not built');
        return;
      }
      const server = running;
      t.diagnostic(`server: ${server.kind}`);
      const statuses = new Map<string, number>();
      const runs = 300;
      await fc.assert(
        fc.asyncProperty(fuzzRequest, async (request) => {
          const result = await exchange(server.port, encode(request));
          const key = result.status === undefined ? (result.error ?? 'closed') : `${result.status}${/problem\+json/.test(result.head) || result.status === 200 ? '' : ' (http parser)'}`;
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          if (result.timedOut) throw new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`);
          if (result.status !== undefined && result.status >= 500) throw new Error(`status ${result.status}: ${result.head}`);
          if (server.errors.length > 0) throw new Error(`server error: ${String(server.errors[0])}`);
          if (uncaught.length > 0) throw new Error(`uncaught: ${String(uncaught[0])}`);
        }),
        { numRuns: runs, endOnFailure: true },
      );
      t.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
      const answered = [...statuses].filter(([k]) => /^\d{3}/.test(k)).reduce((n, [, c]) => n + c, 0);
      // Connections closed without any answer must stay rare (the server answers even refusals).
      assert.ok(answered >= runs * 0.95, `only ${answered} of ${runs} requests got an HTTP answer: ${JSON.stringify(Object.fromEntries(statuses))}`);
      assert.ok(statuses.has('200'), 'some requests were allowed');
      assert.ok([...statuses.keys()].some((k) => /^4\d\d$/.test(k)), 'some requests were refused by Portcullis');
    });

    it('answers the refusals it promises (413 on a body past the route cap, 400, 403, 405)', async (t) => {
      if (running === undefined) {
        t.skip('@portcullis/express is not built');
        return;
      }
      const big = Buffer.alloc(5000, 0x20);
      const cases: [FuzzRequest, number][] = [
        [{ method: 'POST', target: '/items', headers: [], contentType: 'application/json', body: big, framing: 'chunked-split' }, 413],
        [{ method: 'POST', target: '/items', headers: [], contentType: 'application/json', body: big, framing: 'length' }, 413],
        [{ method: 'GET', target: '/a/%2e%2e/admin', headers: [], contentType: undefined, body: new Uint8Array(0), framing: 'none' }, 400],
        [{ method: 'POST', target: '/users/1', headers: [], contentType: undefined, body: new Uint8Array(0), framing: 'none' }, 405],
        [{ method: 'GET', target: '/admin', headers: [], contentType: undefined, body: new Uint8Array(0), framing: 'none' }, 403],
        [{ method: 'POST', target: '/upload', headers: [], contentType: 'application/json', body: Buffer.from('{"__proto__":{}}'), framing: 'chunked' }, 400],
        [{ method: 'POST', target: '/upload', headers: [], contentType: 'application/json', body: Buffer.from('{"ok":true}'), framing: 'chunked-split' }, 200],
      ];
      for (const [request, status] of cases) {
        const result = await exchange(running.port, encode(request));
        assert.equal(result.status, status, `${request.method} ${request.target}: ${result.head}`);
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------

/** Percent-encodes everything outside RFC 3986 pchar, as upper-case UTF-8 escapes. */
function canonicalEncode(path: string): string {
  if (path === '/') return '/';
  return path
    .split('/')
    .map((segment) => [...segment].map((ch) => (/^[A-Za-z0-9\-._~!$&'()*+,;=:@]$/.test(ch) ? ch : [...new TextEncoder().encode(ch)].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join(''))).join(''))
    .join('/');
}

const anyTarget = fc.oneof(
  target,
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.array(fc.constantFrom('/', '.', '..', '%', '%2', '%2e', '%2E', '%2f', '%25', 'a', 'Z', '%C3', '%A9', '?', '#', '\\', '\0', 'http://h', '*'), { maxLength: 20 }).map((parts) => parts.join('')),
);

describe('fuzz: normalizeTarget properties', () => {
  it('never throws, and an accepted path is clean', () => {
    fc.assert(
      fc.property(anyTarget, fc.constantFrom('GET', 'OPTIONS'), fc.boolean(), (input, method, strict) => {
        const result = normalizeTarget(input, method, strict);
        if (!result.ok) {
          assert.ok(result.code === 'path_invalid' || result.code === 'path_not_canonical');
          if (!strict) assert.equal(result.code, 'path_invalid');
          return;
        }
        if (result.path === '*') {
          assert.equal(input, '*');
          return;
        }
        const path = result.path;
        assert.ok(path.startsWith('/'), path);
        for (const bad of ['/./', '/../', '//', '\0', '\\']) assert.ok(!path.includes(bad), `${JSON.stringify(input)} -> ${JSON.stringify(path)} contains ${JSON.stringify(bad)}`);
        assert.ok(!path.endsWith('/.') && !path.endsWith('/..'), path);
        assert.ok(path === '/' || !path.endsWith('/'), path);
        // No control character survives decoding.
        assert.ok(!/[\x00-\x1f\x7f]/.test(path), JSON.stringify(path));
      }),
      { numRuns: 5000 },
    );
  });

  it('is idempotent: the canonical encoding of its output normalizes to the same path', () => {
    fc.assert(
      fc.property(anyTarget, (input) => {
        const first = normalizeTarget(input, 'GET', false);
        if (!first.ok || first.path === '*') return;
        const encoded = canonicalEncode(first.path);
        const again = normalizeTarget(encoded, 'GET', false);
        assert.ok(again.ok, `${JSON.stringify(input)} -> ${JSON.stringify(first.path)} -> ${JSON.stringify(encoded)} refused`);
        assert.equal(again.path, first.path);
        assert.equal(again.canonical, true, `canonical encoding ${encoded} is canonical`);
        const strict = normalizeTarget(encoded, 'GET', true);
        assert.ok(strict.ok && strict.path === first.path, `accepted under strictCanonical: ${encoded}`);
        // A path with nothing to decode normalizes to itself.
        if (/^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/.test(first.path)) {
          const self = normalizeTarget(first.path, 'GET', false);
          assert.ok(self.ok && self.path === first.path);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('the query is split off unchanged', () => {
    fc.assert(
      fc.property(fc.array(segment.filter((s) => !s.includes('?') && !s.includes('#')), { maxLength: 5 }), fc.string({ unit: 'binary-ascii', maxLength: 30 }).filter((q) => !q.includes('#')), (segments, query) => {
        const result = normalizeTarget('/' + segments.join('/') + '?' + query, 'GET', false);
        if (result.ok) assert.equal(result.rawQuery, query);
      }),
      { numRuns: 1000 },
    );
  });
});
