import type { DenyOutcome, Guard } from '../guard.js';
import { ALLOW } from '../guard.js';
import { coreDeny } from '../guards/common.js';
import type { ResolvedLimits } from '../guards/request-limits.js';
import type { BodyOptions, BodyProblem } from './request.js';
import { EngineRequest } from './request.js';

/**
 * The denials of one body guard, built once per route. A body that stopped part-way (over the cap,
 * cut off, too slow) cannot be handed on intact, so those are enforced even in monitor mode (see
 * docs/modes-and-failures.md). Limits ride as extensions, rendered only with `exposeDetails`.
 */
function denialsFor(limits: ResolvedLimits): Record<BodyProblem, DenyOutcome> {
  const cut = { headers: [['connection', 'close']] as const, evenInMonitor: true };
  return {
    body_too_large: coreDeny('body_too_large', { ...cut, extensions: { limit: limits.bodyBytes } }),
    body_incomplete: coreDeny('body_incomplete', cut),
    request_timeout: coreDeny('request_timeout', cut),
    body_invalid_utf8: coreDeny('body_invalid_utf8'),
    form_invalid: coreDeny('form_invalid'),
    unsupported_media_type: coreDeny('unsupported_media_type'),
    content_encoding_unsupported: coreDeny('content_encoding_unsupported'),
    json_invalid: coreDeny('json_invalid'),
    json_duplicate_key: coreDeny('json_duplicate_key'),
    json_forbidden_key: coreDeny('json_forbidden_key'),
    json_too_deep: coreDeny('json_too_deep', { extensions: { limit: limits.jsonDepth } }),
    json_too_many_keys: coreDeny('json_too_many_keys', { extensions: { limit: limits.jsonKeys } }),
    json_array_too_long: coreDeny('json_array_too_long', { extensions: { limit: limits.jsonArrayLength } }),
  };
}

/**
 * The first body-phase guard: reads the body once with the byte cap, parses it by media type and
 * enforces the JSON limits. Later body guards (contract, GraphQL) call `request.body()` and get the
 * value this guard produced, which is also what the handler receives.
 */
export function compileBodyGuard(limits: ResolvedLimits, options: BodyOptions, mode: Guard['mode']): Guard {
  const denials = denialsFor(limits);
  return Object.freeze<Guard>({
    id: 'body',
    kind: 'body',
    phase: 'body' as const,
    mode,
    onError: 'deny' as const,
    // The reader bounds itself with `limits.bodyTimeoutMs`; no second timer per request.
    timeoutMs: Number.POSITIVE_INFINITY,
    evaluate(request, context) {
      if (!(request instanceof EngineRequest) || !request.mayHaveBody) return ALLOW;
      return request.loadBody(limits, options, context.mode === 'monitor').then((load) => (load.ok ? ALLOW : denials[load.problem]));
    },
  });
}
