/**
 * The route table (packages/core/src/router.ts) and how createFirewall builds it from `routes`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, FirewallError, type Policy, type RoutePolicy } from '../src/index.js';
import { Router, checkPattern } from '../src/router.js';
import { decide, firewall, header, request } from './helpers.js';

function router(patterns: string[], caseSensitive = false): Router<string> {
  const r = new Router<string>(caseSensitive);
  for (const pattern of patterns) r.add(pattern, pattern);
  return r;
}

function find(r: Router<string>, path: string): [string, Record<string, string>] | undefined {
  const found = r.find(path);
  return found === undefined ? undefined : [found.value, found.params];
}

describe('Router', () => {
  it('prefers static over parameter over wildcard at each segment', () => {
    const r = router(['/users/me', '/users/:id', '/users/*', '/*']);
    assert.deepEqual(find(r, '/users/me'), ['/users/me', {}]);
    assert.deepEqual(find(r, '/users/42'), ['/users/:id', { id: '42' }]);
    assert.deepEqual(find(r, '/users/42/posts'), ['/users/*', { '*': '42/posts' }]);
    assert.deepEqual(find(r, '/other/x'), ['/*', { '*': 'other/x' }]);
  });

  it('backtracks when the static branch fails deeper down', () => {
    const r = router(['/a/b/c', '/a/:x/d', '/a/*']);
    assert.deepEqual(find(r, '/a/b/c'), ['/a/b/c', {}]);
    assert.deepEqual(find(r, '/a/b/d'), ['/a/:x/d', { x: 'b' }], 'static "b" fails at "d", the parameter branch matches');
    assert.deepEqual(find(r, '/a/b/e'), ['/a/*', { '*': 'b/e' }], 'both fail, the wildcard matches');
    const nested = router(['/files/:name/meta', '/files/*']);
    assert.deepEqual(find(nested, '/files/x/y'), ['/files/*', { '*': 'x/y' }]);
    assert.deepEqual(find(nested, '/files/x/meta'), ['/files/:name/meta', { name: 'x' }]);
  });

  it('does not leak parameters from a failed branch', () => {
    const r = router(['/a/:x/b', '/a/:x/:y/c', '/*']);
    assert.deepEqual(find(r, '/a/1/2/c'), ['/a/:x/:y/c', { x: '1', y: '2' }]);
    assert.deepEqual(find(r, '/a/1/2/d'), ['/*', { '*': 'a/1/2/d' }]);
  });

  it('matches a trailing wildcard on the empty rest, and the root', () => {
    const r = router(['/', '/files/*']);
    assert.deepEqual(find(r, '/'), ['/', {}]);
    assert.deepEqual(find(r, '/files'), ['/files/*', { '*': '' }]);
    assert.deepEqual(find(r, '/files/a'), ['/files/*', { '*': 'a' }]);
    assert.equal(find(r, '/nope'), undefined);
    assert.equal(find(router(['/a']), '/'), undefined);
    assert.equal(find(router(['/a/b']), '/a'), undefined, 'a prefix is not a match');
    assert.equal(find(router(['/a']), '/a/b'), undefined);
  });

  it('is case-insensitive by default; parameter values keep their case', () => {
    const r = router(['/Admin/:Name']);
    assert.deepEqual(find(r, '/admin/Alice'), ['/Admin/:Name', { Name: 'Alice' }]);
    assert.deepEqual(find(r, '/ADMIN/bob'), ['/Admin/:Name', { Name: 'bob' }]);
  });

  it('is case-sensitive when asked', () => {
    const r = router(['/Admin', '/admin/x'], true);
    assert.deepEqual(find(r, '/Admin'), ['/Admin', {}]);
    assert.equal(find(r, '/admin'), undefined);
    assert.equal(find(r, '/ADMIN/x'), undefined);
  });

  it('returns the existing value for the same pattern and refuses a renamed parameter', () => {
    const r = new Router<string>(false);
    assert.equal(r.add('/a/:id', 'first'), undefined);
    assert.equal(r.add('/A/:id', 'second'), 'first', 'same shape case-insensitively');
    assert.throws(() => r.add('/a/:name', 'third'), RangeError);
  });

  it('checks patterns', () => {
    assert.equal(checkPattern('/'), undefined);
    assert.equal(checkPattern('/a/:b/*'), undefined);
    for (const bad of ['a', '', '/a/', '/a//b', '/a/./b', '/a/../b', '/*/a', '/a/:', '/a/:1x', '/a/:x/:x', '/a:b', '/a*', '/:x-y']) {
      assert.notEqual(checkPattern(bad), undefined, bad);
    }
  });
});

