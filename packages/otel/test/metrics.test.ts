import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { createFirewall, defineGuard, type Firewall, type Policy } from '@portcullis/core';
import { otelTelemetry, DURATION_BUCKETS_MS } from '../src/index.js';
import { AsyncLocalContextManager, createOtelSdk, pointWith, type OtelSdk } from './support/otel-sdk.js';
import { ALLOWED_IP, DENIED_IP, basePolicy, request, throwingGuard } from './support/policy.js';

let sdk: OtelSdk;
let firewall: Firewall | undefined;

async function firewallWith(policy: Partial<Policy> = {}): Promise<Firewall> {
  firewall = createFirewall(basePolicy({ ...policy, telemetry: otelTelemetry({ tracer: sdk.tracer, meter: sdk.meter }) }));
  await firewall.ready();
  return firewall;
}

interface HistogramValue {
  count: number;
  sum: number;
  buckets: { boundaries: number[]; counts: number[] };
}

describe('metrics', () => {
  beforeEach(() => {
    sdk = createOtelSdk();
  });
  afterEach(async () => {
    await firewall?.close();
    firewall = undefined;
    await sdk.shutdown();
  });

  test('portcullis.decisions counts by outcome, enforced, guard, code and route', async () => {
    const fw = await firewallWith();
    await fw.decide(request('/users/1', DENIED_IP));
    await fw.decide(request('/users/2', DENIED_IP));
    await fw.decide(request('/health', ALLOWED_IP));
    const decisions = (await sdk.metrics()).get('portcullis.decisions');
    assert.ok(decisions);
    assert.equal(decisions.points.length, 2);
    const denied = pointWith(decisions, {
      'portcullis.outcome': 'deny',
      'portcullis.enforced': true,
      'portcullis.guard': 'ip-filter',
      'portcullis.code': 'ip_denied',
      'portcullis.route': 'get-user',
    });
    assert.equal(denied?.value, 2, 'two requests to two concrete paths share one route series');
    const allowed = pointWith(decisions, { 'portcullis.outcome': 'allow', 'portcullis.enforced': true, 'portcullis.route': 'health' });
    assert.equal(allowed?.value, 1);
  });

  test('portcullis.decision.duration is a histogram in ms by outcome and route, with sub-millisecond buckets', async () => {
    const fw = await firewallWith();
    const first = await fw.decide(request('/users/1', DENIED_IP));
    const second = await fw.decide(request('/users/2', DENIED_IP));
    const duration = (await sdk.metrics()).get('portcullis.decision.duration');
    assert.ok(duration);
    assert.equal(duration.unit, 'ms');
    const point = pointWith(duration, { 'portcullis.outcome': 'deny', 'portcullis.route': 'get-user' });
    const value = point?.value as HistogramValue | undefined;
    assert.equal(value?.count, 2);
    assert.ok(Math.abs((value?.sum ?? 0) - (first.durationMs + second.durationMs)) < 1e-9);
    assert.deepEqual(value?.buckets.boundaries, [...DURATION_BUCKETS_MS]);
  });

  test('monitor mode: the would-be denial is recorded with enforced=false', async () => {
    const fw = await firewallWith({ mode: 'monitor' });
    const decision = await fw.decide(request('/users/1', DENIED_IP));
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.enforced, false);
    assert.equal(decision.response, undefined);
    const decisions = (await sdk.metrics()).get('portcullis.decisions');
    const point = pointWith(decisions, {
      'portcullis.outcome': 'deny',
      'portcullis.enforced': false,
      'portcullis.guard': 'ip-filter',
      'portcullis.code': 'ip_denied',
      'portcullis.route': 'get-user',
    });
    assert.equal(point?.value, 1);
    const [span] = sdk.spans();
    assert.equal(span?.attributes['portcullis.enforced'], false);
    assert.equal(span?.attributes['portcullis.mode'], 'monitor');
    assert.equal(span?.attributes['portcullis.outcome'], 'deny');
  });

  test('a throwing guard with onError allow: error counter, diagnostic counter and span status', async () => {
    const fw = await firewallWith({ guards: [throwingGuard()] });
    const decision = await fw.decide(request('/health', ALLOWED_IP));
    assert.equal(decision.outcome, 'allow');
    await fw.decide(request('/health', ALLOWED_IP));
    const metrics = await sdk.metrics();
    const errors = metrics.get('portcullis.guard.errors');
    assert.equal(pointWith(errors, { 'portcullis.guard': 'flaky', 'portcullis.error': 'ERR_GUARD_FAILED' })?.value, 2);
    assert.equal(errors?.points.length, 1);
    const diagnostics = metrics.get('portcullis.diagnostics');
    // Core reports a failing guard once per interval, so two failures give one diagnostic.
    assert.equal(pointWith(diagnostics, { 'portcullis.diagnostic.code': 'PC_GUARD_FAILED', 'portcullis.diagnostic.severity': 'error' })?.value, 1);
    const spans = sdk.spans();
    assert.equal(spans.length, 2);
    for (const span of spans) assert.equal(span.status.code, SpanStatusCode.ERROR);
  });

  test('a timed-out guard is counted with ERR_GUARD_TIMEOUT', async () => {
    const never = defineGuard('test-never', () =>
      Object.freeze({
        id: 'never',
        kind: 'test-never',
        phase: 'request' as const,
        mode: undefined,
        onError: 'allow' as const,
        timeoutMs: 1,
        // Never settles, so the timeout always wins whatever the machine's speed.
        evaluate: () => new Promise<never>(() => undefined),
      }),
    );
    const fw = await firewallWith({ guards: [never] });
    await fw.decide(request('/health', ALLOWED_IP));
    const errors = (await sdk.metrics()).get('portcullis.guard.errors');
    assert.equal(pointWith(errors, { 'portcullis.guard': 'never', 'portcullis.error': 'ERR_GUARD_TIMEOUT' })?.value, 1);
  });
});

