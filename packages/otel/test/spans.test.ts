import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, context, trace, type HrTime } from '@opentelemetry/api';
import { createFirewall, type Firewall, type Policy } from '@portcullis/core';
import { otelTelemetry, PORTCULLIS_SPANS, type OtelTelemetryOptions } from '../src/index.js';
import { AsyncLocalContextManager, createOtelSdk, type OtelSdk } from './support/otel-sdk.js';
import { ALLOWED_IP, DENIED_IP, annotatedDenial, basePolicy, identityGuard, request, throwingGuard } from './support/policy.js';

const hrMs = (t: HrTime): number => t[0] * 1e3 + t[1] / 1e6;

let sdk: OtelSdk;
let firewall: Firewall | undefined;

async function firewallWith(options: Omit<OtelTelemetryOptions, 'tracer' | 'meter'> = {}, policy: Partial<Policy> = {}): Promise<Firewall> {
  firewall = createFirewall(basePolicy({ ...policy, telemetry: otelTelemetry({ tracer: sdk.tracer, meter: sdk.meter, ...options }) }));
  await firewall.ready();
  return firewall;
}

describe('decision spans', () => {
  beforeEach(() => {
    sdk = createOtelSdk();
  });
  afterEach(async () => {
    await firewall?.close();
    firewall = undefined;
    await sdk.shutdown();
  });

  test('a denied request produces one INTERNAL portcullis.decision span with the decision attributes', async () => {
    const fw = await firewallWith();
    const decision = await fw.decide(request('/users/42', DENIED_IP));
    assert.equal(decision.outcome, 'deny');
    const spans = sdk.spans();
    assert.equal(spans.length, 1);
    const span = spans[0]!;
    assert.equal(span.name, 'portcullis.decision');
    assert.equal(span.kind, SpanKind.INTERNAL);
    assert.deepEqual(span.attributes, {
      'portcullis.outcome': 'deny',
      'portcullis.enforced': true,
      'portcullis.mode': 'enforce',
      'portcullis.guard': 'ip-filter',
      'portcullis.code': 'ip_denied',
      'portcullis.status': 403,
      'portcullis.policy_version': '7',
      'portcullis.route': 'get-user',
      'portcullis.request_id': decision.requestId,
    });
    // A denial is a normal outcome, not a span error.
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  test('an allowed request carries outcome allow and no guard, code or status', async () => {
    const fw = await firewallWith();
    await fw.decide(request('/health', ALLOWED_IP));
    const [span] = sdk.spans();
    assert.ok(span);
    assert.equal(span.attributes['portcullis.outcome'], 'allow');
    assert.equal(span.attributes['portcullis.enforced'], true);
    assert.equal(span.attributes['portcullis.route'], 'health');
    for (const key of ['portcullis.guard', 'portcullis.code', 'portcullis.status', 'portcullis.auth_method', 'portcullis.in_canary']) {
      assert.equal(key in span.attributes, false, key);
    }
  });

  for (const timings of ['all', 'async'] as const) {
    test(`span start and end are derived from decision.durationMs; guard events lie inside, in order (timings: ${timings})`, async () => {
      const fw = await firewallWith({}, { timings });
      const decision = await fw.decide(request('/users/42', DENIED_IP));
      const [span] = sdk.spans();
      assert.ok(span);
      const start = hrMs(span.startTime);
      const end = hrMs(span.endTime);
      // Derived, not measured: the span lasts exactly the decision's duration (to HrTime rounding).
      assert.ok(Math.abs(end - start - decision.durationMs) < 0.001, `${end - start} vs ${decision.durationMs}`);
      assert.ok(span.events.length > 0);
      let previous = start;
      for (const event of span.events) {
        const at = hrMs(event.time);
        assert.ok(Number.isFinite(at), 'a real timestamp');
        assert.ok(at >= previous - 0.001 && at <= end + 0.001, `event at ${at} outside [${previous}, ${end}]`);
        previous = at;
      }
    });
  }

  test('one span event per guard result, with guard, outcome, code and duration', async () => {
    const fw = await firewallWith({}, { timings: 'all' });
    const decision = await fw.decide(request('/users/42', DENIED_IP));
    const [span] = sdk.spans();
    assert.ok(span);
    assert.equal(span.events.length, decision.results.length);
    assert.ok(decision.results.length >= 2, 'the policy runs several guards before the ip filter decides');
    span.events.forEach((event, i) => {
      const result = decision.results[i]!;
      assert.equal(event.name, PORTCULLIS_SPANS.guardEvent);
      assert.equal(event.attributes?.['portcullis.guard'], result.guard);
      assert.equal(event.attributes?.['portcullis.outcome'], result.outcome);
      assert.equal(typeof result.durationMs, 'number', "timings: 'all' times every guard");
      assert.equal(event.attributes?.['portcullis.duration_ms'], result.durationMs);
    });
    const last = span.events.at(-1)!;
    assert.equal(last.attributes?.['portcullis.guard'], 'ip-filter');
    assert.equal(last.attributes?.['portcullis.outcome'], 'deny');
    assert.equal(last.attributes?.['portcullis.code'], 'ip_denied');
    assert.equal(last.attributes?.['portcullis.status'], 403);
  });

  test('untimed guard results have no duration attribute', async () => {
    const fw = await firewallWith({}, { timings: 'async' });
    const decision = await fw.decide(request('/users/42', DENIED_IP));
    const [span] = sdk.spans();
    assert.ok(span);
    const untimed = decision.results.filter((r) => r.durationMs === undefined);
    assert.ok(untimed.length > 0, 'synchronous guards are not timed by default');
    span.events.forEach((event, i) => {
      assert.equal('portcullis.duration_ms' in (event.attributes ?? {}), decision.results[i]!.durationMs !== undefined);
    });
  });

  test('guardEvents: false leaves the span without events', async () => {
    const fw = await firewallWith({ guardEvents: false });
    await fw.decide(request('/users/42', DENIED_IP));
    const [span] = sdk.spans();
    assert.ok(span);
    assert.deepEqual(span.events, []);
  });

  test("spans: 'denied' records denials and guard errors only", async () => {
    const fw = await firewallWith({ spans: 'denied' }, { guards: [throwingGuard()] });
    await fw.decide(request('/health', ALLOWED_IP));
    assert.equal(sdk.spans().length, 1, 'an allowed request with an erroring guard is recorded');
    assert.equal(sdk.spans()[0]!.status.code, SpanStatusCode.ERROR);
    await fw.decide(request('/users/42', DENIED_IP));
    assert.equal(sdk.spans().length, 2);
    assert.equal(sdk.spans()[1]!.attributes['portcullis.outcome'], 'deny');
  });

  test("spans: 'denied' skips plain allowed requests", async () => {
    const fw = await firewallWith({ spans: 'denied' });
    await fw.decide(request('/health', ALLOWED_IP));
    assert.equal(sdk.spans().length, 0);
    await fw.decide(request('/health', DENIED_IP));
    assert.equal(sdk.spans().length, 1);
  });

  test("spans: 'none' records no span but still counts the decision", async () => {
    const fw = await firewallWith({ spans: 'none' });
    await fw.decide(request('/users/42', DENIED_IP));
    assert.equal(sdk.spans().length, 0);
    const metrics = await sdk.metrics();
    assert.equal(metrics.get('portcullis.decisions')?.points.length, 1);
  });

  test('auth_method is recorded when an identity is present', async () => {
    const fw = await firewallWith({}, { guards: [identityGuard()] });
    await fw.decide(request('/users/42', ALLOWED_IP));
    const [span] = sdk.spans();
    assert.ok(span);
    assert.equal(span.attributes['portcullis.auth_method'], 'api-key');
  });

  test('guard annotations become span attributes (the reason behind a coarse code)', async () => {
    const fw = await firewallWith({}, { guards: [annotatedDenial()] });
    await fw.decide(request('/users/42', ALLOWED_IP));
    const [span] = sdk.spans();
    assert.ok(span);
    assert.equal(span.attributes['portcullis.code'], 'token_invalid');
    assert.equal(span.attributes['portcullis.annotation.auth.reason'], 'signature');
  });

  test('in_canary is recorded when a canary is configured', async () => {
    const fw = await firewallWith({}, { canary: { percent: 100 } });
    await fw.decide(request('/users/42', DENIED_IP));
    const [span] = sdk.spans();
    assert.ok(span);
    assert.equal(span.attributes['portcullis.in_canary'], true);
    assert.equal(span.attributes['portcullis.enforced'], true);
  });

  test('a guard error sets span status ERROR naming the guard and error code', async () => {
    const fw = await firewallWith({}, { guards: [throwingGuard()] });
    const decision = await fw.decide(request('/health', ALLOWED_IP));
    assert.equal(decision.outcome, 'allow', "onError 'allow' lets the request through");
    const [span] = sdk.spans();
    assert.ok(span);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(span.status.message, 'guard "flaky" failed: ERR_GUARD_FAILED');
    const event = span.events.find((e) => e.attributes?.['portcullis.guard'] === 'flaky');
    assert.equal(event?.attributes?.['portcullis.outcome'], 'error');
    assert.equal(event?.attributes?.['portcullis.error'], 'ERR_GUARD_FAILED');
    assert.equal(event?.attributes?.['portcullis.failure_mode'], 'allow');
  });
});

describe('decision spans in the active context', () => {
  const manager = new AsyncLocalContextManager();

  before(() => {
    assert.equal(context.setGlobalContextManager(manager), true);
  });
  beforeEach(() => {
    sdk = createOtelSdk();
  });
  afterEach(async () => {
    await firewall?.close();
    firewall = undefined;
    await sdk.shutdown();
  });
  after(() => {
    context.disable();
  });

  async function underParent(run: (fw: Firewall) => Promise<unknown>, fw: Firewall) {
    const parent = sdk.tracer.startSpan('GET /users/:id', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), parent), () => run(fw));
    parent.end();
    return parent;
  }

  test('the decision span is a child of the active (HTTP server) span', async () => {
    const fw = await firewallWith();
    const parent = await underParent((f) => f.decide(request('/users/42', DENIED_IP)), fw);
    const decisionSpan = sdk.spans().find((s) => s.name === 'portcullis.decision');
    assert.ok(decisionSpan);
    assert.equal(decisionSpan.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.equal(decisionSpan.spanContext().traceId, parent.spanContext().traceId);
  });

  test('the active span is left alone by default', async () => {
    const fw = await firewallWith();
    await underParent((f) => f.decide(request('/users/42', DENIED_IP)), fw);
    const server = sdk.spans().find((s) => s.name === 'GET /users/:id');
    assert.ok(server);
    assert.deepEqual(Object.keys(server.attributes).filter((k) => k.startsWith('portcullis.')), []);
  });

  test('activeSpanAttributes: true also sets the decision attributes on the active span', async () => {
    const fw = await firewallWith({ activeSpanAttributes: true, spans: 'none' });
    const decision = await fw.decide(request('/health', ALLOWED_IP));
    assert.equal(sdk.spans().length, 0, 'no active span, nothing recorded');
    await underParent((f) => f.decide(request('/users/42', DENIED_IP)), fw);
    const spans = sdk.spans();
    assert.equal(spans.length, 1, "only the server span: spans: 'none'");
    const server = spans[0]!;
    assert.equal(server.attributes['portcullis.outcome'], 'deny');
    assert.equal(server.attributes['portcullis.guard'], 'ip-filter');
    assert.equal(server.attributes['portcullis.route'], 'get-user');
    assert.equal(decision.outcome, 'allow');
  });
});
