import type { Decision } from './engine/decision.js';
import type { ResponseView } from './guard.js';

/**
 * Runs the response-phase hooks of a decision against a response view. Adapters call this just
 * before headers are written. A hook that throws is skipped: the response still goes out.
 */
export function runResponseHooks(decision: Decision, response: ResponseView): void {
  for (const hook of decision.responseHooks) {
    try {
      hook(response);
    } catch {
      // A response hook must never turn a good response into a crash.
    }
  }
}
