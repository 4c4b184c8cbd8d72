/**
 * The response-body phase on every adapter and framework version, over real HTTP on loopback: a
 * guard's body hook sees the serialized response before anything is sent, and may replace it.
 *
 * What each adapter holds (see its response-body-phase.ts): Express holds every write (streams
 * piped into `res` included) up to the limit; Hono reads every Response body up to the limit;
 * Koa and Fastify hold serialized bodies (strings, Buffers, JSON) but not stream bodies. None holds
 * a body over the limit, an answer to HEAD, or a `text/event-stream` response.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { send, single, type Reply, type Running } from './support/adapter-kit/http.js';
import {
  BIG_BODY,
  BIG_STREAM_CHUNKS,
  FRAMEWORKS,
  LEAK_BODY,
  MAX_BYTES,
  OK_BODY,
  PROBLEM_BODY,
  STREAM_CHUNKS,
  bodyFirewall,
  firstChunk,
  gate,
  type Gates,
  type Seen,
} from './response-body/apps.js';

/** Headers that differ between two identical answers, or that Node adds by itself. */
const VOLATILE = new Set(['date', 'connection', 'keep-alive', 'x-request-id']);

function comparable(reply: Reply): string[] {
  return reply.headerList
    .filter(([name]) => !VOLATILE.has(name))
    .map(([name, value]) => `${name}: ${value}`)
    .sort();
}

/** Waits for a promise, failing (rather than hanging) when it has not settled in `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The replacement went out, and nothing of the withheld response with it. */
function assertReplaced(reply: Reply): void {
  assert.equal(reply.status, 502);
  assert.equal(single(reply, 'content-type'), 'application/problem+json');
  assert.equal(reply.body, PROBLEM_BODY);
  assert.equal(single(reply, 'content-length'), String(Buffer.byteLength(PROBLEM_BODY)));
  assert.equal(single(reply, 'etag'), undefined);
  assert.equal(single(reply, 'transfer-encoding'), undefined);
  const raw = reply.headerList.map(([name, value]) => `${name}: ${value}`).join('\n') + reply.body;
  assert.ok(!raw.includes('LEAK'), 'the withheld body leaked');
  // What the firewall contributes is still there: security headers and the request id.
  assert.equal(single(reply, 'x-content-type-options'), 'nosniff');
  assert.ok(single(reply, 'content-security-policy') !== undefined, 'content-security-policy is gone');
  assert.ok(single(reply, 'x-request-id') !== undefined, 'the request id header is gone');
  // The header hooks still ran on the final response (security headers strip X-Powered-By).
  assert.equal(single(reply, 'x-powered-by'), undefined);
}

