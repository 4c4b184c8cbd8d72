/**
 * Test support (not a test file): real firewalls built with core, a telemetry sink that records
 * what core decided, and two small guards made with `defineGuard` the way a guard package would.
 */
import { ALLOW, createFirewall, defineGuard, type Decision, type Firewall, type Guard, type GuardOutcome, type Policy, type Telemetry } from '@portcullis/core';

export interface Recorder extends Telemetry {
  readonly decisions: Decision[];
  /** The decision core reported for the request that carried this id. */
  byRequestId(id: string | undefined): Decision;
}

export function recorder(): Recorder {
  const decisions: Decision[] = [];
  return {
    decisions,
    onDecision: (decision) => void decisions.push(decision),
    onDiagnostic: () => undefined,
    byRequestId(id) {
      const found = decisions.find((d) => d.requestId === id);
      if (found === undefined) throw new Error(`no decision was reported for request id ${String(id)}`);
      return found;
    },
  };
}

/** Request phase; registers a response hook that rewrites the header the handler set. */
export const rewriteGuard = defineGuard('test-rewrite', () =>
  Object.freeze<Guard>({
    id: 'test-rewrite',
    kind: 'test-rewrite',
    phase: 'request' as const,
    mode: undefined,
    onError: 'deny' as const,
    timeoutMs: undefined,
    evaluate(_request, context) {
      context.onResponse((response) => response.setHeader('x-app', 'rewritten'));
      return ALLOW;
    },
  }),
);

/** Reports what the adapter's TLS reader produced, as annotations on the decision. */
export const tlsProbeGuard = defineGuard('test-tls-probe', () =>
  Object.freeze<Guard>({
    id: 'test-tls-probe',
    kind: 'test-tls-probe',
    phase: 'request' as const,
    mode: undefined,
    onError: 'deny' as const,
    timeoutMs: undefined,
    evaluate(request): GuardOutcome {
      const peer = request.tls();
      if (peer === undefined) return { outcome: 'allow', annotations: { 'tls.present': false } };
      return {
        outcome: 'allow',
        annotations: {
          'tls.present': true,
          'tls.authorized': peer.authorized,
          'tls.cn': peer.subject?.['CN'] ?? '',
          'tls.org': peer.subject?.['O'] ?? '',
          'tls.san': peer.subjectAltName ?? '',
          'tls.fingerprint256': peer.fingerprint256 ?? '',
        },
      };
    },
  }),
);

/** The routes every adapter test uses. Unmatched paths are allowed (the policy default). */
export function testPolicy(telemetry: Telemetry, extra: Partial<Policy> = {}): Policy {
  return {
    routes: [
      { path: '/items', methods: ['GET', 'POST'] },
      { path: '/upload', methods: ['POST'], limits: { bodyBytes: 1024 } },
      { path: '/rewrite', guards: [rewriteGuard] },
      { path: '/api/items', methods: ['GET'] },
      { path: '/tls', guards: [tlsProbeGuard] },
    ],
    telemetry,
    ...extra,
  };
}

export async function testFirewall(extra: Partial<Policy> = {}): Promise<{ firewall: Firewall; recorded: Recorder }> {
  const recorded = recorder();
  const firewall = createFirewall(testPolicy(recorded, extra));
  await firewall.ready();
  return { firewall, recorded };
}

/** A Firewall whose `decide` fails unexpectedly: stands in for a bug inside Portcullis. */
export function brokenFirewall(real: Firewall): Firewall {
  return {
    get policyVersion() {
      return real.policyVersion;
    },
    ready: () => real.ready(),
    begin: (init) => real.begin(init),
    update: (policy) => real.update(policy),
    close: () => real.close(),
    decide: () => Promise.reject(new Error('internal failure with a secret detail')),
  };
}
