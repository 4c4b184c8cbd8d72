import type { Decision } from '../engine/decision.js';

/** A one-time configuration or operational notice, with a stable code. */
export interface Diagnostic {
  /** e.g. `PC_UNTRUSTED_FORWARDED_HEADER`, `PC_GUARD_FAILED`. Listed in docs/errors.md. */
  readonly code: string;
  readonly severity: 'warn' | 'error' | 'info';
  readonly message: string;
  /** The guard concerned, if any. */
  readonly guard?: string;
  /** Policy path concerned, if any. */
  readonly path?: string;
}

/**
 * Telemetry receives every decision (in every mode) and every diagnostic. Implementations must be
 * cheap; core calls them inside try/catch so a broken exporter can never fail a request.
 */
export interface Telemetry {
  onDecision(decision: Decision): void;
  onDiagnostic(diagnostic: Diagnostic): void;
}

export const noopTelemetry: Telemetry = Object.freeze({
  onDecision() {},
  onDiagnostic() {},
});

/** Fans out to several telemetry sinks, isolating each from the others' failures. */
export function combineTelemetry(sinks: readonly Telemetry[]): Telemetry {
  if (sinks.length === 0) return noopTelemetry;
  if (sinks.length === 1) return safeTelemetry(sinks[0] as Telemetry);
  const safe = sinks.map(safeTelemetry);
  return {
    onDecision(decision) {
      for (const sink of safe) sink.onDecision(decision);
    },
    onDiagnostic(diagnostic) {
      for (const sink of safe) sink.onDiagnostic(diagnostic);
    },
  };
}

/** Wraps a sink so that nothing it throws escapes. */
export function safeTelemetry(sink: Telemetry): Telemetry {
  return {
    onDecision(decision) {
      try {
        sink.onDecision(decision);
      } catch {
        // Telemetry must never affect a request.
      }
    },
    onDiagnostic(diagnostic) {
      try {
        sink.onDiagnostic(diagnostic);
      } catch {
        // Telemetry must never affect a request.
      }
    },
  };
}

/**
 * Operational diagnostics repeat (a guard failing on every request, a key endpoint down): this
 * lets one through per key and interval. The map of last reports is bounded (cleared past 1,000 keys).
 */
export class DiagnosticThrottle {
  readonly #last = new Map<string, number>();
  readonly #intervalMs: number;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** True when a diagnostic with this key may be reported at `now` (and records it). */
  admit(key: string, now: number): boolean {
    const last = this.#last.get(key);
    if (last !== undefined && now - last < this.#intervalMs) return false;
    if (this.#last.size > 1_000) this.#last.clear();
    this.#last.set(key, now);
    return true;
  }
}