describe('routes in a policy', () => {
  const routes: RoutePolicy[] = [
    { path: '/users/me', methods: ['GET'], id: 'me' },
    { path: '/users/:id', methods: ['GET', 'PUT'], id: 'user' },
    { path: '/users/:id', methods: ['DELETE'], id: 'user-delete' },
    { path: '/files/*', id: 'files' },
  ];

  it('routes by normalized path and method, with the route in the decision', async () => {
    const fw = await firewall({ routes });
    const me = await fw.decide(request({ target: '/users/me' }));
    assert.deepEqual(me.route, { id: 'me', pattern: '/users/me', params: {} });
    const user = await fw.decide(request({ method: 'PUT', target: '/users/42' }));
    assert.deepEqual(user.route, { id: 'user', pattern: '/users/:id', params: { id: '42' } });
    const del = await fw.decide(request({ method: 'delete', target: '/users/42' }));
    assert.equal(del.route?.id, 'user-delete', 'methods are upper-cased');
    const files = await fw.decide(request({ method: 'POST', target: '/files/a/b.txt' }));
    assert.deepEqual(files.route?.params, { '*': 'a/b.txt' });
  });

  it('decodes parameters once', async () => {
    const decision = await decide({ routes }, { target: '/users/caf%C3%A9%20au%20lait' });
    assert.equal(decision.route?.params['id'], 'café au lait');
    const once = await decide({ routes }, { target: '/users/%2541' });
    assert.equal(once.route?.params['id'], '%41');
  });

  it('allows HEAD wherever GET is, and refuses other methods with 405 and Allow', async () => {
    assert.equal((await decide({ routes }, { method: 'HEAD', target: '/users/me' })).route?.id, 'me');
    const refused = await decide({ routes }, { method: 'POST', target: '/users/42' });
    assert.equal(refused.status, 405);
    assert.equal(refused.code, 'method_not_allowed');
    assert.equal(header(refused.response?.headers, 'allow'), 'DELETE, GET, HEAD, PUT');
    assert.equal(refused.route?.pattern, '/users/:id');
  });

  it('an explicit HEAD route wins over the HEAD a GET route implies, in either order', async () => {
    // Regression: [GET, HEAD] was refused as a duplicate while [HEAD, GET] was accepted.
    for (const order of [
      [{ path: '/a', methods: ['GET'], id: 'get' }, { path: '/a', methods: ['HEAD'], id: 'head' }],
      [{ path: '/a', methods: ['HEAD'], id: 'head' }, { path: '/a', methods: ['GET'], id: 'get' }],
    ]) {
      const fw = await firewall({ routes: order });
      assert.equal((await fw.decide(request({ method: 'HEAD', target: '/a' }))).route?.id, 'head');
      assert.equal((await fw.decide(request({ method: 'GET', target: '/a' }))).route?.id, 'get');
    }
    assert.throws(() => createFirewall({ routes: [{ path: '/a', methods: ['HEAD'] }, { path: '/a', methods: ['HEAD'] }] }), FirewallError);
    assert.throws(() => createFirewall({ routes: [{ path: '/a', methods: ['GET'] }, { path: '/a', methods: ['HEAD'] }, { path: '/a', methods: ['HEAD'] }] }), FirewallError);
  });

  it('routes case-insensitively by default and case-sensitively when asked', async () => {
    const policy: Policy = { routes: [{ path: '/admin', id: 'admin', guards: [] }], unmatchedRoutes: 'deny' };
    assert.equal((await decide(policy, { target: '/ADMIN' })).route?.id, 'admin');
    const strict = await decide({ ...policy, paths: { caseSensitive: true } }, { target: '/ADMIN' });
    assert.equal(strict.code, 'route_not_found');
    assert.equal(strict.status, 404);
  });

  it('lets unmatched requests through by default and refuses them with 404 when asked', async () => {
    const open = await decide({ routes }, { target: '/nowhere' });
    assert.equal(open.outcome, 'allow');
    assert.equal(open.route, undefined);
    const closed = await decide({ routes, unmatchedRoutes: 'deny' }, { target: '/nowhere' });
    assert.equal(closed.code, 'route_not_found');
  });

  function policyError(policy: Policy): FirewallError {
    try {
      createFirewall(policy);
    } catch (error) {
      assert.ok(error instanceof FirewallError);
      return error;
    }
    assert.fail('expected createFirewall to throw');
  }

  it('refuses duplicate routes at createFirewall, naming the route', () => {
    const sameMethod = policyError({ routes: [{ path: '/a', methods: ['GET'] }, { path: '/b' }, { path: '/a', methods: ['POST', 'GET'] }] });
    assert.equal(sameMethod.code, 'ERR_POLICY_INVALID');
    assert.equal(sameMethod.path, 'routes[2].methods');
    assert.match(sameMethod.message, /GET \/a/);
    const anyMethod = policyError({ routes: [{ path: '/a' }, { path: '/a' }] });
    assert.equal(anyMethod.path, 'routes[1].path');
    const byCase = policyError({ routes: [{ path: '/Admin', methods: ['GET'] }, { path: '/admin', methods: ['GET'] }] });
    assert.equal(byCase.path, 'routes[1].methods', 'case-insensitive routing makes these the same route');
    assert.doesNotThrow(() => createFirewall({ paths: { caseSensitive: true }, routes: [{ path: '/Admin', methods: ['GET'] }, { path: '/admin', methods: ['GET'] }] }));
    assert.doesNotThrow(() => createFirewall({ routes: [{ path: '/a', methods: ['GET'] }, { path: '/a', methods: ['POST'] }, { path: '/a' }] }));
  });

  it('refuses conflicting parameter names and bad patterns, naming the route', () => {
    const conflict = policyError({ routes: [{ path: '/users/:id' }, { path: '/users/:name/posts' }] });
    assert.equal(conflict.path, 'routes[1].path');
    assert.match(conflict.message, /:id/);
    assert.equal(policyError({ routes: [{ path: '/ok' }, { path: 'no-slash' }] }).path, 'routes[1].path');
    assert.equal(policyError({ routes: [{ path: '/a/' }] }).path, 'routes[0].path');
    assert.equal(policyError({ routes: [{ path: '/a/:x/:x' }] }).path, 'routes[0].path');
  });
});
