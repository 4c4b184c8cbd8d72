import type { Decision } from '../engine/decision.js';
import type { Diagnostic, Telemetry } from './telemetry.js';
import { PolicyError } from '../errors.js';
import { child, readBoolean, readEnum, readObject, type PolicyPath } from '../policy/reader.js';

/**
 * One line per decision for logs. Redacted by default: no query string, headers, body, token, or
 * client address; the concrete path only when asked (it can carry personal data such as
 * `/users/alice@example.com`), otherwise the matched route pattern.
 */
export interface DecisionEvent {
  readonly time: string;
  readonly requestId: string;
  readonly method: string;
  readonly route: string | undefined;
  readonly path?: string;
  readonly outcome: Decision['outcome'];
  readonly enforced: boolean;
  readonly mode: Decision['mode'];
  readonly guard: string | undefined;
  readonly code: string | undefined;
  readonly status: number | undefined;
  readonly errors: readonly string[];
  readonly durationMs: number;
  readonly policyVersion: string;
  readonly authMethod?: string;
  readonly clientId?: string;
  readonly clientIp?: string;
  /** Guards' annotations, e.g. `{ 'auth.reason': 'signature' }` behind a coarse `token_invalid`. */
  readonly annotations?: Readonly<Record<string, string | number | boolean>>;
}

/** The part of a pino (or pino-compatible) logger the sink uses. */
export interface LoggerLike {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface DecisionEventOptions {
  readonly sink: ((event: DecisionEvent | DiagnosticEvent) => void) | LoggerLike;
  /** `denied` (default): decisions that denied or errored, enforced or not; `all`: every decision. */
  readonly include?: 'denied' | 'all';
  readonly includePath?: boolean;
  readonly includeClientIp?: boolean;
}

export interface DiagnosticEvent {
  readonly time: string;
  readonly diagnostic: Diagnostic;
}

function isLogger(value: unknown): value is LoggerLike {
  return typeof value === 'object' && value !== null && typeof (value as LoggerLike).info === 'function' && typeof (value as LoggerLike).warn === 'function' && typeof (value as LoggerLike).error === 'function';
}

export function compileDecisionEvents(options: unknown, path: PolicyPath, clock: () => number): Telemetry {
  const o = readObject(options, path, ['sink', 'include', 'includePath', 'includeClientIp']);
  const sink = o['sink'];
  if (typeof sink !== 'function' && !isLogger(sink)) {
    throw new PolicyError(child(path, 'sink'), 'expected a function or a logger with info, warn and error methods');
  }
  const include = readEnum(o['include'], child(path, 'include'), ['denied', 'all'], 'denied');
  const includePath = readBoolean(o['includePath'], child(path, 'includePath'), false);
  const includeClientIp = readBoolean(o['includeClientIp'], child(path, 'includeClientIp'), false);
  const emit = (event: DecisionEvent | DiagnosticEvent, level: 'info' | 'warn' | 'error'): void => {
    if (typeof sink === 'function') (sink as (e: DecisionEvent | DiagnosticEvent) => void)(event);
    else (sink as LoggerLike)[level](event, 'portcullis');
  };
  return {
    onDecision(decision) {
      const errors = decision.results.filter((r) => r.outcome === 'error').map((r) => `${r.guard}:${r.error ?? 'error'}`);
      if (include === 'denied' && decision.outcome !== 'deny' && errors.length === 0) return;
      const event: Record<string, unknown> = {
        time: new Date(clock()).toISOString(),
        requestId: decision.requestId,
        method: decision.method,
        route: decision.route?.id,
        outcome: decision.outcome,
        enforced: decision.enforced,
        mode: decision.mode,
        guard: decision.guard,
        code: decision.code,
        status: decision.status,
        errors,
        durationMs: Math.round(decision.durationMs * 1000) / 1000,
        policyVersion: decision.policyVersion,
      };
      if (includePath && decision.path !== undefined) event['path'] = decision.path;
      if (decision.identity !== undefined) {
        event['authMethod'] = decision.identity.method;
        if (decision.identity.clientId !== undefined) event['clientId'] = decision.identity.clientId;
      }
      if (includeClientIp && decision.clientIp !== undefined) event['clientIp'] = decision.clientIp;
      // Guards' small facts (e.g. `auth.reason` behind a coarse `token_invalid`): fixed strings and
      // numbers by contract, never request data.
      if (Object.keys(decision.annotations).length > 0) event['annotations'] = decision.annotations;
      emit(event as unknown as DecisionEvent, decision.outcome === 'deny' && decision.enforced ? 'warn' : 'info');
    },
    onDiagnostic(diagnostic) {
      emit({ time: new Date(clock()).toISOString(), diagnostic }, diagnostic.severity);
    },
  };
}
