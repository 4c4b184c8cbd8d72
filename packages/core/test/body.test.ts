/**
 * Body handling through `firewall.decide()` with every BodySource variant: the streaming byte cap
 * (a stream that would produce far more than the cap is not consumed), the read timeout, parsing by
 * media type, and the JSON limits. Streams are real: Web ReadableStream and node:stream.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import type { BodySource, Decision, Policy, RequestLimitsOptions } from '../src/index.js';
import { ALLOW } from '../src/index.js';
import { firewall, header, raw, request, testGuard } from './helpers.js';

const encoder = new TextEncoder();

function policyWith(limits: RequestLimitsOptions = {}, extra: Policy = {}): Policy {
  return { limits: { bodyTimeoutMs: 5_000, ...limits }, routes: [{ path: '/in', methods: ['POST', 'PUT'] }], ...extra };
}

async function send(policy: Policy, body: BodySource, headers: [string, string][]): Promise<Decision> {
  const fw = await firewall(policy);
  return fw.decide(request({ method: 'POST', target: '/in', headers: raw(...headers), body }));
}

function webStream(text: string | Uint8Array, chunkSize = 7): ReadableStream<Uint8Array> {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

function json(text: string): [string, string][] {
  return [
    ['content-type', 'application/json'],
    ['content-length', String(encoder.encode(text).byteLength)],
  ];
}

const sources: ReadonlyArray<readonly [string, (text: string) => BodySource]> = [
  ['web-stream', (text) => ({ kind: 'web-stream', stream: webStream(text) })],
  ['node-stream (Readable.from)', (text) => ({ kind: 'node-stream', stream: Readable.from([Buffer.from(text)]) })],
  [
    'node-stream (PassThrough)',
    (text) => {
      const stream = new PassThrough();
      const buffer = Buffer.from(text);
      // Written in two pieces, after the reader attached, so the read really streams.
      setImmediate(() => {
        stream.write(buffer.subarray(0, buffer.length >> 1));
        setImmediate(() => stream.end(buffer.subarray(buffer.length >> 1)));
      });
      return { kind: 'node-stream', stream };
    },
  ],
  ['read', (text) => ({ kind: 'read', result: { kind: 'ok', bytes: encoder.encode(text) } })],
];

describe('body: parsing through each source', () => {
  for (const [name, make] of sources) {
    it(`${name}: parses JSON and hands on the parsed value and raw bytes`, async () => {
      const text = '{"name":"Ada","tags":["x","y"],"n":1}';
      const decision = await send(policyWith(), make(text), json(text));
      assert.equal(decision.outcome, 'allow', String(decision.code));
      assert.equal(decision.complete, true);
      assert.equal(decision.body?.kind, 'json');
      assert.ok(decision.body?.kind === 'json');
      assert.deepEqual(decision.body.value, { name: 'Ada', tags: ['x', 'y'], n: 1 });
      assert.equal(new TextDecoder().decode(decision.body.raw), text);
    });

    it(`${name}: refuses invalid JSON with 400 json_invalid`, async () => {
      const text = '{"a":1,}';
      const decision = await send(policyWith(), make(text), json(text));
      assert.equal(decision.code, 'json_invalid');
      assert.equal(decision.status, 400);
      assert.equal(decision.guard, 'body');
      assert.equal(decision.body, undefined);
    });
  }

  it('parsed: validates the very object the framework parsed', async () => {
    const value = { a: [1, 2], b: { c: 'd' } };
    const decision = await send(policyWith(), { kind: 'parsed', value }, json('x'));
    assert.equal(decision.outcome, 'allow');
    assert.ok(decision.body?.kind === 'framework');
    assert.equal(decision.body.value, value, 'same object, not a copy');
    const none = await send(policyWith(), { kind: 'parsed', value: undefined }, json('x'));
    assert.ok(none.body === undefined || none.body.kind === 'none', 'no body to hand on');
  });

  it('parsed: applies the JSON limits and refuses polluted objects', async () => {
    const deep = await send(policyWith({ jsonDepth: 2 }), { kind: 'parsed', value: { a: { b: { c: 1 } } } }, json('x'));
    assert.equal(deep.code, 'json_too_deep');
    const polluted = await send(policyWith(), { kind: 'parsed', value: JSON.parse('{"__proto__":{"admin":true}}') as unknown }, json('x'));
    assert.equal(polluted.code, 'json_forbidden_key');
    const inherited = await send(policyWith(), { kind: 'parsed', value: Object.create({ admin: true }) as unknown }, json('x'));
    assert.equal(inherited.code, 'json_forbidden_key', 'an object with a foreign prototype');
    const nullProto = await send(policyWith(), { kind: 'parsed', value: Object.assign(Object.create(null) as object, { a: 1 }) }, json('x'));
    assert.equal(nullProto.outcome, 'allow');
    // Raw bytes a framework kept as they came (express.raw()) are not walked as a JSON structure.
    const bytes = await send(policyWith({ jsonKeys: 2 }), { kind: 'parsed', value: Buffer.from('{"a":1,"b":2,"c":3}') }, json('x'));
    assert.equal(bytes.outcome, 'allow');
  });

  it('read: maps the adapter reader results', async () => {
    assert.equal((await send(policyWith(), { kind: 'read', result: { kind: 'too-large' } }, json('x'))).code, 'body_too_large');
    assert.equal((await send(policyWith(), { kind: 'read', result: { kind: 'aborted' } }, json('x'))).code, 'body_incomplete');
    const timeout = await send(policyWith(), { kind: 'read', result: { kind: 'timeout' } }, json('x'));
    assert.equal(timeout.code, 'request_timeout');
    assert.equal(timeout.status, 408);
    assert.equal(header(timeout.response?.headers, 'connection'), 'close');
    const empty = await send(policyWith(), { kind: 'read', result: { kind: 'ok', bytes: new Uint8Array(0) } }, [['content-type', 'application/json']]);
    assert.equal(empty.outcome, 'allow');
    assert.equal(empty.body?.kind, 'none');
  });

  it('reads a Web stream even without Content-Length or Transfer-Encoding (HTTP/2 and fetch runtimes frame bodies differently)', async () => {
    const text = '{"__proto__":{"admin":true}}';
    const decision = await send(policyWith(), { kind: 'web-stream', stream: webStream(text) }, [['content-type', 'application/json']]);
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.code, 'json_forbidden_key');
  });

  it('treats a Node request without Content-Length or Transfer-Encoding as bodiless (HTTP/1.1 framing), and never reads the stream', async () => {
    const stream = new PassThrough();
    let reads = 0;
    stream.on('resume', () => void reads++);
    const decision = await send(policyWith(), { kind: 'node-stream', stream }, [['content-type', 'application/json']]);
    assert.equal(decision.outcome, 'allow');
    assert.ok(decision.body === undefined || decision.body.kind === 'none', 'no body to hand on');
    assert.equal(reads, 0);
  });

  it('passes the body to body-phase guards through request.body()', async () => {
    let seen: unknown;
    const guard = testGuard({
      phase: 'body',
      async evaluate(req) {
        seen = await req.body();
        return ALLOW;
      },
    });
    const text = '{"x":1}';
    const decision = await send(policyWith({}, { guards: [guard] }), { kind: 'web-stream', stream: webStream(text) }, json(text));
    assert.equal(decision.outcome, 'allow');
    assert.equal(seen, decision.body, 'the guard saw the object the handler receives');
  });
});

describe('body: the byte cap while streaming', () => {
  it('web-stream: stops pulling soon after the cap, and cancels the stream', async () => {
    let pulls = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(new Uint8Array(256).fill(0x20));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    // Chunked: no Content-Length to refuse early, the cap must hold while streaming.
    const decision = await send(policyWith({ bodyBytes: 1024 }), { kind: 'web-stream', stream }, [
      ['content-type', 'application/json'],
      ['transfer-encoding', 'chunked'],
    ]);
    assert.equal(decision.code, 'body_too_large');
    assert.equal(decision.status, 413);
    assert.equal(header(decision.response?.headers, 'connection'), 'close');
    assert.ok(pulls >= 5, `pulled ${pulls}`);
    assert.ok(pulls <= 8, `pulled ${pulls} chunks of 256 bytes for a 1,024-byte cap`);
    assert.equal(cancelled, true);
  });

  it('node-stream: stops reading soon after the cap, and leaves the stream paused', async () => {
    let reads = 0;
    const stream = new Readable({
      highWaterMark: 256,
      read() {
        reads++;
        this.push(Buffer.alloc(256, 0x20));
      },
    });
    const decision = await send(policyWith({ bodyBytes: 1024 }), { kind: 'node-stream', stream }, [
      ['content-type', 'application/json'],
      ['transfer-encoding', 'chunked'],
    ]);
    assert.equal(decision.code, 'body_too_large');
    // Let any read already scheduled by the stream machinery happen, then count.
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(reads <= 12, `read ${reads} chunks of 256 bytes (an endless stream) for a 1,024-byte cap`);
    assert.equal(stream.isPaused(), true);
    stream.destroy();
  });

  it('refuses a declared Content-Length over the cap before reading anything', async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({ pull: () => void pulls++ }, { highWaterMark: 0 });
    const fw = await firewall(policyWith({ bodyBytes: 100 }));
    const decision = await fw.decide(request({ method: 'POST', target: '/in', headers: raw(['content-type', 'application/json'], ['content-length', '101']), body: { kind: 'web-stream', stream } }));
    assert.equal(decision.code, 'body_too_large');
    assert.equal(decision.guard, 'request-limits');
    assert.equal(pulls, 0);
    const exact = await send(policyWith({ bodyBytes: 10 }), { kind: 'web-stream', stream: webStream('"12345678"') }, json('"12345678"'));
    assert.equal(exact.outcome, 'allow', 'exactly at the cap is allowed');
  });

  it('catches a body longer than its Content-Length claimed', async () => {
    const long = '"' + 'x'.repeat(200) + '"';
    const decision = await send(policyWith({ bodyBytes: 100 }), { kind: 'web-stream', stream: webStream(long, 50) }, [
      ['content-type', 'application/json'],
      ['content-length', '10'],
    ]);
    assert.equal(decision.code, 'body_too_large');
  });

  it('uses the route limits over the policy limits', async () => {
    const policy: Policy = { limits: { bodyBytes: 10 }, routes: [{ path: '/big', methods: ['POST'], limits: { bodyBytes: 1000 } }, { path: '/in', methods: ['POST'] }] };
    const fw = await firewall(policy);
    const text = '"' + 'y'.repeat(50) + '"';
    const big = await fw.decide(request({ method: 'POST', target: '/big', headers: raw(...json(text)), body: { kind: 'web-stream', stream: webStream(text) } }));
    assert.equal(big.outcome, 'allow');
    const small = await fw.decide(request({ method: 'POST', target: '/in', headers: raw(...json(text)), body: { kind: 'web-stream', stream: webStream(text) } }));
    assert.equal(small.code, 'body_too_large');
  });
});

describe('body: timeouts and failures', () => {
  it('web-stream: a body that never arrives ends with 408 request_timeout', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: () => new Promise<void>(() => undefined),
      cancel() {
        cancelled = true;
      },
    });
    const decision = await send(policyWith({ bodyTimeoutMs: 30 }), { kind: 'web-stream', stream }, json('{}'));
    assert.equal(decision.code, 'request_timeout');
    assert.equal(decision.status, 408);
    assert.equal(cancelled, true);
  });

  it('node-stream: a body that never ends ends with 408 request_timeout', async () => {
    const stream = new PassThrough();
    stream.write('{"a":');
    const decision = await send(policyWith({ bodyTimeoutMs: 30 }), { kind: 'node-stream', stream }, json('{"a":1}'));
    assert.equal(decision.code, 'request_timeout');
    stream.destroy();
  });

  it('a stream that fails is 400 body_incomplete', async () => {
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('{"a"'));
        controller.error(new Error('socket hang up'));
      },
    });
    assert.equal((await send(policyWith(), { kind: 'web-stream', stream: web }, json('{"a":1}'))).code, 'body_incomplete');
    const node = new PassThrough();
    setImmediate(() => {
      node.write('{"a"');
      node.destroy(new Error('aborted'));
    });
    assert.equal((await send(policyWith(), { kind: 'node-stream', stream: node }, json('{"a":1}'))).code, 'body_incomplete');
  });
});

describe('body: media types and encodings', () => {
  it('refuses invalid UTF-8 by default, accepts it when strictUtf8 is off', async () => {
    const bytes = new Uint8Array([0x22, 0xff, 0xfe, 0x22]);
    const headers: [string, string][] = [
      ['content-type', 'application/json'],
      ['content-length', '4'],
    ];
    const strict = await send(policyWith(), { kind: 'web-stream', stream: webStream(bytes) }, headers);
    assert.equal(strict.code, 'body_invalid_utf8');
    const lenient = await send(policyWith({}, { body: { strictUtf8: false } }), { kind: 'web-stream', stream: webStream(bytes) }, headers);
    assert.equal(lenient.outcome, 'allow');
    assert.ok(lenient.body?.kind === 'json');
    assert.equal(lenient.body.value, '\ufffd\ufffd');
  });

  it('parses +json media types and charset=utf-8, refuses other charsets', async () => {
    const text = '{"ok":true}';
    const problem = await send(policyWith(), { kind: 'web-stream', stream: webStream(text) }, [['content-type', 'application/problem+json; charset="UTF-8"'], ['content-length', '11']]);
    assert.ok(problem.body?.kind === 'json');
    const latin1 = await send(policyWith(), { kind: 'web-stream', stream: webStream(text) }, [['content-type', 'application/json; charset=iso-8859-1'], ['content-length', '11']]);
    assert.equal(latin1.code, 'unsupported_media_type');
    assert.equal(latin1.status, 415);
    const twoCharsets = await send(policyWith(), { kind: 'web-stream', stream: webStream(text) }, [['content-type', 'application/json; charset=utf-8; charset=latin1'], ['content-length', '11']]);
    assert.equal(twoCharsets.code, 'unsupported_media_type');
    const malformed = await send(policyWith(), { kind: 'web-stream', stream: webStream(text) }, [['content-type', 'json'], ['content-length', '11']]);
    assert.equal(malformed.code, 'unsupported_media_type');
  });

  it('refuses a Content-Encoding it cannot decode', async () => {
    const decision = await send(policyWith(), { kind: 'web-stream', stream: webStream('{}') }, [...json('{}'), ['content-encoding', 'gzip']]);
    assert.equal(decision.code, 'content_encoding_unsupported');
    assert.equal(decision.status, 415);
    const identity = await send(policyWith(), { kind: 'web-stream', stream: webStream('{}') }, [...json('{}'), ['content-encoding', 'Identity']]);
    assert.equal(identity.outcome, 'allow');
  });

  it('parses forms into a null-prototype object, repeated names as arrays', async () => {
    const text = 'a=1&b=x+y&b=%C3%A9&__proto__=p&constructor=c';
    const decision = await send(policyWith(), { kind: 'web-stream', stream: webStream(text) }, [['content-type', 'application/x-www-form-urlencoded'], ['content-length', String(text.length)]]);
    assert.equal(decision.outcome, 'allow');
    assert.ok(decision.body?.kind === 'form');
    const value = decision.body.value;
    assert.equal(Object.getPrototypeOf(value), null);
    assert.equal(value['a'], '1');
    assert.deepEqual(value['b'], ['x y', 'é']);
    assert.equal(Object.hasOwn(value, '__proto__'), true, 'kept as data, harmless without a prototype');
    assert.equal(({} as Record<string, unknown>)['p'], undefined);
    const bad = await send(policyWith(), { kind: 'web-stream', stream: webStream('a=%zz') }, [['content-type', 'application/x-www-form-urlencoded'], ['content-length', '5']]);
    assert.equal(bad.code, 'form_invalid');
    const many = await send(policyWith({ jsonKeys: 2 }), { kind: 'web-stream', stream: webStream('a=1&b=2&c=3') }, [['content-type', 'application/x-www-form-urlencoded'], ['content-length', '11']]);
    assert.equal(many.code, 'json_too_many_keys');
  });

  it('decodes text/* as UTF-8 text', async () => {
    const text = 'héllo\nworld';
    const decision = await send(policyWith(), { kind: 'web-stream', stream: webStream(text) }, [['content-type', 'text/plain; charset=utf-8'], ['content-length', String(encoder.encode(text).byteLength)]]);
    assert.ok(decision.body?.kind === 'text');
    assert.equal(decision.body.value, text);
  });

  it('leaves a media type it does not parse unread, for the application', async () => {
    let pulls = 0;
    const web = new ReadableStream<Uint8Array>({ pull: () => void pulls++ }, { highWaterMark: 0 });
    const decision = await send(policyWith(), { kind: 'web-stream', stream: web }, [['content-type', 'application/octet-stream'], ['content-length', '1000']]);
    assert.equal(decision.outcome, 'allow');
    assert.deepEqual(decision.body, { kind: 'unread', mediaType: 'application/octet-stream' });
    assert.equal(pulls, 0);
    assert.equal(web.locked, false, 'the stream is not even locked');
    let reads = 0;
    const node = new Readable({
      read() {
        reads++;
        this.push(null);
      },
    });
    const noType = await send(policyWith(), { kind: 'node-stream', stream: node }, [['content-length', '10']]);
    assert.deepEqual(noType.body, { kind: 'unread', mediaType: '' });
    assert.equal(reads, 0);
    assert.equal(node.readableFlowing, null, 'nobody attached to the node stream');
  });
});

describe('body: JSON limits and prototype pollution', () => {
  async function jsonDecision(text: string, limits: RequestLimitsOptions = {}, extra: Policy = {}): Promise<Decision> {
    return send(policyWith(limits, extra), { kind: 'web-stream', stream: webStream(text) }, json(text));
  }

  it('refuses forbidden keys at any depth', async () => {
    assert.equal((await jsonDecision('{"__proto__":{"isAdmin":true}}')).code, 'json_forbidden_key');
    assert.equal((await jsonDecision('{"a":[{"b":{"__proto__":{}}}]}')).code, 'json_forbidden_key');
    assert.equal((await jsonDecision('{"constructor":{"prototype":{"isAdmin":true}}}')).code, 'json_forbidden_key');
    assert.equal((await jsonDecision('{"constructor":"x","prototype":1}')).outcome, 'allow', 'the words alone are fine');
    assert.equal((await jsonDecision('{"\\u005f_proto__":1}')).code, 'json_forbidden_key', 'escaped spelling');
    assert.equal(({} as Record<string, unknown>)['isAdmin'], undefined);
  });

  it('enforces depth (top level is depth 1)', async () => {
    assert.equal((await jsonDecision('[[1]]', { jsonDepth: 2 })).outcome, 'allow');
    assert.equal((await jsonDecision('[[[1]]]', { jsonDepth: 2 })).code, 'json_too_deep');
    assert.equal((await jsonDecision('{"a":{"b":{}}}', { jsonDepth: 2 })).code, 'json_too_deep');
    const hostile = '['.repeat(100_000) + ']'.repeat(100_000);
    assert.equal((await jsonDecision(hostile, { jsonDepth: 64, bodyBytes: 1_000_000 })).code, 'json_too_deep', 'deep nesting is refused, not a stack overflow');
  });

  it('enforces the key count over the whole document and the array length', async () => {
    assert.equal((await jsonDecision('{"a":1,"b":{"c":2}}', { jsonKeys: 3 })).outcome, 'allow');
    assert.equal((await jsonDecision('{"a":1,"b":{"c":2,"d":3}}', { jsonKeys: 3 })).code, 'json_too_many_keys');
    assert.equal((await jsonDecision('[1,2,3]', { jsonArrayLength: 3 })).outcome, 'allow');
    assert.equal((await jsonDecision('[1,2,3,4]', { jsonArrayLength: 3 })).code, 'json_array_too_long');
    assert.equal((await jsonDecision('{"a":[[1,2,3,4]]}', { jsonArrayLength: 3 })).code, 'json_array_too_long');
  });

  it('refuses duplicate keys only with rejectDuplicateKeys', async () => {
    const duplicate = '{"role":"user","role":"admin"}';
    const lax = await jsonDecision(duplicate);
    assert.equal(lax.outcome, 'allow');
    assert.ok(lax.body?.kind === 'json');
    assert.deepEqual(lax.body.value, { role: 'admin' });
    const strict = { body: { rejectDuplicateKeys: true } };
    assert.equal((await jsonDecision(duplicate, {}, strict)).code, 'json_duplicate_key');
    assert.equal((await jsonDecision('{"a":{"b":1,"b":2}}', {}, strict)).code, 'json_duplicate_key');
    assert.equal((await jsonDecision('{"a":1,"\\u0061":2}', {}, strict)).code, 'json_duplicate_key', 'compared after unescaping');
    assert.equal((await jsonDecision('{"a":{"b":1},"b":2}', {}, strict)).outcome, 'allow', 'same key in different objects');
    assert.equal((await jsonDecision('[{"a":1},{"a":2}]', {}, strict)).outcome, 'allow');
    assert.equal((await jsonDecision('{"a":"b\\"","b":["a","a"],"c":{"a":"}"}}', {}, strict)).outcome, 'allow', 'strings with quotes and braces');
  });
});

describe('body: monitor mode', () => {
  it('leaves a declared oversize body unread and reports the would-be denial', async () => {
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({ pull: () => void pulls++ }, { highWaterMark: 0 });
    const fw = await firewall(policyWith({ bodyBytes: 10 }, { mode: 'monitor' }));
    const decision = await fw.decide(request({ method: 'POST', target: '/in', headers: raw(['content-type', 'application/json'], ['content-length', '5000']), body: { kind: 'web-stream', stream } }));
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.enforced, false);
    assert.equal(decision.response, undefined);
    assert.equal(decision.code, 'body_too_large');
    assert.deepEqual(decision.body, { kind: 'unread', mediaType: 'application/json' });
    assert.equal(pulls, 0);
    assert.equal(stream.locked, false);
  });

  it('refuses a streamed body that passed the cap even in monitor mode (it was partly consumed)', async () => {
    const stream = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(8).fill(0x20)) });
    const fw = await firewall(policyWith({ bodyBytes: 10 }, { mode: 'monitor' }));
    const chunked = await fw.decide(request({ method: 'POST', target: '/in', headers: raw(['content-type', 'application/json'], ['transfer-encoding', 'chunked']), body: { kind: 'web-stream', stream } }));
    assert.equal(chunked.code, 'body_too_large');
    assert.equal(chunked.enforced, true);
    assert.equal(chunked.response?.status, 413);
    assert.equal(chunked.results.find((r) => r.guard === 'body')?.mode, 'enforce');
    const read = await fw.decide(request({ method: 'POST', target: '/in', headers: raw(['content-type', 'application/json'], ['transfer-encoding', 'chunked']), body: { kind: 'read', result: { kind: 'too-large' } } }));
    assert.equal(read.response?.status, 413);
    const outsideCanary = await firewall(policyWith({ bodyBytes: 10 }, { canary: { percent: 0 } }));
    const canary = await outsideCanary.decide(request({ method: 'POST', target: '/in', headers: raw(['content-type', 'application/json'], ['transfer-encoding', 'chunked']), body: { kind: 'read', result: { kind: 'too-large' } } }));
    assert.equal(canary.response?.status, 413);
  });

  it('refuses a body cut off or too slow even in monitor mode (it cannot be handed on intact)', async () => {
    const fw = await firewall(policyWith({ bodyTimeoutMs: 30 }, { mode: 'monitor' }));
    const headers = raw(['content-type', 'application/json'], ['content-length', '10']);
    const cut = await fw.decide(request({ method: 'POST', target: '/in', headers, body: { kind: 'read', result: { kind: 'aborted' } } }));
    assert.equal(cut.code, 'body_incomplete');
    assert.equal(cut.enforced, true);
    assert.equal(cut.response?.status, 400);
    const slow = await fw.decide(request({ method: 'POST', target: '/in', headers, body: { kind: 'web-stream', stream: new ReadableStream<Uint8Array>({ pull: () => new Promise<void>(() => undefined) }) } }));
    assert.equal(slow.code, 'request_timeout');
    assert.equal(slow.response?.status, 408);
  });

  it('reports a monitored body problem without blocking', async () => {
    const text = '{"__proto__":{}}';
    const fw = await firewall(policyWith({}, { mode: 'monitor' }));
    const decision = await fw.decide(request({ method: 'POST', target: '/in', headers: raw(...json(text)), body: { kind: 'web-stream', stream: webStream(text) } }));
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.enforced, false);
    assert.equal(decision.code, 'json_forbidden_key');
    assert.equal(decision.response, undefined);
  });
});

describe('body: begin/finish', () => {
  it('runs the header stage, exposes the body limits, then finishes with a body given later', async () => {
    const fw = await firewall(policyWith({ bodyBytes: 2048, bodyTimeoutMs: 1234 }));
    const pending = await fw.begin(request({ method: 'POST', target: '/in', headers: raw(...json('{"a":1}')) }));
    assert.equal(pending.decision.complete, false);
    assert.equal(pending.bodyLimit, 2048);
    assert.equal(pending.bodyTimeoutMs, 1234);
    const decision = await pending.finish({ kind: 'parsed', value: { a: 1 } });
    assert.equal(decision.complete, true);
    assert.equal(decision.outcome, 'allow');
    assert.ok(decision.body?.kind === 'framework');
    assert.equal(await pending.finish(), decision, 'finish is idempotent');
  });

  it('a header-stage denial is final: finish returns it without reading the body', async () => {
    const fw = await firewall(policyWith({}, { ipFilter: { deny: ['203.0.113.0/24'] } }));
    const pending = await fw.begin(request({ method: 'POST', target: '/in', headers: raw(...json('{}')) }));
    assert.equal(pending.decision.complete, true);
    assert.equal(pending.decision.code, 'ip_denied');
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({ pull: () => void pulls++ }, { highWaterMark: 0 });
    assert.equal(await pending.finish({ kind: 'web-stream', stream }), pending.decision);
    assert.equal(pulls, 0);
  });
});
