import { defineGuard, type GuardDefinition, type Identity, type Policy, type RequestInit } from '@portcullis/core';

/** The addresses the test policy denies; 203.0.113.0/24 is TEST-NET-3 (RFC 5737). */
export const DENIED_IP = '203.0.113.7';
export const ALLOWED_IP = '198.51.100.20';
/** A path that carries personal data: it must never reach telemetry. */
export const PII_PATH = '/users/alice%40example.com';
export const PII_SUBJECT = 'alice@example.com';

export const IDENTITY: Identity = Object.freeze({
  method: 'api-key',
  subject: PII_SUBJECT,
  clientId: 'client-secret-owner',
  scopes: ['scope-private-read'],
  roles: [],
  claims: { email: PII_SUBJECT },
});

/** An identity guard in the shape @portcullis/auth produces, built with core's defineGuard. */
export function identityGuard(): GuardDefinition {
  return defineGuard('test-identity', () =>
    Object.freeze({
      id: 'test-identity',
      kind: 'test-identity',
      phase: 'identity' as const,
      mode: undefined,
      onError: 'deny' as const,
      timeoutMs: undefined,
      evaluate: () => ({ outcome: 'allow' as const, identity: IDENTITY }),
    }),
  );
}

/** A guard that always throws; `onError: 'allow'` lets the request through. */
export function throwingGuard(): GuardDefinition {
  return defineGuard('test-throws', () =>
    Object.freeze({
      id: 'flaky',
      kind: 'test-throws',
      phase: 'request' as const,
      mode: undefined,
      onError: 'allow' as const,
      timeoutMs: undefined,
      evaluate: () => {
        throw new TypeError(`secret detail ${PII_SUBJECT}`);
      },
    }),
  );
}

export function basePolicy(extra: Partial<Policy> = {}): Policy {
  return {
    version: '7',
    ipFilter: { deny: ['203.0.113.0/24'] },
    routes: [
      { path: '/users/:id', methods: ['GET'], id: 'get-user' },
      { path: '/health', id: 'health' },
    ],
    ...extra,
  };
}

export function request(target: string, remoteAddress: string, headers: string[] = []): RequestInit {
  return { method: 'GET', target, headers, remoteAddress };
}

/** Refuses with a coarse code and the precise reason as an annotation, as identity guards do. */
export function annotatedDenial(): GuardDefinition {
  return defineGuard('test-annotated', () =>
    Object.freeze({
      id: 'test-annotated',
      kind: 'test-annotated',
      phase: 'identity' as const,
      mode: undefined,
      onError: 'deny' as const,
      timeoutMs: undefined,
      evaluate: () => ({ outcome: 'deny' as const, status: 401, code: 'token_invalid', title: 'Invalid token', annotations: { 'auth.reason': 'signature' } }),
    }),
  );
}
