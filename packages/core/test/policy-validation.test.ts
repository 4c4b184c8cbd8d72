/**
 * createFirewall validates the whole policy synchronously: a bad value throws a FirewallError with
 * code ERR_POLICY_INVALID whose `path` (and message) names the exact field, and a value that is
 * present but wrong never falls back to a default.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, FirewallError, isFirewallError, MemoryStore, noopTelemetry, PolicyError, type Policy } from '../src/index.js';
import { testGuard, denyGuard } from './helpers.js';
import { ALLOW, defineGuard } from '../src/index.js';

const noop = (): void => undefined;

/** [description, policy, expected path]. The policy is typed loosely on purpose: these are mistakes. */
const BAD: ReadonlyArray<readonly [string, unknown, string]> = [
  ['policy is not an object', null, ''],
  ['policy is an array', [], ''],
  ['unknown top-level key (typo)', { limts: {} }, 'limts'],
  ['mode not in the enum', { mode: 'block' }, 'mode'],
  ['mode null is not a default', { mode: null }, 'mode'],
  ['version empty', { version: '' }, 'version'],
  ['version a number', { version: 2 }, 'version'],
  ['canary percent above 100', { canary: { percent: 101 } }, 'canary.percent'],
  ['canary percent negative', { canary: { percent: -1 } }, 'canary.percent'],
  ['canary percent a string', { canary: { percent: '50' } }, 'canary.percent'],
  ['canary percent NaN', { canary: { percent: Number.NaN } }, 'canary.percent'],
  ['canary percent missing', { canary: {} }, 'canary.percent'],
  ['canary unknown key', { canary: { percent: 5, keyy: 'ip' } }, 'canary.keyy'],
  ['canary key header empty', { canary: { percent: 5, key: { header: '' } } }, 'canary.key.header'],
  ['canary key unknown string', { canary: { percent: 5, key: 'cookie' } }, 'canary.key'],
  ['proxy.trusted not an address', { proxy: { trusted: ['not-an-ip'] } }, 'proxy.trusted[0]'],
  ['proxy.trusted second entry with a bad prefix', { proxy: { trusted: ['10.0.0.0/8', '10.0.0.0/33'] } }, 'proxy.trusted[1]'],
  ['proxy.trusted not an array', { proxy: { trusted: '10.0.0.1' } }, 'proxy.trusted'],
  ['proxy.trusted missing', { proxy: {} }, 'proxy.trusted'],
  ['proxy.header unknown', { proxy: { trusted: [], header: 'x-real-ip' } }, 'proxy.header'],
  ['paths.strictCanonical not a boolean', { paths: { strictCanonical: 'yes' } }, 'paths.strictCanonical'],
  ['paths unknown key', { paths: { caseSensitve: true } }, 'paths.caseSensitve'],
  ['requestId.header not a header name', { requestId: { header: 'Bad Header' } }, 'requestId.header'],
  ['requestId.trustIncoming not a boolean', { requestId: { trustIncoming: 1 } }, 'requestId.trustIncoming'],
  ['exposeDetails not a boolean', { exposeDetails: 'true' }, 'exposeDetails'],
  ['limits.bodyBytes negative', { limits: { bodyBytes: -1 } }, 'limits.bodyBytes'],
  ['limits.bodyBytes zero', { limits: { bodyBytes: 0 } }, 'limits.bodyBytes'],
  ['limits.bodyBytes fractional', { limits: { bodyBytes: 1.5 } }, 'limits.bodyBytes'],
  ['limits.bodyBytes a string', { limits: { bodyBytes: '1mb' } }, 'limits.bodyBytes'],
  ['limits.bodyBytes Infinity', { limits: { bodyBytes: Number.POSITIVE_INFINITY } }, 'limits.bodyBytes'],
  ['limits.bodyBytes null', { limits: { bodyBytes: null } }, 'limits.bodyBytes'],
  ['limits.bodyBytes above its maximum', { limits: { bodyBytes: 2 ** 40 } }, 'limits.bodyBytes'],
  ['limits unknown key', { limits: { bodySize: 10 } }, 'limits.bodySize'],
  ['limits.mode unknown', { limits: { mode: 'audit' } }, 'limits.mode'],
  ['limits not an object', { limits: 100 }, 'limits'],
  ['body.strictUtf8 not a boolean', { body: { strictUtf8: 0 } }, 'body.strictUtf8'],
  ['body unknown key', { body: { maxBytes: 1 } }, 'body.maxBytes'],
  ['ipFilter empty', { ipFilter: {} }, 'ipFilter'],
  ['ipFilter.allow bad entry', { ipFilter: { allow: ['10.0.0.0/8', '10.0.0.300'] } }, 'ipFilter.allow[1]'],
  ['ipFilter.unknownClient unknown', { ipFilter: { deny: [], unknownClient: 'maybe' } }, 'ipFilter.unknownClient'],
  ['ipFilter typo', { ipFilter: { alow: ['10.0.0.0/8'] } }, 'ipFilter.alow'],
  ['cors.credentials with origins "*"', { cors: { origins: '*', credentials: true } }, 'cors.credentials'],
  ['cors.credentials not a boolean', { cors: { origins: ['https://a.example'], credentials: 'yes' } }, 'cors.credentials'],
  ['cors.origins missing', { cors: {} }, 'cors.origins'],
  ['cors.origins empty', { cors: { origins: [] } }, 'cors.origins'],
  ['cors.origins with a path', { cors: { origins: ['https://a.example/'] } }, 'cors.origins[0]'],
  ['cors.origins with another scheme', { cors: { origins: ['https://a.example', 'ftp://b.example'] } }, 'cors.origins[1]'],
  ['cors.methods bad token', { cors: { origins: '*', methods: ['GET', 'PO ST'] } }, 'cors.methods[1]'],
  ['cors.allowHeaders bad token', { cors: { origins: '*', allowHeaders: ['x:y'] } }, 'cors.allowHeaders[0]'],
  ['cors.maxAgeSeconds negative', { cors: { origins: '*', maxAgeSeconds: -1 } }, 'cors.maxAgeSeconds'],
  ['cors.unknownOrigin unknown', { cors: { origins: '*', unknownOrigin: 'block' } }, 'cors.unknownOrigin'],
  ['securityHeaders.frameOptions unknown', { securityHeaders: { frameOptions: 'ALLOW-FROM x' } }, 'securityHeaders.frameOptions'],
  ['securityHeaders.strictTransportSecurity.maxAgeSeconds negative', { securityHeaders: { strictTransportSecurity: { maxAgeSeconds: -1 } } }, 'securityHeaders.strictTransportSecurity.maxAgeSeconds'],
  ['securityHeaders.contentSecurityPolicy with a newline', { securityHeaders: { contentSecurityPolicy: "default-src 'none'\r\nx: y" } }, 'securityHeaders.contentSecurityPolicy'],
  ['securityHeaders null is not the defaults', { securityHeaders: null }, 'securityHeaders'],
  ['securityHeaders true is not the defaults', { securityHeaders: true }, 'securityHeaders'],
  ['methodOverride unknown', { methodOverride: 'ignore' }, 'methodOverride'],
  ['unmatchedRoutes unknown', { unmatchedRoutes: 'block' }, 'unmatchedRoutes'],
  ['routes not an array', { routes: {} }, 'routes'],
  ['routes entry not an object', { routes: [{ path: '/a' }, '/b'] }, 'routes[1]'],
  ['route path missing', { routes: [{ methods: ['GET'] }] }, 'routes[0].path'],
  ['route method with a space', { routes: [{ path: '/a' }, { path: '/b', methods: ['GET', 'BAD METHOD'] }] }, 'routes[1].methods[1]'],
  ['route method not a string', { routes: [{ path: '/a' }, { path: '/b', methods: [42] }] }, 'routes[1].methods[0]'],
  ['route methods empty', { routes: [{ path: '/a', methods: [] }] }, 'routes[0].methods'],
  ['route unknown key', { routes: [{ path: '/a', method: ['GET'] }] }, 'routes[0].method'],
  ['route mode unknown', { routes: [{ path: '/a', mode: 'off' }] }, 'routes[0].mode'],
  ['route limits bad value', { routes: [{ path: '/a' }, { path: '/b', limits: { jsonDepth: 0 } }] }, 'routes[1].limits.jsonDepth'],
  ['route limits do not take a mode', { routes: [{ path: '/a', limits: { mode: 'monitor' } }] }, 'routes[0].limits.mode'],
  ['route cors bad origin', { routes: [{ path: '/a', cors: { origins: ['a.example'] } }] }, 'routes[0].cors.origins[0]'],
  ['route cors true is not an option', { routes: [{ path: '/a', cors: true }] }, 'routes[0].cors'],
  ['route ipFilter bad entry', { routes: [{ path: '/a', ipFilter: { deny: ['x'] } }] }, 'routes[0].ipFilter.deny[0]'],
  ['route guards entry not a guard', { routes: [{ path: '/a', guards: [{ evaluate: noop }] }] }, 'routes[0].guards[0]'],
  ['guards not an array', { guards: {} }, 'guards'],
  ['guards entry not a guard', { guards: [denyGuard(), {}] }, 'guards[1]'],
  ['guardTimeoutMs zero', { guardTimeoutMs: 0 }, 'guardTimeoutMs'],
  ['guardTimeoutMs fractional', { guardTimeoutMs: 1.5 }, 'guardTimeoutMs'],
  ['store without the interface', { store: { get: noop } }, 'store'],
  ['telemetry without onDiagnostic', { telemetry: { onDecision: noop } }, 'telemetry'],
  ['telemetry list with a bad entry', { telemetry: [noopTelemetry, {}] }, 'telemetry[1]'],
  ['events.sink not a function or logger', { events: { sink: 1 } }, 'events.sink'],
  ['events.sink logger without error()', { events: { sink: { info: noop, warn: noop } } }, 'events.sink'],
  ['events.include unknown', { events: { sink: noop, include: 'some' } }, 'events.include'],
  ['events.includePath not a boolean', { events: { sink: noop, includePath: 'yes' } }, 'events.includePath'],
  ['clock not a function', { clock: 0 }, 'clock'],
  ['timings unknown', { timings: 'some' }, 'timings'],
];

