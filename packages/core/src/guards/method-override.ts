import type { Guard } from '../guard.js';
import { ALLOW } from '../guard.js';
import { coreDeny } from './common.js';

/**
 * Refuses method-override headers. Frameworks and middlewares that honour them let a client turn a
 * GET that passed the firewall's GET rules into a DELETE behind it.
 */
export const METHOD_OVERRIDE_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override'] as const;

const REFUSED = coreDeny('method_override_refused');

export function compileMethodOverride(): Guard {
  return Object.freeze<Guard>({
    id: 'method-override',
    kind: 'method-override',
    phase: 'request' as const,
    mode: undefined,
    onError: 'deny' as const,
    timeoutMs: undefined,
    evaluate(request) {
      for (const name of METHOD_OVERRIDE_HEADERS) if (request.headers.has(name)) return REFUSED;
      if (request.query.has('_method')) return REFUSED;
      return ALLOW;
    },
  });
}