describe('diagnostics', () => {
  const manager = new AsyncLocalContextManager();

  beforeEach(() => {
    sdk = createOtelSdk();
    context.setGlobalContextManager(manager);
  });
  afterEach(async () => {
    context.disable();
    await firewall?.close();
    firewall = undefined;
    await sdk.shutdown();
  });

  const spoofed = () => request('/health', ALLOWED_IP, ['x-forwarded-for', '192.0.2.1']);

  test('are counted by code and severity', async () => {
    const fw = await firewallWith();
    await fw.decide(spoofed());
    const diagnostics = (await sdk.metrics()).get('portcullis.diagnostics');
    assert.equal(
      pointWith(diagnostics, { 'portcullis.diagnostic.code': 'PC_UNTRUSTED_FORWARDED_HEADER', 'portcullis.diagnostic.severity': 'warn' })?.value,
      1,
    );
  });

  test('become an event on the active span', async () => {
    const fw = await firewallWith();
    const parent = sdk.tracer.startSpan('GET /health', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(context.active(), parent), () => fw.decide(spoofed()));
    parent.end();
    const server = sdk.spans().find((s) => s.name === 'GET /health');
    const event = server?.events.find((e) => e.name === 'portcullis.diagnostic');
    assert.ok(event, 'the server span carries the diagnostic');
    assert.equal(event.attributes?.['portcullis.diagnostic.code'], 'PC_UNTRUSTED_FORWARDED_HEADER');
    assert.equal(event.attributes?.['portcullis.diagnostic.severity'], 'warn');
    assert.equal(typeof event.attributes?.['portcullis.diagnostic.message'], 'string');
    const decisionSpan = sdk.spans().find((s) => s.name === 'portcullis.decision');
    assert.equal(decisionSpan?.events.some((e) => e.name === 'portcullis.diagnostic'), false);
  });

  test('without an active span are still counted, and nothing breaks', async () => {
    const telemetry = otelTelemetry({ tracer: sdk.tracer, meter: sdk.meter });
    telemetry.onDiagnostic({ code: 'PC_TEST', severity: 'info', message: 'a test notice', path: 'routes[0]' });
    const diagnostics = (await sdk.metrics()).get('portcullis.diagnostics');
    assert.equal(pointWith(diagnostics, { 'portcullis.diagnostic.code': 'PC_TEST', 'portcullis.diagnostic.severity': 'info' })?.value, 1);
    assert.equal(sdk.spans().length, 0);
  });
});
