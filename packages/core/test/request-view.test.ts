/**
 * The request view guards share: strict query decoding, the duplicate-keeping headers view and
 * cookies. Internal parsers are tested directly, then through a guard to show they are what
 * guards see.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery, countPairs } from '../src/request/query.js';
import { RawRequestHeaders } from '../src/request/headers.js';
import type { FirewallRequest } from '../src/index.js';
import { ALLOW } from '../src/index.js';
import { decide, raw, testGuard } from './helpers.js';

function entries(query: ReturnType<typeof parseQuery>): [string, string[]][] | undefined {
  return query === undefined ? undefined : [...query].map(([k, v]) => [k, [...v]]);
}

/** Runs one request through a firewall whose only custom guard captures the request view. */
async function seen(init: Parameters<typeof decide>[1]): Promise<FirewallRequest> {
  let captured: FirewallRequest | undefined;
  const guard = testGuard({
    evaluate(request) {
      captured = request;
      return ALLOW;
    },
  });
  const decision = await decide({ guards: [guard], limits: { headerCount: 1000 } }, init);
  assert.equal(decision.outcome, 'allow', `request should be allowed: ${decision.code}`);
  assert.ok(captured !== undefined, 'guard ran');
  return captured;
}

describe('query parsing', () => {
  it('parses pairs, keeps every value of a repeated name in order', () => {
    assert.deepEqual(entries(parseQuery('a=1&b=2&a=3')), [
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
  });

  it('decodes + as space and %2B as plus', () => {
    assert.deepEqual(entries(parseQuery('q=a+b&p=a%2Bb&s=%20')), [
      ['q', ['a b']],
      ['p', ['a+b']],
      ['s', [' ']],
    ]);
  });

  it('handles names without values, empty values and empty pairs', () => {
    assert.deepEqual(entries(parseQuery('flag&x=&&y=1&')), [
      ['flag', ['']],
      ['x', ['']],
      ['y', ['1']],
    ]);
    assert.deepEqual(entries(parseQuery('=v')), [['', ['v']]]);
    assert.deepEqual(entries(parseQuery('')), []);
    // Only the first `=` separates name from value.
    assert.deepEqual(entries(parseQuery('a=b=c')), [['a', ['b=c']]]);
  });

  it('decodes UTF-8 escapes and keeps raw non-ASCII text as sent', () => {
    assert.deepEqual(entries(parseQuery('n=caf%C3%A9&e=%F0%9F%98%80')), [
      ['n', ['café']],
      ['e', ['\u{1f600}']],
    ]);
    assert.deepEqual(entries(parseQuery('r=caf\u00e9')), [['r', ['café']]]);
    // Regression: a raw character outside the BMP next to an escape was decoded as two U+FFFD.
    assert.deepEqual(entries(parseQuery('r=\u{1f600}%20x')), [['r', ['\u{1f600} x']]]);
  });

  it('refuses the whole string on a malformed escape', () => {
    for (const text of ['a=%', 'a=%2', 'a=%zz', 'a=%g1', '%=1', 'ok=1&bad=%4', 'a=1%']) {
      assert.equal(parseQuery(text), undefined, text);
    }
  });

  it('refuses the whole string on invalid UTF-8', () => {
    for (const text of ['a=%FF', 'a=%C3', 'a=%C0%AF', 'a=%ED%A0%80', '%80=1']) {
      assert.equal(parseQuery(text), undefined, text);
    }
  });

  it('counts non-empty pairs without decoding', () => {
    assert.equal(countPairs(''), 0);
    assert.equal(countPairs('a'), 1);
    assert.equal(countPairs('a=1&&b=2&'), 2);
    assert.equal(countPairs('%zz=1&b'), 2);
  });

  it('denies a malformed query with 400 query_invalid, and guards see the decoded values', async () => {
    const bad = await decide({}, { target: '/search?q=%E0%A4' });
    assert.equal(bad.code, 'query_invalid');
    assert.equal(bad.status, 400);
    const request = await seen({ target: '/search?q=a+b&tag=x&tag=y' });
    assert.deepEqual(request.query.get('q'), ['a b']);
    assert.deepEqual(request.query.get('tag'), ['x', 'y']);
    assert.equal(request.rawQuery, 'q=a+b&tag=x&tag=y');
  });
});

describe('headers view', () => {
  it('drops HTTP/2 pseudo-headers (:method, :path...) that Node puts first in rawHeaders', () => {
    const headers = new RawRequestHeaders([':method', 'GET', ':path', '/admin', 'Host', 'a', 'x-one', '1']);
    assert.equal(headers.count, 2);
    assert.equal(headers.get(':path'), undefined);
    assert.equal(headers.get('x-one'), '1');
    assert.deepEqual([...headers.entries()].map(([name]) => name), ['host', 'x-one']);
  });

  it('reads Node rawHeaders case-insensitively and keeps duplicates', () => {
    const headers = new RawRequestHeaders(raw(['Host', 'a'], ['Accept', 'x'], ['ACCEPT', 'y'], ['X-Empty', '']));
    assert.equal(headers.get('accept'), 'x, y');
    assert.deepEqual(headers.getAll('Accept'), ['x', 'y']);
    assert.equal(headers.get('HOST'), 'a');
    assert.equal(headers.has('x-empty'), true);
    assert.equal(headers.get('x-empty'), '');
    assert.equal(headers.has('missing'), false);
    assert.equal(headers.get('missing'), undefined);
    assert.deepEqual(headers.getAll('missing'), []);
    assert.deepEqual([...headers.entries()], [
      ['host', 'a'],
      ['accept', 'x'],
      ['accept', 'y'],
      ['x-empty', ''],
    ]);
  });

  it('joins repeated Cookie fields with "; " (RFC 6265) and others with ", "', () => {
    const headers = new RawRequestHeaders(raw(['cookie', 'a=1'], ['Cookie', 'b=2'], ['x-list', '1'], ['x-list', '2']));
    assert.equal(headers.get('cookie'), 'a=1; b=2');
    assert.equal(headers.get('x-list'), '1, 2');
  });

  it('counts fields (each duplicate counts) and bytes of names and values', () => {
    const headers = new RawRequestHeaders(raw(['A', '12'], ['a', '345'], ['Bb', '']));
    assert.equal(headers.count, 3);
    assert.equal(headers.totalBytes, 1 + 2 + 1 + 3 + 2 + 0);
    const none = new RawRequestHeaders([]);
    assert.equal(none.count, 0);
    assert.equal(none.totalBytes, 0);
  });

  it('accepts name/value pairs such as a Web Headers object', () => {
    const web = new Headers({ 'Content-Type': 'application/json', 'X-A': '1' });
    // Headers is iterable at runtime; the DOM lib without DOM.Iterable does not say so.
    const headers = new RawRequestHeaders(web as unknown as Iterable<readonly [string, string]>);
    assert.equal(headers.get('content-type'), 'application/json');
    assert.equal(headers.count, 2);
    const pairs = new RawRequestHeaders([
      ['X-Dup', 'a'],
      ['x-dup', 'b'],
    ] as const);
    assert.deepEqual(pairs.getAll('x-dup'), ['a', 'b']);
  });

  it('ignores a dangling name at the end of a flat list', () => {
    const headers = new RawRequestHeaders(['a', '1', 'b']);
    assert.equal(headers.count, 1);
    assert.equal(headers.has('b'), false);
  });

  it('is what guards see, with duplicates, counts and cookies', async () => {
    const request = await seen({
      headers: raw(['Authorization', 'Bearer a'], ['authorization', 'Bearer b'], ['Cookie', 'sid=1; theme="dark"'], ['cookie', 'sid=2; =x; novalue; lang=en']),
    });
    assert.deepEqual(request.headers.getAll('authorization'), ['Bearer a', 'Bearer b']);
    assert.equal(request.headers.count, 4);
    assert.equal(request.cookies.get('sid'), '1', 'first value wins for a repeated cookie name');
    assert.equal(request.cookies.get('theme'), 'dark', 'quotes are removed');
    assert.equal(request.cookies.get('lang'), 'en');
    assert.equal(request.cookies.has(''), false);
    assert.equal(request.cookies.has('novalue'), false);
  });

  it('exposes Content-Length only when it is a plain decimal', async () => {
    assert.equal((await seen({ headers: raw(['content-length', '12']) })).contentLength, 12);
    assert.equal((await seen({ headers: raw(['content-length', '-1']) })).contentLength, undefined);
    assert.equal((await seen({ headers: raw(['content-length', '1e3']) })).contentLength, undefined);
    assert.equal((await seen({ headers: raw(['content-length', '0x10']) })).contentLength, undefined);
    assert.equal((await seen({})).contentLength, undefined);
  });
});
