import type { Attributes } from '@opentelemetry/api';
import type { Decision, Diagnostic, GuardResult } from '@portcullis/core';

/**
 * Every attribute key this package writes. Values come from the Decision, never from the raw
 * request: no path, query, header, client address, subject or claim is ever recorded.
 */
export const PORTCULLIS_ATTRIBUTES = Object.freeze({
  outcome: 'portcullis.outcome',
  enforced: 'portcullis.enforced',
  mode: 'portcullis.mode',
  guard: 'portcullis.guard',
  code: 'portcullis.code',
  status: 'portcullis.status',
  policyVersion: 'portcullis.policy_version',
  route: 'portcullis.route',
  requestId: 'portcullis.request_id',
  inCanary: 'portcullis.in_canary',
  authMethod: 'portcullis.auth_method',
  durationMs: 'portcullis.duration_ms',
  error: 'portcullis.error',
  failureMode: 'portcullis.failure_mode',
  diagnosticCode: 'portcullis.diagnostic.code',
  diagnosticSeverity: 'portcullis.diagnostic.severity',
  diagnosticMessage: 'portcullis.diagnostic.message',
  diagnosticPolicyPath: 'portcullis.diagnostic.policy_path',
} as const);

/** Span and event names. */
export const PORTCULLIS_SPANS = Object.freeze({
  decision: 'portcullis.decision',
  guardEvent: 'portcullis.guard.result',
  diagnosticEvent: 'portcullis.diagnostic',
} as const);

const A = PORTCULLIS_ATTRIBUTES;
/** Span attributes for guard annotations: `portcullis.annotation.auth.reason`. */
const ANNOTATION_PREFIX = 'portcullis.annotation.';

/** Attributes of the decision span (and of the active span, when asked). Per request: may carry the request id. */
export function decisionSpanAttributes(decision: Decision): Attributes {
  const attributes: Attributes = {
    [A.outcome]: decision.outcome,
    [A.enforced]: decision.enforced,
    [A.mode]: decision.mode,
    [A.policyVersion]: decision.policyVersion,
    [A.requestId]: decision.requestId,
  };
  if (decision.guard !== undefined) attributes[A.guard] = decision.guard;
  if (decision.code !== undefined) attributes[A.code] = decision.code;
  if (decision.status !== undefined) attributes[A.status] = decision.status;
  // The route id comes from the policy; the concrete path can carry personal data and is never used.
  if (decision.route !== undefined) attributes[A.route] = decision.route.id;
  if (decision.inCanary !== undefined) attributes[A.inCanary] = decision.inCanary;
  // How the caller authenticated, never who they are (no subject, client id or claims).
  if (decision.identity !== undefined) attributes[A.authMethod] = decision.identity.method;
  // Guards' annotations (`auth.reason`, `graphql.cost`): fixed strings and numbers by contract.
  for (const [key, value] of Object.entries(decision.annotations)) attributes[`${ANNOTATION_PREFIX}${key}`] = value;
  return attributes;
}

/** Attributes of one guard-result span event. */
export function guardEventAttributes(result: GuardResult): Attributes {
  const attributes: Attributes = {
    [A.guard]: result.guard,
    [A.outcome]: result.outcome,
    [A.mode]: result.mode,
  };
  // Core times synchronous guards one by one only with `timings: 'all'`; otherwise there is no duration.
  if (result.durationMs !== undefined) attributes[A.durationMs] = result.durationMs;
  if (result.code !== undefined) attributes[A.code] = result.code;
  if (result.status !== undefined) attributes[A.status] = result.status;
  if (result.error !== undefined) attributes[A.error] = result.error;
  if (result.failureMode !== undefined) attributes[A.failureMode] = result.failureMode;
  return attributes;
}

/**
 * Metric attributes are bounded: outcome, mode and enforced are enums; guard ids, route ids and
 * deny codes come from the policy. Nothing request-specific (request id, path, address) goes here.
 */
export function decisionMetricAttributes(decision: Decision): Attributes {
  const attributes: Attributes = { [A.outcome]: decision.outcome, [A.enforced]: decision.enforced };
  if (decision.guard !== undefined) attributes[A.guard] = decision.guard;
  if (decision.code !== undefined) attributes[A.code] = decision.code;
  if (decision.route !== undefined) attributes[A.route] = decision.route.id;
  return attributes;
}

export function durationMetricAttributes(decision: Decision): Attributes {
  const attributes: Attributes = { [A.outcome]: decision.outcome };
  if (decision.route !== undefined) attributes[A.route] = decision.route.id;
  return attributes;
}

export function guardErrorMetricAttributes(result: GuardResult): Attributes {
  return { [A.guard]: result.guard, [A.error]: result.error ?? 'ERR_GUARD_FAILED' };
}

export function diagnosticMetricAttributes(diagnostic: Diagnostic): Attributes {
  return { [A.diagnosticCode]: diagnostic.code, [A.diagnosticSeverity]: diagnostic.severity };
}

/** The diagnostic as a span event: its message is written by Portcullis and holds no request data. */
export function diagnosticEventAttributes(diagnostic: Diagnostic): Attributes {
  const attributes: Attributes = {
    [A.diagnosticCode]: diagnostic.code,
    [A.diagnosticSeverity]: diagnostic.severity,
    [A.diagnosticMessage]: diagnostic.message,
  };
  if (diagnostic.guard !== undefined) attributes[A.guard] = diagnostic.guard;
  if (diagnostic.path !== undefined) attributes[A.diagnosticPolicyPath] = diagnostic.path;
  return attributes;
}
