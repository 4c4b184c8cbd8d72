/**
 * Guards the scenarios need that core does not ship: made with core's `defineGuard`, exactly as a
 * third-party guard package would, so the adapters see nothing special about them.
 */
import { ALLOW, defineGuard, type DenyOutcome, type FailureMode, type Guard, type GuardDefinition, type GuardPhase } from '@portcullis/core';

interface TestGuardOptions {
  readonly id: string;
  readonly phase?: GuardPhase;
  readonly onError?: FailureMode;
  readonly timeoutMs?: number;
  readonly evaluate: Guard['evaluate'];
}

export function testGuard(options: TestGuardOptions): GuardDefinition {
  return defineGuard(options.id, () =>
    Object.freeze<Guard>({
      id: options.id,
      kind: options.id,
      phase: options.phase ?? 'request',
      mode: undefined,
      onError: options.onError ?? 'deny',
      timeoutMs: options.timeoutMs,
      evaluate: options.evaluate,
    }),
  );
}

const ACCESS_DENIED: DenyOutcome = Object.freeze({ outcome: 'deny', status: 403, code: 'access_denied', title: 'Forbidden' });

/** Denies `/users/:id` when the decoded `id` parameter is `blocked` (proves params reach guards). */
export const blockedUser = (): GuardDefinition =>
  testGuard({
    id: 'blocked-user',
    phase: 'authorization',
    evaluate: (request) => (request.params['id'] === 'blocked' ? ACCESS_DENIED : ALLOW),
  });

/** A guard that throws synchronously; the message carries a marker that must never be answered. */
export const throwingGuard = (onError: FailureMode, marker: string): GuardDefinition =>
  testGuard({
    id: 'throwing',
    onError,
    evaluate: () => {
      throw new Error(`guard exploded near ${marker}`);
    },
  });

/** A guard whose promise rejects. */
export const rejectingGuard = (onError: FailureMode): GuardDefinition =>
  testGuard({ id: 'rejecting', onError, evaluate: () => Promise.reject(new Error('store unreachable')) });

/** A guard whose promise never settles: only its timeout ends the wait. */
export const hangingGuard = (onError: FailureMode): GuardDefinition =>
  testGuard({ id: 'hanging', onError, timeoutMs: 50, evaluate: () => new Promise(() => undefined) });

/** Response phase: rewrites the handler's `x-app: original` to `rewritten`, and reports the status it saw. */
export const rewriteGuard = (): GuardDefinition =>
  testGuard({
    id: 'rewrite',
    evaluate: (_request, context) => {
      context.onResponse((response) => {
        if (response.getHeader('x-app') === 'original') response.setHeader('x-app', 'rewritten');
        response.setHeader('x-seen-status', String(response.status));
      });
      return ALLOW;
    },
  });

/** Response phase: a hook that throws must not break the response. */
export const throwingHookGuard = (): GuardDefinition =>
  testGuard({
    id: 'throwing-hook',
    evaluate: (_request, context) => {
      context.onResponse(() => {
        throw new Error('hook failed');
      });
      return ALLOW;
    },
  });

/** Response phase on the body stage: proves hooks registered after the body was read still run. */
export const bodyStageHookGuard = (): GuardDefinition =>
  testGuard({
    id: 'body-stage-hook',
    phase: 'body',
    evaluate: async (request, context) => {
      const body = await request.body();
      context.onResponse((response) => response.setHeader('x-body-kind', body.kind));
      return ALLOW;
    },
  });
