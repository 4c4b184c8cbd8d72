/**
 * Decisions, modes and failure handling: enforce/monitor at policy, route and guard level (the most
 * specific wins), canary slices, guard failures and timeouts with `onError`, atomic `update()`,
 * setup failure, request limits, request ids, and telemetry that throws.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW, createFirewall, FirewallError, type Policy, type Telemetry } from '../src/index.js';
import { decide, denyGuard, firewall, header, problem, raw, recordingTelemetry, request, testGuard } from './helpers.js';

describe('modes: the most specific setting wins', () => {
  const denyAdmin = (mode?: 'enforce' | 'monitor') => denyGuard({ id: 'deny-admin', ...(mode === undefined ? {} : { mode }) });

  it('enforce (default): a denial is acted on with a rendered response', async () => {
    const decision = await decide({ guards: [denyAdmin()] });
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.enforced, true);
    assert.equal(decision.mode, 'enforce');
    assert.equal(decision.guard, 'deny-admin');
    assert.equal(decision.code, 'access_denied');
    assert.equal(decision.status, 403);
    assert.equal(decision.response?.status, 403);
    assert.equal(decision.complete, true);
  });

  it('policy monitor: reported, not enforced, no response; later guards still run', async () => {
    let ranAfter = false;
    const after = testGuard({
      id: 'after',
      evaluate() {
        ranAfter = true;
        return ALLOW;
      },
    });
    const decision = await decide({ mode: 'monitor', guards: [denyAdmin(), after] });
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.enforced, false);
    assert.equal(decision.mode, 'monitor');
    assert.equal(decision.response, undefined);
    assert.equal(decision.guard, 'deny-admin');
    assert.equal(decision.code, 'access_denied');
    assert.equal(ranAfter, true);
    assert.equal(decision.results.find((r) => r.guard === 'deny-admin')?.mode, 'monitor');
  });

  it('the first monitored denial is reported when several guards would deny', async () => {
    const decision = await decide({ mode: 'monitor', guards: [denyGuard({ id: 'first' }), denyGuard({ id: 'second' })] });
    assert.equal(decision.guard, 'first');
    assert.deepEqual(
      decision.results.filter((r) => r.outcome === 'deny').map((r) => r.guard),
      ['first', 'second'],
    );
  });

  it('a route mode overrides the policy mode', async () => {
    const policy: Policy = {
      mode: 'monitor',
      routes: [
        { path: '/strict', mode: 'enforce', guards: [denyAdmin()] },
        { path: '/loose', guards: [denyAdmin()] },
      ],
    };
    const fw = await firewall(policy);
    const strict = await fw.decide(request({ target: '/strict' }));
    assert.equal(strict.enforced, true);
    assert.equal(strict.mode, 'enforce');
    const loose = await fw.decide(request({ target: '/loose' }));
    assert.equal(loose.enforced, false);
    const enforcedPolicy = await firewall({ routes: [{ path: '/trial', mode: 'monitor', guards: [denyAdmin()] }] });
    const trial = await enforcedPolicy.decide(request({ target: '/trial' }));
    assert.equal(trial.enforced, false);
    assert.equal(trial.mode, 'monitor');
  });

  it("a guard's own mode overrides the route and the policy", async () => {
    const monitoredGuard = await decide({ routes: [{ path: '/', mode: 'enforce', guards: [denyAdmin('monitor')] }] });
    assert.equal(monitoredGuard.outcome, 'deny');
    assert.equal(monitoredGuard.enforced, false);
    const enforcedGuard = await decide({ mode: 'monitor', routes: [{ path: '/', mode: 'monitor', guards: [denyAdmin('enforce')] }] });
    assert.equal(enforcedGuard.enforced, true);
    assert.equal(enforcedGuard.response?.status, 403);
    const builtIn = await decide({ ipFilter: { deny: ['203.0.113.0/24'], mode: 'monitor' } });
    assert.equal(builtIn.code, 'ip_denied');
    assert.equal(builtIn.enforced, false);
  });

  it('an enforced denial after a monitored one decides', async () => {
    const decision = await decide({ guards: [denyGuard({ id: 'watch', mode: 'monitor' }), denyGuard({ id: 'block' })] });
    assert.equal(decision.enforced, true);
    assert.equal(decision.guard, 'block');
  });

  it('a guard sees the mode it runs in', async () => {
    const seen: string[] = [];
    const spy = (id: string, mode?: 'enforce' | 'monitor') =>
      testGuard({
        id,
        ...(mode === undefined ? {} : { mode }),
        evaluate(_request, context) {
          seen.push(`${id}:${context.mode}`);
          return ALLOW;
        },
      });
    await decide({ mode: 'monitor', guards: [spy('a'), spy('b', 'enforce')] });
    assert.deepEqual(seen, ['a:monitor', 'b:enforce']);
  });

  it('in monitor mode a CORS preflight is not answered (the application answers it)', async () => {
    const cors = { origins: ['https://app.example'] };
    const init = { method: 'OPTIONS', target: '/x', headers: raw(['origin', 'https://app.example'], ['access-control-request-method', 'POST']) };
    const enforced = await decide({ cors }, init);
    assert.equal(enforced.outcome, 'respond');
    assert.equal(enforced.response?.status, 204);
    const monitored = await decide({ cors, mode: 'monitor' }, init);
    assert.equal(monitored.response, undefined);
    assert.notEqual(monitored.outcome, 'deny');
  });
});

describe('canary', () => {
  const guards = [denyGuard({ id: 'new-rule' })];

  it('0% enforces nothing, 100% enforces everything', async () => {
    const none = await firewall({ canary: { percent: 0 }, guards });
    const all = await firewall({ canary: { percent: 100 }, guards });
    for (let i = 0; i < 50; i++) {
      const remoteAddress = `198.51.100.${i}`;
      const outside = await none.decide(request({ remoteAddress }));
      assert.equal(outside.inCanary, false);
      assert.equal(outside.enforced, false);
      assert.equal(outside.mode, 'monitor');
      assert.equal(outside.code, 'access_denied', 'still reported');
      const inside = await all.decide(request({ remoteAddress }));
      assert.equal(inside.inCanary, true);
      assert.equal(inside.enforced, true);
    }
    const noCanary = await decide({ guards });
    assert.equal(noCanary.inCanary, undefined);
  });

  it('is deterministic for a key: the same header value always lands on the same side', async () => {
    const fw = await firewall({ canary: { percent: 50, key: { header: 'X-Tenant' } }, guards });
    for (let i = 0; i < 40; i++) {
      const tenant = `tenant-${i}`;
      const first = await fw.decide(request({ headers: raw(['x-tenant', tenant]), remoteAddress: `10.0.0.${i}` }));
      for (let j = 0; j < 3; j++) {
        const again = await fw.decide(request({ headers: raw(['X-Tenant', tenant]), remoteAddress: `10.1.0.${j}`, target: `/p${j}` }));
        assert.equal(again.inCanary, first.inCanary, tenant);
        assert.equal(again.enforced, first.enforced);
      }
    }
    // A second firewall (another process, another instance) agrees.
    const other = await firewall({ canary: { percent: 50, key: { header: 'x-tenant' } }, guards });
    for (let i = 0; i < 40; i++) {
      const a = await fw.decide(request({ headers: raw(['x-tenant', `t${i}`]) }));
      const b = await other.decide(request({ headers: raw(['x-tenant', `t${i}`]) }));
      assert.equal(a.inCanary, b.inCanary);
    }
  });

  it('keys by client ip (default) and by path', async () => {
    const byIp = await firewall({ canary: { percent: 50 }, guards });
    const a = await byIp.decide(request({ remoteAddress: '192.0.2.77', target: '/a' }));
    const b = await byIp.decide(request({ remoteAddress: '192.0.2.77', target: '/b' }));
    assert.equal(a.inCanary, b.inCanary);
    const byPath = await firewall({ canary: { percent: 50, key: 'path' }, guards });
    for (let i = 0; i < 20; i++) {
      const x = await byPath.decide(request({ remoteAddress: `192.0.2.${i}`, target: `/p/${i % 4}` }));
      const y = await byPath.decide(request({ remoteAddress: `198.51.100.${i}`, target: `/p/${i % 4}` }));
      assert.equal(x.inCanary, y.inCanary);
    }
  });

  it('enforces on roughly the configured share of 10,000 distinct keys', async () => {
    for (const percent of [10, 30, 75]) {
      const fw = await firewall({ canary: { percent, key: { header: 'x-user' } }, guards });
      let inside = 0;
      for (let i = 0; i < 10_000; i++) {
        const decision = await fw.decide(request({ headers: raw(['x-user', `user-${i}@example.com`]) }));
        if (decision.inCanary === true) {
          inside++;
          assert.equal(decision.enforced, true);
        } else assert.equal(decision.enforced, false);
      }
      const expected = percent * 100;
      // A wide band: this checks the slice is proportional, not the hash's exact uniformity.
      assert.ok(Math.abs(inside - expected) < 600, `${percent}%: ${inside} of 10,000 keys in the slice`);
    }
  });
});

describe('failure modes', () => {
  const throwing = (onError: 'deny' | 'allow') =>
    testGuard({
      id: 'flaky',
      onError,
      evaluate() {
        throw new Error('secret token abc123 in the message');
      },
    });
  const hanging = (onError: 'deny' | 'allow') =>
    testGuard({
      id: 'slow',
      onError,
      timeoutMs: 20,
      evaluate: () => new Promise(() => undefined),
    });

  it('a throwing guard with onError deny fails closed with 503 guard_unavailable, and is reported', async () => {
    const telemetry = recordingTelemetry();
    const decision = await decide({ guards: [throwing('deny')], telemetry });
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.status, 503);
    assert.equal(decision.code, 'guard_unavailable');
    assert.equal(decision.guard, 'flaky');
    const result = decision.results.find((r) => r.guard === 'flaky');
    assert.equal(result?.outcome, 'error');
    assert.equal(result?.error, 'ERR_GUARD_FAILED');
    assert.equal(result?.failureMode, 'deny');
    assert.equal(problem(decision)['code'], 'guard_unavailable');
    assert.doesNotMatch(decision.response?.body ?? '', /abc123|secret/);
    const diagnostic = telemetry.diagnostics.find((d) => d.code === 'PC_GUARD_FAILED');
    assert.equal(diagnostic?.guard, 'flaky');
    assert.equal(diagnostic?.severity, 'error');
    assert.doesNotMatch(diagnostic?.message ?? '', /abc123/, 'the error message may carry request data: only its class is reported');
    assert.equal(telemetry.decisions.length, 1);
  });

  it('a throwing guard with onError allow lets the request through, still reported', async () => {
    const telemetry = recordingTelemetry();
    const decision = await decide({ guards: [throwing('allow')], telemetry });
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.response, undefined);
    const result = decision.results.find((r) => r.guard === 'flaky');
    assert.equal(result?.outcome, 'error');
    assert.equal(result?.failureMode, 'allow');
    assert.equal(telemetry.diagnostics.filter((d) => d.code === 'PC_GUARD_FAILED').length, 1);
  });

  it('a rejecting asynchronous guard is handled like a throwing one', async () => {
    const rejecting = testGuard({ id: 'rejects', evaluate: () => Promise.reject(new TypeError('x')) });
    const decision = await decide({ guards: [rejecting] });
    assert.equal(decision.code, 'guard_unavailable');
    assert.equal(decision.results.find((r) => r.guard === 'rejects')?.error, 'ERR_GUARD_FAILED');
  });

  it('a guard past its timeoutMs is an error outcome (ERR_GUARD_TIMEOUT) handled by onError', async () => {
    const telemetry = recordingTelemetry();
    const denied = await decide({ guards: [hanging('deny')], telemetry });
    assert.equal(denied.status, 503);
    assert.equal(denied.code, 'guard_unavailable');
    assert.equal(denied.results.find((r) => r.guard === 'slow')?.error, 'ERR_GUARD_TIMEOUT');
    assert.equal(telemetry.diagnostics.find((d) => d.code === 'PC_GUARD_TIMEOUT')?.guard, 'slow');
    const allowed = await decide({ guards: [hanging('allow')] });
    assert.equal(allowed.outcome, 'allow');
    assert.equal(allowed.results.find((r) => r.guard === 'slow')?.error, 'ERR_GUARD_TIMEOUT');
  });

  it('the policy guardTimeoutMs bounds guards without their own timeout', async () => {
    const slow = testGuard({ id: 'slow', evaluate: () => new Promise(() => undefined) });
    const decision = await decide({ guardTimeoutMs: 20, guards: [slow] });
    assert.equal(decision.results.find((r) => r.guard === 'slow')?.error, 'ERR_GUARD_TIMEOUT');
  });

  it('a guard that settles after its timeout causes no unhandled rejection', async () => {
    const late = testGuard({ id: 'late', timeoutMs: 5, evaluate: () => new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 30)) });
    const decision = await decide({ guards: [late] });
    assert.equal(decision.code, 'guard_unavailable');
    // The runner fails this test file on an unhandled rejection; give the late rejection time to land.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('reports an operational failure at most once per interval, but records it on every decision', async () => {
    const telemetry = recordingTelemetry();
    let now = 1_000_000;
    const fw = await firewall({ guards: [throwing('deny')], telemetry, clock: () => now });
    for (let i = 0; i < 5; i++) assert.equal((await fw.decide(request())).code, 'guard_unavailable');
    assert.equal(telemetry.diagnostics.filter((d) => d.code === 'PC_GUARD_FAILED').length, 1);
    now += 9_999;
    await fw.decide(request());
    assert.equal(telemetry.diagnostics.filter((d) => d.code === 'PC_GUARD_FAILED').length, 1);
    now += 1;
    await fw.decide(request());
    assert.equal(telemetry.diagnostics.filter((d) => d.code === 'PC_GUARD_FAILED').length, 2, 'reported again after the interval');
  });

  it('a monitored failing guard does not block', async () => {
    const decision = await decide({ mode: 'monitor', guards: [throwing('deny')] });
    assert.equal(decision.response, undefined);
    assert.equal(decision.enforced, false);
    assert.equal(decision.code, 'guard_unavailable');
  });
});

describe('setup: ready() and update()', () => {
  const failingSetup = (message = 'JWKS unreachable') =>
    testGuard({
      id: 'needs-setup',
      ready: () => Promise.reject(new Error(message)),
      evaluate: () => ALLOW,
    });

  it('ready() failure rejects with ERR_SETUP_FAILED and requests fail closed with 503', async () => {
    const fw = createFirewall({ guards: [failingSetup()] });
    await assert.rejects(fw.ready(), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_SETUP_FAILED' && /needs-setup/.test(error.message));
    for (let i = 0; i < 2; i++) {
      const decision = await fw.decide(request());
      assert.equal(decision.status, 503);
      assert.equal(decision.code, 'guard_unavailable');
      assert.equal(decision.enforced, true);
    }
  });

  it('decide() without ready() waits for setup, and fails closed if setup fails', async () => {
    let readied = false;
    const ok = createFirewall({
      guards: [
        testGuard({
          ready: async () => {
            readied = true;
          },
          evaluate: () => ALLOW,
        }),
      ],
    });
    assert.equal((await ok.decide(request())).outcome, 'allow');
    assert.equal(readied, true);
    const broken = createFirewall({ guards: [failingSetup()] });
    const decision = await broken.decide(request());
    assert.equal(decision.code, 'guard_unavailable');
    await assert.rejects(broken.ready());
  });

  it('fails closed even when the policy is in monitor mode', async () => {
    const fw = createFirewall({ mode: 'monitor', guards: [failingSetup()] });
    await assert.rejects(fw.ready());
    const decision = await fw.decide(request());
    assert.equal(decision.status, 503);
    assert.ok(decision.response !== undefined);
  });

  it('update() swaps atomically to a valid policy', async () => {
    const fw = await firewall({ version: 'v1' });
    assert.equal((await fw.decide(request())).outcome, 'allow');
    await fw.update({ version: 'v2', guards: [denyGuard()] });
    assert.equal(fw.policyVersion, 'v2');
    const decision = await fw.decide(request());
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.policyVersion, 'v2');
  });

  it('update() with an invalid policy throws and keeps the running policy', async () => {
    const fw = await firewall({ version: 'v1', guards: [denyGuard()] });
    await assert.rejects(fw.update({ version: 'v2', limits: { bodyBytes: -5 } }), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_POLICY_INVALID' && error.path === 'limits.bodyBytes');
    assert.equal(fw.policyVersion, 'v1');
    const decision = await fw.decide(request());
    assert.equal(decision.policyVersion, 'v1');
    assert.equal(decision.code, 'access_denied', 'the old guards still run');
  });

  it("update() whose new guard's ready() rejects throws and keeps the running policy", async () => {
    const fw = await firewall({ version: 'v1' });
    await assert.rejects(fw.update({ version: 'v2', guards: [failingSetup()] }), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_SETUP_FAILED');
    assert.equal(fw.policyVersion, 'v1');
    assert.equal((await fw.decide(request())).outcome, 'allow', 'not failing closed: the old policy is still ready');
  });

  it('a guard whose ready() throws a FirewallError keeps that error', async () => {
    const fw = createFirewall({
      guards: [
        testGuard({
          ready: () => Promise.reject(new FirewallError('ERR_STORE_UNAVAILABLE', 'store down')),
          evaluate: () => ALLOW,
        }),
      ],
    });
    await assert.rejects(fw.ready(), (error: unknown) => error instanceof FirewallError && error.code === 'ERR_STORE_UNAVAILABLE');
  });

  it('update() after a failed setup recovers', async () => {
    const fw = createFirewall({ guards: [failingSetup()] });
    await assert.rejects(fw.ready());
    await fw.update({ version: 'fixed' });
    const decision = await fw.decide(request());
    assert.equal(decision.outcome, 'allow');
    assert.equal(decision.policyVersion, 'fixed');
  });

  it('ready() is idempotent and close() closes guards', async () => {
    let readyCalls = 0;
    let closed = 0;
    const fw = createFirewall({
      guards: [
        testGuard({
          ready: async () => void readyCalls++,
          close: async () => void closed++,
          evaluate: () => ALLOW,
        }),
      ],
    });
    await Promise.all([fw.ready(), fw.ready()]);
    await fw.ready();
    assert.equal(readyCalls, 1);
    await fw.close();
    assert.equal(closed, 1);
  });
});

describe('telemetry', () => {
  it('a telemetry sink that throws never breaks decide()', async () => {
    const broken: Telemetry = {
      onDecision() {
        throw new Error('exporter down');
      },
      onDiagnostic() {
        throw new Error('exporter down');
      },
    };
    const good = recordingTelemetry();
    const fw = await firewall({ telemetry: [broken, good], guards: [testGuard({ evaluate: () => { throw new Error('x'); } })] });
    const decision = await fw.decide(request({ headers: raw(['x-forwarded-for', '1.2.3.4']) }));
    assert.equal(decision.code, 'guard_unavailable');
    assert.equal(good.decisions.length, 1, 'the other sink still got the decision');
    assert.ok(good.diagnostics.length >= 2, 'and the diagnostics');
    const alone = await firewall({ telemetry: broken, events: { sink: () => { throw new Error('log down'); }, include: 'all' } });
    assert.equal((await alone.decide(request())).outcome, 'allow');
  });

  it('every decision is reported once, in every mode, with its timings', async () => {
    const telemetry = recordingTelemetry();
    const fw = await firewall({ telemetry, mode: 'monitor', guards: [denyGuard()], routes: [{ path: '/in', methods: ['POST'] }] });
    await fw.decide(request());
    await fw.decide(request({ method: 'POST', target: '/in', headers: raw(['content-type', 'application/json'], ['content-length', '2']), body: { kind: 'read', result: { kind: 'ok', bytes: new TextEncoder().encode('{}') } } }));
    assert.equal(telemetry.decisions.length, 2);
    for (const decision of telemetry.decisions) {
      assert.equal(decision.complete, true);
      assert.equal(typeof decision.durationMs, 'number');
      assert.ok(decision.durationMs >= 0);
    }
  });

  it('with timings "all" every guard result has a duration', async () => {
    const decision = await decide({ timings: 'all', guards: [testGuard({ evaluate: () => ALLOW })] });
    assert.ok(decision.results.length > 0);
    for (const result of decision.results) assert.equal(typeof result.durationMs, 'number', result.guard);
  });
});

describe('request handling never throws for request input', () => {
  it('tolerates odd adapter input and refuses it as data', async () => {
    const fw = await firewall({ routes: [{ path: '/a', methods: ['GET'] }] });
    const odd = [
      request({ method: '', target: '' }),
      request({ method: 'GET', target: '\u0000' }),
      request({ method: 'G E T', target: '/a' }),
      request({ method: undefined as unknown as string, target: undefined as unknown as string }),
      request({ headers: [['X-Pair', 'v'] as const, ['x-pair', 'w'] as const] }),
      request({ headers: ['dangling'] }),
      request({ remoteAddress: '::::' }),
      request({ target: '/' + 'a/'.repeat(5000) }),
      request({ target: '/a?' + '&'.repeat(10_000) }),
    ];
    for (const init of odd) {
      const decision = await fw.decide(init);
      assert.ok(['allow', 'deny'].includes(decision.outcome));
      if (decision.response !== undefined) assert.ok(decision.response.status < 500, `status ${decision.response.status}`);
    }
  });
});

describe('request limits', () => {
  it('refuses over-long targets, too many query parameters, headers and header bytes', async () => {
    const fw = await firewall({ limits: { urlLength: 50, queryParams: 3, headerCount: 4, headerBytes: 100 } });
    assert.equal((await fw.decide(request({ target: '/' + 'a'.repeat(50) }))).code, 'url_too_long');
    assert.equal((await fw.decide(request({ target: '/' + 'a'.repeat(49) }))).outcome, 'allow');
    assert.equal((await fw.decide(request({ target: '/?a=1&b=2&c=3&d=4' }))).code, 'too_many_query_params');
    assert.equal((await fw.decide(request({ target: '/?a=1&b=2&&c=3&' }))).outcome, 'allow', 'empty pairs do not count');
    const five = raw(['a', '1'], ['b', '1'], ['c', '1'], ['d', '1'], ['e', '1']);
    const tooMany = await fw.decide(request({ headers: five }));
    assert.equal(tooMany.code, 'too_many_headers');
    assert.equal(tooMany.status, 431);
    assert.equal((await fw.decide(request({ headers: raw(['x', 'v'.repeat(100)]) }))).code, 'header_too_large');
    assert.equal((await fw.decide(request({ target: '/' + 'a'.repeat(50) }))).status, 414);
  });
});

describe('method override', () => {
  it('refuses override headers and the _method parameter by default, and allows them when asked', async () => {
    for (const init of [{ headers: raw(['X-HTTP-Method-Override', 'DELETE']) }, { headers: raw(['x-http-method', 'PUT']) }, { headers: raw(['x-method-override', 'PATCH']) }, { target: '/?_method=DELETE' }]) {
      const decision = await decide({}, init);
      assert.equal(decision.code, 'method_override_refused');
      assert.equal(decision.status, 400);
      assert.equal((await decide({ methodOverride: 'allow' }, init)).outcome, 'allow');
    }
  });
});

describe('request id', () => {
  it('generates an id, returns it on every answer, and trusts an incoming one only when asked and well formed', async () => {
    const generated = await decide({});
    assert.match(generated.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(header(generated.responseHeaders, 'x-request-id'), generated.requestId);
    const denied = await decide({ guards: [denyGuard()] });
    assert.equal(header(denied.response?.headers, 'x-request-id'), denied.requestId);
    assert.equal(problem(denied)['requestId'], denied.requestId);

    const incoming = raw(['X-Request-Id', 'abc-123']);
    assert.notEqual((await decide({}, { headers: incoming })).requestId, 'abc-123', 'not trusted by default');
    assert.equal((await decide({ requestId: { trustIncoming: true } }, { headers: incoming })).requestId, 'abc-123');
    const bad = await decide({ requestId: { trustIncoming: true } }, { headers: raw(['x-request-id', 'a b<script>']) });
    assert.notEqual(bad.requestId, 'a b<script>');
    assert.equal(bad.outcome, 'allow', 'a malformed incoming id is replaced, not refused');
    const custom = await decide({ requestId: { header: 'X-Correlation-Id', trustIncoming: true } }, { headers: raw(['x-correlation-id', 'corr.1']) });
    assert.equal(custom.requestId, 'corr.1');
    assert.equal(header(custom.responseHeaders, 'x-correlation-id'), 'corr.1');
  });
});
