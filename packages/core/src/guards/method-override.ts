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
      const headers = request.headers;
      for (let i = 0; i < METHOD_OVERRIDE_HEADERS.length; i++) if (headers.has(METHOD_OVERRIDE_HEADERS[i] as string)) return REFUSED;
      // The query is only parsed when there is one.
      if (request.rawQuery !== '' && request.query.has('_method')) return REFUSED;
      return ALLOW;
    },
  });
}
