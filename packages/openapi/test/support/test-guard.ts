import { defineGuard, type FirewallRequest, type Guard, type GuardContext, type GuardDefinition, type GuardOutcome } from '@portcullis/core';

/**
 * A guard made with the public `defineGuard`, as a guard package would, for the contract guard's
 * tests (an identity to verify a scheme with, an operation's own guard). Built on the package's
 * `@portcullis/core` (core's own test helper builds on core's sources, whose guard type differs).
 */
export function testGuard(options: {
  readonly id: string;
  readonly phase: Guard['phase'];
  readonly evaluate: (request: FirewallRequest, context: GuardContext) => GuardOutcome;
}): GuardDefinition {
  return defineGuard(options.id, () =>
    Object.freeze<Guard>({ id: options.id, kind: options.id, phase: options.phase, mode: undefined, onError: 'deny', timeoutMs: undefined, evaluate: options.evaluate }),
  );
}
