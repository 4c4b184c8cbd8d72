/**
 * The one path normalization (packages/core/src/request/normalize-path.ts). Each numbered rule of
 * that file's header comment has its own table here, so a rule change shows up as a failing row.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeTarget, type NormalizedTarget } from '../src/index.js';
import { decide } from './helpers.js';

type Expected = string | 'path_invalid' | 'path_not_canonical';

function check(rows: ReadonlyArray<readonly [target: string, expected: Expected]>, options: { method?: string; strict?: boolean } = {}): void {
  for (const [target, expected] of rows) {
    const result = normalizeTarget(target, options.method ?? 'GET', options.strict ?? false);
    if (expected === 'path_invalid' || expected === 'path_not_canonical') {
      assert.deepEqual(result, { ok: false, code: expected }, `${JSON.stringify(target)} should be refused with ${expected}`);
    } else {
      assert.equal(result.ok, true, `${JSON.stringify(target)} should be accepted, got ${JSON.stringify(result)}`);
      assert.equal((result as NormalizedTarget).path, expected, `${JSON.stringify(target)} normalizes to ${expected}`);
    }
  }
}

describe('normalizeTarget', () => {
  describe('rule 1: request-target forms', () => {
    it('accepts origin-form and splits path and query', () => {
      const result = normalizeTarget('/users/42?x=1&y=2', 'GET', false);
      assert.deepEqual(result, { ok: true, path: '/users/42', rawPath: '/users/42', rawQuery: 'x=1&y=2', canonical: true });
      const empty = normalizeTarget('/a?', 'GET', false);
      assert.equal(empty.ok && empty.rawQuery, '');
    });

    it('accepts absolute-form and drops the authority', () => {
      check([
        ['http://example.com/a/b', '/a/b'],
        ['https://example.com:8443/a', '/a'],
        ['HTTP://EXAMPLE.COM/A', '/A'],
        ['http://user@example.com/x', '/x'],
        ['http://example.com', '/'],
        ['http://example.com?q=1', '/'],
      ]);
      const withQuery = normalizeTarget('http://example.com/p?q=1', 'GET', false);
      assert.ok(withQuery.ok);
      assert.equal(withQuery.rawQuery, 'q=1');
      assert.equal(withQuery.rawPath, '/p');
    });

    it('refuses other schemes and forms', () => {
      check([
        ['', 'path_invalid'],
        ['a/b', 'path_invalid'],
        ['ftp://example.com/a', 'path_invalid'],
        ['http:/example.com/a', 'path_invalid'],
        ['//example.com/a', '/example.com/a'], // origin-form with an empty first segment, not authority-form
        ['example.com:443', 'path_invalid'], // authority-form (CONNECT)
        ['http://example.com#frag', 'path_invalid'],
        ['javascript:alert(1)', 'path_invalid'],
      ]);
    });

    it('accepts `*` only for OPTIONS', () => {
      assert.deepEqual(normalizeTarget('*', 'OPTIONS', false), { ok: true, path: '*', rawPath: '*', rawQuery: '', canonical: true });
      assert.deepEqual(normalizeTarget('*', 'GET', false), { ok: false, code: 'path_invalid' });
      assert.deepEqual(normalizeTarget('*', 'OPTIONS', true), { ok: true, path: '*', rawPath: '*', rawQuery: '', canonical: true });
      check([['/*', '/*']]);
    });

    it('refuses a fragment anywhere in the target', () => {
      check([
        ['/a#b', 'path_invalid'],
        ['/a?x=1#b', 'path_invalid'],
        ['/#', 'path_invalid'],
      ]);
    });
  });

  describe('rule 2: only visible ASCII raw in the path', () => {
    it('refuses backslash, space, controls, DEL, raw non-ASCII and unsafe delimiters', () => {
      check([
        ['/a\\b', 'path_invalid'],
        ['/a\\..\\b', 'path_invalid'],
        ['/a b', 'path_invalid'],
        ['/a\tb', 'path_invalid'],
        ['/a\x00b', 'path_invalid'],
        ['/a\x01', 'path_invalid'],
        ['/a\x7f', 'path_invalid'],
        ['/caf\u00e9', 'path_invalid'],
        ['/\u{1f600}', 'path_invalid'],
        ['/a"b', 'path_invalid'],
        ['/a<b>', 'path_invalid'],
        ['/a^b', 'path_invalid'],
        ['/a`b', 'path_invalid'],
        ['/a{b}', 'path_invalid'],
        ['/a|b', 'path_invalid'],
      ]);
    });

    it('accepts every RFC 3986 pchar raw', () => {
      check([["/AZaz09-._~!$&'()*+,;=:@", "/AZaz09-._~!$&'()*+,;=:@"]]);
    });

    it('does not apply the path rules to the query', () => {
      const result = normalizeTarget('/a?q=a b\\c', 'GET', false);
      assert.ok(result.ok);
      assert.equal(result.rawQuery, 'q=a b\\c');
    });
  });

  describe('rule 3: each segment percent-decoded once, strictly', () => {
    it('decodes escapes (either hex case) as UTF-8', () => {
      check([
        ['/%41', '/A'],
        ['/caf%C3%A9', '/café'],
        ['/caf%c3%a9', '/café'],
        ['/%F0%9F%98%80', '/\u{1f600}'],
        ['/a%20b', '/a b'],
        ['/a%3Fb', '/a?b'],
        ['/a%23b', '/a#b'],
        ['/a%3Bb', '/a;b'],
      ]);
    });

    it('decodes once: %25 yields a literal percent, not a second decoding', () => {
      check([
        ['/a%2541', '/a%41'],
        ['/%252e%252e', '/%2e%2e'],
        ['/%252F', '/%2F'],
      ]);
    });

    it('refuses malformed escapes', () => {
      check([
        ['/a%', 'path_invalid'],
        ['/a%2', 'path_invalid'],
        ['/a%zz', 'path_invalid'],
        ['/a%g0', 'path_invalid'],
        ['/a%%41', 'path_invalid'],
        ['/%2/x', 'path_invalid'],
      ]);
    });

    it('refuses encoded slash and backslash', () => {
      check([
        ['/a%2fb', 'path_invalid'],
        ['/a%2Fb', 'path_invalid'],
        ['/a%5cb', 'path_invalid'],
        ['/a%5Cb', 'path_invalid'],
        ['/..%2f..%2fetc%2fpasswd', 'path_invalid'],
      ]);
    });

    it('refuses encoded control characters, NUL and DEL', () => {
      check([
        ['/a%00', 'path_invalid'],
        ['/a%00.json', 'path_invalid'],
        ['/a%0a', 'path_invalid'],
        ['/a%0D%0A', 'path_invalid'],
        ['/a%1f', 'path_invalid'],
        ['/a%7f', 'path_invalid'],
        ['/a%7F', 'path_invalid'],
      ]);
    });

    it('refuses bytes that are not valid UTF-8 (truncated, overlong, surrogates, 0xFF)', () => {
      check([
        ['/%C3', 'path_invalid'],
        ['/%C3%28', 'path_invalid'],
        ['/%C0%AF', 'path_invalid'],
        ['/%E0%80%AF', 'path_invalid'],
        ['/%ED%A0%80', 'path_invalid'],
        ['/%FF', 'path_invalid'],
        ['/%80', 'path_invalid'],
      ]);
    });

    it('refuses encoded dot segments', () => {
      check([
        ['/%2e', 'path_invalid'],
        ['/%2E', 'path_invalid'],
        ['/%2e%2e', 'path_invalid'],
        ['/a/%2E%2E/b', 'path_invalid'],
        ['/a/.%2e/b', 'path_invalid'],
        ['/a/%2e./b', 'path_invalid'],
        ['/a/%2e/b', 'path_invalid'],
      ]);
      // A segment that merely contains encoded dots is a name, not a dot segment.
      check([
        ['/a/%2e%2e%2e', '/a/...'],
        ['/a/%2ehidden', '/a/.hidden'],
      ]);
    });
  });

  describe('rule 4: dot segments resolved', () => {
    it('resolves . and .. (RFC 3986 §5.2.4)', () => {
      check([
        ['/./a', '/a'],
        ['/a/.', '/a'],
        ['/a/./b', '/a/b'],
        ['/a/b/../c', '/a/c'],
        ['/a/b/../../c', '/c'],
        ['/a/..', '/'],
        ['/a/../', '/'],
        ['/a/b/..', '/a'],
        ['/admin/../public', '/public'],
        ['/public/../admin', '/admin'],
        ['/a/.../b', '/a/.../b'],
        ['/.well-known/x', '/.well-known/x'],
        ['/a/..b', '/a/..b'],
      ]);
    });

    it('refuses a .. that would climb above the root', () => {
      check([
        ['/..', 'path_invalid'],
        ['/../a', 'path_invalid'],
        ['/a/../..', 'path_invalid'],
        ['/a/../../b', 'path_invalid'],
        ['/./..', 'path_invalid'],
        ['http://h/../a', 'path_invalid'],
      ]);
    });
  });

  describe('rule 5: empty segments removed, trailing slash dropped', () => {
    it('collapses slashes', () => {
      check([
        ['/', '/'],
        ['//', '/'],
        ['///', '/'],
        ['/a/', '/a'],
        ['/a//', '/a'],
        ['//a', '/a'],
        ['/a//b/', '/a/b'],
        ['/a///b//c', '/a/b/c'],
      ]);
    });
  });

  describe('rule 6: case is kept', () => {
    it('keeps the case of the path', () => {
      check([
        ['/Admin/Users', '/Admin/Users'],
        ['/%C3%89T%C3%89', '/ÉTÉ'],
      ]);
    });
  });

  describe('canonical flag and strictCanonical', () => {
    it('marks canonical targets', () => {
      for (const target of ['/', '/a/b', '/a/b/', '/a%20b', '/caf%C3%A9', '/a%2Bb']) {
        const result = normalizeTarget(target, 'GET', false);
        assert.ok(result.ok, target);
        assert.equal(result.canonical, true, `${target} is canonical`);
      }
      for (const target of ['//a', '/a//b', '/./a', '/a/..', '/%41', '/a%7e', '/caf%c3%a9', '/a%2bb']) {
        const result = normalizeTarget(target, 'GET', false);
        assert.ok(result.ok, target);
        assert.equal(result.canonical, false, `${target} is not canonical`);
      }
    });

    it('refuses what normalization would change, except a trailing slash', () => {
      check(
        [
          ['/a/b', '/a/b'],
          ['/a/b/', '/a/b'],
          ['/a%20b', '/a b'],
          ['/caf%C3%A9', '/café'],
          ['/a//b', 'path_not_canonical'],
          ['//', 'path_not_canonical'],
          ['/a/./b', 'path_not_canonical'],
          ['/a/../b', 'path_not_canonical'],
          ['/%41', 'path_not_canonical'], // encoded unreserved
          ['/%7E', 'path_not_canonical'],
          ['/%2D', 'path_not_canonical'],
          ['/caf%c3%a9', 'path_not_canonical'], // lower-case hex
          // Invalid stays invalid (not merely non-canonical).
          ['/a%2fb', 'path_invalid'],
          ['/..', 'path_invalid'],
          ['/a\\b', 'path_invalid'],
        ],
        { strict: true },
      );
    });

    it('is reported as 400 path_not_canonical by the firewall', async () => {
      const decision = await decide({ paths: { strictCanonical: true } }, { target: '/a/../b' });
      assert.equal(decision.outcome, 'deny');
      assert.equal(decision.code, 'path_not_canonical');
      assert.equal(decision.status, 400);
      const lenient = await decide({}, { target: '/a/../b' });
      assert.equal(lenient.outcome, 'allow');
      assert.equal(lenient.path, '/b');
    });
  });

  describe('fast path and slow path agree', () => {
    // Paths that take the fast path (nothing to decode or resolve) compared with equivalent spellings
    // that force the slow path: an encoded first letter, a `./` segment, a doubled slash.
    const fast = ['/', '/a', '/a/b', '/users/42/', "/x-._~!$&'()*+,;=:@", '/A/B/C', '/a/b.json', '/v1/items/'];

    it('gives the same path for equivalent spellings', () => {
      for (const target of fast) {
        const direct = normalizeTarget(target, 'GET', false);
        assert.ok(direct.ok, target);
        const spellings = [target.replace(/^\//, '/./'), target.replace(/^\//, '//'), target + '/.', target.replace(/^\/([a-zA-Z])/, (_, c: string) => `/%${c.charCodeAt(0).toString(16).toUpperCase()}`)];
        for (const spelling of spellings) {
          const slow = normalizeTarget(spelling, 'GET', false);
          assert.ok(slow.ok, spelling);
          assert.equal(slow.path, direct.path, `${spelling} vs ${target}`);
        }
      }
    });

    it('reports the raw path and query the same way', () => {
      const direct = normalizeTarget('/a/b?x=1', 'GET', false);
      const slow = normalizeTarget('/a/./b?x=1', 'GET', false);
      assert.ok(direct.ok && slow.ok);
      assert.equal(direct.rawQuery, slow.rawQuery);
      assert.equal(slow.rawPath, '/a/./b');
    });
  });

  it('is what the firewall routes and reports', async () => {
    const decision = await decide({ routes: [{ path: '/admin', methods: ['GET'], id: 'admin' }] }, { target: '/public/..//ADMIN/?x=1' });
    assert.equal(decision.route?.id, 'admin');
    assert.equal(decision.path, '/ADMIN');
    const refused = await decide({}, { target: '/a%2fb' });
    assert.equal(refused.code, 'path_invalid');
    assert.equal(refused.status, 400);
    assert.equal(refused.path, undefined);
  });
});