describe('policy validation', () => {
  for (const [description, policy, path] of BAD) {
    it(`refuses: ${description} -> ${path === '' ? '(root)' : path}`, () => {
      let thrown: unknown;
      try {
        createFirewall(policy as Policy);
      } catch (error) {
        thrown = error;
      }
      assert.ok(thrown !== undefined, 'createFirewall must throw');
      assert.ok(isFirewallError(thrown), `expected a FirewallError, got ${String(thrown)}`);
      assert.ok(thrown instanceof PolicyError || thrown.code === 'ERR_POLICY_INVALID');
      assert.equal(thrown.code, 'ERR_POLICY_INVALID');
      assert.equal(thrown.path, path);
      assert.equal(thrown.name, 'FirewallError');
      if (path !== '') assert.ok(thrown.message.startsWith(`ERR_POLICY_INVALID: ${path}: `), thrown.message);
      else assert.ok(thrown.message.startsWith('ERR_POLICY_INVALID: expected'), thrown.message);
    });
  }

  it('names the guard path when a guard factory throws while compiling', () => {
    const broken = defineGuard('broken', () => {
      throw new TypeError('bad option "x"');
    });
    assert.throws(
      () => createFirewall({ routes: [{ path: '/a' }, { path: '/b', guards: [testGuard({ evaluate: () => ALLOW }), broken] }] }),
      (error: unknown) => isFirewallError(error) && error.code === 'ERR_POLICY_INVALID' && error.path === 'routes[1].guards[1]' && /bad option "x"/.test(error.message) && error.cause instanceof TypeError,
    );
    const own = defineGuard('own', (context) => {
      throw new PolicyError(`${context.path}.limit`, 'expected a positive integer');
    });
    assert.throws(
      () => createFirewall({ guards: [own] }),
      (error: unknown) => isFirewallError(error) && error.path === 'guards[0].limit',
    );
    const phase = defineGuard('phased', () => ({ ...Object.freeze({ id: 'p', kind: 'p', phase: 'late' as never, mode: undefined, onError: 'deny' as const, timeoutMs: undefined, evaluate: () => ALLOW }) }));
    assert.throws(
      () => createFirewall({ guards: [phase] }),
      (error: unknown) => isFirewallError(error) && error.path === 'guards[0]' && /phase/.test(error.message),
    );
  });

  it('compiles a complete, valid policy', async () => {
    const policy: Policy = {
      version: '2024-06-01',
      mode: 'enforce',
      canary: { percent: 12.5, key: { header: 'X-Tenant' } },
      proxy: { trusted: ['10.0.0.0/8', '::1'], header: 'forwarded' },
      paths: { strictCanonical: true, caseSensitive: false },
      requestId: { header: 'X-Correlation-Id', trustIncoming: true },
      exposeDetails: false,
      limits: { urlLength: 4096, queryParams: 50, headerCount: 60, headerBytes: 8192, bodyBytes: 65536, jsonDepth: 20, jsonKeys: 1000, jsonArrayLength: 1000, bodyTimeoutMs: 5000 },
      body: { strictUtf8: true, rejectDuplicateKeys: true },
      ipFilter: { deny: ['192.0.2.0/24'], unknownClient: 'allow' },
      cors: { origins: ['https://app.example.com', 'https://*.example.org'], methods: ['GET', 'POST'], allowHeaders: ['Content-Type'], exposeHeaders: ['X-Total'], credentials: true, maxAgeSeconds: 60, unknownOrigin: 'deny' },
      securityHeaders: { contentSecurityPolicy: false, strictTransportSecurity: { maxAgeSeconds: 600, includeSubDomains: false, preload: false }, frameOptions: 'SAMEORIGIN', removeHeaders: ['x-powered-by', 'server'] },
      methodOverride: 'allow',
      routes: [
        { path: '/', methods: ['GET'] },
        { path: '/users/:id', methods: ['GET', 'PATCH'], id: 'user', mode: 'monitor', limits: { bodyBytes: 1024 }, ipFilter: { allow: ['10.0.0.0/8'] }, cors: false, guards: [testGuard({ evaluate: () => ALLOW })] },
        { path: '/files/*' },
      ],
      unmatchedRoutes: 'deny',
      guards: [testGuard({ id: 'global', evaluate: () => ALLOW })],
      guardTimeoutMs: 500,
      store: new MemoryStore({ maxKeys: 10 }),
      telemetry: [noopTelemetry],
      events: { sink: noop, include: 'all', includePath: true, includeClientIp: false },
      timings: 'all',
      clock: () => 1_700_000_000_000,
    };
    const fw = createFirewall(policy);
    await fw.ready();
    assert.equal(fw.policyVersion, '2024-06-01');
    const decision = await fw.decide({ method: 'GET', target: '/', headers: [], remoteAddress: '10.0.0.1' });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.requestId.length > 0, true);
    await fw.close();
  });

  it('does not mutate or keep a reference that changes behaviour when the input changes later', async () => {
    const routes = [{ path: '/a', methods: ['GET'], id: 'a' }];
    const policy = { routes, unmatchedRoutes: 'deny' as const };
    const fw = createFirewall(policy);
    routes[0]!.path = '/b';
    const decision = await fw.decide({ method: 'GET', target: '/a', headers: [], remoteAddress: '10.0.0.1' });
    assert.equal(decision.route?.id, 'a');
  });

  it('FirewallError keeps code, path and cause; isFirewallError recognizes it', () => {
    const cause = new Error('inner');
    const error = new FirewallError('ERR_SETUP_FAILED', 'guard "x" failed', { cause });
    assert.equal(error.code, 'ERR_SETUP_FAILED');
    assert.equal(error.path, undefined);
    assert.equal(error.cause, cause);
    assert.equal(error.message, 'ERR_SETUP_FAILED: guard "x" failed');
    assert.ok(error instanceof Error);
    assert.equal(isFirewallError(error), true);
    assert.equal(isFirewallError(new Error('x')), false);
    assert.equal(isFirewallError({ code: 'ERR_POLICY_INVALID' }), false);
  });
});
