/**
 * Shared helpers for core's unit tests (not a test file itself). Everything here builds real core
 * objects: there are no mocks of the engine, only small guards and sinks that record what they saw.
 */
import {
  createFirewall,
  defineGuard,
  type Decision,
  type Diagnostic,
  type Firewall,
  type Guard,
  type GuardOutcome,
  type Policy,
  type RequestInit,
  type Telemetry,
  type FirewallRequest,
  type GuardContext,
} from '../src/index.js';

/** A request with sensible defaults: GET / from 203.0.113.10, no headers, no body. */
export function request(overrides: Partial<RequestInit> = {}): RequestInit {
  return { method: 'GET', target: '/', headers: [], remoteAddress: '203.0.113.10', ...overrides };
}

/** Builds a firewall, waits for ready(), and returns it. */
export async function firewall(policy: Policy): Promise<Firewall> {
  const fw = createFirewall(policy);
  await fw.ready();
  return fw;
}

export async function decide(policy: Policy, init: Partial<RequestInit> = {}): Promise<Decision> {
  const fw = await firewall(policy);
  return fw.decide(request(init));
}

/** A telemetry sink that records every decision and diagnostic it receives. */
export interface RecordingTelemetry extends Telemetry {
  readonly decisions: Decision[];
  readonly diagnostics: Diagnostic[];
}

export function recordingTelemetry(): RecordingTelemetry {
  const decisions: Decision[] = [];
  const diagnostics: Diagnostic[] = [];
  return {
    decisions,
    diagnostics,
    onDecision(decision) {
      decisions.push(decision);
    },
    onDiagnostic(diagnostic) {
      diagnostics.push(diagnostic);
    },
  };
}

export interface TestGuardOptions {
  readonly id?: string;
  readonly phase?: Guard['phase'];
  readonly mode?: Guard['mode'];
  readonly onError?: Guard['onError'];
  readonly timeoutMs?: number;
  readonly ready?: () => Promise<void>;
  readonly close?: () => Promise<void>;
  readonly evaluate: (request: FirewallRequest, context: GuardContext) => GuardOutcome | Promise<GuardOutcome>;
}

/** A guard definition built with the public `defineGuard`, as a guard package would. */
export function testGuard(options: TestGuardOptions) {
  return defineGuard('test', () => {
    const guard: Guard = {
      id: options.id ?? 'test',
      kind: 'test',
      phase: options.phase ?? 'request',
      mode: options.mode,
      onError: options.onError ?? 'deny',
      timeoutMs: options.timeoutMs,
      evaluate: options.evaluate,
      ...(options.ready === undefined ? {} : { ready: options.ready }),
      ...(options.close === undefined ? {} : { close: options.close }),
    };
    return Object.freeze(guard);
  });
}

/** A guard that always denies with a 403 `access_denied`. */
export function denyGuard(options: Partial<TestGuardOptions> = {}) {
  return testGuard({
    ...options,
    evaluate: options.evaluate ?? (() => ({ outcome: 'deny', status: 403, code: 'access_denied', title: 'Forbidden' })),
  });
}

/** Looks up a header in a rendered response or a decision's header list. */
export function header(headers: ReadonlyArray<readonly [string, string]> | undefined, name: string): string | undefined {
  return headers?.find(([n]) => n === name)?.[1];
}

export function headerValues(headers: ReadonlyArray<readonly [string, string]> | undefined, name: string): string[] {
  return (headers ?? []).filter(([n]) => n === name).map(([, v]) => v);
}

/** Parses a rendered problem body. */
export function problem(decision: Decision): Record<string, unknown> {
  assertDefined(decision.response, 'expected a rendered response');
  return JSON.parse(decision.response.body) as Record<string, unknown>;
}

export function assertDefined<T>(value: T | undefined, message: string): asserts value is T {
  if (value === undefined) throw new Error(message);
}

/** Flat rawHeaders layout, as Node gives it. */
export function raw(...pairs: [string, string][]): string[] {
  return pairs.flat();
}
