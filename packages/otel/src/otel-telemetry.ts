import { SpanKind, SpanStatusCode, context, diag, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Decision, Diagnostic, Telemetry } from '@portcullis/core';
import {
  PORTCULLIS_SPANS,
  decisionMetricAttributes,
  decisionSpanAttributes,
  diagnosticEventAttributes,
  diagnosticMetricAttributes,
  durationMetricAttributes,
  guardErrorMetricAttributes,
  guardEventAttributes,
} from './attributes.js';
import { meterBinding, tracerBinding, type Instruments } from './instruments.js';
import { readOptions, type OtelTelemetryOptions, type ResolvedOptions } from './options.js';

/** Wall-clock milliseconds with sub-millisecond precision (decisions often take microseconds). */
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

function hasGuardError(decision: Decision): boolean {
  for (const result of decision.results) if (result.outcome === 'error') return true;
  return false;
}

function wantsSpan(options: ResolvedOptions, decision: Decision): boolean {
  if (options.spans === 'all') return true;
  if (options.spans === 'none') return false;
  return decision.outcome === 'deny' || hasGuardError(decision);
}

function recordMetrics(instruments: Instruments, decision: Decision): void {
  instruments.decisions.add(1, decisionMetricAttributes(decision));
  instruments.duration.record(decision.durationMs, durationMetricAttributes(decision));
  for (const result of decision.results) {
    if (result.outcome === 'error') instruments.guardErrors.add(1, guardErrorMetricAttributes(result));
  }
}

/**
 * The decision is reported once it is made, so its span is recorded after the fact with explicit
 * times: it ends now and started `durationMs` earlier. It is a child of the active span (the HTTP
 * server span when the host instruments HTTP), which is still current when core reports.
 */
function recordSpan(tracer: Tracer, options: ResolvedOptions, decision: Decision): void {
  const end = epochMs();
  const start = end - decision.durationMs;
  const span = tracer.startSpan(
    PORTCULLIS_SPANS.decision,
    { kind: SpanKind.INTERNAL, startTime: start, attributes: decisionSpanAttributes(decision) },
    context.active(),
  );
  try {
    if (!span.isRecording()) return;
    // Guards run one after the other, so each event is placed at the end of its guard's share of
    // the decision time. An approximation: the engine's work between guards is not counted, and
    // untimed guards (synchronous ones, unless the policy sets `timings: 'all'`) take no share.
    let at = start;
    let failed: string | undefined;
    for (const result of decision.results) {
      if (result.durationMs !== undefined) at = Math.min(at + result.durationMs, end);
      if (options.guardEvents) span.addEvent(PORTCULLIS_SPANS.guardEvent, guardEventAttributes(result), at);
      if (result.outcome === 'error') failed ??= `guard "${result.guard}" failed: ${result.error ?? 'ERR_GUARD_FAILED'}`;
    }
    if (failed !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: failed });
  } finally {
    // Ended even when an event or the status failed, so that no span is left open.
    span.end(end);
  }
}

function activeSpan(): Span | undefined {
  const span = trace.getSpan(context.active());
  return span !== undefined && span.isRecording() ? span : undefined;
}

/** Reports telemetry failures through OpenTelemetry's own diagnostic logger, once per kind. */
function failureReporter(): (what: string, error: unknown) => void {
  const reported = new Set<string>();
  return (what, error) => {
    try {
      if (reported.has(what)) return;
      reported.add(what);
      diag.warn(`@portcullis/otel: ${what} failed and was skipped (reported once): ${error instanceof Error ? error.name : typeof error}`);
    } catch {
      // Even the logger must not affect a request.
    }
  };
}

/**
 * Telemetry for a Portcullis firewall on `@opentelemetry/api`: a span per decision, metrics, and
 * diagnostics as span events. Pass it as the policy's `telemetry`. Bad options throw a PolicyError
 * naming the option (`otel.spans`); after that nothing it does can throw into a request.
 */
export function otelTelemetry(options?: OtelTelemetryOptions): Telemetry {
  const resolved = readOptions(options);
  const instruments = meterBinding(resolved.meter);
  const tracer = tracerBinding(resolved.tracer);
  const fail = failureReporter();

  // Each part is isolated, so a broken tracer still leaves metrics (and the reverse); the outer
  // catch covers what the parts share (the decision itself may be malformed in a custom engine).
  return Object.freeze({
    onDecision(decision: Decision): void {
      try {
        try {
          recordMetrics(instruments(), decision);
        } catch (error) {
          fail('recording decision metrics', error);
        }
        if (wantsSpan(resolved, decision)) {
          try {
            recordSpan(tracer(), resolved, decision);
          } catch (error) {
            fail('recording the decision span', error);
          }
        }
        if (resolved.activeSpanAttributes) {
          try {
            activeSpan()?.setAttributes(decisionSpanAttributes(decision));
          } catch (error) {
            fail('annotating the active span', error);
          }
        }
      } catch (error) {
        fail('reporting a decision', error);
      }
    },
    onDiagnostic(diagnostic: Diagnostic): void {
      try {
        instruments().diagnostics.add(1, diagnosticMetricAttributes(diagnostic));
      } catch (error) {
        fail('counting a diagnostic', error);
      }
      try {
        activeSpan()?.addEvent(PORTCULLIS_SPANS.diagnosticEvent, diagnosticEventAttributes(diagnostic));
      } catch (error) {
        fail('adding a diagnostic event', error);
      }
    },
  });
}
