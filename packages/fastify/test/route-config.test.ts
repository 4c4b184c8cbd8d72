import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, FirewallError } from '@portcullis/core';
import { composePolicy, toPortcullisPattern } from '../src/route-config.js';

const route = (url: string, methods = ['GET']) => ({ url, methods, config: {} });

describe('Fastify paths to Portcullis patterns', () => {
  test('plain segments, ":param" segments and a final "*" carry over', () => {
    assert.equal(toPortcullisPattern(route('/users/:id/files/*')), '/users/:id/files/*');
    assert.equal(toPortcullisPattern(route('/')), '/');
  });

  test('a prefix registered without a trailing slash, trailing and doubled slashes are normalized', () => {
    assert.equal(toPortcullisPattern(route('')), '/');
    assert.equal(toPortcullisPattern(route('/v1/items/')), '/v1/items');
    assert.equal(toPortcullisPattern(route('/v1//items')), '/v1/items');
  });

  test('what Portcullis cannot match is refused with the reason and the route', () => {
    const cases: [string, RegExp][] = [
      ['/files/:id(^\\d+)', /regular-expression parameters/],
      ['/a/:b?', /optional parameter ":b\?"/],
      ['/at/:lat-:lng', /not a single ":name" parameter/],
      ['/files/:name.json', /not a single ":name" parameter/],
      ['/time/12::30', /escaped colon/],
      ['/a/*/b', /only supported as the last segment/],
      ['/files*', /only supported as whole segments/],
    ];
    for (const [url, reason] of cases) {
      assert.throws(
        () => toPortcullisPattern(route(url)),
        (error: unknown) => error instanceof FirewallError && error.code === 'ERR_POLICY_INVALID' && reason.test(error.message) && error.message.includes(`GET ${url}`),
        url,
      );
    }
  });
});

describe('composing the policy with per-route config', () => {
  test('a GET route and its automatic HEAD route (same config object) become one Portcullis route', () => {
    const config = { id: 'files' };
    const { policy } = composePolicy({}, [
      { url: '/files/:id', methods: ['GET'], config },
      { url: '/files/:id', methods: ['HEAD'], config },
    ]);
    assert.deepEqual(policy.routes, [{ id: 'files', path: '/files/:id', methods: ['GET'] }]);
  });

  test('path and methods come from the route: setting them in config.portcullis is refused', () => {
    assert.throws(() => composePolicy({}, [{ url: '/x', methods: ['GET'], config: { path: '/y' } }]), (error: unknown) => error instanceof FirewallError && error.path === 'config.portcullis.path');
    assert.throws(() => composePolicy({}, [{ url: '/x', methods: ['GET'], config: 'monitor' }]), /expected an object/);
  });

  test('an error about a collected route names the Fastify route, not its index in the composed policy', () => {
    const { policy, explain } = composePolicy({ routes: [{ path: '/items', methods: ['GET'] }] }, [{ url: '/items', methods: ['GET', 'POST'], config: { mode: 'monitor' } }]);
    let thrown: unknown;
    try {
      createFirewall(policy);
    } catch (error) {
      thrown = explain(error);
    }
    assert.ok(thrown instanceof FirewallError);
    assert.equal(thrown.path, 'config.portcullis');
    assert.match(thrown.message, /GET,POST \/items/);
  });

  test('errors in the policy\'s own routes keep their policy path', () => {
    const { policy, explain } = composePolicy({ routes: [{ path: '/a', limits: { bodyBytes: -1 } }] }, [{ url: '/b', methods: ['GET'], config: {} }]);
    let thrown: unknown;
    try {
      createFirewall(policy);
    } catch (error) {
      thrown = explain(error);
    }
    assert.ok(thrown instanceof FirewallError);
    assert.equal(thrown.path, 'routes[0].limits.bodyBytes');
  });
});
