import type { AllowOutcome, FirewallRequest, Guard, GuardContext, GuardOutcome, Identity } from '@portcullis/core';
import { ALLOW } from '@portcullis/core';

/**
 * Runs an operation's own guards (`operations.<id>.guards`) of one phase, in order: the first that
 * refuses or answers decides; allows are merged (identity, response headers, annotations). A guard
 * that throws refuses or allows by its own `onError`.
 */
export function runGuards(guards: readonly Guard[], request: FirewallRequest, context: GuardContext): GuardOutcome | Promise<GuardOutcome> {
  const merged: { identity?: Identity; headers: (readonly [string, string])[]; annotations: Record<string, string | number | boolean> } = { headers: [], annotations: {} };
  const step = (index: number): GuardOutcome | Promise<GuardOutcome> => {
    for (let i = index; i < guards.length; i++) {
      const guard = guards[i] as Guard;
      let outcome: GuardOutcome | Promise<GuardOutcome>;
      try {
        outcome = guard.evaluate(request, context);
      } catch (error) {
        if (guard.onError === 'deny') throw error;
        continue;
      }
      if (outcome instanceof Promise) {
        return outcome.then(
          (result) => (result.outcome === 'allow' ? (absorb(merged, result), step(i + 1)) : result),
          (error: unknown) => {
            if (guard.onError === 'deny') throw error;
            return step(i + 1);
          },
        );
      }
      if (outcome.outcome !== 'allow') return outcome;
      absorb(merged, outcome);
    }
    if (merged.identity === undefined && merged.headers.length === 0 && Object.keys(merged.annotations).length === 0) return ALLOW;
    const allow: AllowOutcome = {
      outcome: 'allow',
      ...(merged.identity === undefined ? {} : { identity: merged.identity }),
      ...(merged.headers.length === 0 ? {} : { responseHeaders: merged.headers }),
      ...(Object.keys(merged.annotations).length === 0 ? {} : { annotations: merged.annotations }),
    };
    return allow;
  };
  return step(0);
}

function absorb(merged: { identity?: Identity; headers: (readonly [string, string])[]; annotations: Record<string, string | number | boolean> }, outcome: AllowOutcome): void {
  if (outcome.identity !== undefined) merged.identity = outcome.identity;
  if (outcome.responseHeaders !== undefined) merged.headers.push(...outcome.responseHeaders);
  if (outcome.annotations !== undefined) Object.assign(merged.annotations, outcome.annotations);
}