for (const framework of FRAMEWORKS) {
  describe(`${framework.name}: response-body phase`, () => {
    let app: Running;
    let seen: Seen[];
    const gates: Gates = { current: gate() };

    before(async () => {
      const made = await bodyFirewall();
      seen = made.seen;
      app = await framework.start(made.firewall, gates);
    });
    // Each test sees only what its own requests showed the hook.
    beforeEach(() => {
      seen.length = 0;
    });
    after(async () => {
      gates.current.open();
      await app.close();
    });

    /** What the hook saw for the path, which it must have seen exactly once. */
    function seenFor(path: string): Seen {
      const found = seen.filter((s) => s.path === path);
      assert.equal(found.length, 1, `the body hook ran ${found.length} times for ${path}`);
      return found[0] as Seen;
    }

    test('a passing JSON response goes out unchanged; the hook saw its bytes, status and type', async () => {
      const guarded = await send(app.url, { path: '/guarded/ok' });
      const plain = await send(app.url, { path: '/plain/ok' });
      assert.equal(guarded.status, 200);
      assert.equal(guarded.body, JSON.stringify(OK_BODY));
      assert.equal(single(guarded, 'x-app'), 'handler');
      assert.deepEqual(comparable(guarded), comparable(plain));
      const hook = seenFor('/guarded/ok');
      assert.equal(hook.status, 200);
      assert.equal(hook.body, JSON.stringify(OK_BODY));
      assert.match(hook.contentType ?? '', /^application\/json/);
    });

    test('a JSON response containing LEAK is replaced by the 502 problem', async () => {
      const reply = await send(app.url, { path: '/guarded/leak' });
      assertReplaced(reply);
      // Headers of the handler that do not describe the body are kept.
      assert.equal(single(reply, 'x-app'), 'handler');
      const hook = seenFor('/guarded/leak');
      assert.equal(hook.status, 200);
      assert.equal(hook.body, JSON.stringify(LEAK_BODY));
    });

    test('a 201 from the handler passes with its status', async () => {
      const reply = await send(app.url, { path: '/guarded/created' });
      assert.equal(reply.status, 201);
      assert.equal(reply.body, JSON.stringify(OK_BODY));
      assert.equal(seenFor('/guarded/created').status, 201);
    });

    test('a 404 from the handler containing LEAK is replaced; the hook saw the 404', async () => {
      const reply = await send(app.url, { path: '/guarded/missing-leak' });
      assertReplaced(reply);
      const hook = seenFor('/guarded/missing-leak');
      assert.equal(hook.status, 404);
      assert.equal(hook.body, JSON.stringify(LEAK_BODY));
    });

    test('HEAD: no body to inspect; the hook is told so and the answer is unchanged', async () => {
      const reply = await send(app.url, { method: 'HEAD', path: '/guarded/leak' });
      assert.equal(reply.status, 200);
      assert.equal(reply.body, '');
      assert.equal(single(reply, 'x-app'), 'handler');
      const hook = seenFor('/guarded/leak');
      assert.equal(hook.status, 200);
      assert.equal(hook.body, undefined);
    });

    test('204: the hook sees an empty body', async () => {
      const reply = await send(app.url, { path: '/guarded/no-content' });
      assert.equal(reply.status, 204);
      assert.equal(reply.body, '');
      const hook = seenFor('/guarded/no-content');
      assert.equal(hook.status, 204);
      assert.equal(hook.body, '');
    });

    test('a body over maxBytes goes out unchanged, unseen (even with LEAK in it)', async () => {
      const expected = JSON.stringify(BIG_BODY);
      assert.ok(Buffer.byteLength(expected) > MAX_BYTES);
      const reply = await send(app.url, { path: '/guarded/big' });
      assert.equal(reply.status, 200);
      assert.equal(reply.body, expected);
      const hook = seenFor('/guarded/big');
      assert.equal(hook.status, 200);
      assert.equal(hook.body, undefined);
    });

    if (framework.holdsStreams) {
      test('a streamed body under maxBytes is held, seen whole, and replaced', async () => {
        const reply = await send(app.url, { path: '/guarded/stream' });
        assertReplaced(reply);
        assert.equal(seenFor('/guarded/stream').body, STREAM_CHUNKS.join(''));
      });

      test('a stream the handler declared chunked is held and goes out as one valid response', async () => {
        const reply = await send(app.url, { path: '/guarded/chunked' });
        assert.equal(reply.status, 200);
        assert.equal(reply.body, JSON.stringify(OK_BODY));
        // Never both framings at once (a client refuses that response).
        assert.ok(single(reply, 'transfer-encoding') === undefined || single(reply, 'content-length') === undefined);
        assert.equal(seenFor('/guarded/chunked').body, JSON.stringify(OK_BODY));
      });
    } else {
      test('a stream body is not held: the hook is told so and it goes out unchanged', async () => {
        const reply = await send(app.url, { path: '/guarded/stream' });
        assert.equal(reply.status, 200);
        assert.equal(reply.body, STREAM_CHUNKS.join(''));
        assert.equal(seenFor('/guarded/stream').body, undefined);
      });
    }

    test('a streamed body that grows over maxBytes goes out whole and unchanged, unseen', async () => {
      const expected = BIG_STREAM_CHUNKS.join('');
      assert.ok(Buffer.byteLength(expected) > MAX_BYTES);
      const reply = await send(app.url, { path: '/guarded/big-stream' });
      assert.equal(reply.status, 200);
      assert.equal(reply.body, expected);
      assert.equal(seenFor('/guarded/big-stream').body, undefined);
    });

    if (framework.writes) {
      test('res.end(buffer) is held and replaced', async () => {
        const reply = await send(app.url, { path: '/guarded/end-buffer' });
        assertReplaced(reply);
        assert.equal(seenFor('/guarded/end-buffer').body, JSON.stringify(LEAK_BODY));
      });

      test('res.sendStatus and res.redirect pass unchanged; the hook saw them', async () => {
        const status = await send(app.url, { path: '/guarded/send-status' });
        assert.equal(status.status, 404);
        assert.equal(status.body, 'Not Found');
        assert.deepEqual(seenFor('/guarded/send-status'), { path: '/guarded/send-status', status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not Found' });
        const redirect = await send(app.url, { path: '/guarded/redirect' });
        const plain = await send(app.url, { path: '/plain/redirect' });
        assert.equal(redirect.status, 302);
        assert.equal(single(redirect, 'location'), '/elsewhere');
        assert.equal(redirect.body, plain.body);
        assert.equal(seenFor('/guarded/redirect').status, 302);
      });

      test('res.flushHeaders(): the response streams through, not held', async () => {
        gates.current = gate();
        try {
          const answer = await within(firstChunk(app.url, '/guarded/flushed'), 5000, 'the first chunk');
          assert.equal(answer.first, 'first;');
          gates.current.open();
          assert.equal(await within(answer.rest, 5000, 'the end of the body'), 'first;last');
        } finally {
          gates.current.open();
        }
        assert.equal(seenFor('/guarded/flushed').body, undefined);
      });

      test('a handler failing after it wrote: the connection is cut, no error page is appended', async () => {
        // As without Portcullis: to the error handler the headers are sent, so it destroys the socket.
        await assert.rejects(send(app.url, { path: '/guarded/fail-midway' }));
        await assert.rejects(send(app.url, { path: '/plain/fail-midway' }));
        assert.equal(seen.filter((s) => s.path === '/guarded/fail-midway').length, 0);
      });

      test('several write() calls are held as one body and replaced', async () => {
        const reply = await send(app.url, { path: '/guarded/writes' });
        assertReplaced(reply);
        assert.equal(seenFor('/guarded/writes').body, STREAM_CHUNKS.join(''));
      });

      test('writeHead(201, headers) then writes: held until the end, then sent unchanged', async () => {
        const reply = await send(app.url, { path: '/guarded/write-head' });
        assert.equal(reply.status, 201);
        assert.equal(reply.body, JSON.stringify(OK_BODY));
        assert.equal(single(reply, 'x-app'), 'handler');
        const hook = seenFor('/guarded/write-head');
        assert.equal(hook.status, 201);
        assert.equal(hook.contentType, 'application/json');
        assert.equal(hook.body, JSON.stringify(OK_BODY));
      });
    }

    if (framework.name.startsWith('koa')) {
      test("a route that sets no body: the hook sees Koa's own 404 text, as Koa will send it", async () => {
        const reply = await send(app.url, { path: '/guarded/nothing' });
        assert.equal(reply.status, 404);
        assert.equal(reply.body, 'Not Found');
        assert.deepEqual(seenFor('/guarded/nothing'), { path: '/guarded/nothing', status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not Found' });
      });
    }

    test('without a body hook nothing is held: the first chunk arrives before the handler ends', async () => {
      gates.current = gate();
      try {
        const answer = await within(firstChunk(app.url, '/plain/slow'), 5000, 'the first chunk');
        assert.equal(answer.status, 200);
        assert.equal(answer.first, 'first;');
        gates.current.open();
        assert.equal(await within(answer.rest, 5000, 'the end of the body'), 'first;last');
      } finally {
        gates.current.open();
      }
      assert.equal(seen.filter((s) => s.path === '/plain/slow').length, 0);
    });

    test('with a body hook, a text/event-stream response is not held', async () => {
      gates.current = gate();
      try {
        const answer = await within(firstChunk(app.url, '/guarded/events'), 5000, 'the first event');
        assert.equal(answer.status, 200);
        assert.match(answer.contentType ?? '', /^text\/event-stream/);
        assert.equal(answer.first, 'first;');
        gates.current.open();
        assert.equal(await within(answer.rest, 5000, 'the end of the stream'), 'first;last');
      } finally {
        gates.current.open();
      }
      assert.equal(seenFor('/guarded/events').body, undefined);
    });
  });
}
