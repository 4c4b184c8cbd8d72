import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { metrics, trace, type Meter, type Span, type Tracer } from '@opentelemetry/api';
import { createFirewall, PolicyError, type Decision, type Firewall, type Policy } from '@portcullis/core';
import { otelTelemetry, SCOPE_NAME, VERSION, type OtelTelemetryOptions } from '../src/index.js';
import { createOtelSdk, pointWith, type OtelSdk } from './support/otel-sdk.js';
import { ALLOWED_IP, DENIED_IP, PII_PATH, PII_SUBJECT, basePolicy, identityGuard, request, throwingGuard } from './support/policy.js';

let sdk: OtelSdk;
let firewall: Firewall | undefined;

async function firewallWith(telemetryOptions: OtelTelemetryOptions, policy: Partial<Policy> = {}): Promise<Firewall> {
  firewall = createFirewall(basePolicy({ ...policy, telemetry: otelTelemetry(telemetryOptions) }));
  await firewall.ready();
  return firewall;
}

describe('never breaks a request', () => {
  beforeEach(() => {
    sdk = createOtelSdk();
  });
  afterEach(async () => {
    await firewall?.close();
    firewall = undefined;
    await sdk.shutdown();
  });

  test('a tracer that throws: decide() still decides, and metrics are still recorded', async () => {
    let calls = 0;
    const broken: Tracer = {
      startSpan() {
        calls++;
        throw new Error('exporter exploded');
      },
      startActiveSpan() {
        throw new Error('exporter exploded');
      },
    };
    const fw = await firewallWith({ tracer: broken, meter: sdk.meter });
    const decision = await fw.decide(request('/users/1', DENIED_IP));
    assert.equal(decision.outcome, 'deny');
    assert.equal(decision.response?.status, 403);
    assert.equal(calls, 1, 'the broken tracer was really called');
    // Core also guards its telemetry sinks; called directly, ours must not throw either.
    const telemetry = otelTelemetry({ tracer: broken, meter: sdk.meter, activeSpanAttributes: true });
    assert.doesNotThrow(() => telemetry.onDecision(decision));
    assert.equal(calls, 2);
    const decisions = (await sdk.metrics()).get('portcullis.decisions');
    assert.equal(decisions?.points.length, 1);
    assert.equal(decisions?.points[0]?.value, 2, 'metrics recorded for both, despite the tracer');
  });

  test('a span whose methods throw is still ended, and decide() is unaffected', async () => {
    let ended = 0;
    const real = sdk.tracer;
    const tracer: Tracer = {
      startSpan(name, options, ctx) {
        const span = real.startSpan(name, options, ctx);
        return new Proxy(span, {
          get(target, key: keyof Span) {
            if (key === 'addEvent' || key === 'setStatus') return () => {
              throw new Error('broken span');
            };
            if (key === 'end') return (...args: Parameters<Span['end']>) => {
              ended++;
              target.end(...args);
            };
            const value = target[key];
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      },
      startActiveSpan: real.startActiveSpan.bind(real),
    };
    const fw = await firewallWith({ tracer, meter: sdk.meter }, { guards: [throwingGuard()] });
    const decision = await fw.decide(request('/health', ALLOWED_IP));
    assert.equal(decision.outcome, 'allow');
    assert.equal(ended, 1);
    assert.equal(sdk.spans().length, 1);
  });

  test('a meter that throws: decide() still decides, and spans are still recorded', async () => {
    const broken = {
      createCounter() {
        throw new Error('no meter today');
      },
      createHistogram() {
        throw new Error('no meter today');
      },
    } as unknown as Meter;
    const fw = await firewallWith({ tracer: sdk.tracer, meter: broken });
    const decision = await fw.decide(request('/users/1', DENIED_IP));
    assert.equal(decision.outcome, 'deny');
    assert.equal(sdk.spans().length, 1);
  });

  test('onDecision and onDiagnostic never throw, even for malformed input', () => {
    const telemetry = otelTelemetry({ tracer: sdk.tracer, meter: sdk.meter, activeSpanAttributes: true });
    assert.doesNotThrow(() => telemetry.onDecision(null as unknown as Decision));
    assert.doesNotThrow(() => telemetry.onDecision({ results: 42 } as unknown as Decision));
    assert.doesNotThrow(() => telemetry.onDiagnostic(undefined as unknown as Parameters<typeof telemetry.onDiagnostic>[0]));
  });
});

describe('privacy', () => {
  beforeEach(() => {
    sdk = createOtelSdk();
  });
  afterEach(async () => {
    await firewall?.close();
    firewall = undefined;
    await sdk.shutdown();
  });

  test('no path, client address, subject, client id, claims or error message is recorded', async () => {
    const fw = await firewallWith({ tracer: sdk.tracer, meter: sdk.meter }, { guards: [identityGuard(), throwingGuard()] });
    const target = `${PII_PATH}?email=${encodeURIComponent(PII_SUBJECT)}`;
    const denied = await fw.decide(request(target, DENIED_IP, ['x-forwarded-for', '192.0.2.99']));
    const allowed = await fw.decide(request(target, ALLOWED_IP));
    assert.equal(denied.outcome, 'deny');
    assert.equal(allowed.outcome, 'allow');
    assert.equal(allowed.identity?.subject, PII_SUBJECT, 'the identity really carried a subject');
    assert.equal(allowed.path, '/users/alice@example.com', 'the decision really carried the personal path');

    const spans = sdk.spans();
    assert.equal(spans.length, 2);
    assert.equal(spans[1]!.attributes['portcullis.auth_method'], 'api-key');
    const recorded = JSON.stringify({
      spans: spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
      metrics: [...(await sdk.metrics()).values()],
    });
    for (const secret of ['alice', 'example.com', '%40', DENIED_IP, ALLOWED_IP, '192.0.2.99', 'client-secret-owner', 'secret detail', 'email', 'scope-private-read']) {
      assert.equal(recorded.includes(secret), false, `"${secret}" must not be recorded`);
    }
  });

  test('metrics never carry the request id', async () => {
    const fw = await firewallWith({ tracer: sdk.tracer, meter: sdk.meter });
    const decision = await fw.decide(request('/users/1', DENIED_IP));
    assert.equal(sdk.spans()[0]?.attributes['portcullis.request_id'], decision.requestId, 'spans do carry it');
    const recorded = JSON.stringify([...(await sdk.metrics()).values()]);
    assert.equal(recorded.includes(decision.requestId), false);
    assert.equal(recorded.includes('request_id'), false);
  });
});

describe('options', () => {
  const invalid: [string, unknown, string][] = [
    ['options that are not an object', null, 'otel'],
    ['an unknown key', { span: 'all' }, 'otel.span'],
    ['an unknown span selection', { spans: 'some' }, 'otel.spans'],
    ['a non-boolean guardEvents', { guardEvents: 'yes' }, 'otel.guardEvents'],
    ['a non-boolean activeSpanAttributes', { activeSpanAttributes: 1 }, 'otel.activeSpanAttributes'],
    ['a tracer without startSpan', { tracer: {} }, 'otel.tracer'],
    ['a meter without instruments', { meter: { createCounter() {} } }, 'otel.meter'],
  ];
  for (const [what, options, path] of invalid) {
    test(`${what} throws a PolicyError naming ${path}`, () => {
      assert.throws(
        () => otelTelemetry(options as OtelTelemetryOptions),
        (error: unknown) => error instanceof PolicyError && error.code === 'ERR_POLICY_INVALID' && error.path === path,
      );
    });
  }

  test('no options and an empty object are valid', () => {
    assert.equal(typeof otelTelemetry().onDecision, 'function');
    assert.equal(typeof otelTelemetry({}).onDiagnostic, 'function');
  });
});

describe('global providers', () => {
  beforeEach(() => {
    sdk = createOtelSdk();
  });
  afterEach(async () => {
    trace.disable();
    metrics.disable();
    await firewall?.close();
    firewall = undefined;
    await sdk.shutdown();
  });

  test('without a tracer or meter, the global providers are used under the package scope', async () => {
    assert.equal(trace.setGlobalTracerProvider(sdk.tracerProvider), true);
    assert.equal(metrics.setGlobalMeterProvider(sdk.meterProvider), true);
    const fw = await firewallWith({});
    await fw.decide(request('/users/1', DENIED_IP));
    const [span] = sdk.spans();
    assert.equal(span?.name, 'portcullis.decision');
    assert.equal(span?.instrumentationScope.name, SCOPE_NAME);
    assert.equal(span?.instrumentationScope.version, VERSION);
    const decisions = (await sdk.metrics()).get('portcullis.decisions');
    assert.equal(decisions?.points.length, 1);
  });

  test('providers registered after the firewall was built are picked up', async () => {
    const fw = await firewallWith({});
    await fw.decide(request('/users/1', DENIED_IP));
    trace.setGlobalTracerProvider(sdk.tracerProvider);
    metrics.setGlobalMeterProvider(sdk.meterProvider);
    await fw.decide(request('/users/2', DENIED_IP));
    assert.equal(sdk.spans().length, 1, 'the decision before registration went to the no-op provider');
    const decisions = (await sdk.metrics()).get('portcullis.decisions');
    const point = pointWith(decisions, {
      'portcullis.outcome': 'deny',
      'portcullis.enforced': true,
      'portcullis.guard': 'ip-filter',
      'portcullis.code': 'ip_denied',
      'portcullis.route': 'get-user',
    });
    assert.equal(point?.value, 1);
  });
});
