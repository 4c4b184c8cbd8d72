/**
 * The decision-event sink: one redacted line per decision for logs. No path unless includePath,
 * no client address unless includeClientIp, never the query, headers or body; `denied` (default)
 * vs `all`; a function sink or a pino-like logger.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DecisionEvent, DiagnosticEvent, LoggerLike, Policy } from '../src/index.js';
import { ALLOW } from '../src/index.js';
import { denyGuard, firewall, raw, request, testGuard } from './helpers.js';

type Event = DecisionEvent | DiagnosticEvent;

function isDecisionEvent(event: Event): event is DecisionEvent {
  return 'requestId' in event;
}

async function collect(events: Omit<NonNullable<Policy['events']>, 'sink'>, policy: Policy, inits: Parameters<typeof request>[0][]): Promise<Event[]> {
  const seen: Event[] = [];
  const fw = await firewall({ ...policy, events: { ...events, sink: (event: Event) => seen.push(event) }, clock: () => Date.UTC(2024, 0, 2, 3, 4, 5) });
  for (const init of inits) await fw.decide(request(init));
  return seen;
}

const secretRequest = {
  target: '/users/alice@example.com?token=SECRET-QUERY',
  headers: raw(['authorization', 'Bearer SECRET-HEADER'], ['cookie', 'sid=SECRET-COOKIE']),
  remoteAddress: '198.51.100.23',
};

describe('decision events', () => {
  it('by default emits denied decisions only, redacted', async () => {
    const events = await collect({}, { routes: [{ path: '/users/:id', id: 'user', guards: [denyGuard()] }] }, [{ target: '/' }, secretRequest]);
    const decisions = events.filter(isDecisionEvent);
    assert.equal(decisions.length, 1, 'the allowed request to / is not logged');
    const event = decisions[0]!;
    assert.equal(event.time, '2024-01-02T03:04:05.000Z');
    assert.equal(event.route, 'user');
    assert.equal(event.outcome, 'deny');
    assert.equal(event.enforced, true);
    assert.equal(event.code, 'access_denied');
    assert.equal(event.status, 403);
    assert.equal(event.method, 'GET');
    assert.equal(event.policyVersion, '1');
    assert.equal('path' in event, false, 'no concrete path by default');
    assert.equal('clientIp' in event, false, 'no client address by default');
    const text = JSON.stringify(event);
    for (const secret of ['SECRET', 'alice', '198.51.100.23']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  });

  it('includes the normalized path (never the query) and the client ip only when asked', async () => {
    const events = await collect({ includePath: true, includeClientIp: true }, { guards: [denyGuard()] }, [secretRequest]);
    const event = events.filter(isDecisionEvent)[0]!;
    assert.equal(event.path, '/users/alice@example.com');
    assert.equal(event.clientIp, '198.51.100.23');
    assert.ok(!JSON.stringify(event).includes('SECRET'));
  });

  it("include 'all' emits allowed decisions too; monitored denials count as denied", async () => {
    const all = await collect({ include: 'all' }, {}, [{}, {}]);
    assert.equal(all.filter(isDecisionEvent).length, 2);
    assert.equal(all.filter(isDecisionEvent)[0]?.outcome, 'allow');
    const monitored = await collect({}, { mode: 'monitor', guards: [denyGuard()] }, [{}]);
    const event = monitored.filter(isDecisionEvent)[0];
    assert.equal(event?.outcome, 'deny');
    assert.equal(event?.enforced, false);
    assert.equal(event?.mode, 'monitor');
  });

  it('emits allowed decisions that had a guard error, listing the errors', async () => {
    const failing = testGuard({
      id: 'flaky',
      onError: 'allow',
      evaluate() {
        throw new Error('x');
      },
    });
    const events = await collect({}, { guards: [failing] }, [{}]);
    const event = events.filter(isDecisionEvent)[0];
    assert.equal(event?.outcome, 'allow');
    assert.deepEqual(event?.errors, ['flaky:ERR_GUARD_FAILED']);
    const diagnostic = events.find((e): e is DiagnosticEvent => 'diagnostic' in e);
    assert.equal(diagnostic?.diagnostic.code, 'PC_GUARD_FAILED');
  });

  it('reports the identity method and client id, never the claims', async () => {
    const identify = testGuard({
      id: 'auth',
      phase: 'identity',
      evaluate: () => ({ outcome: 'allow', identity: { method: 'jwt', subject: 'alice', clientId: 'mobile-app', scopes: ['read'], roles: [], claims: { email: 'alice@example.com' } } }),
    });
    const events = await collect({ include: 'all' }, { guards: [identify, testGuard({ id: 'noop', evaluate: () => ALLOW })] }, [{}]);
    const event = events.filter(isDecisionEvent)[0]!;
    assert.equal(event.authMethod, 'jwt');
    assert.equal(event.clientId, 'mobile-app');
    assert.ok(!JSON.stringify(event).includes('alice'));
  });

  it('carries the annotations of a denial (the precise reason behind a coarse code)', async () => {
    const refuse = testGuard({
      id: 'auth',
      phase: 'identity',
      evaluate: () => ({ outcome: 'deny', status: 401, code: 'token_invalid', title: 'Invalid token', annotations: { 'auth.reason': 'signature' } }),
    });
    const events = await collect({}, { guards: [refuse] }, [{}]);
    const event = events.filter(isDecisionEvent)[0]!;
    assert.equal(event.code, 'token_invalid');
    assert.deepEqual(event.annotations, { 'auth.reason': 'signature' });
    const quiet = await collect({ include: 'all' }, { guards: [testGuard({ id: 'noop', evaluate: () => ALLOW })] }, [{}]);
    assert.equal(quiet.filter(isDecisionEvent)[0]!.annotations, undefined, 'no annotations, no field');
  });

  it('writes to a pino-like logger: warn for enforced denials, info otherwise, error for error diagnostics', async () => {
    const lines: { level: string; object: object; message: string | undefined }[] = [];
    const logger: LoggerLike = {
      info: (object, message) => void lines.push({ level: 'info', object, message }),
      warn: (object, message) => void lines.push({ level: 'warn', object, message }),
      error: (object, message) => void lines.push({ level: 'error', object, message }),
    };
    const fw = await firewall({
      events: { sink: logger, include: 'all' },
      routes: [
        { path: '/blocked', guards: [denyGuard()] },
        { path: '/watched', guards: [denyGuard({ mode: 'monitor' })] },
        { path: '/broken', guards: [testGuard({ id: 'broken', onError: 'allow', evaluate: () => { throw new Error('x'); } })] },
      ],
    });
    await fw.decide(request({ target: '/blocked' }));
    await fw.decide(request({ target: '/watched' }));
    await fw.decide(request({ target: '/ok' }));
    await fw.decide(request({ target: '/broken' }));
    const levels = lines.map((l) => `${l.level}:${'diagnostic' in l.object ? 'diagnostic' : (l.object as DecisionEvent).outcome}`);
    assert.deepEqual(levels, ['warn:deny', 'info:deny', 'info:allow', 'error:diagnostic', 'info:allow']);
    assert.ok(lines.every((l) => l.message === 'portcullis'));
  });

  it('events and telemetry both receive decisions', async () => {
    const seen: Event[] = [];
    const decisions: unknown[] = [];
    const fw = await firewall({
      events: { sink: (e: Event) => seen.push(e), include: 'all' },
      telemetry: { onDecision: (d) => decisions.push(d), onDiagnostic: () => undefined },
    });
    await fw.decide(request());
    assert.equal(seen.length, 1);
    assert.equal(decisions.length, 1);
  });
});
